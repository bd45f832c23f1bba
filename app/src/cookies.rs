//! Reading the site's own cookies from a request's `Cookie` headers.

/// The value of the cookie `name`, if the request carries it.
pub fn read<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_a_cookie_among_others() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, "a=1; lang=en".parse().unwrap());
        headers.append(http::header::COOKIE, "b=2".parse().unwrap());
        assert_eq!(super::read(&headers, "lang"), Some("en"));
        assert_eq!(super::read(&headers, "b"), Some("2"));
        assert_eq!(super::read(&headers, "la"), None);
    }
}
