//! Machine clients: the OAuth 2 client-credentials grant at
//! `POST /api/v1/token`, and the [`ApiClient`] extractor that every other
//! operation takes. Tokens are HS256 JWTs of at most 10 minutes with the
//! API's own audience. The client's row is checked on every request, from a
//! cache of a few seconds that the back office empties when it disables a
//! client: disabling takes effect at once.
//!
//! The token endpoint, the bearer extractor and the client-row cache: the
//! API's whole authentication, and its tests.

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use moka::sync::Cache;
use pratiche_db::api_clients;
use pratiche_db::audit::{Actor, AuditSource};
use pratiche_db::entity::api_client;
use pratiche_db::{DatabaseConnection, DbErr};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use utoipa::ToSchema;

use super::Api;
use super::input::read_body;
use super::problem::{ApiError, json_response};
use crate::auth::keys::SigningKey;
use crate::auth::tokens::{AudienceKeys, ISSUER};
use crate::rate_limit::client_key;

pub const API_AUDIENCE: &str = "pratiche-api";
/// Lifetime of an access token.
pub const TOKEN_LIFETIME: Duration = Duration::minutes(10);
/// `last_used_at` is written at most this often per client.
const TOUCH_EVERY: Duration = Duration::minutes(1);
const MAX_TOKEN_REQUEST_BYTES: usize = 4 * 1024;
/// How long a client's row is trusted without reading it again: the delay
/// before another server process on the same database sees a client
/// disabled (this process drops the row at once).
const CLIENT_ROW_LIFETIME: std::time::Duration = std::time::Duration::from_secs(5);

/// API client rows by row id, read at most every [`CLIENT_ROW_LIFETIME`]
/// instead of on every request (a third of the statements of a read).
#[derive(Clone)]
pub struct ClientRows(Cache<i32, Arc<api_client::Model>>);

impl Default for ClientRows {
    fn default() -> Self {
        Self(
            Cache::builder()
                .max_capacity(10_000)
                .time_to_live(CLIENT_ROW_LIFETIME)
                .build(),
        )
    }
}

impl ClientRows {
    async fn get(
        &self,
        db: &DatabaseConnection,
        id: i32,
    ) -> Result<Option<Arc<api_client::Model>>, DbErr> {
        if let Some(client) = self.0.get(&id) {
            return Ok(Some(client));
        }
        let Some(client) = api_clients::by_id(db, id).await?.map(Arc::new) else {
            return Ok(None);
        };
        self.0.insert(id, Arc::clone(&client));
        Ok(Some(client))
    }

    /// Records that the row's `last_used_at` was written.
    fn touched(&self, client: &api_client::Model, at: DateTime<Utc>) {
        let touched = api_client::Model {
            last_used_at: Some(at),
            ..client.clone()
        };
        self.0.insert(client.id, Arc::new(touched));
    }

    /// Drops a client's row after a change (disabled, enabled).
    pub fn forget(&self, id: i32) {
        self.0.invalidate(&id);
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClaims {
    /// The client's public id.
    pub sub: String,
    /// The client's row id.
    pub cid: i32,
    pub body: i32,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

#[derive(Clone)]
pub struct ApiTokens(AudienceKeys);

impl ApiTokens {
    pub fn new(key: &SigningKey) -> Self {
        Self(AudienceKeys::new(key, API_AUDIENCE))
    }

    fn issue(&self, client: &pratiche_db::entity::api_client::Model, now: DateTime<Utc>) -> String {
        let claims = ApiClaims {
            sub: client.client_id.clone(),
            cid: client.id,
            body: client.body_id,
            iat: now.timestamp(),
            exp: (now + TOKEN_LIFETIME).timestamp(),
            iss: ISSUER.into(),
            aud: API_AUDIENCE.into(),
        };
        self.0.sign(&claims)
    }

    pub fn verify(&self, token: &str) -> Option<ApiClaims> {
        self.0.verify(token)
    }
}

/// A new client's credentials: the secret is shown once.
pub struct Credentials {
    pub client_id: String,
    pub secret: String,
}

/// Every client id is this prefix and 16 lowercase hexadecimal digits.
const CLIENT_ID_PREFIX: &str = "pc_";

/// Whether `id` has the form of a client id: anything else is refused
/// before it is looked up or becomes a rate-limit key.
pub fn is_client_id(id: &str) -> bool {
    id.strip_prefix(CLIENT_ID_PREFIX).is_some_and(|hex| {
        hex.len() == 16
            && hex
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
    })
}

/// Failed token requests a client address may make before it must wait.
const MAX_TOKEN_FAILURES: u32 = 20;
/// A client address's failures are forgotten this long after its last one.
const TOKEN_FAILURE_MEMORY: std::time::Duration = std::time::Duration::from_secs(60);

/// Failed token requests per client address, in memory, per server
/// instance: past [`MAX_TOKEN_FAILURES`] the address gets 429 until a
/// minute passes without a failure.
#[derive(Clone)]
pub struct TokenFailures(Cache<std::net::IpAddr, u32>);

impl Default for TokenFailures {
    fn default() -> Self {
        Self(
            Cache::builder()
                .max_capacity(100_000)
                .time_to_live(TOKEN_FAILURE_MEMORY)
                .build(),
        )
    }
}

impl TokenFailures {
    fn check(&self, address: std::net::IpAddr) -> Result<(), ApiError> {
        match self.0.get(&address) {
            Some(failures) if failures >= MAX_TOKEN_FAILURES => {
                metrics::counter!(crate::metrics::RATE_LIMITED, "limit" => "api_token")
                    .increment(1);
                Err(ApiError::RateLimited {
                    retry_after_secs: TOKEN_FAILURE_MEMORY.as_secs(),
                })
            }
            _ => Ok(()),
        }
    }

    fn count(&self, address: std::net::IpAddr) {
        self.0
            .entry(address)
            .and_upsert_with(|failures| failures.map_or(1, |entry| entry.into_value() + 1));
    }
}

impl Credentials {
    pub fn generate() -> Self {
        Self {
            client_id: format!("{CLIENT_ID_PREFIX}{:016x}", rand::random::<u64>()),
            secret: format!(
                "{:032x}{:032x}",
                rand::random::<u128>(),
                rand::random::<u128>()
            ),
        }
    }
}

/// The stored form of a secret. Secrets are 256 random bits, so a fast hash
/// is as safe as a slow one and keeps the token endpoint cheap.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The token endpoint's form (RFC 6749 §4.4.2).
#[derive(Debug, Default, ToSchema)]
pub struct TokenRequest {
    /// Must be `client_credentials`.
    #[schema(example = "client_credentials")]
    pub grant_type: Option<String>,
    /// Only when the credentials are not sent with HTTP Basic.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "Bearer", "expires_in": 600}))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: i64,
}

/// The client id and secret of a token request: HTTP Basic or the form,
/// never both.
fn credentials_of(headers: &HeaderMap, form: &TokenRequest) -> Result<(String, String), ApiError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        })
        .map(|(_, encoded)| encoded.trim().to_owned());
    let in_form = form.client_id.is_some() || form.client_secret.is_some();
    match basic {
        Some(_) if in_form => Err(ApiError::InvalidTokenRequest(
            "send the credentials with HTTP Basic or in the form, not both",
        )),
        Some(encoded) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or(ApiError::InvalidClient)?;
            let (id, secret) = decoded.split_once(':').ok_or(ApiError::InvalidClient)?;
            Ok((id.to_owned(), secret.to_owned()))
        }
        None => match (&form.client_id, &form.client_secret) {
            (Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
            _ => Err(ApiError::InvalidClient),
        },
    }
}

/// Issues an access token for a client's credentials.
#[utoipa::path(
    post,
    path = "/api/v1/token",
    tag = "auth",
    request_body(
        content = TokenRequest,
        content_type = "application/x-www-form-urlencoded",
        description = "grant_type=client_credentials; the credentials with HTTP Basic (preferred) or as client_id and client_secret",
        example = json!({"grant_type": "client_credentials", "client_id": "pc_0123456789abcdef", "client_secret": "…"})
    ),
    responses(
        (status = 200, description = "An access token of at most 10 minutes", body = TokenResponse),
        (status = 400, description = "Malformed request or unsupported grant", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown client, wrong secret or disabled client (`error`: `invalid_client`)", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request too large", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this client", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
pub async fn token(
    State(api): State<Api>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let address = client_key(peer.ip(), &headers, &api.trusted_proxies);
    let failures = api.limiter.as_ref().map(|_| &api.token_failures);
    if let Some(failures) = failures {
        failures.check(address)?;
    }
    let issued = issue_token(&api, &headers, body).await;
    if let (Err(ApiError::InvalidClient), Some(failures)) = (&issued, failures) {
        failures.count(address);
    }
    issued
}

/// The token request's answer: a token, or why not.
async fn issue_token(api: &Api, headers: &HeaderMap, body: Body) -> Result<Response, ApiError> {
    let bytes = read_body(headers, body, MAX_TOKEN_REQUEST_BYTES).await?;
    let form: TokenRequest = serde_urlencoded_form(&bytes)?;
    if form.grant_type.as_deref() != Some("client_credentials") {
        return Err(match form.grant_type {
            None => ApiError::InvalidTokenRequest("grant_type is required"),
            Some(_) => ApiError::UnsupportedGrantType,
        });
    }
    let (client_id, secret) = credentials_of(headers, &form)?;
    if !is_client_id(&client_id) {
        tracing::info!("API token refused: not a client id");
        return Err(ApiError::InvalidClient);
    }
    api.limit(&format!("token:{client_id}")).await?;
    let client = api_clients::by_client_id(&api.db, &client_id).await?;
    let Some(client) =
        client.filter(|client| !client.disabled && client.secret_hash == hash_secret(&secret))
    else {
        tracing::info!(%client_id, "API token refused");
        return Err(ApiError::InvalidClient);
    };
    let now = Utc::now();
    api_clients::touch(&api.db, client.id, now).await?;
    let response = TokenResponse {
        access_token: api.tokens.issue(&client, now),
        token_type: "Bearer".into(),
        expires_in: TOKEN_LIFETIME.num_seconds(),
    };
    Ok(json_response(StatusCode::OK, &response, "application/json"))
}

/// A form body, with unknown fields ignored as OAuth asks.
fn serde_urlencoded_form(bytes: &[u8]) -> Result<TokenRequest, ApiError> {
    let mut form = TokenRequest::default();
    for (name, value) in form_pairs(bytes)? {
        let slot = match name.as_str() {
            "grant_type" => &mut form.grant_type,
            "client_id" => &mut form.client_id,
            "client_secret" => &mut form.client_secret,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(ApiError::InvalidTokenRequest("a parameter is repeated"));
        }
    }
    Ok(form)
}

fn form_pairs(bytes: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_bytes(bytes)
        .map_err(|_| ApiError::InvalidTokenRequest("not a form-encoded body"))
}

/// An authenticated API client, as a handler's argument: 401 without a
/// valid token of an enabled client, 429 over its rate limit.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub id: i32,
    pub body_id: i32,
    pub name: String,
    pub actor: Actor,
}

impl FromRequestParts<Api> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, api: &Api) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let token_given = parts.headers.contains_key(header::AUTHORIZATION);
        let claims = token
            .and_then(|token| api.tokens.verify(token))
            .ok_or(ApiError::Unauthenticated { token_given })?;
        let client = api
            .client_rows
            .get(&api.db, claims.cid)
            .await?
            .filter(|client| {
                !client.disabled && client.body_id == claims.body && client.client_id == claims.sub
            })
            .ok_or(ApiError::Unauthenticated { token_given: true })?;
        api.limit(&client.client_id).await?;
        let now = Utc::now();
        if client
            .last_used_at
            .is_none_or(|last| now - last >= TOUCH_EVERY)
        {
            api_clients::touch(&api.db, client.id, now).await?;
            api.client_rows.touched(&client, now);
        }
        let actor = Actor {
            user_id: None,
            name: format!("API: {} ({})", client.name, client.client_id),
            source: AuditSource::Api,
            client_address: Some(api.client_address(parts)),
        };
        Ok(Self {
            id: client.id,
            body_id: client.body_id,
            name: client.name.clone(),
            actor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_basic_or_form_credentials_never_both() {
        let mut headers = HeaderMap::new();
        let basic = base64::engine::general_purpose::STANDARD.encode("pc_1:s3cret");
        headers.insert(
            header::AUTHORIZATION,
            format!("Basic {basic}").parse().unwrap(),
        );
        let none = TokenRequest::default();
        assert_eq!(
            credentials_of(&headers, &none).unwrap(),
            ("pc_1".to_owned(), "s3cret".to_owned())
        );
        let form = TokenRequest {
            client_id: Some("pc_2".into()),
            client_secret: Some("x".into()),
            ..Default::default()
        };
        assert!(matches!(
            credentials_of(&headers, &form),
            Err(ApiError::InvalidTokenRequest(_))
        ));
        assert_eq!(
            credentials_of(&HeaderMap::new(), &form).unwrap(),
            ("pc_2".to_owned(), "x".to_owned())
        );
        assert!(matches!(
            credentials_of(&HeaderMap::new(), &none),
            Err(ApiError::InvalidClient)
        ));
    }

    #[test]
    fn parses_token_forms() {
        let form = serde_urlencoded_form(b"grant_type=client_credentials&scope=x&client_id=a%2Bb")
            .unwrap();
        assert_eq!(form.grant_type.as_deref(), Some("client_credentials"));
        assert_eq!(form.client_id.as_deref(), Some("a+b"));
        assert!(serde_urlencoded_form(b"grant_type=a&grant_type=b").is_err());
    }

    #[test]
    fn client_ids_have_one_form() {
        assert!(is_client_id(&Credentials::generate().client_id));
        assert!(is_client_id("pc_0123456789abcdef"));
        for other in [
            "",
            "pc_",
            "pc_0123456789ABCDEF",
            "pc_0123456789abcdef0",
            "xx_0123456789abcdef",
            &"pc_0".repeat(5000),
            "pc_0123456789abcdeé",
        ] {
            assert!(!is_client_id(other), "{other}");
        }
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let (first, second) = (Credentials::generate(), Credentials::generate());
        assert_ne!(first.secret, second.secret);
        assert_eq!(first.secret.len(), 64);
        assert_eq!(hash_secret(&first.secret).len(), 64);
        assert_ne!(hash_secret(&first.secret), first.secret);
    }
}
