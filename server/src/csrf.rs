//! Every state-changing request from another site gets 403 before anything
//! else (docs/rules.md, Security and privacy). Browsers say where a request comes from in
//! `Sec-Fetch-Site`; older ones only in `Origin`. On the back office
//! (`/area-riservata`, sign-in included) a write must prove it comes from the
//! site itself: `Sec-Fetch-Site: same-origin`, or an `Origin` equal to the
//! public URL's; `Origin: null` and a request with neither are refused (the
//! site's pages send `Referrer-Policy: same-origin`, under which their forms
//! send their real `Origin`). Elsewhere (the citizen's cookie forms, the API,
//! which authenticates with bearer tokens rather than cookies) a request
//! with neither header comes from no browser, so no other site caused it.
//!
//! Hand-written rather than a CSRF-token crate: the decision rests on two
//! headers every supported browser sends, and needs no token in the forms,
//! which keeps the no-JavaScript pages plain.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pratiche_app::paths;

use crate::telemetry::PathRedactor;

/// The site's own origin (`scheme://host[:port]`), from the public URL.
#[derive(Clone, Debug)]
pub struct SiteOrigin(String);

/// The middleware's state: the site's origin and how to log a path.
#[derive(Clone, Debug)]
pub struct CrossSite {
    pub origin: SiteOrigin,
    pub redactor: PathRedactor,
}

impl SiteOrigin {
    pub fn from_public_url(public_url: &str) -> Self {
        let after_scheme = public_url.find("://").map_or(0, |at| at + 3);
        let end = public_url[after_scheme..]
            .find('/')
            .map_or(public_url.len(), |at| after_scheme + at);
        Self(public_url[..end].to_owned())
    }
}

pub async fn reject_cross_site(
    State(guard): State<CrossSite>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    let back_office = path
        .strip_prefix(paths::SIGN_IN)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    let refused = if back_office {
        !is_same_origin(request.headers(), &guard.origin)
    } else {
        is_cross_site(request.headers(), &guard.origin)
    };
    if !safe && refused {
        tracing::warn!(method = %request.method(), path = %guard.redactor.redact(path), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            "Richiesta da un altro sito rifiutata. / Cross-site request refused.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Whether the request provably comes from the site itself.
fn is_same_origin(headers: &HeaderMap, SiteOrigin(origin): &SiteOrigin) -> bool {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    match header("sec-fetch-site") {
        Some(site) => site == "same-origin",
        None => header(header::ORIGIN.as_str()) == Some(origin.as_str()),
    }
}

/// Whether the request comes from another site, as far as its headers tell.
fn is_cross_site(headers: &HeaderMap, SiteOrigin(origin): &SiteOrigin) -> bool {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match header(header::ORIGIN.as_str()) {
        // A same-origin form under a strict referrer policy may say "null";
        // so may a sandboxed page elsewhere, which then gives no Referer of ours.
        Some("null") => header(header::REFERER.as_str())
            .is_some_and(|referer| !referer.starts_with(&format!("{origin}/"))),
        Some(sender) => sender != origin,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn tells_other_sites_apart() {
        let origin = SiteOrigin::from_public_url("https://pratiche.example.it/base");
        assert_eq!(origin.0, "https://pratiche.example.it");
        let cross = |pairs| is_cross_site(&headers(pairs), &origin);
        assert!(!cross(&[("sec-fetch-site", "same-origin")]));
        assert!(cross(&[("sec-fetch-site", "cross-site")]));
        assert!(cross(&[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://pratiche.example.it")
        ]));
        assert!(!cross(&[("origin", "https://pratiche.example.it")]));
        assert!(cross(&[("origin", "https://evil.example")]));
        assert!(!cross(&[("origin", "null")]));
        assert!(cross(&[
            ("origin", "null"),
            ("referer", "https://evil.example/x")
        ]));
        assert!(!cross(&[
            ("origin", "null"),
            ("referer", "https://pratiche.example.it/p/X")
        ]));
        assert!(!cross(&[]));
    }

    #[test]
    fn the_back_office_wants_proof_of_its_own_origin() {
        let origin = SiteOrigin::from_public_url("https://pratiche.example.it");
        let same = |pairs| is_same_origin(&headers(pairs), &origin);
        assert!(same(&[("sec-fetch-site", "same-origin")]));
        assert!(same(&[("origin", "https://pratiche.example.it")]));
        assert!(!same(&[]));
        assert!(!same(&[("origin", "null")]));
        assert!(!same(&[
            ("origin", "null"),
            ("referer", "https://pratiche.example.it/area-riservata")
        ]));
        assert!(!same(&[("sec-fetch-site", "none")]));
        assert!(!same(&[("sec-fetch-site", "same-site")]));
        assert!(!same(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://pratiche.example.it")
        ]));
        assert!(!same(&[(
            "origin",
            "https://pratiche.example.it.evil.example"
        )]));
    }
}
