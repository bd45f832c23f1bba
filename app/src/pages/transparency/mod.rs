//! What each body publishes about its procedures, without signing in and
//! without JavaScript (D.Lgs. 33/2013 art. 35; L. 241/1990 art. 2 c.
//! 4-bis): the bodies (`/enti`), one body's procedure types with their
//! processing times, and each type's sheet with every art. 35 c. 1 item,
//! its times per half year as a chart and a table, and the open data.
//! Nothing here names a pratica or a citizen: only counts and durations.

pub mod chart;
pub mod feedback;
pub mod open_data;

use chrono_tz::Europe::Rome;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pratiche_db::bodies::all_bodies;
use pratiche_db::entity::{body, procedure_type};
use pratiche_db::procedure_types::{procedure_type_of, procedure_types_of_body};
use pratiche_db::public::{BodyContact, SubstituteOfficial};
use pratiche_db::transparency::{BodyTimes, HandlingOffice, body_by_slug, handling_office};
use pratiche_domain::procedure_sheet::SilenceRule;
use pratiche_domain::processing_times::ProcessingTimes;

use crate::components::{Crumb, PageLayout};
use crate::context::AppContext;
use crate::i18n::use_i18n;
use crate::pages::case::deadline::IfNoAnswer;
use crate::pages::not_found::{PageNotFound, Unavailable};
use crate::paths;
use chart::{TimesChart, TimesTable, in_time_and_median_cells};
use feedback::Feedback;
use open_data::OpenData;

/// `/enti`: every body of the installation, and the province's open data.
#[component]
pub fn BodiesPublicPage() -> impl IntoView {
    let db = expect_context::<AppContext>().db;
    let content = Suspend::new(async move {
        let i18n = use_i18n();
        let Ok(bodies) = all_bodies(&db).await else {
            return view! { <Unavailable/> }.into_any();
        };
        let title = i18n.t("transparency-bodies-title");
        let items = bodies
            .into_iter()
            .map(|body| {
                let href = paths::fill(paths::BODY_PUBLIC, &[&body.slug]);
                view! { <li><a href=href>{body.name}</a></li> }
            })
            .collect_view();
        view! {
            <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }]>
                <h1 data-element="page-name">{title}</h1>
                <p class="lead">{i18n.t("transparency-bodies-intro")}</p>
                <ul class="body-list">{items}</ul>
                <OpenData/>
            </PageLayout>
        }
        .into_any()
    });
    view! { <Suspense fallback=|| ()>{content}</Suspense> }
}

/// `/enti/{slug}`: a body's procedure types, each with its term and the
/// last twelve months' times.
#[component]
pub fn BodyPublicPage() -> impl IntoView {
    let slug = use_params_map()
        .read_untracked()
        .get("slug")
        .unwrap_or_default();
    let context = expect_context::<AppContext>();
    let content = Suspend::new(async move {
        let found = async {
            let Some(body) = body_by_slug(&context.db, &slug).await? else {
                return Ok(None);
            };
            let types = procedure_types_of_body(&context.db, body.id).await?;
            let times = context.processing_times.body(&context.db, body.id).await?;
            Ok::<_, pratiche_db::DbErr>(Some((body, types, times)))
        };
        match found.await {
            Ok(Some((body, types, times))) => view! { <BodyView body types times/> }.into_any(),
            Ok(None) => view! { <PageNotFound/> }.into_any(),
            Err(error) => {
                tracing::error!(%error, "cannot read a body's procedures");
                view! { <Unavailable/> }.into_any()
            }
        }
    });
    view! { <Suspense fallback=|| ()>{content}</Suspense> }
}

#[component]
fn BodyView(
    body: body::Model,
    types: Vec<procedure_type::Model>,
    times: std::sync::Arc<BodyTimes>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = pratiche_db::clock::rome_date(times.as_of);
    let bodies = i18n.t("transparency-bodies-title");
    let rows = types
        .iter()
        .map(|procedure| {
            let href = paths::fill(paths::PROCEDURE_SHEET, &[&body.slug, &procedure.id]);
            let figures = times.of_type(procedure.id, today);
            let twelve = figures.last_twelve_months;
            let measured = in_time_and_median_cells(&i18n, twelve.times);
            view! {
                <tr>
                    <th scope="row"><a href=href>{procedure.name.clone()}</a></th>
                    <td>{procedure.term_days}</td>
                    <td>{twelve.concluded}</td>
                    {measured}
                    <td>{figures.open_past_due}</td>
                </tr>
            }
        })
        .collect_view();
    let list = if types.is_empty() {
        view! { <p>{i18n.t("transparency-no-procedures")}</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class="times-table">
                    <caption>{i18n.t("transparency-body-caption")}</caption>
                    <thead><tr>
                        <th scope="col">{i18n.t("transparency-procedure")}</th>
                        <th scope="col">{i18n.t("sheet-term-days-column")}</th>
                        <th scope="col">{i18n.t("times-col-concluded")}</th>
                        <th scope="col">{i18n.t("times-col-in-time")}</th>
                        <th scope="col">{i18n.t("times-col-median")}</th>
                        <th scope="col">{i18n.t("times-col-past-due")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <PageLayout
            title=body.name.clone()
            body_name=body.name.clone()
            body_slug=body.slug.clone()
            crumbs=vec![
                Crumb { label: bodies, href: Some(paths::BODIES_PUBLIC.to_owned()) },
                Crumb { label: body.name.clone(), href: None },
            ]
        >
            <h1 data-element="page-name">{i18n.t("transparency-body-title")}</h1>
            <p class="lead">{i18n.t("transparency-body-intro")}</p>
            {list}
            <AsOf times=times.clone()/>
            <OpenData slug=body.slug.clone()/>
        </PageLayout>
    }
}

/// `/enti/{slug}/procedimenti/{id}`: a procedure type's sheet and times.
#[component]
pub fn ProcedureSheetPage() -> impl IntoView {
    let params = use_params_map().read_untracked();
    let slug = params.get("slug").unwrap_or_default();
    let id = params.get("id").and_then(|id| id.parse::<i32>().ok());
    let context = expect_context::<AppContext>();
    let content = Suspend::new(async move {
        let found = async {
            let Some(body) = body_by_slug(&context.db, &slug).await? else {
                return Ok(None);
            };
            let Some(procedure) = (match id {
                Some(id) => procedure_type_of(&context.db, body.id, id).await?,
                None => None,
            }) else {
                return Ok(None);
            };
            let office = handling_office(&context.db, procedure.id).await?;
            let times = context.processing_times.body(&context.db, body.id).await?;
            Ok::<_, pratiche_db::DbErr>(Some((body, procedure, office, times)))
        };
        match found.await {
            Ok(Some((body, procedure, office, times))) => {
                view! { <SheetView body procedure office times/> }.into_any()
            }
            Ok(None) => view! { <PageNotFound/> }.into_any(),
            Err(error) => {
                tracing::error!(%error, "cannot read a procedure's sheet");
                view! { <Unavailable/> }.into_any()
            }
        }
    });
    view! { <Suspense fallback=|| ()>{content}</Suspense> }
}

#[component]
fn SheetView(
    body: body::Model,
    procedure: procedure_type::Model,
    office: Option<HandlingOffice>,
    times: std::sync::Arc<BodyTimes>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = pratiche_db::clock::rome_date(times.as_of);
    let figures = times.of_type(procedure.id, today);
    let not_stated = i18n.t("sheet-not-stated");
    let text = |value: &Option<String>| value.clone().unwrap_or_else(|| not_stated.clone());
    let (legal_references, documents_needed, payments) = (
        text(&procedure.legal_references),
        text(&procedure.documents_needed),
        text(&procedure.payments),
    );
    let term = match &procedure.legal_basis {
        Some(basis) => i18n.t_with(
            "sheet-term-with-basis",
            &[
                ("days", procedure.term_days.into()),
                ("basis", basis.clone().into()),
            ],
        ),
        None => i18n.t_with("sheet-term", &[("days", procedure.term_days.into())]),
    };
    let silence = match procedure
        .silence_rule
        .as_deref()
        .and_then(SilenceRule::parse)
    {
        Some(SilenceRule::Assent) => i18n.t("sheet-silence-assent"),
        Some(SilenceRule::Scia) => i18n.t("sheet-silence-scia"),
        None => i18n.t("sheet-silence-none"),
    };
    let contact = BodyContact::of(&body);
    let (office_name, responsible, reach) = match office {
        Some(office) => (
            office.office_name,
            office.responsible_name,
            office.responsible_contact,
        ),
        None => (
            contact.contact_office.clone(),
            not_stated.clone(),
            [contact.contact_phone.clone(), contact.contact_email.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
        ),
    };
    let online = match procedure.online_service_url.clone() {
        Some(url) => {
            let href = url.clone();
            view! { <a href=href>{url}</a> }.into_any()
        }
        None => not_stated.clone().into_any(),
    };
    let bodies = i18n.t("transparency-bodies-title");
    let body_href = paths::fill(paths::BODY_PUBLIC, &[&body.slug]);
    view! {
        <PageLayout
            title=procedure.name.clone()
            body_name=body.name.clone()
            body_slug=body.slug.clone()
            crumbs=vec![
                Crumb { label: bodies, href: Some(paths::BODIES_PUBLIC.to_owned()) },
                Crumb { label: body.name.clone(), href: Some(body_href) },
                Crumb { label: procedure.name.clone(), href: None },
            ]
        >
            <p class="eyebrow">{i18n.t("sheet-eyebrow")}</p>
            <h1 data-element="service-title">{procedure.name.clone()}</h1>
            {procedure.description.clone().map(|description| view! { <p class="lead">{description}</p> })}

            <ProcessingTimesSummary figures=figures.clone() term_days=procedure.term_days/>

            <section aria-labelledby="sheet-title">
                <h2 id="sheet-title">{i18n.t("sheet-title")}</h2>
                <dl class="details">
                    <dt>{i18n.t("sheet-legal-references")}</dt>
                    <dd class="multiline">{legal_references}</dd>
                    <dt>{i18n.t("sheet-term-label")}</dt>
                    <dd>{term}</dd>
                    <dt>{i18n.t("sheet-silence-label")}</dt>
                    <dd>{silence}</dd>
                    <dt>{i18n.t("sheet-office")}</dt>
                    <dd>{office_name}</dd>
                    <dt>{i18n.t("sheet-responsible")}</dt>
                    <dd>{responsible}</dd>
                    <dt>{i18n.t("sheet-contact")}</dt>
                    <dd>{reach}</dd>
                    <dt>{i18n.t("sheet-documents")}</dt>
                    <dd class="multiline">{documents_needed}</dd>
                    <dt>{i18n.t("sheet-payments")}</dt>
                    <dd class="multiline">{payments}</dd>
                    <dt>{i18n.t("sheet-online-service")}</dt>
                    <dd>{online}</dd>
                    <dt>{i18n.t("sheet-state-of-your-pratica")}</dt>
                    <dd>{i18n.t("sheet-state-by-code")}" "<a href=paths::HOME>{i18n.t("sheet-state-link")}</a></dd>
                </dl>
            </section>

            <IfNoAnswer substitute=SubstituteOfficial::of_body(&body) body=contact overdue_since=None/>
            <section aria-labelledby="decision-remedies-title">
                <h2 id="decision-remedies-title">{i18n.t("sheet-remedies-title")}</h2>
                <p>{i18n.t("sheet-remedies-decision")}</p>
            </section>

            <section aria-labelledby="times-title">
                <h2 id="times-title">{i18n.t("times-by-half-title")}</h2>
                <p>{i18n.t("times-intro")}</p>
                {(!figures.half_years.is_empty()).then(|| view! {
                    <TimesChart half_years=figures.half_years.clone() term_days=procedure.term_days/>
                    <TimesTable rows=figures.half_years.clone()/>
                })}
                <AsOf times=times.clone()/>
            </section>
            <OpenData slug=body.slug.clone()/>
            <Feedback
                action=paths::fill(paths::SHEET_RATING, &[&body.slug, &procedure.id])
                contact=body.contact_email.clone().unwrap_or(body.contact_office.clone())
            />
        </PageLayout>
    }
}

/// The last twelve months in one sentence, or why there is no figure.
#[component]
fn ProcessingTimesSummary(figures: ProcessingTimes, term_days: i32) -> impl IntoView {
    let i18n = use_i18n();
    let twelve = figures.last_twelve_months;
    let sentence = match twelve.times {
        Some(times) => i18n.t_with(
            "times-summary",
            &[
                ("concluded", twelve.concluded.into()),
                ("in_time", times.in_time_percent.into()),
                ("median", times.median_days.into()),
                ("p90", times.p90_days.into()),
                ("term", term_days.into()),
            ],
        ),
        None => i18n.t_with(
            "times-insufficient",
            &[("concluded", twelve.concluded.into())],
        ),
    };
    let open = i18n.t_with(
        "times-open",
        &[
            ("open", figures.open.into()),
            ("past_due", figures.open_past_due.into()),
        ],
    );
    view! {
        <section class="card times-summary" aria-labelledby="times-summary-title">
            <h2 id="times-summary-title">{i18n.t("times-summary-title")}</h2>
            <p>{sentence}</p>
            <p>{open}</p>
        </section>
    }
}

/// When the figures were computed: they are not live to the second.
#[component]
fn AsOf(times: std::sync::Arc<BodyTimes>) -> impl IntoView {
    let i18n = use_i18n();
    let local = times.as_of.with_timezone(&Rome);
    let text = i18n.t_with(
        "times-as-of",
        &[
            ("date", i18n.date(local.date_naive()).into()),
            ("time", local.format("%H:%M").to_string().into()),
        ],
    );
    view! { <p class="hint">{text}</p> }
}
