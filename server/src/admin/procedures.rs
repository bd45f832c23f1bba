//! A body admin's procedure types: name and term (a change of term
//! recomputes the type's due dates in the same transaction), internal states
//! with their public phase and citizen-facing text, and allowed transitions.
//!
//! Five forms of one aggregate (a type, its states, its transitions) share
//! their parsing and their transaction helper here.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::audit::{self, Change, Entry, changed};
use pratiche_db::cases::transitions_of;
use pratiche_db::entity::{procedure_state, procedure_type};
use pratiche_db::procedure_types::{ProcedureSheet, set_sheet, set_term};
use pratiche_db::procedure_types::{
    StateDefinition, add_state, create_procedure_type, procedure_type_of, rename_procedure_type,
    set_transitions, states_of, update_state,
};
use pratiche_db::{DatabaseTransaction, DbErr};
use pratiche_domain::PublicPhase;
use pratiche_domain::clock::{Term, TermError};
use pratiche_domain::procedure_sheet::{OnlineService, SilenceRule};

use super::{BodyAdmin, Fields, RawForm, done, draft, is_unique_violation};
use crate::office::FieldErrors;
use crate::office::{BackOffice, WebError};
use pratiche_app::{AdminDraft, AdminNotice};

fn procedure_path(id: i32) -> String {
    format!("{}/{id}", paths::PROCEDURES)
}

/// Checks the name-and-term form.
pub fn parse_procedure(raw: &RawForm) -> Result<(String, Term), FieldErrors> {
    let mut fields = Fields::new(raw);
    let name = fields.required(admin_fields::NAME, 200);
    let basis = fields.optional(admin_fields::LEGAL_BASIS, 300);
    let term = match fields.raw(admin_fields::TERM_DAYS).parse::<i64>() {
        Ok(days) => Term::new(days, basis.as_deref()),
        Err(_) => Err(TermError::OutOfRange),
    };
    match term {
        Err(TermError::OutOfRange) => fields.error(admin_fields::TERM_DAYS, "admin-error-term"),
        Err(TermError::BasisRequired) => {
            fields.error(admin_fields::LEGAL_BASIS, "admin-error-term-basis")
        }
        Ok(_) => {}
    }
    fields.finish(|| Some((name, term.ok()?)))
}

/// Checks the public sheet's form.
pub fn parse_sheet(raw: &RawForm) -> Result<ProcedureSheet, FieldErrors> {
    let mut fields = Fields::new(raw);
    let description = fields.optional(admin_fields::DESCRIPTION, 2_000);
    let legal_references = fields.optional(admin_fields::LEGAL_REFERENCES, 2_000);
    let documents_needed = fields.optional(admin_fields::DOCUMENTS_NEEDED, 4_000);
    let payments = fields.optional(admin_fields::PAYMENTS, 2_000);
    let silence_rule = match fields.raw(admin_fields::SILENCE_RULE) {
        "" => None,
        stored => {
            let rule = SilenceRule::parse(stored);
            if rule.is_none() {
                fields.error(admin_fields::SILENCE_RULE, "admin-error-silence-rule");
            }
            rule
        }
    };
    let online_service = match fields.optional(admin_fields::ONLINE_SERVICE_URL, 500) {
        None => None,
        Some(url) => {
            let parsed = OnlineService::parse(&url).ok();
            if parsed.is_none() {
                fields.error(
                    admin_fields::ONLINE_SERVICE_URL,
                    "admin-error-online-service",
                );
            }
            parsed
        }
    };
    fields.finish(|| {
        Some(ProcedureSheet {
            description,
            legal_references,
            documents_needed,
            silence_rule,
            payments,
            online_service,
        })
    })
}

/// Checks a state's form.
pub fn parse_state(raw: &RawForm) -> Result<StateDefinition, FieldErrors> {
    let mut fields = Fields::new(raw);
    let name = fields.required(admin_fields::NAME, 120);
    let citizen_text = fields.optional(admin_fields::CITIZEN_TEXT, 500);
    let notify = fields.raw(admin_fields::NOTIFY) == "1";
    let phase = fields.raw(admin_fields::PHASE).parse::<PublicPhase>().ok();
    if phase.is_none() {
        fields.error(admin_fields::PHASE, "admin-error-phase");
    }
    fields.finish(|| {
        Some(StateDefinition {
            name,
            phase: phase?,
            citizen_text,
            notify,
        })
    })
}

/// Reads the transitions matrix: each checked box is `from-to`; both must be
/// states of the type.
pub fn parse_transitions(raw: &RawForm, states: &[i32]) -> Result<Vec<(i32, i32)>, FieldErrors> {
    let fields = Fields::new(raw);
    let mut pairs = Vec::new();
    for typed in fields.all(admin_fields::TRANSITION) {
        let pair = typed
            .split_once('-')
            .and_then(|(from, to)| Some((from.parse().ok()?, to.parse().ok()?)))
            .filter(|(from, to)| states.contains(from) && states.contains(to));
        match pair {
            Some(pair) if !pairs.contains(&pair) => pairs.push(pair),
            Some(_) => {}
            None => return Err(vec![(admin_fields::TRANSITION, "admin-error-transition")]),
        }
    }
    pairs.sort_unstable();
    Ok(pairs)
}

/// What a write on a procedure type gives: its changes, or the answer
/// refusing it (nothing is written then).
type Written = Result<Vec<Change>, Response>;

/// Runs `write` on one of the admin's procedure types in a write
/// transaction with its audit entry, and answers with the type's page and
/// `notice`. Another body's type is not found.
async fn with_procedure<F>(
    office: &BackOffice,
    admin: &BodyAdmin,
    procedure_type_id: i32,
    (action, notice): (&'static str, AdminNotice),
    write: F,
) -> Result<Response, WebError>
where
    F: AsyncFnOnce(&DatabaseTransaction, &procedure_type::Model) -> Result<Written, DbErr>,
{
    let result = async {
        let now = Utc::now();
        let txn = pratiche_db::begin_write(&office.sessions.db).await?;
        let Some(procedure) = procedure_type_of(&txn, admin.body_id, procedure_type_id).await?
        else {
            return Ok(Err(WebError::not_found().into_response()));
        };
        let changes = match write(&txn, &procedure).await? {
            Ok(changes) => changes,
            // Dropping the transaction rolls it back.
            Err(refusal) => return Ok(Err(refusal)),
        };
        let entry = Entry {
            body_id: Some(admin.body_id),
            entity: "procedure_type",
            entity_id: procedure.id.to_string(),
            action,
            changes: changed(changes),
        };
        audit::record(&txn, &admin.actor, entry, now).await?;
        txn.commit().await.map(Ok)
    };
    match result.await {
        Ok(Ok(())) => Ok(done(&procedure_path(procedure_type_id), notice)),
        Ok(Err(refusal)) => Ok(refusal),
        Err(error) if is_unique_violation(&error) => Ok(name_taken()),
        Err(error) => Err(error.into()),
    }
}

/// The page at `path` again, with what was typed and why it was refused.
async fn show_again(
    office: &BackOffice,
    admin: &BodyAdmin,
    headers: &HeaderMap,
    path: &str,
    shown: AdminDraft,
) -> Response {
    office
        .render_page(path, headers, Some(admin.user.clone()), shown)
        .await
}

/// Names of procedure types (per body) and of states (per type) are unique.
fn name_taken() -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        "Nome già usato: nulla è stato salvato. / Name already in use: nothing was saved.",
    )
        .into_response()
}

pub async fn create_procedure(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let (name, term) = match parse_procedure(&raw) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return Ok(show_again(
                &office,
                &admin,
                &headers,
                paths::PROCEDURES,
                draft("create", &raw, errors),
            )
            .await);
        }
    };
    let result = async {
        let now = Utc::now();
        let txn = pratiche_db::begin_write(&office.sessions.db).await?;
        let procedure = create_procedure_type(&txn, admin.body_id, name, &term, now).await?;
        let entry = Entry {
            body_id: Some(admin.body_id),
            entity: "procedure_type",
            entity_id: procedure.id.to_string(),
            action: "create",
            changes: vec![
                Change::set("name", procedure.name.clone()),
                Change::set("term_days", procedure.term_days),
                Change::set("legal_basis", procedure.legal_basis.clone()),
            ],
        };
        audit::record(&txn, &admin.actor, entry, now).await?;
        txn.commit().await.map(|()| procedure.id)
    };
    match result.await {
        Ok(id) => Ok(done(&procedure_path(id), AdminNotice::ProcedureCreated)),
        Err(error) if is_unique_violation(&error) => Ok(name_taken()),
        Err(error) => Err(error.into()),
    }
}

pub async fn update_procedure(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Path(id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let (name, term) = match parse_procedure(&raw) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return Ok(show_again(
                &office,
                &admin,
                &headers,
                &procedure_path(id),
                draft("procedure", &raw, errors),
            )
            .await);
        }
    };
    with_procedure(
        &office,
        &admin,
        id,
        ("update", AdminNotice::ProcedureSaved),
        async |txn, procedure| {
            rename_procedure_type(txn, procedure.id, name.clone()).await?;
            let mut changes = vec![
                Change::new("name", procedure.name.clone(), name),
                Change::new("term_days", procedure.term_days, term.days()),
                Change::new(
                    "legal_basis",
                    procedure.legal_basis.clone(),
                    term.legal_basis(),
                ),
            ];
            if procedure.term_days != term.days() as i32
                || procedure.legal_basis.as_deref() != term.legal_basis()
            {
                let moved = set_term(txn, procedure.id, &term).await?;
                changes.push(Change::new("due_dates_recomputed", 0, moved));
            }
            Ok(Ok(changes))
        },
    )
    .await
}

pub async fn update_sheet(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Path(id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let sheet = match parse_sheet(&raw) {
        Ok(sheet) => sheet,
        Err(errors) => {
            return Ok(show_again(
                &office,
                &admin,
                &headers,
                &procedure_path(id),
                draft("sheet", &raw, errors),
            )
            .await);
        }
    };
    with_procedure(
        &office,
        &admin,
        id,
        ("update_sheet", AdminNotice::ProcedureSaved),
        async |txn, procedure| {
            let old = ProcedureSheet::of(procedure);
            set_sheet(txn, procedure.id, &sheet).await?;
            let rule = |sheet: &ProcedureSheet| sheet.silence_rule.map(SilenceRule::as_str);
            let url = |sheet: &ProcedureSheet| {
                sheet
                    .online_service
                    .as_ref()
                    .map(|url| url.as_str().to_owned())
            };
            Ok(Ok(vec![
                Change::new(
                    "description",
                    old.description.clone(),
                    sheet.description.clone(),
                ),
                Change::new(
                    "legal_references",
                    old.legal_references.clone(),
                    sheet.legal_references.clone(),
                ),
                Change::new(
                    "documents_needed",
                    old.documents_needed.clone(),
                    sheet.documents_needed.clone(),
                ),
                Change::new("silence_rule", rule(&old), rule(&sheet)),
                Change::new("payments", old.payments.clone(), sheet.payments.clone()),
                Change::new("online_service_url", url(&old), url(&sheet)),
            ]))
        },
    )
    .await
}

fn state_changes(old: Option<&procedure_state::Model>, new: &StateDefinition) -> Vec<Change> {
    vec![
        Change::new(
            "state_name",
            old.map(|state| state.name.clone()),
            new.name.clone(),
        ),
        Change::new(
            "state_phase",
            old.map(|state| state.public_phase.as_str()),
            new.phase.as_str(),
        ),
        Change::new(
            "state_citizen_text",
            old.and_then(|state| state.citizen_text.clone()),
            new.citizen_text.clone(),
        ),
        Change::new("state_notify", old.map(|state| state.notify), new.notify),
    ]
}

pub async fn create_state(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Path(id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let state = match parse_state(&raw) {
        Ok(state) => state,
        Err(errors) => {
            return Ok(show_again(
                &office,
                &admin,
                &headers,
                &procedure_path(id),
                draft("new-state", &raw, errors),
            )
            .await);
        }
    };
    with_procedure(
        &office,
        &admin,
        id,
        ("add_state", AdminNotice::StateAdded),
        async |txn, procedure| {
            let changes = state_changes(None, &state);
            add_state(txn, procedure.id, state).await?;
            Ok(Ok(changes))
        },
    )
    .await
}

pub async fn edit_state(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Path((id, state_id)): Path<(i32, i32)>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let state = match parse_state(&raw) {
        Ok(state) => state,
        Err(errors) => {
            let mut shown = draft("state", &raw, errors);
            shown
                .values
                .push((admin_fields::STATE_ID.into(), state_id.to_string()));
            return Ok(show_again(&office, &admin, &headers, &procedure_path(id), shown).await);
        }
    };
    with_procedure(
        &office,
        &admin,
        id,
        ("update_state", AdminNotice::StateSaved),
        async |txn, procedure| {
            let states = states_of(txn, procedure.id).await?;
            let Some(old) = states.iter().find(|old| old.id == state_id) else {
                return Ok(Err(WebError::not_found().into_response()));
            };
            let changes = state_changes(Some(old), &state);
            update_state(txn, procedure.id, state_id, state).await?;
            Ok(Ok(changes))
        },
    )
    .await
}

pub async fn replace_transitions(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    Path(id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    with_procedure(
        &office,
        &admin,
        id,
        ("set_transitions", AdminNotice::TransitionsSaved),
        async |txn, procedure| {
            let states = states_of(txn, procedure.id).await?;
            let ids: Vec<i32> = states.iter().map(|state| state.id).collect();
            let Ok(pairs) = parse_transitions(&raw, &ids) else {
                return Ok(Err((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Passaggio non valido: nulla è stato salvato. / Invalid transition: nothing was saved.",
                )
                    .into_response()));
            };
            let name = |id: i32| {
                states
                    .iter()
                    .find(|state| state.id == id)
                    .map_or("?", |state| &state.name)
            };
            let describe = |pairs: &[(i32, i32)]| -> Vec<String> {
                pairs
                    .iter()
                    .map(|(from, to)| format!("{} → {}", name(*from), name(*to)))
                    .collect()
            };
            let old = transitions_of(txn, procedure.id).await?;
            let mut old_pairs: Vec<(i32, i32)> = ids
                .iter()
                .flat_map(|from| old.after(*from).map(move |to| (*from, to)))
                .collect();
            old_pairs.sort_unstable();
            set_transitions(txn, procedure.id, &pairs).await?;
            Ok(Ok(vec![Change::new(
                "transitions",
                describe(&old_pairs),
                describe(&pairs),
            )]))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::tests::raw_form;

    #[test]
    fn parses_term_and_basis() {
        let (name, term) = parse_procedure(&raw_form(&[
            ("name", "Permesso di costruire"),
            ("term_days", "120"),
            ("legal_basis", "D.P.R. 380/2001"),
        ]))
        .unwrap();
        assert_eq!((name.as_str(), term.days()), ("Permesso di costruire", 120));
        assert_eq!(
            parse_procedure(&raw_form(&[("name", "x"), ("term_days", "120")])).unwrap_err(),
            [("legal_basis", "admin-error-term-basis")]
        );
        assert_eq!(
            parse_procedure(&raw_form(&[("name", "x"), ("term_days", "0")])).unwrap_err(),
            [("term_days", "admin-error-term")]
        );
    }

    #[test]
    fn transitions_must_join_states_of_the_type() {
        let states = [4, 5, 6];
        assert_eq!(
            parse_transitions(
                &raw_form(&[
                    ("transition", "5-6"),
                    ("transition", "4-5"),
                    ("transition", "4-5")
                ]),
                &states
            ),
            Ok(vec![(4, 5), (5, 6)])
        );
        assert!(parse_transitions(&raw_form(&[("transition", "4-99")]), &states).is_err());
        assert!(parse_transitions(&raw_form(&[("transition", "x")]), &states).is_err());
        assert_eq!(parse_transitions(&raw_form(&[]), &states), Ok(vec![]));
    }

    #[test]
    fn a_state_needs_a_name_and_a_phase() {
        assert_eq!(
            parse_state(&raw_form(&[("phase", "nonsense")])).unwrap_err(),
            [
                ("name", "reg-error-required"),
                ("phase", "admin-error-phase")
            ]
        );
        let state = parse_state(&raw_form(&[
            ("name", "Sopralluogo"),
            ("phase", "in_review"),
        ]))
        .unwrap();
        assert_eq!(state.phase, PublicPhase::InReview);
    }
}
