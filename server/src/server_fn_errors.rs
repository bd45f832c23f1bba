//! What the server functions answer when a call cannot be read.
//!
//! Leptos answers every error of a server function with a 500, its own
//! included: a body that is not the function's arguments (not JSON, a number
//! for a text, a missing field) reached the caller as a server fault. Those
//! are the caller's mistakes, and nothing was done: they get 400, here, once
//! for every server function.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::Decodes;
use leptos::server_fn::ServerFnError;
use leptos::server_fn::error::{SERVER_FN_ERROR_HEADER, ServerFnErrorEncoding};

/// Longer than any error a server function writes (a serde message).
const MAX_ERROR_BYTES: usize = 16 * 1024;

/// Turns a server function's 500 for unreadable arguments into a 400 with the
/// same text.
pub async fn unreadable_calls_are_bad_requests(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(text) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let error: Result<ServerFnError, _> = ServerFnErrorEncoding::decode(text.clone());
    if matches!(
        error,
        Ok(ServerFnError::Args(_)
            | ServerFnError::MissingArg(_)
            | ServerFnError::Deserialization(_))
    ) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, text.into())
}
