//! What the server makes of a request's path before routing. A path with dot
//! segments (`/./p/…`, `/x/../p/…`), encoded dots or slashes, backslashes or
//! empty segments (`//p/…`) never reaches a route or the fallback: a path
//! has one spelling, so nothing keyed on it (limits, logs, caches) can be
//! sidestepped by another. A trailing slash alone is redirected once.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Files served as they are: no session, no cookie, a long cache when their
/// name is hashed.
pub fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/fonts/") || path == "/favicon.svg"
}

/// How a path is spelt.
#[derive(Debug, PartialEq, Eq)]
enum Spelling<'a> {
    Normal,
    /// Normal but for a trailing slash: this is the path without it.
    TrailingSlash(&'a str),
    Ambiguous,
}

fn spelling(path: &str) -> Spelling<'_> {
    if path == "/" {
        return Spelling::Normal;
    }
    let lower = path.to_ascii_lowercase();
    let encoded_separator = ["%2e", "%2f", "%5c"]
        .iter()
        .any(|encoded| lower.contains(encoded));
    if encoded_separator || path.contains('\\') {
        return Spelling::Ambiguous;
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Spelling::Ambiguous;
    };
    let (rest, trailing) = match rest.strip_suffix('/') {
        Some(without) => (without, true),
        None => (rest, false),
    };
    let plain = rest
        .split('/')
        .all(|segment| !matches!(segment, "" | "." | ".."));
    match (plain, trailing) {
        (true, false) => Spelling::Normal,
        (true, true) => Spelling::TrailingSlash(&path[..path.len() - 1]),
        (false, _) => Spelling::Ambiguous,
    }
}

/// 400 for an ambiguous path, 308 to the path without its trailing slash;
/// anything else goes on.
pub async fn reject_ambiguous(request: Request, next: Next) -> Response {
    match spelling(request.uri().path()) {
        Spelling::Normal => next.run(request).await,
        Spelling::TrailingSlash(path) => {
            let location = match request.uri().query() {
                Some(query) => format!("{path}?{query}"),
                None => path.to_owned(),
            };
            match HeaderValue::from_str(&location) {
                Ok(location) => (
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response(),
                Err(_) => ambiguous(),
            }
        }
        Spelling::Ambiguous => ambiguous(),
    }
}

fn ambiguous() -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        "Indirizzo non valido: tolga «.», «..», «//» o caratteri codificati. / \
         Invalid address: remove '.', '..', '//' or encoded characters.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_spelling_per_path() {
        for normal in [
            "/",
            "/p/JYRH-CM4Q-3DY4-B",
            "/pkg/pratiche.0a1b2c.js",
            "/area-riservata/pratiche/JYRH-CM4Q-3DY4-B/eventi",
            "/api/v1/pratiche",
            "/p/JYRH%20CM4Q",
        ] {
            assert_eq!(spelling(normal), Spelling::Normal, "{normal}");
        }
        for ambiguous in [
            "/./p/JYRH-CM4Q-3DY4-B",
            "/%2e/p/JYRH-CM4Q-3DY4-B",
            "/%2E%2E/p/X",
            "//p/JYRH-CM4Q-3DY4-B",
            "/x/../p/JYRH-CM4Q-3DY4-B",
            "/p/..",
            "/p//",
            "/p/a%2fb",
            "/p\\JYRH",
            "/p/JYRH-CM4Q-3DY4-B/.",
        ] {
            assert_eq!(spelling(ambiguous), Spelling::Ambiguous, "{ambiguous}");
        }
        assert_eq!(
            spelling("/p/JYRH-CM4Q-3DY4-B/"),
            Spelling::TrailingSlash("/p/JYRH-CM4Q-3DY4-B")
        );
    }

    proptest! {
        /// Whatever is let through has no empty, `.` or `..` segment and no
        /// encoded dot, once the one allowed trailing slash is dropped.
        #[test]
        fn what_passes_is_plain(path in "/[a-zA-Z0-9./%\\\\-]{0,30}") {
            let checked = match spelling(&path) {
                Spelling::Normal => path.as_str(),
                Spelling::TrailingSlash(without) => without,
                Spelling::Ambiguous => return Ok(()),
            };
            if checked != "/" {
                prop_assert!(checked[1..].split('/').all(|s| !matches!(s, "" | "." | "..")));
            }
            prop_assert!(!checked.to_ascii_lowercase().contains("%2e"));
        }
    }
}
