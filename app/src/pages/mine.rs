//! "Le mie pratiche" on the pages: the list on the home page and the
//! remember/forget buttons on a case page. Plain forms that post to the
//! server's `/mie-pratiche` handlers, so they work without JavaScript.

use chrono::Utc;
use http::StatusCode;
use leptos::prelude::*;
use pratiche_db::public::{CaseSummary, summaries};
use pratiche_domain::CaseCode;

use crate::components::{PhaseBadge, answer_privately};
use crate::context::{AppContext, LookupThrottled, charge_lookups};
use crate::i18n::use_i18n;
use crate::paths;
use crate::remembered;

/// The codes remembered on the requesting device.
pub fn remembered_codes() -> Vec<CaseCode> {
    use_context::<http::request::Parts>()
        .map(|parts| remembered::from_headers(&parts.headers))
        .unwrap_or_default()
}

/// The home page's list; nothing when no code is remembered. Each code read
/// counts as one lookup against the rate limit.
#[component]
pub fn MyCases() -> impl IntoView {
    let codes = remembered_codes();
    if codes.is_empty() {
        return ().into_any();
    }
    // The list is about one person's pratiche: never cached.
    answer_privately(StatusCode::OK);
    let i18n = use_i18n();
    let charge = charge_lookups(codes.len());
    let context = expect_context::<AppContext>();
    let list = Suspend::new(async move {
        if let Err(LookupThrottled { retry_after_secs }) = charge.await {
            let i18n = use_i18n();
            return view! { <p class="notice">{i18n.t_with("mine-throttled", &[("seconds", retry_after_secs.into())])}</p> }
                .into_any();
        }
        let closed_after = Utc::now() - context.retention;
        let found = summaries(&context.db, &codes, closed_after)
            .await
            .unwrap_or_else(|error| {
                tracing::error!(%error, "cannot list remembered pratiche");
                Vec::new()
            });
        let rows = codes
            .into_iter()
            .map(|code| {
                let summary = found.iter().find(|summary| summary.code == code).cloned();
                view! { <MyCase code summary/> }
            })
            .collect_view();
        view! { <ul class="my-cases">{rows}</ul> }.into_any()
    });
    view! {
        <section class="card my-cases-card" aria-labelledby="my-cases-title">
            <h2 id="my-cases-title">{i18n.t("mine-title")}</h2>
            <p class="hint">{i18n.t("mine-intro")}</p>
            <Suspense fallback=|| ()>{list}</Suspense>
            <form method="post" action=paths::REMEMBERED_FORGET>
                <button class="button button-secondary" type="submit">{i18n.t("mine-forget-all")}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn MyCase(code: CaseCode, summary: Option<CaseSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let shown = code.to_string();
    let description = match summary {
        Some(summary) => view! {
            <a class="my-case-link" href=paths::case_page(code)>{shown.clone()}</a>
            <span class="my-case-subject">{summary.subject}" — "{summary.body_name}</span>
            <PhaseBadge phase=summary.phase/>
        }
        .into_any(),
        None => view! {
            <span class="my-case-code">{shown.clone()}</span>
            <span class="my-case-subject">{i18n.t("mine-not-found")}</span>
        }
        .into_any(),
    };
    view! {
        <li class="my-case">
            {description}
            <ForgetForm code back="home" label=i18n.t_with("mine-remove", &[("code", shown.into())])/>
        </li>
    }
}

/// Posts the removal of one code; `back` says where to come back to.
#[component]
fn ForgetForm(code: CaseCode, back: &'static str, label: String) -> impl IntoView {
    view! {
        <form class="inline-form" method="post" action=paths::REMEMBERED_REMOVE>
            <input type="hidden" name="codice" value=code.to_string()/>
            <input type="hidden" name="torna" value=back/>
            <button class="button button-secondary" type="submit">{label}</button>
        </form>
    }
}

/// On a case page: remember it on this device, or stop remembering it.
#[component]
pub fn RememberCase(code: CaseCode) -> impl IntoView {
    let i18n = use_i18n();
    let codes = remembered_codes();
    if codes.contains(&code) {
        view! {
            <div class="remember">
                <p>{i18n.t("remember-done")}</p>
                <ForgetForm code back="case" label=i18n.t("remember-forget")/>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="remember">
                <form method="post" action=paths::REMEMBERED>
                    <input type="hidden" name="codice" value=code.to_string()/>
                    <button class="button button-secondary" type="submit" aria-describedby="remember-hint">
                        {i18n.t("remember-button")}
                    </button>
                </form>
                <p id="remember-hint" class="hint">{i18n.t("remember-hint")}</p>
            </div>
        }
        .into_any()
    }
}
