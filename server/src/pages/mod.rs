//! What the server does around the app's rendered pages: the context every
//! render gets, the hydration data cut from pages without islands, and the
//! case page's own handler ([`case`]).

pub mod case;

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use leptos::prelude::{provide_context, use_context};
use pratiche_app::context::{AppContext, ClientAddress};
use pratiche_app::has_islands;

use crate::page_nonce::PageNonce;
use crate::rate_limit::{client_address, peer_of};
use crate::responses::is_html;

/// What every page render is given: the app's context, the client's
/// address (read behind the trusted proxies, as the form handlers read it)
/// and the request's nonce.
#[derive(Clone)]
pub struct PageContext {
    pub context: AppContext,
    pub trusted_proxies: Arc<[IpNet]>,
}

impl PageContext {
    /// Provides it to the render under way (Leptos calls this once the
    /// request's parts are in the context).
    pub fn provide(&self) {
        provide_context(self.context.clone());
        let parts = use_context::<axum::http::request::Parts>();
        if let Some(parts) = &parts {
            let client = client_address(peer_of(parts).ip(), &parts.headers, &self.trusted_proxies);
            provide_context(ClientAddress(client.to_string()));
        }
        // The page's nonce, chosen by `page_nonce::with_page_nonce` for
        // this request, replaces the one Leptos made.
        if let Some(PageNonce(nonce)) =
            parts.and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
        {
            provide_context(leptos::nonce::Nonce::from_value(nonce));
        }
    }
}

/// Leptos appends its hydration data (inline scripts) after `</html>` on every
/// page, islands or not. Pages without an island need none of it: they are
/// sent without a single script.
pub async fn drop_hydration_data(request: Request, next: Next) -> Response {
    if has_islands(request.uri().path()) {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    if !is_html(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let html = match page_without_hydration_data(body).await {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "cannot read a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// A rendered page's whole body, up to its `</html>`.
async fn page_without_hydration_data(body: Body) -> Result<Bytes, axum::Error> {
    let html = axum::body::to_bytes(body, MAX_PAGE_BYTES).await?;
    const END: &[u8] = b"</html>";
    let end = html
        .windows(END.len())
        .rposition(|window| window == END)
        .map_or(html.len(), |at| at + END.len());
    Ok(html.slice(..end))
}

/// A rendered page larger than this is a bug, not a page.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
