//! Reading the site's own cookies from a request's `Cookie` headers, with
//! axum-extra's cookie jar.

use axum_extra::extract::cookie::CookieJar;

/// The value of the cookie `name`, if the request carries it.
pub fn read(headers: &http::HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|cookie| cookie.value().to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_a_cookie_among_others() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, "a=1; lang=en".parse().unwrap());
        headers.append(http::header::COOKIE, "b=2".parse().unwrap());
        assert_eq!(super::read(&headers, "lang").as_deref(), Some("en"));
        assert_eq!(super::read(&headers, "b").as_deref(), Some("2"));
        assert_eq!(super::read(&headers, "la"), None);
    }
}
