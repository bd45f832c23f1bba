//! The legal clock on the case page: the due-date line, the disclosure with
//! how the date was computed, and "if the administration does not answer".
//! Everything is read from the stored explanation; only "today" is new.

use chrono::NaiveDate;
use leptos::prelude::*;
use pratiche_db::public::{BodyContact, SubstituteOfficial};
use pratiche_domain::clock::{Adjustment, ClockStatus, DayOff, Explanation};

use crate::i18n::{I18n, use_i18n};

/// "12 marzo 2027 — mancano 14 giorni", "sospeso dal …", "conclusa il …".
pub fn due_text(i18n: &I18n, status: &ClockStatus) -> String {
    match *status {
        ClockStatus::Running { due_on, days_left } => {
            let left = match days_left {
                0 => i18n.t("due-today"),
                days if days > 0 => i18n.t_with("due-days-left", &[("days", days.into())]),
                days => i18n.t_with("due-overdue", &[("days", (-days).into())]),
            };
            format!("{} — {left}", i18n.date(due_on))
        }
        ClockStatus::AwaitingDocuments {
            since,
            reply_by: Some(reply_by),
        } => i18n.t_with(
            "due-awaiting-documents-reply-by",
            &[
                ("since", i18n.date(since).into()),
                ("reply_by", i18n.date(reply_by).into()),
            ],
        ),
        ClockStatus::AwaitingDocuments {
            since,
            reply_by: None,
        } => i18n.t_with(
            "due-awaiting-documents",
            &[("since", i18n.date(since).into())],
        ),
        ClockStatus::AwaitingObservations {
            since, answer_by, ..
        } => i18n.t_with(
            "due-awaiting-observations",
            &[
                ("since", i18n.date(since).into()),
                ("answer_by", i18n.date(answer_by).into()),
            ],
        ),
        ClockStatus::Concluded {
            on,
            used_days,
            allowed_days,
        } => i18n.t_with(
            "due-concluded",
            &[
                ("date", i18n.date(on).into()),
                ("used", used_days.into()),
                ("allowed", allowed_days.into()),
            ],
        ),
    }
}

/// A `<details>` disclosure: works without JavaScript.
#[component]
pub fn ClockExplanation(explanation: Explanation) -> impl IntoView {
    let i18n = use_i18n();
    let steps = explanation_steps(&i18n, &explanation);
    view! {
        <details class="clock-explanation">
            <summary>{i18n.t("clock-how")}</summary>
            <ol>{steps.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}</ol>
        </details>
    }
}

fn explanation_steps(i18n: &I18n, explanation: &Explanation) -> Vec<String> {
    let date = |on: NaiveDate| -> fluent_templates::fluent_bundle::FluentValue<'static> {
        i18n.date(on).into()
    };
    let mut steps = vec![
        i18n.t_with("clock-start", &[("date", date(explanation.submitted_on))]),
        i18n.t_with("clock-term", &[("days", explanation.term_days.into())]),
    ];
    for adjustment in &explanation.adjustments {
        steps.push(match adjustment {
            Adjustment::DocumentsRequested {
                from, until: None, ..
            } => i18n.t_with("clock-documents-open", &[("from", date(*from))]),
            Adjustment::DocumentsRequested {
                from,
                until: Some(until),
                capped: true,
                ..
            } => i18n.t_with(
                "clock-documents-capped",
                &[("from", date(*from)), ("until", date(*until))],
            ),
            Adjustment::DocumentsRequested {
                from,
                until: Some(until),
                counted_days,
                ..
            } => i18n.t_with(
                "clock-documents",
                &[
                    ("from", date(*from)),
                    ("until", date(*until)),
                    ("days", (*counted_days).into()),
                ],
            ),
            Adjustment::RepeatedDocumentsRequest { on } => {
                i18n.t_with("clock-documents-repeated", &[("on", date(*on))])
            }
            Adjustment::RejectionNotice {
                from,
                observations_on: None,
                until,
                counted_days,
            } => i18n.t_with(
                "clock-notice",
                &[
                    ("from", date(*from)),
                    ("until", date(*until)),
                    ("days", (*counted_days).into()),
                ],
            ),
            Adjustment::RejectionNotice {
                from,
                observations_on: Some(observed),
                until,
                counted_days,
            } => i18n.t_with(
                "clock-notice-observations",
                &[
                    ("from", date(*from)),
                    ("observed", date(*observed)),
                    ("until", date(*until)),
                    ("days", (*counted_days).into()),
                ],
            ),
            Adjustment::Extension {
                on,
                days,
                legal_basis,
            } => i18n.t_with(
                "clock-extension",
                &[
                    ("on", date(*on)),
                    ("days", (*days).into()),
                    ("basis", legal_basis.clone().into()),
                ],
            ),
        });
    }
    steps.push(i18n.t_with(
        "clock-total",
        &[("date", date(explanation.unshifted_due_on))],
    ));
    for skipped in &explanation.skipped_days {
        let reason = match &skipped.reason {
            DayOff::Sunday => i18n.t("day-off-sunday"),
            DayOff::Holiday { name } => {
                i18n.t_with("day-off-holiday", &[("name", name.clone().into())])
            }
            DayOff::PatronSaint => i18n.t("day-off-patron"),
        };
        steps.push(i18n.t_with(
            "clock-skip",
            &[("date", date(skipped.on)), ("reason", reason.into())],
        ));
    }
    steps.push(i18n.t_with("clock-due", &[("date", date(explanation.due_on))]));
    steps
}

/// "Se l'amministrazione non risponde" (docs/rules.md, Public view): always on the page,
/// highlighted once the due date has passed without a decision.
#[component]
pub fn IfNoAnswer(
    substitute: Option<SubstituteOfficial>,
    body: BodyContact,
    /// The due date, when it has passed without a decision.
    overdue_since: Option<NaiveDate>,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = if overdue_since.is_some() {
        "card if-no-answer overdue"
    } else {
        "card if-no-answer"
    };
    let who = match substitute {
        Some(official) => view! {
            <p>
                <strong>{i18n.t("silence-substitute")}": "</strong>
                {official.name}
                {official.office.map(|office| format!(", {office}"))}
                {official.contact.map(|contact| view! { <br/>{contact} })}
            </p>
        }
        .into_any(),
        None => view! { <p>{no_substitute(&i18n, &body)}</p> }.into_any(),
    };
    view! {
        <section class=class aria-labelledby="if-no-answer-title">
            <h2 id="if-no-answer-title">{i18n.t("silence-title")}</h2>
            {overdue_since.map(|due| {
                view! { <p class="overdue-note"><strong>{i18n.t_with("silence-overdue", &[("date", i18n.date(due).into())])}</strong></p> }
            })}
            <p>{i18n.t("silence-intro")}</p>
            {who}
            <p>{i18n.t("silence-remedies")}</p>
        </section>
    }
}

/// Whom to turn to when the body named no substitute official: the law's
/// default, reached through the body's general contact.
pub fn no_substitute(i18n: &I18n, body: &BodyContact) -> String {
    let contact = [
        Some(body.contact_office.clone()),
        body.contact_phone.clone(),
        body.contact_email.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    i18n.t_with("silence-default", &[("office", contact.into())])
}
