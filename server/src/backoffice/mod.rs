//! The clerk's writes, one module per feature. Each form is checked by a
//! pure function (what was typed comes back with the errors); each write
//! runs in one IMMEDIATE transaction with its audit entry.

pub mod registration;
pub mod status_change;

use std::net::SocketAddr;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use pratiche_app::context::SignedIn;
use pratiche_db::audit::{Actor, AuditSource};

use crate::auth::handlers::BackOffice;
use crate::rate_limit::client_address;

/// Form errors: each names its field and a message key.
pub type FieldErrors = Vec<(&'static str, &'static str)>;

impl BackOffice {
    /// The signed-in user as the audit log names them, with the address the
    /// request came from.
    pub fn actor(&self, user: &SignedIn, peer: SocketAddr, headers: &HeaderMap) -> Actor {
        let forwarded_for = headers
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok());
        Actor {
            user_id: Some(user.user_id),
            name: user.username.clone(),
            source: AuditSource::Web,
            client_address: Some(
                client_address(peer.ip(), forwarded_for, &self.trusted_proxies).to_string(),
            ),
        }
    }
}

/// The body of a signed-in member of staff, or the 403 for a province admin
/// (who belongs to no body and handles no pratiche).
pub fn staff_body(user: &SignedIn) -> Result<i32, Response> {
    user.body_id.ok_or_else(|| {
        (
            StatusCode::FORBIDDEN,
            "Solo il personale di un ente gestisce le pratiche. / Only a body's staff handle applications.",
        )
            .into_response()
    })
}
