//! The pages the links in mails open: confirm a subscription, stop it, and
//! the outcome. Opening a link changes nothing (mail scanners open links);
//! its button posts, and the server's handler (`server/src/alerts.rs`)
//! does the work.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{Crumb, PageLayout};
use crate::i18n::use_i18n;
use crate::paths;

/// The outcomes the handlers redirect to, as `?esito=` values.
pub const CONFIRMED: &str = "confermato";
pub const STOPPED: &str = "annullato";
pub const LINK_INVALID: &str = "non-valido";

/// The token a link carries, if it looks like one (a JWT's characters).
fn token() -> Option<String> {
    use_query_map().read_untracked().get("t").filter(|token| {
        token.len() <= 2048
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    })
}

#[component]
pub fn AlertsConfirmPage() -> impl IntoView {
    view! { <LinkButton path=paths::ALERTS_CONFIRM title="alerts-confirm-title" lead="alerts-confirm-lead" button="alerts-confirm-button"/> }
}

#[component]
pub fn AlertsStopPage() -> impl IntoView {
    view! { <LinkButton path=paths::ALERTS_STOP title="alerts-stop-title" lead="alerts-stop-lead" button="alerts-stop-button"/> }
}

/// A page with one button that posts the link's token to `path`.
#[component]
fn LinkButton(
    path: &'static str,
    title: &'static str,
    lead: &'static str,
    button: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = i18n.t(title);
    let body = match token() {
        Some(token) => view! {
            <p>{i18n.t(lead)}</p>
            <form method="post" action=format!("{path}?t={token}")>
                <button class="button" type="submit">{i18n.t(button)}</button>
            </form>
        }
        .into_any(),
        None => view! { <p>{i18n.t("alerts-link-invalid")}</p> }.into_any(),
    };
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <h1>{title}</h1>
            {body}
        </PageLayout>
    }
}

#[component]
pub fn AlertsOutcomePage() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = use_query_map().read_untracked().get("esito");
    let message = match outcome.as_deref() {
        Some(CONFIRMED) => "alerts-confirmed",
        Some(STOPPED) => "alerts-stopped",
        _ => "alerts-link-invalid",
    };
    let title = i18n.t("alerts-outcome-title");
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <h1>{title}</h1>
            <p role="status">{i18n.t(message)}</p>
        </PageLayout>
    }
}
