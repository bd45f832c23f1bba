//! The nonce of a page's Content-Security-Policy, chosen here for each
//! request: the middleware puts it in the request's extensions, the app's
//! context hands it to Leptos (whose hydration scripts carry it), and the
//! middleware writes the policy naming it on the HTML answer.
//!
//! Hand-written rather than left to Leptos's own nonce and a header set
//! while rendering: that header went through the reactive owner's context,
//! and under concurrent renders a page now and then went out without it
//! (its islands then blocked by the default `script-src 'none'`; the
//! browser test of the home page with remembered cases caught it with two
//! workers). A value in the request's extensions cannot cross requests.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use pratiche_app::csp::content_security_policy;

use crate::responses::is_html;

/// A page's nonce: 128 random bits, URL-safe base64.
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

impl PageNonce {
    pub fn generate() -> Self {
        let bytes: [u8; 16] = rand::random();
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The page policy naming this nonce.
    pub fn policy(&self) -> Option<HeaderValue> {
        HeaderValue::from_str(&content_security_policy(Some(&self.0))).ok()
    }
}

/// Gives every request a nonce; an HTML answer that set no policy of its
/// own gets the page policy naming it.
pub async fn with_page_nonce(mut request: Request, next: Next) -> Response {
    let nonce = PageNonce::generate();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    if is_html(&response)
        && !response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
        && let Some(policy) = nonce.policy()
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}
