//! The clerk's writes, one module per feature. Each form is checked by a
//! pure function (what was typed comes back with the errors); each write
//! runs in one IMMEDIATE transaction with its audit entry.

pub mod registration;
pub mod status_change;

use std::net::SocketAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use pratiche_app::context::SignedIn;
use pratiche_db::audit::{Actor, AuditSource};

use crate::auth::handlers::BackOffice;
use crate::rate_limit::{client_address, peer_of};
use crate::responses::see_other;

/// Form errors: each names its field and a message key.
pub type FieldErrors = Vec<(&'static str, &'static str)>;

impl BackOffice {
    /// [`Self::actor`] from a request's parts.
    pub fn actor_of_request(&self, user: &SignedIn, parts: &Parts) -> Actor {
        self.actor(user, peer_of(parts), &parts.headers)
    }

    /// The signed-in user as the audit log names them, with the address the
    /// request came from.
    pub fn actor(&self, user: &SignedIn, peer: SocketAddr, headers: &HeaderMap) -> Actor {
        Actor {
            user_id: Some(user.user_id),
            name: user.username.clone(),
            source: AuditSource::Web,
            client_address: Some(
                client_address(peer.ip(), headers, &self.trusted_proxies).to_string(),
            ),
        }
    }
}

/// A signed-in member of a body's staff, as a handler's argument: without a
/// session the request is sent to the sign-in page; a province admin (who
/// belongs to no body and handles no pratiche) gets 403.
pub struct Staff {
    pub user: SignedIn,
    pub body_id: i32,
    pub actor: Actor,
}

impl FromRequestParts<BackOffice> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, office: &BackOffice) -> Result<Self, Response> {
        let Some(user) = parts.extensions.get::<SignedIn>().cloned() else {
            return Err(see_other("/area-riservata", None));
        };
        let Some(body_id) = user.body_id else {
            return Err((
                StatusCode::FORBIDDEN,
                "Solo il personale di un ente gestisce le pratiche. / Only a body's staff handle applications.",
            )
                .into_response());
        };
        let actor = office.actor_of_request(&user, parts);
        Ok(Self {
            user,
            body_id,
            actor,
        })
    }
}
