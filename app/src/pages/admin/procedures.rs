//! A body admin's procedure types: the list with a form for a new one, and
//! each type's page (name and term, internal states with their public phase
//! and citizen text, and the allowed transitions as a matrix of checkboxes).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pratiche_db::cases::transitions_of;
use pratiche_db::entity::{procedure_state, procedure_type};
use pratiche_db::procedure_types::{procedure_type_of, procedure_types_of_body, states_of};
use pratiche_db::transparency::SheetRatings;
use pratiche_domain::PublicPhase;
use pratiche_domain::account::Role;
use pratiche_domain::procedure_sheet::SilenceRule;

use super::{AdminLayout, admin_error, admin_field, admin_with, draft_of};
use crate::components::answer_privately;
use crate::context::AppContext;
use crate::forms::admin_fields;
use crate::i18n::{I18n, use_i18n};
use crate::paths;

#[component]
pub fn ProceduresPage() -> impl IntoView {
    let user = match admin_with(Role::BodyAdmin) {
        Ok(user) => user,
        Err(page) => return page,
    };
    let i18n = use_i18n();
    let db = expect_context::<AppContext>().db;
    let body_id = user.body_id.unwrap_or_default();
    let list = Suspend::new(async move {
        let i18n = use_i18n();
        let types = procedure_types_of_body(&db, body_id)
            .await
            .unwrap_or_default();
        let rows = types
            .into_iter()
            .map(|procedure| {
                let term = i18n.t_with("admin-term-days", &[("days", procedure.term_days.into())]);
                view! {
                    <tr>
                        <td><a href=paths::fill(paths::PROCEDURE, &[&procedure.id])>{procedure.name.clone()}</a></td>
                        <td>{term}</td>
                        <td>{procedure.legal_basis.clone().unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="cases">
                <thead><tr>
                    <th scope="col">{i18n.t("admin-procedure-name")}</th>
                    <th scope="col">{i18n.t("admin-term")}</th>
                    <th scope="col">{i18n.t("admin-legal-basis")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <AdminLayout title=i18n.t("admin-procedures-title")>
            <Suspense fallback=|| ()>{list}</Suspense>
            <h2>{i18n.t("admin-procedure-create")}</h2>
            <p class="hint">{i18n.t("admin-procedure-create-hint")}</p>
            <ProcedureForm form="create" action=paths::PROCEDURES.to_owned() current=None/>
        </AdminLayout>
    }
    .into_any()
}

/// Name, term and legal basis: for a new type, or the current one's.
#[component]
fn ProcedureForm(
    form: &'static str,
    action: String,
    current: Option<(String, i32, Option<String>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (name, days, basis) = match current {
        Some((name, days, basis)) => (Some(name), Some(days.to_string()), basis),
        None => (None, Some("30".to_owned()), None),
    };
    view! {
        <form class="staff-form" method="post" action=action>
            {admin_field(form, admin_fields::NAME, "admin-procedure-name", name, "text")}
            {admin_field(form, admin_fields::TERM_DAYS, "admin-term", days, "number")}
            {admin_field(form, admin_fields::LEGAL_BASIS, "admin-legal-basis", basis, "text")}
            <p class="hint">{i18n.t("admin-term-hint")}</p>
            <button class="button" type="submit">{i18n.t("admin-save")}</button>
        </form>
    }
}

#[component]
pub fn ProcedurePage() -> impl IntoView {
    let user = match admin_with(Role::BodyAdmin) {
        Ok(user) => user,
        Err(page) => return page,
    };
    let i18n = use_i18n();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<i32>().ok());
    let db = expect_context::<AppContext>().db;
    let body_id = user.body_id.unwrap_or_default();
    let title = i18n.t("admin-procedures-title");
    let content = Suspend::new(async move {
        let i18n = use_i18n();
        let found = match id {
            Some(id) => procedure_type_of(&db, body_id, id).await.ok().flatten(),
            None => None,
        };
        let Some(procedure) = found else {
            answer_privately(http::StatusCode::NOT_FOUND);
            return view! { <p>{i18n.t("admin-not-found")}</p> }.into_any();
        };
        let states = states_of(&db, procedure.id).await.unwrap_or_default();
        let transitions = transitions_of(&db, procedure.id).await.unwrap_or_default();
        let path = paths::fill(paths::PROCEDURE, &[&procedure.id]);
        let state_rows = states
            .iter()
            .map(|state| view! { <StateRow state=state.clone()/> })
            .collect_view();
        let header = states
            .iter()
            .map(|state| view! { <th scope="col">{state.name.clone()}</th> })
            .collect_view();
        let matrix = states
            .iter()
            .map(|from| {
                let cells = states
                    .iter()
                    .map(|to| {
                        let label = i18n.t_with(
                            "admin-transition-label",
                            &[("from", from.name.clone().into()), ("to", to.name.clone().into())],
                        );
                        let checked = transitions.allows(from.id, to.id);
                        view! {
                            <td><input type="checkbox" name=admin_fields::TRANSITION value=format!("{}-{}", from.id, to.id)
                                checked=checked aria-label=label/></td>
                        }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{from.name.clone()}</th>{cells}</tr> }
            })
            .collect_view();
        let public_sheet = pratiche_db::bodies::body_by_id(&db, body_id)
            .await
            .ok()
            .flatten()
            .map(|body| paths::fill(paths::PROCEDURE_SHEET, &[&body.slug, &procedure.id]));
        let ratings = match pratiche_db::transparency::sheet_ratings(&db, procedure.id).await {
            Ok(SheetRatings {
                count,
                mean: Some(mean),
            }) => i18n.t_with(
                "admin-sheet-ratings",
                &[
                    ("count", count.to_string().into()),
                    ("mean", format!("{mean:.1}").into()),
                ],
            ),
            _ => i18n.t("admin-sheet-no-ratings"),
        };
        view! {
            <h2>{procedure.name.clone()}</h2>
            <ProcedureForm form="procedure" action=path.clone()
                current=Some((procedure.name.clone(), procedure.term_days, procedure.legal_basis.clone()))/>
            <h2>{i18n.t("admin-sheet-title")}</h2>
            <p class="hint">
                {i18n.t("admin-sheet-hint")}" "
                {public_sheet.map(|href| view! { <a href=href>{i18n.t("admin-sheet-public-link")}</a> })}
            </p>
            <p class="hint">{ratings}</p>
            <SheetForm action=paths::fill(paths::PROCEDURE_PUBLIC_SHEET, &[&procedure.id]) current=procedure.clone()/>
            <h2>{i18n.t("admin-states")}</h2>
            <p class="hint">{i18n.t("admin-states-hint")}</p>
            {state_rows}
            <h3>{i18n.t("admin-state-add")}</h3>
            <StateForm form="new-state".to_owned() action=paths::fill(paths::PROCEDURE_STATES, &[&procedure.id]) current=None/>
            <h2>{i18n.t("admin-transitions")}</h2>
            <p class="hint">{i18n.t("admin-transitions-hint")}</p>
            <form method="post" action=paths::fill(paths::PROCEDURE_TRANSITIONS, &[&procedure.id])>
                <div class="table-scroll">
                    <table class="cases transitions">
                        <thead><tr><th scope="col">{i18n.t("admin-transition-from")}</th>{header}</tr></thead>
                        <tbody>{matrix}</tbody>
                    </table>
                </div>
                <button class="button" type="submit">{i18n.t("admin-save-transitions")}</button>
            </form>
        }
        .into_any()
    });
    view! {
        <AdminLayout title=title.clone() parent=(title, paths::PROCEDURES.to_owned())>
            <Suspense fallback=|| ()>{content}</Suspense>
        </AdminLayout>
    }
    .into_any()
}

/// The public sheet's fields (D.Lgs. 33/2013 art. 35 c. 1) the body admin
/// writes; the rest of the sheet is known already.
#[component]
fn SheetForm(action: String, current: procedure_type::Model) -> impl IntoView {
    let i18n = use_i18n();
    let form = "sheet";
    let rule = draft_of(form)
        .map(|draft| draft.value(admin_fields::SILENCE_RULE))
        .or_else(|| current.silence_rule.clone())
        .unwrap_or_default();
    let option = |value: &'static str, key: &str| {
        let selected = (value == rule).then_some("selected");
        view! { <option value=value selected=selected>{i18n.t(key)}</option> }
    };
    let options = (
        option("", "admin-silence-none"),
        SilenceRule::ALL
            .into_iter()
            .map(|rule| option(rule.as_str(), &format!("admin-silence-{}", rule.as_str())))
            .collect_view(),
    );
    let select_id = format!("{form}-{}", admin_fields::SILENCE_RULE);
    view! {
        <form class="staff-form" method="post" action=action>
            {admin_field(form, admin_fields::DESCRIPTION, "admin-sheet-description", current.description.clone(), "textarea")}
            {admin_field(form, admin_fields::LEGAL_REFERENCES, "admin-sheet-legal-references", current.legal_references.clone(), "textarea")}
            {admin_field(form, admin_fields::DOCUMENTS_NEEDED, "admin-sheet-documents", current.documents_needed.clone(), "textarea")}
            <label class="field-label" for=select_id.clone()>{i18n.t("admin-sheet-silence")}</label>
            {admin_error(form, admin_fields::SILENCE_RULE)}
            <select id=select_id name=admin_fields::SILENCE_RULE>{options}</select>
            {admin_field(form, admin_fields::PAYMENTS, "admin-sheet-payments", current.payments.clone(), "textarea")}
            {admin_field(form, admin_fields::ONLINE_SERVICE_URL, "admin-sheet-online-service", current.online_service_url.clone(), "url")}
            <button class="button" type="submit">{i18n.t("admin-save")}</button>
        </form>
    }
}

/// One state with its edit form, in a disclosure.
#[component]
fn StateRow(state: procedure_state::Model) -> impl IntoView {
    let i18n = use_i18n();
    let phase = phase_label(&i18n, state.public_phase.as_str());
    let editing = draft_of("state")
        .is_some_and(|draft| draft.value(admin_fields::STATE_ID) == state.id.to_string());
    view! {
        <details class="state-row" open=editing>
            <summary>{format!("{} — {phase}", state.name)}</summary>
            // Only the state being corrected takes the draft; each form's ids are its own.
            <StateForm form=if editing { "state".to_owned() } else { format!("state-{}", state.id) }
                action=paths::fill(paths::PROCEDURE_STATE, &[&state.procedure_type_id, &state.id]) current=Some(state)/>
        </details>
    }
}

fn phase_label(i18n: &I18n, stored: &str) -> String {
    i18n.t(&format!("phase-{stored}"))
}

/// Name, public phase and citizen text of a state.
#[component]
fn StateForm(
    form: String,
    action: String,
    current: Option<procedure_state::Model>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = form.as_str();
    let draft = draft_of(form);
    let phase = draft
        .as_ref()
        .map(|draft| draft.value(admin_fields::PHASE))
        .or_else(|| current.as_ref().map(|state| state.public_phase.to_string()))
        .unwrap_or_default();
    let options = PublicPhase::ALL
        .into_iter()
        .map(|option| {
            let selected = (option.as_str() == phase).then_some("selected");
            view! { <option value=option.as_str() selected=selected>{phase_label(&i18n, option.as_str())}</option> }
        })
        .collect_view();
    let phase_id = format!(
        "{form}-{}-phase",
        current.as_ref().map_or(0, |state| state.id)
    );
    view! {
        <form class="staff-form" method="post" action=action>
            {admin_field(form, admin_fields::NAME, "admin-state-name", current.as_ref().map(|state| state.name.clone()), "text")}
            <label class="field-label" for=phase_id.clone()>{i18n.t("admin-state-phase")}</label>
            {admin_error(form, admin_fields::PHASE)}
            <select id=phase_id name=admin_fields::PHASE>{options}</select>
            {admin_field(form, admin_fields::CITIZEN_TEXT, "admin-state-text", current.as_ref().and_then(|state| state.citizen_text.clone()), "textarea")}
            <label class="checkbox">
                <input type="checkbox" name=admin_fields::NOTIFY value="1"
                    checked=current.as_ref().is_none_or(|state| state.notify)/>
                {i18n.t("admin-state-notify")}
            </label>
            <button class="button" type="submit">{i18n.t("admin-save")}</button>
        </form>
    }
}
