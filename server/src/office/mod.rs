//! What every back-office handler shares: its state ([`BackOffice`]), the
//! page rendered again for a form handler, the signed-in staff member as an
//! extractor, the actor of the audit log, form errors, and the error type
//! ([`WebError`]) that handlers return with `?`.

mod error;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use ipnet::IpNet;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use pratiche_app::context::{AppContext, SignedIn};
use pratiche_app::{ONLY_BODY_STAFF, shell};
use pratiche_db::audit::{Actor, AuditSource};

pub use error::WebError;

use crate::api::auth::ClientRows;
use crate::auth::devices::Devices;
use crate::auth::passwords::Passwords;
use crate::auth::session::Sessions;
use crate::notify::IoSending;
use crate::page_nonce::PageNonce;
use crate::rate_limit::{client_address, peer_of};
use crate::secrets::SecretsKey;
use pratiche_domain::webhook::OutboundPolicy;

/// What the back-office handlers share.
#[derive(Clone)]
pub struct BackOffice {
    pub sessions: Sessions,
    pub devices: Devices,
    pub passwords: Passwords,
    pub trusted_proxies: Arc<[IpNet]>,
    pub options: LeptosOptions,
    pub context: AppContext,
    /// The API's cache of client rows, emptied of a client it changes.
    pub api_client_rows: ClientRows,
    /// App IO, when the installation can seal bodies' keys.
    pub io: Option<IoSending>,
    /// Seals webhook secrets; without it webhooks cannot be set up.
    pub secrets: Option<SecretsKey>,
    /// What webhook endpoints may be.
    pub outbound: OutboundPolicy,
}

/// Form errors: each names its field and a message key.
pub type FieldErrors = Vec<(&'static str, &'static str)>;

impl BackOffice {
    /// Renders the page at `path` for a form handler, with `value` in its
    /// context (what was typed, what went wrong) and the signed-in user.
    pub async fn render_page<T: Clone + Send + Sync + 'static>(
        &self,
        path: &str,
        headers: &HeaderMap,
        signed_in: Option<SignedIn>,
        value: T,
    ) -> Response {
        self.render_page_providing(path, headers, signed_in, move || {
            provide_context(value.clone())
        })
        .await
    }

    /// [`Self::render_page`] with whatever `provide` puts in the context.
    pub async fn render_page_providing(
        &self,
        path: &str,
        headers: &HeaderMap,
        signed_in: Option<SignedIn>,
        provide: impl Fn() + Clone + Send + Sync + 'static,
    ) -> Response {
        let mut page_request = Request::builder().uri(path);
        for name in [header::ACCEPT_LANGUAGE, header::COOKIE] {
            if let Some(value) = headers.get(&name) {
                page_request = page_request.header(name, value);
            }
        }
        let mut page_request = page_request.body(Body::empty()).expect("a valid request");
        if let Some(signed_in) = signed_in {
            page_request.extensions_mut().insert(signed_in);
        }
        let (context, options) = (self.context.clone(), self.options.clone());
        // The page is rendered apart from the request, so it has its own
        // nonce for its islands' scripts, and the policy naming it.
        let nonce = PageNonce::generate();
        let render = leptos_axum::render_app_async_with_context(
            {
                let nonce = nonce.0.clone();
                move || {
                    provide_context(context.clone());
                    provide();
                    provide_context(leptos::nonce::Nonce::from_value(nonce.clone()));
                }
            },
            move || shell(options.clone()),
        );
        let mut response = render(page_request).await;
        if let Some(policy) = nonce.policy() {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        response
    }

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
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, office: &BackOffice) -> Result<Self, WebError> {
        let user = signed_in(parts)?;
        let Some(body_id) = user.body_id else {
            return Err(WebError::Forbidden(ONLY_BODY_STAFF));
        };
        let actor = office.actor_of_request(&user, parts);
        Ok(Self {
            user,
            body_id,
            actor,
        })
    }
}

/// The signed-in user of a request, or [`WebError::SignIn`].
pub fn signed_in(parts: &Parts) -> Result<SignedIn, WebError> {
    parts
        .extensions
        .get::<SignedIn>()
        .cloned()
        .ok_or(WebError::SignIn)
}
