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

use std::sync::Arc;

use axum::http::request::Parts;
use axum::routing::{MethodRouter, get, post};
use ipnet::IpNet;
use pratiche_app::paths;
use pratiche_db::DatabaseConnection;

use self::auth::{ApiTokens, ClientRows, TokenFailures};
use self::problem::ApiError;
use crate::rate_limit::{KeyedLimiter, client_address, peer_of};

/// What the API's handlers share.
#[derive(Clone)]
pub struct Api {
    pub db: DatabaseConnection,
    pub tokens: ApiTokens,
    /// Shared with the back office, which drops a client's row when it
    /// changes.
    pub client_rows: ClientRows,
    /// Per client (and per client id at the token endpoint); `None` is off,
    /// and so is the count of failed token requests.
    pub limiter: Option<KeyedLimiter<String>>,
    /// Failed token requests per client address.
    pub token_failures: TokenFailures,
    /// Absolute URLs (a pratica's public page) start with this.
    pub public_url: Arc<str>,
    pub trusted_proxies: Arc<[IpNet]>,
}

impl Api {
    /// 429 when `key` is over its limit.
    fn limit(&self, key: &str) -> Result<(), ApiError> {
        match self
            .limiter
            .as_ref()
            .and_then(|limiter| limiter.check(&key.to_owned()))
        {
            Some(retry_after_secs) => Err(ApiError::RateLimited { retry_after_secs }),
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

/// Every route of the API, by path. The router is built from this table;
/// the contract test checks that the OpenAPI document names the same paths.
pub fn api_routes() -> Vec<(&'static str, MethodRouter<Api>)> {
    vec![
        ("/api/v1/token", post(auth::token)),
        ("/api/v1/procedure-types", get(procedures::list)),
        (
            "/api/v1/pratiche",
            post(cases::create).get(cases::by_reference),
        ),
        ("/api/v1/pratiche/{code}", get(cases::by_code)),
        ("/api/v1/pratiche/{code}/events", post(events::push)),
        ("/api/v1/events/batch", post(events::batch)),
        ("/api/v1/changes", get(changes::feed)),
        ("/api/v1/openapi.json", get(openapi::document)),
        ("/api/v1/docs", get(openapi::reference)),
    ]
}
