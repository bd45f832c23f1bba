//! The integration API under `/api/v1`: plain axum routes, JSON in and out,
//! errors as problem+json. Checks run in a fixed order: authentication
//! (401), scoping to the client's body (404, never 403), size (413), then
//! validation (422). Every write carries an idempotency key.

pub mod auth;
pub mod cases;
pub mod changes;
pub mod events;
pub mod idempotency;
pub mod input;
pub mod openapi;
pub mod problem;
pub mod procedures;
pub mod webhooks;

use std::sync::Arc;

use axum::http::request::Parts;
use ipnet::IpNet;
use pratiche_app::paths;
use pratiche_db::DatabaseConnection;
use pratiche_db::group_commit::GroupCommit;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::auth::{ApiTokens, ClientRows, TokenFailures};
use self::problem::ApiError;
use crate::rate_limit::{KeyedLimiter, client_address, peer_of};
use crate::secrets::SecretsKey;
use pratiche_domain::webhook::OutboundPolicy;

/// What the API's handlers share.
#[derive(Clone)]
pub struct Api {
    pub db: DatabaseConnection,
    /// API writes, committed in groups.
    pub writes: GroupCommit,
    pub tokens: ApiTokens,
    /// Shared with the back office, which drops a client's row when it
    /// changes.
    pub client_rows: ClientRows,
    /// Per client (and per client id at the token endpoint); `None` is off,
    /// and so is the count of failed token requests.
    pub limiter: Option<KeyedLimiter>,
    /// Failed token requests per client address.
    pub token_failures: TokenFailures,
    /// Absolute URLs (a pratica's public page) start with this.
    pub public_url: Arc<str>,
    pub trusted_proxies: Arc<[IpNet]>,
    /// Seals webhook secrets; without it there are no webhooks.
    pub secrets: Option<SecretsKey>,
    /// What webhook endpoints may be.
    pub outbound: OutboundPolicy,
}

impl Api {
    /// 429 when `key` is over its limit.
    async fn limit(&self, key: &str) -> Result<(), ApiError> {
        let wait = match &self.limiter {
            Some(limiter) => limiter.check(key).await,
            None => None,
        };
        match wait {
            Some(retry_after_secs) => {
                metrics::counter!(crate::metrics::RATE_LIMITED, "limit" => "api").increment(1);
                Err(ApiError::RateLimited { retry_after_secs })
            }
            None => Ok(()),
        }
    }

    /// The address a request came from, for the audit log.
    fn client_address(&self, parts: &Parts) -> String {
        client_address(peer_of(parts).ip(), &parts.headers, &self.trusted_proxies).to_string()
    }

    /// The public page of a pratica.
    pub fn public_page(&self, code: pratiche_domain::CaseCode) -> String {
        format!("{}{}", self.public_url, paths::case_page(code))
    }
}

/// Every operation of the API, once: utoipa-axum builds both the router
/// (each handler at the path and method of its `#[utoipa::path]`) and the
/// OpenAPI document from this list.
pub fn api_router() -> OpenApiRouter<Api> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(auth::token))
        .routes(routes!(procedures::list))
        .routes(routes!(cases::create, cases::by_reference))
        .routes(routes!(cases::by_code))
        .routes(routes!(events::push))
        .routes(routes!(events::batch))
        .routes(routes!(changes::feed))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::update))
        .routes(routes!(webhooks::rotate_secret))
        .routes(routes!(webhooks::send_test))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::resend))
        .routes(routes!(openapi::document))
        .routes(routes!(openapi::reference))
}
