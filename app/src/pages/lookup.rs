//! `/cerca`, where the lookup form is sent. A well-formed code answers 303 to
//! the pratica's canonical address; anything else gets the form back with
//! what is wrong. No database read happens here, so the check works even when
//! the database is down. With JavaScript, the form's island asks the search
//! server function instead ([`answer_in_place`]).

use http::StatusCode;
use http::header::{HeaderValue, LOCATION, SET_COOKIE};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_router::hooks::use_query_map;
use pratiche_domain::{CaseCode, CodeError};

use crate::components::{Crumb, LookupForm, PageLayout, answer_privately, code_messages};
use crate::context::{AppContext, LookupThrottled, charge_lookups};
use crate::i18n::{I18n, use_i18n};
use crate::pages::not_found::{not_found_text, too_many_lookups_text};
use crate::paths;
use crate::search::LookupAnswer;

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

/// The search's answer to `typed` for the island (`search::look_up`): a
/// mistyped code gets the form's message, without reading the database or
/// charging the limit; a well-formed one is charged one lookup and read, as
/// the case page would, and a found one gets a receipt for that page.
pub async fn answer_in_place(typed: &str) -> LookupAnswer {
    let parts = expect_context::<http::request::Parts>();
    let i18n = I18n::from_request(&parts);
    answer_privately(StatusCode::OK);
    let code = match CaseCode::parse(typed) {
        Ok(code) => code,
        Err(error) => {
            return LookupAnswer::Refused {
                message: code_messages(&i18n).describe(Err(error)),
            };
        }
    };
    if let Err(LookupThrottled { retry_after_secs }) = charge_lookups(1).await {
        return LookupAnswer::Refused {
            message: too_many_lookups_text(&i18n, retry_after_secs),
        };
    }
    let context = expect_context::<AppContext>();
    match context.find_public_case(code).await {
        Ok(Some(_)) => {
            let receipt = context.receipts.issue(code, chrono::Utc::now());
            expect_context::<ResponseOptions>().append_header(
                SET_COOKIE,
                HeaderValue::from_str(&receipt).expect("a cookie is a valid header value"),
            );
            LookupAnswer::Found {
                address: paths::case_page(code),
            }
        }
        Ok(None) => LookupAnswer::Refused {
            message: not_found_text(&i18n, code),
        },
        Err(error) => {
            tracing::error!(%error, code = %code.redacted(), "cannot read a pratica");
            LookupAnswer::Refused {
                message: i18n.t("unavailable-text"),
            }
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
