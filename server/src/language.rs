//! `/lingua/{tag}?torna=/path`: the language switch. A plain link, so it
//! works without JavaScript: it sets the language cookie and goes back.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pratiche_app::i18n::{I18n, LANGUAGE_COOKIE};
use serde::Deserialize;

use crate::responses::{SameSite, SecureCookies, see_other};

/// A year, in seconds.
const COOKIE_MAX_AGE: i64 = 365 * 24 * 60 * 60;

#[derive(Deserialize)]
pub struct Back {
    torna: Option<String>,
}

pub async fn switch_language(
    State(secure): State<SecureCookies>,
    Path(tag): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    if !I18n::is_supported(&tag) {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    }
    let back = back
        .torna
        .filter(|path| is_local_path(path))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = secure.cookie(LANGUAGE_COOKIE, &tag, COOKIE_MAX_AGE, SameSite::Lax);
    see_other(&back, Some(cookie))
}

/// A path on this site: never another site (`//host`, `/\\host`, a scheme).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn goes_back_only_within_the_site() {
        assert!(is_local_path("/p/JYRH-CM4Q-3DY4-B"));
        assert!(is_local_path("/cerca?codice=abc"));
        for elsewhere in [
            "https://evil.example",
            "//evil.example",
            "/\\\\evil.example",
            "evil",
            "/\\r\\nSet-Cookie: x",
        ] {
            assert!(!is_local_path(elsewhere), "{elsewhere}");
        }
        assert!(!is_local_path("/\r\nSet-Cookie: x=1"));
    }
}
