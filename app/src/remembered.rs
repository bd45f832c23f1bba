//! "Le mie pratiche": codes a citizen asked this device to remember. They
//! live only in a first-party cookie on the device; the server keeps
//! nothing about who remembered what.

use pratiche_domain::CaseCode;

/// The cookie's name.
pub const COOKIE: &str = "mie_pratiche";
/// At most this many codes are remembered; the oldest go first.
pub const MAX_CODES: usize = 20;

/// The remembered codes, newest first, from a request's `Cookie` headers.
/// Anything that is not a code is ignored.
pub fn from_headers(headers: &http::HeaderMap) -> Vec<CaseCode> {
    let value = crate::cookies::read(headers, COOKIE).unwrap_or_default();
    let mut codes: Vec<CaseCode> = Vec::new();
    for code in value
        .split('.')
        .filter_map(|code| CaseCode::parse(code).ok())
    {
        if !codes.contains(&code) && codes.len() < MAX_CODES {
            codes.push(code);
        }
    }
    codes
}

/// The cookie value for `codes` (compact codes joined by dots).
pub fn cookie_value(codes: &[CaseCode]) -> String {
    codes
        .iter()
        .take(MAX_CODES)
        .map(|code| code.compact())
        .collect::<Vec<_>>()
        .join(".")
}

/// `codes` with `code` first, without duplicates, at most [`MAX_CODES`].
pub fn remember(codes: &[CaseCode], code: CaseCode) -> Vec<CaseCode> {
    std::iter::once(code)
        .chain(codes.iter().copied().filter(|other| *other != code))
        .take(MAX_CODES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::COOKIE, cookie.parse().unwrap());
        headers
    }

    #[test]
    fn keeps_the_newest_twenty_distinct_codes() {
        let codes: Vec<CaseCode> = (0..25).map(CaseCode::from_value).collect();
        let mut remembered = Vec::new();
        for code in &codes {
            remembered = remember(&remembered, *code);
        }
        assert_eq!(remembered.len(), MAX_CODES);
        assert_eq!(remembered[0], codes[24]);
        assert_eq!(remember(&remembered, codes[20])[0], codes[20]);
        assert_eq!(remember(&remembered, codes[20]).len(), MAX_CODES);
    }

    #[test]
    fn reads_back_what_it_wrote_and_ignores_the_rest() {
        let codes = [CaseCode::from_value(7), CaseCode::from_value(9)];
        let cookie = format!(
            "lang=en; {COOKIE}={}.garbage.{}",
            codes[0].compact(),
            codes[0].compact()
        );
        assert_eq!(from_headers(&headers(&cookie)), [codes[0]]);
        let cookie = format!("{COOKIE}={}", cookie_value(&codes));
        assert_eq!(from_headers(&headers(&cookie)), codes);
        assert!(from_headers(&headers("lang=it")).is_empty());
    }
}
