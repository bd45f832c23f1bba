//! The clerk's pages: the dashboard of the body's pratiche (search, filters,
//! counts, pages) and the full record of one pratica. Plain GET forms; every
//! query is scoped to the signed-in user's body.
//!
//! Two pages that share their queries' types and their row views: the
//! dashboard and the record.

use chrono::Utc;
use http::StatusCode;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use pratiche_db::cases::dashboard::{
    Dashboard, DashboardFilter, DueFilter, MatchCount, PAGE_SIZE, dashboard,
};
use pratiche_db::cases::record::{CaseDetail, case_detail};
use pratiche_db::cases::state_offer;
use pratiche_db::procedure_types::StateChoice;
use pratiche_domain::clock::ClockStatus;
use pratiche_domain::{CaseCode, PublicPhase};

use crate::components::{Crumb, PageLayout, PhaseBadge, answer_privately};
use crate::context::{AppContext, SignedIn};
use crate::dashboard_live::DashboardUpdate;
use crate::i18n::{I18n, use_i18n};
use crate::islands::DashboardLive;
use crate::pages::case::deadline::{ClockExplanation, due_text};
use crate::pages::sent_messages::CaseMessages;
use crate::pages::staff::{
    StaffNav, body_staff, database_unavailable, redirect, rome_time, signed_in,
};
use crate::pages::status_change::{
    DraftOutcome, SavedCallout, SavedNotice, StatusChangeDraft, StatusChangeForms, happened_at,
    saved_notice_from_query,
};
use crate::paths;
use pratiche_db::clock::today_in_rome;

/// The dashboard's filter, read from the query string (bad values ignored).
fn filter_from_query() -> (DashboardFilter, u64) {
    let query = use_query_map().read_untracked();
    filter_from(|name| query.get(name))
}

/// The dashboard's filter and page from the query's values (`get` gives
/// the value of a name), bad values ignored.
fn filter_from(get: impl Fn(&str) -> Option<String>) -> (DashboardFilter, u64) {
    let filter = DashboardFilter {
        search: get("q").filter(|q| !q.trim().is_empty()),
        phase: get("fase").and_then(|phase| phase.parse().ok()),
        procedure_type_id: get("tipo").and_then(|id| id.parse().ok()),
        due: match get("scadenza").as_deref() {
            Some("scadute") => Some(DueFilter::PastDue),
            Some("settimana") => Some(DueFilter::WithinWeek),
            _ => None,
        },
    };
    // Pages past `u32::MAX` are refused like any other bad number: the
    // offset of such a page would overflow.
    let page = get("pagina")
        .and_then(|page| page.parse::<u32>().ok())
        .map_or(1, u64::from)
        .max(1);
    (filter, page)
}

/// The query string of `filter` at `page`, for the pager's links.
fn query_string(filter: &DashboardFilter, page: u64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(search) = &filter.search {
        query.append_pair("q", search);
    }
    if let Some(phase) = filter.phase {
        query.append_pair("fase", phase.as_str());
    }
    if let Some(id) = filter.procedure_type_id {
        query.append_pair("tipo", &id.to_string());
    }
    match filter.due {
        Some(DueFilter::PastDue) => query.append_pair("scadenza", "scadute"),
        Some(DueFilter::WithinWeek) => query.append_pair("scadenza", "settimana"),
        None => &mut query,
    };
    query.append_pair("pagina", &page.to_string());
    query.finish()
}

fn staff_body(user: &SignedIn) -> Option<i32> {
    user.body_id
}

/// The pratica with the typed code if it belongs to the user's body; none
/// for a malformed code, another body's pratica or a user of no body.
pub(crate) async fn own_case(
    db: &pratiche_db::DatabaseConnection,
    body_id: Option<i32>,
    typed: &str,
) -> Result<Option<CaseDetail>, pratiche_db::DbErr> {
    match (body_id, CaseCode::parse(typed)) {
        (Some(body_id), Ok(code)) => case_detail(db, body_id, code).await,
        _ => Ok(None),
    }
}

/// The ids of the dashboard's filter form, its count and its list, for its
/// island.
const DASHBOARD_FORM_ID: &str = "filtri";
const DASHBOARD_TOTAL_ID: &str = "totale";
const DASHBOARD_RESULTS_ID: &str = "elenco";

/// The dashboard's list for the filter form's values, as its island asks
/// when the clerk types or chooses (`dashboard_live::filter_dashboard`):
/// the same filter reading, query and rendering as the page, for the
/// signed-in staff's body. `posted` is the form URL-encoded, as the browser
/// sends it.
pub async fn filter_in_place(posted: &str) -> Result<DashboardUpdate, ServerFnError> {
    let (_, body_id) = body_staff()?;
    let values: Vec<(String, String)> = form_urlencoded::parse(posted.as_bytes())
        .into_owned()
        .collect();
    let (filter, page) = filter_from(|name| {
        values
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    });
    let db = expect_context::<AppContext>().db;
    let found = match dashboard(&db, body_id, &filter, page - 1, today_in_rome()).await {
        Ok(found) => found,
        Err(error) => return Err(database_unavailable("read the dashboard", &error)),
    };
    answer_privately(StatusCode::OK);
    let i18n = I18n::from_request(&expect_context::<http::request::Parts>());
    let total = count_text(&i18n, "dash-total", found.total);
    provide_context(i18n);
    let address = format!("{}?{}", paths::DASHBOARD, query_string(&filter, page));
    let results = view! { <DashboardResults found filter page/> }.to_html();
    Ok(DashboardUpdate {
        address,
        total,
        results,
    })
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let Some(user) = signed_in() else {
        return redirect(paths::SIGN_IN);
    };
    answer_privately(StatusCode::OK);
    let i18n = use_i18n();
    let title = i18n.t("bo-nav-cases");
    let Some(body_id) = staff_body(&user) else {
        return view! {
            <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
                <StaffNav/>
                <h1>{title}</h1>
                <p>{i18n.t("dash-no-body")}</p>
            </PageLayout>
        }
        .into_any();
    };
    let (filter, page) = filter_from_query();
    let context = expect_context::<AppContext>();
    let body = Suspend::new(async move {
        let today = today_in_rome();
        let found = dashboard(&context.db, body_id, &filter, page - 1, today).await;
        let body_name = pratiche_db::bodies::body_name_by_id(&context.db, body_id)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        match found {
            Ok(found) => view! { <DashboardView found filter page body_name/> }.into_any(),
            Err(error) => {
                tracing::error!(%error, "cannot read the dashboard");
                answer_privately(StatusCode::SERVICE_UNAVAILABLE);
                view! { <p>{use_i18n().t("unavailable-text")}</p> }.into_any()
            }
        }
    });
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <StaffNav/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </PageLayout>
    }
    .into_any()
}

/// A count of the dashboard as text: `key` with the count, or `key-more`
/// with the limit the count stopped at.
fn count_text(i18n: &I18n, key: &str, count: MatchCount) -> String {
    match count {
        MatchCount::Exactly(count) => i18n.t_with(key, &[("count", count.into())]),
        MatchCount::MoreThan(limit) => {
            i18n.t_with(&format!("{key}-more"), &[("count", limit.into())])
        }
    }
}

#[component]
fn DashboardView(
    found: Dashboard,
    filter: DashboardFilter,
    page: u64,
    body_name: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let total_text = count_text(&i18n, "dash-total", found.total);
    let selected = |value: bool| value.then_some("selected");
    let phase_options = PublicPhase::ALL
        .into_iter()
        .map(|phase| {
            view! {
                <option value=phase.as_str() selected=selected(filter.phase == Some(phase))>
                    {i18n.t(&format!("phase-{}", phase.as_str()))}
                </option>
            }
        })
        .collect_view();
    let type_options = found
        .procedure_types
        .iter()
        .map(|(id, name)| {
            view! { <option value=id.to_string() selected=selected(filter.procedure_type_id == Some(*id))>{name.clone()}</option> }
        })
        .collect_view();
    view! {
        <h1>{i18n.t_with("dash-title", &[("body", body_name.into())])}</h1>
        <ul class="dash-counts">
            <li><a href="?scadenza=scadute">{count_text(&i18n, "dash-past-due", found.past_due)}</a></li>
            <li><a href="?scadenza=settimana">{count_text(&i18n, "dash-due-soon", found.due_within_week)}</a></li>
        </ul>
        <form id=DASHBOARD_FORM_ID class="dash-filters" method="get" action=paths::DASHBOARD aria-label=i18n.t("dash-filters")>
            <div>
                <label class="field-label" for="q">{i18n.t("dash-search")}</label>
                <input id="q" name="q" type="search" value=filter.search.clone().unwrap_or_default()/>
            </div>
            <div>
                <label class="field-label" for="fase">{i18n.t("dash-phase")}</label>
                <select id="fase" name="fase"><option value="">{i18n.t("dash-any")}</option>{phase_options}</select>
            </div>
            <div>
                <label class="field-label" for="tipo">{i18n.t("dash-type")}</label>
                <select id="tipo" name="tipo"><option value="">{i18n.t("dash-any")}</option>{type_options}</select>
            </div>
            <div>
                <label class="field-label" for="scadenza">{i18n.t("dash-due")}</label>
                <select id="scadenza" name="scadenza">
                    <option value="">{i18n.t("dash-any")}</option>
                    <option value="scadute" selected=selected(filter.due == Some(DueFilter::PastDue))>{i18n.t("dash-due-past")}</option>
                    <option value="settimana" selected=selected(filter.due == Some(DueFilter::WithinWeek))>{i18n.t("dash-due-week")}</option>
                </select>
            </div>
            <button class="button" type="submit">{i18n.t("dash-apply")}</button>
        </form>
        <p class="dash-total" id=DASHBOARD_TOTAL_ID role="status">{total_text}</p>
        <div id=DASHBOARD_RESULTS_ID>
            <DashboardResults found filter page/>
        </div>
        <DashboardLive form_id=DASHBOARD_FORM_ID.to_owned() total_id=DASHBOARD_TOTAL_ID.to_owned() results_id=DASHBOARD_RESULTS_ID.to_owned()/>
    }
}

/// The dashboard's list under its filters: the rows of `page` and the
/// pager. The page renders it, and renders it alone for the live
/// filtering ([`filter_in_place`]).
#[component]
fn DashboardResults(found: Dashboard, filter: DashboardFilter, page: u64) -> impl IntoView {
    let i18n = use_i18n();
    let today = today_in_rome();
    // Past a counting limit the number of pages is not known: a full page
    // has a next one.
    let pages = match found.total {
        MatchCount::Exactly(total) => Some(total.div_ceil(PAGE_SIZE).max(1)),
        MatchCount::MoreThan(_) => None,
    };
    let has_next = match pages {
        Some(pages) => page < pages,
        None => found.rows.len() as u64 == PAGE_SIZE,
    };
    let page_text = match pages {
        Some(pages) => i18n.t_with(
            "dash-page",
            &[("page", page.into()), ("pages", pages.into())],
        ),
        None => i18n.t_with("dash-page-open", &[("page", page.into())]),
    };
    let rows = found
        .rows
        .iter()
        .map(|row| {
            let code = row.code.to_string();
            let phase = *row.current_phase;
            let open = !phase.is_final();
            let due = match (row.due_date, open) {
                (Some(due_on), true) => due_text(
                    &i18n,
                    &ClockStatus::Running {
                        due_on,
                        days_left: (due_on - today).num_days(),
                    },
                ),
                (Some(due_on), false) => i18n.date(due_on),
                (None, _) => "—".to_owned(),
            };
            view! {
                <tr>
                    <td><a href=paths::case_record(&code)>{code.clone()}</a></td>
                    <td>{row.subject.clone()}</td>
                    <td>{row.own_reference.clone().unwrap_or_default()}</td>
                    <td>{row.procedure_name.clone()}</td>
                    <td><PhaseBadge phase/></td>
                    <td>{due}</td>
                </tr>
            }
        })
        .collect_view();
    let previous = (page > 1).then(|| format!("?{}", query_string(&filter, page - 1)));
    let next = has_next.then(|| format!("?{}", query_string(&filter, page + 1)));
    view! {
        {if found.rows.is_empty() {
            view! { <p>{i18n.t("dash-empty")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="cases">
                        <thead>
                            <tr>
                                <th scope="col">{i18n.t("dash-col-code")}</th>
                                <th scope="col">{i18n.t("dash-col-subject")}</th>
                                <th scope="col">{i18n.t("dash-col-reference")}</th>
                                <th scope="col">{i18n.t("dash-col-type")}</th>
                                <th scope="col">{i18n.t("dash-col-phase")}</th>
                                <th scope="col">{i18n.t("dash-col-due")}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <nav class="pager" aria-label=page_text.clone()>
            {previous.map(|href| view! { <a href=href rel="prev">{i18n.t("dash-previous")}</a> })}
            <span>{page_text.clone()}</span>
            {next.map(|href| view! { <a href=href rel="next">{i18n.t("dash-next")}</a> })}
        </nav>
    }
}

#[component]
pub fn CaseRecordPage() -> impl IntoView {
    let Some(user) = signed_in() else {
        return redirect(paths::SIGN_IN);
    };
    let typed = use_params_map()
        .read_untracked()
        .get("code")
        .unwrap_or_default();
    let context = expect_context::<AppContext>();
    let body_id = staff_body(&user);
    let draft = use_context::<StatusChangeDraft>();
    let saved = saved_notice_from_query();
    let record = Suspend::new(async move {
        let i18n = use_i18n();
        // The states a change may set when it happened: now, or the day
        // and time of the change form sent back (its preview, its problems).
        let now = Utc::now();
        let at = match &draft {
            Some(draft) if !draft.form.is_correction() => happened_at(&draft.form, now),
            _ => now,
        };
        let found = match own_case(&context.db, body_id, &typed).await {
            Ok(Some(detail)) => state_offer(&context.db, &detail.case, at)
                .await
                .map(|offer| Some((detail, offer.allowed, offer.all))),
            Ok(None) => Ok(None),
            Err(error) => Err(error),
        };
        match found {
            Ok(Some((detail, next_states, all_states))) => {
                answer_privately(match &draft {
                    Some(draft) if draft.outcome == Some(DraftOutcome::Conflict) => {
                        StatusCode::CONFLICT
                    }
                    Some(draft) if !draft.errors.is_empty() || !draft.personal_data.is_empty() => {
                        StatusCode::UNPROCESSABLE_ENTITY
                    }
                    _ => StatusCode::OK,
                });
                view! { <CaseRecord detail next_states all_states draft saved/> }.into_any()
            }
            Ok(None) => {
                // Another body's pratica answers exactly like an unknown one.
                answer_privately(StatusCode::NOT_FOUND);
                view! { <h1>{i18n.t("not-found-title")}</h1><p>{i18n.t("record-not-found")}</p> }
                    .into_any()
            }
            Err(error) => {
                tracing::error!(%error, "cannot read a pratica's record");
                answer_privately(StatusCode::SERVICE_UNAVAILABLE);
                view! { <p>{i18n.t("unavailable-text")}</p> }.into_any()
            }
        }
    });
    let i18n = use_i18n();
    let cases = i18n.t("bo-nav-cases");
    view! {
        <PageLayout
            title=cases.clone()
            crumbs=vec![Crumb { label: cases, href: Some(paths::DASHBOARD.to_owned()) }]
            private=true
        >
            <StaffNav/>
            <Suspense fallback=|| ()>{record}</Suspense>
        </PageLayout>
    }
    .into_any()
}

/// The ids of the record's summary and history, which a save in place
/// renders again.
pub(crate) const RECORD_SUMMARY_ID: &str = "sintesi";
pub(crate) const RECORD_HISTORY_ID: &str = "storia";

#[component]
fn CaseRecord(
    detail: CaseDetail,
    next_states: Vec<StateChoice>,
    all_states: Vec<StateChoice>,
    draft: Option<StatusChangeDraft>,
    saved: SavedNotice,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = *detail.case.code;
    let version = detail.case.version;
    let events = detail.events.clone();
    let case_id = detail.case.id;
    view! {
        {saved.saved.then(|| view! { <SavedCallout warnings=saved.warnings/> })}
        <div id=RECORD_SUMMARY_ID><RecordSummary detail/></div>
        <StatusChangeForms code=code.to_string() version next_states all_states draft/>
        <h2>{i18n.t("record-history")}</h2>
        <ol id=RECORD_HISTORY_ID class="history staff-history"><RecordHistory events/></ol>
        <CaseMessages case_id/>
    }
}

/// A pratica's record above its forms: what it is, its phase, its due date
/// and the due date's explanation.
#[component]
pub(crate) fn RecordSummary(detail: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let code = *detail.case.code;
    let phase = *detail.case.current_phase;
    let due = detail
        .clock
        .as_ref()
        .map(|clock| due_text(&i18n, &ClockStatus::at(clock, today_in_rome())));
    view! {
        <p class="eyebrow">{i18n.t_with("case-label", &[("code", code.to_string().into())])}</p>
        <h1>{detail.case.subject.clone()}</h1>
        <p class="lead">{detail.procedure_name.clone()}</p>
        <dl class="details">
            <dt>{i18n.t("record-reference")}</dt>
            <dd>{detail.case.own_reference.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{i18n.t("dash-col-phase")}</dt>
            <dd><PhaseBadge phase/></dd>
            <dt>{i18n.t("case-submitted-on")}</dt>
            <dd>{i18n.date(detail.case.submitted_on)}</dd>
            <dt>{i18n.t("due-label")}</dt>
            <dd>{due.unwrap_or_else(|| i18n.t("case-due-not-computed"))}</dd>
            <dt>{i18n.t("case-responsible")}</dt>
            <dd>{format!("{}, {}", detail.case.responsible_name, detail.case.office_name)}</dd>
        </dl>
        {detail.clock.clone().map(|explanation| view! { <ClockExplanation explanation/> })}
        <p class="record-links">
            <a class="button-link button-secondary" href=paths::case_page(code)>{i18n.t("record-public-page")}</a>
            " "
            <a class="button-link button-secondary" href=paths::receipt(code)>{i18n.t("receipt-link")}</a>
        </p>
    }
}

/// A pratica's history, newest first, as the staff see it.
#[component]
pub(crate) fn RecordHistory(events: Vec<pratiche_db::cases::record::EventDetail>) -> impl IntoView {
    let i18n = use_i18n();
    events
        .iter()
        .rev()
        .map(|event| event_view(&i18n, event))
        .collect_view()
}

fn event_view(
    i18n: &I18n,
    event: &pratiche_db::cases::record::EventDetail,
) -> impl IntoView + use<> {
    let phase = *event.public_phase;
    let who = event
        .recorded_by
        .clone()
        .unwrap_or_else(|| i18n.t("record-system"));
    let source = i18n.t(&format!("record-source-{}", event.source));
    let recorded = i18n.t_with(
        "record-recorded",
        &[
            ("when", rome_time(i18n, event.recorded_at).into()),
            ("who", who.into()),
            ("source", source.into()),
        ],
    );
    let clock_fields = [
        event
            .reply_by
            .map(|date| i18n.t_with("record-reply-by", &[("date", i18n.date(date).into())])),
        event
            .observations_on
            .map(|date| i18n.t_with("record-observations", &[("date", i18n.date(date).into())])),
        event.extension_days.map(|days| {
            i18n.t_with(
                "record-extension",
                &[
                    ("days", days.into()),
                    (
                        "basis",
                        event.extension_basis.clone().unwrap_or_default().into(),
                    ),
                ],
            )
        }),
    ];
    view! {
        <li class="history-entry">
            <time datetime=event.occurred_at.to_rfc3339()>{rome_time(i18n, event.occurred_at)}</time>
            <p><strong>{event.state_name.clone()}</strong>" "<PhaseBadge phase/></p>
            {event.correction_reason.clone().map(|reason| view! { <p class="history-correction"><strong>{i18n.t("case-correction")}": "</strong>{reason}</p> })}
            {event.public_note.clone().map(|note| view! { <p><strong>{i18n.t("record-public-note")}": "</strong>{note}</p> })}
            {event.internal_note.clone().map(|note| view! { <p class="internal-note"><strong>{i18n.t("record-internal-note")}": "</strong>{note}</p> })}
            {clock_fields.into_iter().flatten().map(|field| view! { <p>{field}</p> }).collect_view()}
            <p class="hint">{recorded}</p>
        </li>
    }
}
