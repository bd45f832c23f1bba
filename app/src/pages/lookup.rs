//! `/cerca`, where the lookup form is sent. A well-formed code answers 303 to
//! the pratica's canonical address; anything else gets the form back with
//! what is wrong. No database read happens here, so the check works even when
//! the database is down.

use http::StatusCode;
use http::header::{HeaderValue, LOCATION};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_router::hooks::use_query_map;
use pratiche_domain::{CaseCode, CodeError};

use crate::components::{Crumb, LookupForm, PageLayout, answer_privately};
use crate::i18n::use_i18n;
use crate::paths;

/// The name of the form field holding the code.
pub const CODE_FIELD: &str = "codice";

#[component]
pub fn LookupPage() -> impl IntoView {
    let typed = use_query_map()
        .read_untracked()
        .get(CODE_FIELD)
        .unwrap_or_default();
    match CaseCode::parse(&typed) {
        Ok(code) => {
            answer_privately(StatusCode::SEE_OTHER);
            let location = HeaderValue::from_str(&paths::case_page(code))
                .expect("a code is a valid header value");
            expect_context::<ResponseOptions>().insert_header(LOCATION, location);
            ().into_any()
        }
        Err(error) => {
            answer_privately(StatusCode::BAD_REQUEST);
            view! { <CheckTheCode typed error/> }.into_any()
        }
    }
}

/// The form back, with what is wrong with the code and how to read one.
#[component]
pub fn CheckTheCode(typed: String, error: CodeError) -> impl IntoView {
    let i18n = use_i18n();
    let title = i18n.t("lookup-error-title");
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <h1>{title}</h1>
            <LookupForm value=typed error/>
            <p class="hint">{i18n.t("code-how-to-read")}</p>
        </PageLayout>
    }
}
