//! What a back-office handler can fail with, answered once: handlers return
//! `Result<Response, WebError>` and use `?`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pratiche_db::DbErr;

use pratiche_app::paths;

use crate::responses::see_other;

/// Why a back-office request got no page of its own.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The database failed: 503, logged, nothing said of the cause.
    #[error(transparent)]
    Unavailable(#[from] DbErr),
    /// Nothing of the user's body under this name: 404 with the message.
    #[error("not found")]
    NotFound(&'static str),
    /// Not for the user's role: 403 with the message.
    #[error("forbidden")]
    Forbidden(&'static str),
    /// No session: back to the sign-in page.
    #[error("not signed in")]
    SignIn,
}

impl WebError {
    /// Something of the body's (a user, a procedure type, a client) that is
    /// not there.
    pub fn not_found() -> Self {
        Self::NotFound("Elemento non trovato. / Not found.")
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            Self::Unavailable(error) => {
                tracing::error!(%error, "back office: database error");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Servizio momentaneamente non disponibile. / Service unavailable.",
                )
                    .into_response()
            }
            Self::NotFound(message) => (StatusCode::NOT_FOUND, message).into_response(),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, message).into_response(),
            Self::SignIn => see_other(paths::SIGN_IN, None),
        }
    }
}
