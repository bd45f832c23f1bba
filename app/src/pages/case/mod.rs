//! `/p/{CODE}`, the public page of a pratica (docs/rules.md, Public view). It has no island: it
//! downloads no JavaScript or WebAssembly. It reads only the allow-listed
//! public view of the pratica, with the due date as stored.

pub mod alerts;
pub mod deadline;

use std::sync::Arc;

use http::StatusCode;
use http::header::{HeaderValue, LOCATION};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_meta::Link;
use leptos_router::hooks::use_query_map;
use pratiche_db::clock::rome_date;
use pratiche_db::public::{PublicCase, PublicEvent};
use pratiche_domain::clock::ClockStatus;
use pratiche_domain::{CaseCode, CodeError};

use alerts::CaseAlerts;
use deadline::{ClockExplanation, IfNoAnswer, due_text};
use pratiche_db::clock::today_in_rome;

use crate::components::{Crumb, PageLayout, PhaseBadge, answer_privately};
use crate::context::{AppContext, LookupThrottled};
use crate::i18n::{I18n, use_i18n};
use crate::pages::lookup::CheckTheCode;
use crate::pages::mine::RememberCase;
use crate::pages::not_found::{CaseNotFound, TooManyLookups, Unavailable};
use crate::paths;

/// What the page of `/p/{code}` answers, decided before it is rendered: by
/// the server's handler of that path, which answers an unknown code without
/// rendering (a page prepared once per language) and hands every other
/// answer to the page in its context. Deciding first also reads the pratica
/// once, whichever way the answer goes out.
#[derive(Clone, Debug)]
pub enum CaseAnswer {
    /// Not a code: the form again, saying what is wrong (400).
    Malformed { typed: String, error: CodeError },
    /// A code written another way (lower case, without dashes): 308 to its
    /// canonical address.
    Respelt(CaseCode),
    /// The client made too many lookups (429); nothing was read.
    Throttled(LookupThrottled),
    Found {
        case: Arc<PublicCase>,
        usually: Option<UsualTime>,
    },
    /// Unknown, or closed longer ago than the retention period: one answer.
    NotFound(CaseCode),
    /// The database did not answer (503).
    Unavailable,
}

impl CaseAnswer {
    /// The answer to `typed`, the path's code as sent by the client of
    /// `request`: parsed, charged to the client's lookup limit (unless the
    /// search's receipt paid for it), then read.
    pub async fn decide(context: &AppContext, request: &http::request::Parts, typed: &str) -> Self {
        let code = match CaseCode::parse(typed) {
            Err(error) => {
                return Self::Malformed {
                    typed: typed.to_owned(),
                    error,
                };
            }
            Ok(code) => code,
        };
        if typed != code.to_string() {
            return Self::Respelt(code);
        }
        if let Err(throttled) = context.charge_lookup_of(request, code).await {
            return Self::Throttled(throttled);
        }
        match context.find_public_case(code).await {
            Ok(Some(case)) => {
                let usually = usual_time(context, &case).await;
                Self::Found {
                    case: Arc::new(case),
                    usually,
                }
            }
            Ok(None) => Self::NotFound(code),
            Err(error) => {
                tracing::error!(%error, code = %code.redacted(), "cannot read a pratica");
                Self::Unavailable
            }
        }
    }
}

/// Renders the [`CaseAnswer`] the server's handler put in the context.
#[component]
pub fn CasePage() -> impl IntoView {
    let Some(answer) = use_context::<CaseAnswer>() else {
        tracing::error!("the case page was rendered without its answer");
        return view! { <Unavailable/> }.into_any();
    };
    match answer {
        CaseAnswer::Malformed { typed, error } => {
            answer_privately(StatusCode::BAD_REQUEST);
            view! { <CheckTheCode typed error/> }.into_any()
        }
        CaseAnswer::Respelt(code) => {
            answer_privately(StatusCode::PERMANENT_REDIRECT);
            let location = HeaderValue::from_str(&paths::case_page(code))
                .expect("a code is a valid header value");
            expect_context::<ResponseOptions>().insert_header(LOCATION, location);
            ().into_any()
        }
        CaseAnswer::Throttled(LookupThrottled { retry_after_secs }) => {
            view! { <TooManyLookups retry_after_secs/> }.into_any()
        }
        CaseAnswer::NotFound(code) => view! { <CaseNotFound code/> }.into_any(),
        CaseAnswer::Unavailable => view! { <Unavailable/> }.into_any(),
        CaseAnswer::Found { case, usually } => {
            answer_privately(StatusCode::OK);
            let alerts_sent = use_query_map()
                .read_untracked()
                .get(alerts::SENT_FLAG.0)
                .is_some_and(|value| value == alerts::SENT_FLAG.1);
            view! { <CaseView case usually alerts_sent/> }.into_any()
        }
    }
}

/// The found page's main content alone, as [`CasePage`] writes it inside
/// its layout, for the citizen who sent `request` (their language, the
/// pratiche this device remembers). The server's handler puts it in a frame
/// rendered once per language and body (server/src/pages/case.rs), for a
/// request without a query: so the alerts form's "sent" notice is not shown.
pub fn found_content(
    context: &AppContext,
    request: &http::request::Parts,
    case: Arc<PublicCase>,
    usually: Option<UsualTime>,
) -> String {
    Owner::new().with(|| {
        provide_context(context.clone());
        provide_context(request.clone());
        provide_context(I18n::from_request(request));
        view! { <CaseContent case usually alerts_sent=false/> }.to_html()
    })
}

/// How long pratiche of this body and type usually take: the median of the
/// last twelve months, with how many it is drawn from; none without enough
/// (or when the figures cannot be read: the page goes on without them).
async fn usual_time(context: &AppContext, case: &PublicCase) -> Option<UsualTime> {
    let times = match context
        .processing_times
        .body(&context.db, case.body_id)
        .await
    {
        Ok(times) => times,
        Err(error) => {
            tracing::error!(%error, "cannot read the processing times");
            return None;
        }
    };
    let measured = times
        .by_type
        .get(&case.procedure_type_id)?
        .last_twelve_months
        .times?;
    Some(UsualTime {
        median_days: measured.median_days,
        concluded: measured.measured,
    })
}

#[derive(Clone, Copy, Debug)]
pub struct UsualTime {
    median_days: u32,
    concluded: u32,
}

/// The page of a found pratica: its head links and layout around
/// [`CaseContent`].
#[component]
fn CaseView(case: Arc<PublicCase>, usually: Option<UsualTime>, alerts_sent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let public_url = expect_context::<AppContext>().public_url;
    let label = case_label(&i18n, case.code);
    let title = format!("{label}: {}", case.subject);
    view! {
        <Link rel="canonical" href=format!("{public_url}{}", paths::case_page(case.code))/>
        <Link rel="alternate" type_="application/atom+xml" href=paths::fill(paths::CASE_FEED, &[&case.code])/>
        <PageLayout
            title=title
            body_name=case.body.name.clone()
            body_slug=case.body.slug.clone()
            crumbs=vec![Crumb { label, href: None }]
            private=true
        >
            <CaseContent case usually alerts_sent/>
        </PageLayout>
    }
}

/// "Pratica {code}": the page's eyebrow, title and breadcrumb.
fn case_label(i18n: &I18n, code: CaseCode) -> String {
    i18n.t_with("case-label", &[("code", code.to_string().into())])
}

/// Everything of the found page inside its layout's `<main>`: the part
/// that depends on more than the pratica's code, subject and body.
#[component]
fn CaseContent(
    case: Arc<PublicCase>,
    usually: Option<UsualTime>,
    alerts_sent: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let usually = usually.map(|usual| {
        i18n.t_with(
            "case-usually",
            &[
                ("days", usual.median_days.into()),
                ("count", usual.concluded.into()),
            ],
        )
    });
    let sheet = paths::fill(
        paths::PROCEDURE_SHEET,
        &[&case.body.slug, &case.procedure_type_id],
    );
    let label = case_label(&i18n, case.code);
    let phase = case.phase;
    let contact_sentence = i18n.t_with(
        "case-contact-sentence",
        &[
            ("office", case.office_name.clone().into()),
            ("responsible", case.responsible_name.clone().into()),
            ("contact", case.responsible_contact.clone().into()),
        ],
    );
    let latest_note = case.note_to_act_on().map(str::to_owned);
    let status = case
        .clock
        .as_ref()
        .map(|clock| ClockStatus::at(clock, today_in_rome()));
    let due = match &status {
        Some(status) => due_text(&i18n, status),
        None => i18n.t("case-due-not-computed"),
    };
    let overdue_since = status
        .as_ref()
        .filter(|status| status.is_overdue())
        .and(case.clock.as_ref())
        .map(|clock| clock.due_on);
    let if_no_answer = view! { <IfNoAnswer substitute=case.substitute.clone() body=case.body.clone() overdue_since/> };
    // Once overdue, the remedies come first.
    let (remedies_first, remedies_last) = if overdue_since.is_some() {
        (Some(if_no_answer), None)
    } else {
        (None, Some(if_no_answer))
    };
    view! {
        <p class="eyebrow">{label}</p>
        <h1>{case.subject.clone()}</h1>
        <p class="lead">{case.procedure_name.clone()}</p>
        {remedies_first}

        <section class="card status-card" aria-labelledby="status-title">
            <h2 id="status-title">{i18n.t("case-status-title")}</h2>
            <p class="status-phase"><PhaseBadge phase/></p>
            <p>{i18n.t(&format!("phase-{}-sentence", phase.as_str()))}</p>
            {case.state_text.clone().map(|text| view! { <p class="state-text">{text}</p> })}
            <p class="due-line"><strong>{i18n.t("due-label")}": "</strong>{due.clone()}</p>
            {usually.map(|sentence| view! { <p class="usually">{sentence}</p> })}
            {case.clock.clone().map(|explanation| view! { <ClockExplanation explanation/> })}
            <p><a href=sheet>{i18n.t("case-about-procedure")}</a></p>
        </section>

        <RememberCase code=case.code/>
        <CaseAlerts code=case.code sent=alerts_sent/>

        <section class="card next-steps" aria-labelledby="next-steps-title">
            <h2 id="next-steps-title">{i18n.t("case-next-steps")}</h2>
            <p>{i18n.t(&format!("phase-{}-next", phase.as_str()))}</p>
            {latest_note.map(|note| view! { <blockquote class="body-note">{note}</blockquote> })}
            <p>{contact_sentence}</p>
        </section>

        <section aria-labelledby="details-title">
            <h2 id="details-title">{i18n.t("case-details-title")}</h2>
            <dl class="details">
                <dt>{i18n.t("case-body")}</dt>
                <dd>{case.body.name.clone()}</dd>
                <dt>{i18n.t("case-procedure")}</dt>
                <dd>{case.procedure_name.clone()}</dd>
                <dt>{i18n.t("case-office")}</dt>
                <dd>{case.office_name.clone()}</dd>
                <dt>{i18n.t("case-responsible")}</dt>
                <dd>{case.responsible_name.clone()}</dd>
                <dt>{i18n.t("case-contact")}</dt>
                <dd>{case.responsible_contact.clone()}</dd>
                <dt>{i18n.t("case-submitted-on")}</dt>
                <dd><time datetime=case.submitted_on.to_string()>{i18n.date(case.submitted_on)}</time></dd>
                <dt>{i18n.t("due-label")}</dt>
                <dd>{due}</dd>
            </dl>
        </section>
        {remedies_last}

        <section aria-labelledby="history-title">
            <h2 id="history-title">{i18n.t("case-history-title")}</h2>
            <History events=case.history.clone()/>
        </section>
    }
}

/// The status history, newest first: date, phase and public note.
#[component]
fn History(events: Vec<PublicEvent>) -> impl IntoView {
    let i18n = use_i18n();
    if events.is_empty() {
        return view! { <p>{i18n.t("case-history-empty")}</p> }.into_any();
    }
    view! {
        <ol class="history">
            {events
                .into_iter()
                .map(|event| {
                    let day = rome_date(event.occurred_at);
                    view! {
                        <li class="history-entry">
                            <time datetime=day.to_string()>{i18n.date(day)}</time>
                            <PhaseBadge phase=event.phase/>
                            {event.correction.then(|| view! { <p class="history-correction">{i18n.t("case-correction")}</p> })}
                            {event.note.map(|note| view! { <p class="history-note">{note}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
