//! `/mie-pratiche`: remember a code on this device, forget one, forget all.
//! The list lives in a first-party cookie (`HttpOnly; SameSite=Lax`,
//! `Secure` under https, one year); nothing is written on the server.

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pratiche_app::paths;
use pratiche_app::remembered::{self, COOKIE};
use pratiche_domain::CaseCode;
use serde::Deserialize;

use crate::responses::{SameSite, SecureCookies, bad_code, see_other};

const ONE_YEAR_SECS: i64 = 365 * 24 * 60 * 60;

#[derive(Deserialize)]
pub struct CodeForm {
    codice: String,
    /// Where to go back after forgetting: `case` (its page) or the home page.
    torna: Option<String>,
}

pub async fn remember(
    State(secure): State<SecureCookies>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Ok(code) = CaseCode::parse(&form.codice) else {
        return bad_code();
    };
    let codes = remembered::remember(&remembered::from_headers(&headers), code);
    answer(secure, &codes, &paths::case_page(code))
}

pub async fn forget(
    State(secure): State<SecureCookies>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Ok(code) = CaseCode::parse(&form.codice) else {
        return bad_code();
    };
    let codes: Vec<CaseCode> = remembered::from_headers(&headers)
        .into_iter()
        .filter(|other| *other != code)
        .collect();
    let back = if form.torna.as_deref() == Some("case") {
        paths::case_page(code)
    } else {
        paths::HOME.to_owned()
    };
    answer(secure, &codes, &back)
}

pub async fn forget_all(State(secure): State<SecureCookies>) -> Response {
    answer(secure, &[], "/")
}

/// 303 to `back`, with the cookie holding `codes` (removed when empty).
fn answer(secure: SecureCookies, codes: &[CaseCode], back: &str) -> Response {
    let max_age = if codes.is_empty() { 0 } else { ONE_YEAR_SECS };
    let cookie = secure.cookie(
        COOKIE,
        &remembered::cookie_value(codes),
        max_age,
        SameSite::Lax,
    );
    see_other(back, Some(cookie))
}
