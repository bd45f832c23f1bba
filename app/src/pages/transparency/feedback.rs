//! The sheet's feedback element, as the model sites for Comuni have it (and
//! the PNRR validator looks for): "how clear is this page", 1 to 5, in a
//! plain form (no JavaScript), kept anonymous; and whom to write to.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pratiche_domain::procedure_sheet::SheetRating;

use crate::i18n::use_i18n;

/// The query flag the rating's handler answers with, and its values.
pub const RATING_FLAG: &str = "valutazione";
pub const RATING_THANKS: &str = "grazie";
pub const RATING_MISSING: &str = "mancante";

#[component]
pub fn Feedback(
    /// Where the form posts.
    action: String,
    /// The body's address or office, for anything longer than a number.
    contact: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = use_query_map().read_untracked().get(RATING_FLAG);
    let status = match outcome.as_deref() {
        Some(RATING_THANKS) => Some(("notice", i18n.t("feedback-thanks"))),
        Some(RATING_MISSING) => Some(("form-error", i18n.t("feedback-missing"))),
        _ => None,
    };
    let choices = SheetRating::ALL
        .into_iter()
        .map(|value| {
            let id = format!("voto-{value}");
            let label = i18n.t_with("feedback-rating", &[("value", value.into())]);
            view! {
                <span class="rating-choice">
                    <input type="radio" id=id.clone() name="voto" value=value.to_string() required=true/>
                    <label for=id>{label}</label>
                </span>
            }
        })
        .collect_view();
    let sentence = i18n.t_with("feedback-text", &[("contact", contact.into())]);
    view! {
        <section class="card feedback" id="valutazione" data-element="feedback" aria-labelledby="feedback-title">
            <h2 id="feedback-title" data-element="feedback-title">{i18n.t("feedback-title")}</h2>
            {status.map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
            <form method="post" action=action>
                <fieldset class="rating">
                    <legend>{i18n.t("feedback-legend")}</legend>
                    {choices}
                </fieldset>
                <button class="button" type="submit">{i18n.t("feedback-send")}</button>
            </form>
            <p>{sentence}</p>
        </section>
    }
}
