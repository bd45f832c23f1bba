//! The case page's ways of being told (docs/rules.md, Notifications): the
//! "Avvisami per e-mail" form, when mail is configured, and the pratica's
//! Atom feed. A plain form: it works without JavaScript. It answers the
//! same whatever the pratica's subscribers, so it reveals nothing.

use leptos::prelude::*;
use pratiche_domain::CaseCode;

use crate::components::FormField;
use crate::context::AppContext;
use crate::i18n::use_i18n;
use crate::paths;

/// The query flag the subscription form's redirect sets.
pub const SENT_FLAG: (&str, &str) = ("avvisi", "inviato");

/// What the subscription handler hands the case page back when the
/// address was refused: what was typed, shown again with the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertsDraft {
    pub email: String,
}

/// `sent`: the page came back from the form (the redirect's query flag).
#[component]
pub fn CaseAlerts(code: CaseCode, sent: bool) -> impl IntoView {
    let context = expect_context::<AppContext>();
    let i18n = use_i18n();
    let feed = paths::fill(paths::CASE_FEED, &[&code]);
    let feed_link = view! {
        <p>
            <a href=feed.clone() type="application/atom+xml">{i18n.t("alerts-feed")}</a>
            " "{i18n.t("alerts-feed-hint")}
        </p>
    };
    if !context.alerts_by_mail {
        return view! {
            <section class="card alerts" id="avvisi" aria-labelledby="alerts-title">
                <h2 id="alerts-title">{i18n.t("alerts-feed-title")}</h2>
                {feed_link}
            </section>
        }
        .into_any();
    }
    let draft = use_context::<AlertsDraft>();
    let error = draft.as_ref().map(|_| i18n.t("alerts-invalid"));
    let typed = draft.map(|draft| draft.email).unwrap_or_default();
    let privacy = i18n.t_with(
        "alerts-privacy",
        &[("days", context.retention.num_days().into())],
    );
    view! {
        <section class="card alerts" id="avvisi" aria-labelledby="alerts-title">
            <h2 id="alerts-title">{i18n.t("alerts-title")}</h2>
            <p>{i18n.t("alerts-intro")}</p>
            {sent.then(|| view! { <p class="notice" role="status">{i18n.t("alerts-sent")}</p> })}
            <form method="post" action=paths::fill(paths::CASE_ALERTS, &[&code])>
                <input type="hidden" name="lingua" value=i18n.tag()/>
                <FormField name="email" label=i18n.t("alerts-email-label") value=typed
                    kind="email" autocomplete="email" hint=Some(privacy) error/>
                <button class="button" type="submit">{i18n.t("alerts-submit")}</button>
            </form>
            {feed_link}
        </section>
    }
    .into_any()
}
