//! The answers that are not a pratica: unknown code, too many lookups,
//! database unavailable, and unknown addresses.

use http::StatusCode;
use http::header::{HeaderValue, RETRY_AFTER};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use pratiche_domain::CaseCode;

use crate::components::{EXAMPLE_CODE, LookupForm, MessagePage, answer_privately};
use crate::i18n::{I18n, use_i18n};

/// What an unknown code is told, on its page and by the search.
pub fn not_found_text(i18n: &I18n, code: CaseCode) -> String {
    i18n.t_with("not-found-text", &[("code", code.to_string().into())])
}

/// What a client over the lookup limit is told, on a page and by the search.
pub fn too_many_lookups_text(i18n: &I18n, retry_after_secs: u64) -> String {
    i18n.t_with("rate-limited-text", &[("seconds", retry_after_secs.into())])
}

/// One answer for every code that leads nowhere, whatever the reason
/// (never issued, or closed longer ago than the retention period).
#[component]
pub fn CaseNotFound(code: CaseCode) -> impl IntoView {
    answer_privately(StatusCode::NOT_FOUND);
    let i18n = use_i18n();
    view! {
        <MessagePage
            title=i18n.t("not-found-title")
            text=not_found_text(&i18n, code)
        >
            <p>{i18n.t_with("not-found-help", &[("example", EXAMPLE_CODE.into())])}</p>
            <h2>{i18n.t("lookup-again")}</h2>
            <LookupForm/>
        </MessagePage>
    }
}

/// 429 with `Retry-After`: the client made too many lookups.
#[component]
pub fn TooManyLookups(retry_after_secs: u64) -> impl IntoView {
    answer_privately(StatusCode::TOO_MANY_REQUESTS);
    expect_context::<ResponseOptions>()
        .insert_header(RETRY_AFTER, HeaderValue::from(retry_after_secs));
    let i18n = use_i18n();
    view! {
        <MessagePage
            title=i18n.t("rate-limited-title")
            text=too_many_lookups_text(&i18n, retry_after_secs)
        >
            <p><a class="button-link" href="/">{i18n.t("back-home")}</a></p>
        </MessagePage>
    }
}

/// 503: the database did not answer.
#[component]
pub fn Unavailable() -> impl IntoView {
    answer_privately(StatusCode::SERVICE_UNAVAILABLE);
    expect_context::<ResponseOptions>().insert_header(RETRY_AFTER, HeaderValue::from_static("60"));
    let i18n = use_i18n();
    view! { <MessagePage title=i18n.t("unavailable-title") text=i18n.t("unavailable-text")/> }
}

/// 404 for addresses that match no page.
#[component]
pub fn PageNotFound() -> impl IntoView {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <MessagePage title=i18n.t("page-not-found-title") text=i18n.t("page-not-found-text")>
            <p><a class="button-link" href="/">{i18n.t("back-home")}</a></p>
        </MessagePage>
    }
}
