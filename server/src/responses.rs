//! The answers form handlers share: a 303 to a page of the site, and the
//! site's own cookies (built by the `cookie` crate, which axum-extra's jar
//! reads), `HttpOnly`, `Path=/` and `Secure` exactly when the public URL is
//! https.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
pub use cookie::SameSite;
use cookie::{Cookie, time};

/// Whether cookies get `Secure`: exactly when the public URL is https.
#[derive(Clone, Copy, Debug)]
pub struct SecureCookies(pub bool);

impl SecureCookies {
    /// A `Set-Cookie` value; a `max_age` of 0 removes the cookie.
    pub fn cookie(self, name: &str, value: &str, max_age: i64, same_site: SameSite) -> HeaderValue {
        let cookie = Cookie::build((name, value))
            .path("/")
            .max_age(time::Duration::seconds(max_age))
            .http_only(true)
            .same_site(same_site)
            .secure(self.0);
        HeaderValue::from_str(&cookie.to_string()).expect("cookie names and values are plain ASCII")
    }
}

/// 303 to `location` (a path of this site), never cached, with an optional
/// cookie.
pub fn see_other(location: &str, cookie: Option<HeaderValue>) -> Response {
    let Ok(location) = HeaderValue::from_str(location) else {
        return (
            StatusCode::BAD_REQUEST,
            "Indirizzo non valido. / Invalid address.",
        )
            .into_response();
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(cookie) = cookie {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

/// 400 for a posted or linked code that is no case code: the citizen's
/// plain forms and links answer it alike.
pub fn bad_code() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "Codice della pratica non valido. / Invalid application code.",
    )
        .into_response()
}

/// 429 for a lookup over the limit, outside a page (the pages show their
/// own): the citizen's forms and feeds that read a pratica by code.
pub fn too_many_lookups(retry_after_secs: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, HeaderValue::from(retry_after_secs))],
        "Troppe richieste: riprovi tra poco. / Too many requests: try again shortly.",
    )
        .into_response()
}

/// Whether an answer is an HTML page (the middleware that rewrites pages
/// or adds their policy leaves everything else alone).
pub fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"))
}
