//! Errors of the API as `application/problem+json` (RFC 9457). Field errors
//! name their place in the request with a JSON Pointer; the token endpoint's
//! errors also carry the OAuth `error` member.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// One thing wrong with a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"pointer": "/occurred_at", "detail": "not an RFC 3339 instant with an offset", "code": "invalid_instant"}))]
pub struct FieldError {
    /// Where: a JSON Pointer into the request body (`""` is the whole body).
    pub pointer: String,
    pub detail: String,
    /// A stable, machine-readable reason.
    pub code: String,
}

impl FieldError {
    pub fn new(pointer: impl Into<String>, code: &str, detail: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            code: code.to_owned(),
            detail: detail.into(),
        }
    }
}

/// The body of every error answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/api/v1/docs#problem-validation",
    "title": "The request is not valid",
    "status": 422,
    "detail": "1 field is not valid; nothing was written.",
    "errors": [{"pointer": "/occurred_at", "detail": "not an RFC 3339 instant with an offset", "code": "invalid_instant"}]
}))]
pub struct Problem {
    /// A reference to this problem type's documentation.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// What is wrong, field by field (validation problems only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(nullable = false)]
    pub errors: Vec<FieldError>,
    /// The OAuth 2 error code (token endpoint only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub error: Option<String>,
}

/// Everything the API may answer instead of what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("authentication required")]
    Unauthenticated { token_given: bool },
    #[error("invalid client credentials")]
    InvalidClient,
    #[error("unsupported grant type")]
    UnsupportedGrantType,
    #[error("malformed token request: {0}")]
    InvalidTokenRequest(&'static str),
    #[error("not found")]
    NotFound,
    #[error("request too large")]
    TooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType { expected: &'static str },
    #[error("malformed request body: {0}")]
    Malformed(String),
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    #[error("missing Idempotency-Key")]
    MissingIdempotencyKey,
    #[error("idempotency key reused with another request")]
    KeyReused,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("rate limit reached")]
    RateLimited { retry_after_secs: u64 },
    #[error("database unavailable: {0}")]
    Unavailable(#[from] pratiche_db::DbErr),
    /// A bug (a handler panicked): nothing was acknowledged.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// A single field error.
    pub fn field(pointer: impl Into<String>, code: &str, detail: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(pointer, code, detail)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated { .. } | Self::InvalidClient => StatusCode::UNAUTHORIZED,
            Self::UnsupportedGrantType
            | Self::InvalidTokenRequest(_)
            | Self::Malformed(_)
            | Self::MissingIdempotencyKey => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid(_) | Self::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document.
    pub fn problem(&self) -> Problem {
        let (slug, title, detail): (&str, &str, String) = match self {
            Self::Unauthenticated { .. } => (
                "unauthenticated",
                "Authentication required",
                "Send a valid access token from POST /api/v1/token as `Authorization: Bearer …`."
                    .into(),
            ),
            Self::InvalidClient => (
                "invalid-client",
                "Invalid client credentials",
                "Unknown client, wrong secret or disabled client.".into(),
            ),
            Self::UnsupportedGrantType => (
                "unsupported-grant-type",
                "Unsupported grant type",
                "Only grant_type=client_credentials is supported.".into(),
            ),
            Self::InvalidTokenRequest(reason) => (
                "invalid-token-request",
                "Malformed token request",
                (*reason).into(),
            ),
            Self::NotFound => (
                "not-found",
                "Not found",
                "Your body has no such pratica.".into(),
            ),
            Self::TooLarge { limit } => (
                "too-large",
                "Request too large",
                format!("The request exceeds the limit of {limit} bytes (or items); nothing was written."),
            ),
            Self::UnsupportedMediaType { expected } => (
                "unsupported-media-type",
                "Unsupported media type",
                format!("Send {expected}."),
            ),
            Self::Malformed(reason) => (
                "malformed",
                "Malformed request body",
                format!("{reason}; nothing was written."),
            ),
            Self::Invalid(errors) => (
                "validation",
                "The request is not valid",
                format!(
                    "{} field{} not valid; nothing was written.",
                    errors.len(),
                    if errors.len() == 1 { " is" } else { "s are" }
                ),
            ),
            Self::MissingIdempotencyKey => (
                "idempotency-key-missing",
                "Idempotency-Key required",
                "Writes need an Idempotency-Key header (1 to 255 visible ASCII characters), unique per request.".into(),
            ),
            Self::KeyReused => (
                "idempotency-key-reused",
                "Idempotency key reused",
                "This idempotency key was used with a different request; nothing was written.".into(),
            ),
            Self::Conflict(reason) => ("conflict", "Conflict", (*reason).into()),
            Self::RateLimited { .. } => (
                "rate-limited",
                "Too many requests",
                "This client's rate limit was reached; retry later.".into(),
            ),
            Self::Unavailable(_) => (
                "unavailable",
                "Service unavailable",
                "The database is unavailable; nothing was written. Retry later.".into(),
            ),
            Self::Internal => (
                "internal",
                "Internal error",
                "An unexpected error; the request was not acknowledged. Retry with the same idempotency key: what was written before the error is answered, not written again.".into(),
            ),
        };
        let error = match self {
            Self::InvalidClient => Some("invalid_client"),
            Self::UnsupportedGrantType => Some("unsupported_grant_type"),
            Self::InvalidTokenRequest(_) => Some("invalid_request"),
            _ => None,
        };
        Problem {
            kind: format!("/api/v1/docs#problem-{slug}"),
            title: title.into(),
            status: self.status().as_u16(),
            detail,
            errors: match self {
                Self::Invalid(errors) => errors.clone(),
                _ => Vec::new(),
            },
            error: error.map(Into::into),
        }
    }
}

/// A JSON answer with the API's headers: never cached.
pub fn json_response(
    status: StatusCode,
    body: &impl Serialize,
    content_type: &'static str,
) -> Response {
    let body = serde_json::to_string(body).expect("API documents serialise");
    raw_json_response(status, body, content_type)
}

/// A JSON document already serialised, with the API's headers.
pub fn raw_json_response(status: StatusCode, body: String, content_type: &'static str) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Unavailable(error) = &self {
            tracing::error!(%error, "API: database unavailable");
        }
        let mut response =
            json_response(self.status(), &self.problem(), "application/problem+json");
        let headers = response.headers_mut();
        let retry_after = match &self {
            Self::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            Self::Unavailable(_) => Some(5),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        let challenge = match &self {
            Self::Unauthenticated { token_given: false } => Some(r#"Bearer realm="pratiche-api""#),
            Self::Unauthenticated { token_given: true } => {
                Some(r#"Bearer realm="pratiche-api", error="invalid_token""#)
            }
            Self::InvalidClient => Some(r#"Basic realm="pratiche-api""#),
            _ => None,
        };
        if matches!(self, Self::TooLarge { .. }) {
            // The unread rest of the body makes the connection unusable.
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(challenge) = challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}
