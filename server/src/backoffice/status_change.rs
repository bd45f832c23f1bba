//! Recording a status change (or a correction) on a pratica: the form is
//! checked by [`validate`]; a public note that looks like it holds personal
//! data waits for the clerk's confirmation; "anteprima" runs the real write
//! path and rolls it back to show the effect on the due date; saving writes
//! the event and its audit entry in one transaction, guarded by the version
//! the clerk's form was built from.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;
use pratiche_app::{DraftOutcome, StatusChangeDraft};
use pratiche_db::DatabaseTransaction;
use pratiche_db::audit::{self, Actor, Change, Entry, changed};
use pratiche_db::backoffice::{StateChoice, own_case, state_choices};
use pratiche_db::cases::{self, NewEvent, Recorded, WriteError};
use pratiche_db::clock::rome_date;
use pratiche_db::entity::case;
use pratiche_domain::clock::Extension as ClockExtension;
use pratiche_domain::personal_data::{PersonalData, personal_data_in};
use pratiche_domain::workflow::TransitionError;
use pratiche_domain::{CaseCode, PublicPhase};
use serde::Deserialize;

use super::{FieldErrors, Staff};
use crate::auth::handlers::{BackOffice, unavailable};
use crate::responses::see_other;

const PUBLIC_NOTE_MAX: usize = 2_000;
const INTERNAL_NOTE_MAX: usize = 4_000;
const REASON_MAX: usize = 500;
const EXTENSION_BASIS_MAX: usize = 300;
/// An event given by date alone, on a day before today, happened at this
/// Rome time (the end of office hours).
const DEFAULT_HOUR: u32 = 18;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct StatusChangeForm {
    #[serde(default)]
    versione: String,
    #[serde(default)]
    stato: String,
    #[serde(default)]
    nota_pubblica: String,
    #[serde(default)]
    nota_interna: String,
    #[serde(default)]
    data: String,
    #[serde(default)]
    ora: String,
    #[serde(default)]
    risposta_entro: String,
    #[serde(default)]
    proroga_giorni: String,
    #[serde(default)]
    proroga_base: String,
    #[serde(default)]
    osservazioni_il: String,
    #[serde(default)]
    motivo: String,
    #[serde(default)]
    rettifica: String,
    #[serde(default)]
    conferma_dati: String,
    #[serde(default)]
    azione: String,
}

impl StatusChangeForm {
    fn is_correction(&self) -> bool {
        self.rettifica == "1"
    }

    /// What was typed, to show again.
    fn draft(&self, errors: FieldErrors) -> StatusChangeDraft {
        StatusChangeDraft {
            correction: self.is_correction(),
            state_id: self.stato.clone(),
            public_note: self.nota_pubblica.clone(),
            internal_note: self.nota_interna.clone(),
            date: self.data.clone(),
            time: self.ora.clone(),
            reply_by: self.risposta_entro.clone(),
            extension_days: self.proroga_giorni.clone(),
            extension_basis: self.proroga_base.clone(),
            observations_on: self.osservazioni_il.clone(),
            reason: self.motivo.clone(),
            errors,
            personal_data: Vec::new(),
            outcome: None,
        }
    }
}

/// A status change that passed the form's checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidChange {
    pub state_id: i32,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub reply_by: Option<NaiveDate>,
    pub extension: Option<ClockExtension>,
    pub observations_on: Option<NaiveDate>,
    pub correction_reason: Option<String>,
}

/// What the form is checked against.
#[derive(Clone, Copy, Debug)]
pub struct Facts {
    pub submitted_on: NaiveDate,
    pub now: DateTime<Utc>,
}

fn optional_date(value: &str) -> Result<Option<NaiveDate>, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

/// A Rome wall-clock time as an instant; the earlier one when the clocks go
/// back, none for an hour skipped when they go forward.
fn rome_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    Rome.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|instant| instant.with_timezone(&Utc))
}

/// Checks the form: state, notes and their lengths, the date and time (not
/// before the submission, not in the future), the clock fields.
pub fn validate(form: &StatusChangeForm, facts: Facts) -> Result<ValidChange, FieldErrors> {
    let mut errors: FieldErrors = Vec::new();
    let mut text = |field: &'static str, value: &str, max: usize| {
        let value = value.trim();
        if value.chars().count() > max {
            errors.push((field, "reg-error-too-long"));
        }
        Some(value.to_owned()).filter(|value| !value.is_empty())
    };
    let public_note = text("nota_pubblica", &form.nota_pubblica, PUBLIC_NOTE_MAX);
    let internal_note = text("nota_interna", &form.nota_interna, INTERNAL_NOTE_MAX);
    let reason = text("motivo", &form.motivo, REASON_MAX);
    let basis = text("proroga_base", &form.proroga_base, EXTENSION_BASIS_MAX);
    let correction_reason = if form.is_correction() {
        if reason.is_none() {
            errors.push(("motivo", "change-error-reason"));
        }
        reason
    } else {
        None
    };

    let state_id = form.stato.trim().parse::<i32>().ok();
    if state_id.is_none() {
        errors.push(("stato", "change-error-state"));
    }

    let today = rome_date(facts.now);
    let date = NaiveDate::parse_from_str(form.data.trim(), "%Y-%m-%d").ok();
    let time = match form.ora.trim() {
        "" => Ok(None),
        typed => NaiveTime::parse_from_str(typed, "%H:%M").map(Some),
    };
    let occurred_at = match (date, time) {
        (None, _) => {
            errors.push(("data", "change-error-date"));
            None
        }
        (Some(_), Err(_)) => {
            errors.push(("ora", "change-error-time"));
            None
        }
        (Some(date), Ok(None)) if date == today => Some(facts.now),
        (Some(date), Ok(time)) => {
            let time =
                time.unwrap_or(NaiveTime::from_hms_opt(DEFAULT_HOUR, 0, 0).expect("an hour"));
            let instant = rome_instant(date, time);
            if instant.is_none() {
                errors.push(("ora", "change-error-time"));
            }
            instant
        }
    };
    let occurred_at = occurred_at.filter(|instant| {
        let date = rome_date(*instant);
        if date < facts.submitted_on {
            errors.push(("data", "change-error-before-submission"));
            false
        } else if *instant > facts.now {
            errors.push(("data", "change-error-future"));
            false
        } else {
            true
        }
    });

    let reply_by = match optional_date(&form.risposta_entro) {
        Ok(Some(reply_by)) if date.is_some_and(|date| reply_by < date) => {
            errors.push(("risposta_entro", "change-error-reply-by"));
            None
        }
        Ok(reply_by) => reply_by,
        Err(()) => {
            errors.push(("risposta_entro", "change-error-date"));
            None
        }
    };
    let observations_on = match optional_date(&form.osservazioni_il) {
        Ok(Some(on)) if on < facts.submitted_on || date.is_some_and(|date| on > date) => {
            errors.push(("osservazioni_il", "change-error-observations"));
            None
        }
        Ok(on) => on,
        Err(()) => {
            errors.push(("osservazioni_il", "change-error-date"));
            None
        }
    };
    let extension = match form.proroga_giorni.trim() {
        "" => None,
        typed => match typed.parse::<u32>() {
            Ok(days @ 1..=180) => match basis {
                Some(legal_basis) => Some(ClockExtension { days, legal_basis }),
                None => {
                    errors.push(("proroga_base", "change-error-extension-basis"));
                    None
                }
            },
            _ => {
                errors.push(("proroga_giorni", "change-error-extension"));
                None
            }
        },
    };

    match (state_id, occurred_at) {
        (Some(state_id), Some(occurred_at)) if errors.is_empty() => Ok(ValidChange {
            state_id,
            public_note,
            internal_note,
            occurred_at,
            reply_by,
            extension,
            observations_on,
            correction_reason,
        }),
        _ => Err(errors),
    }
}

/// Why a change does not fit the state it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateProblem {
    /// Not a state of the pratica's procedure type.
    UnknownState,
    /// A reply-by date goes only with a request for documents.
    ReplyByWithoutRequest,
}

/// Checks that depend on the chosen state: it must be one of the procedure
/// type's, and a reply-by date goes only with a request for documents.
pub fn state_of_change<'a>(
    valid: &ValidChange,
    states: &'a [StateChoice],
) -> Result<&'a StateChoice, StateProblem> {
    let state = states
        .iter()
        .find(|state| state.id == valid.state_id)
        .ok_or(StateProblem::UnknownState)?;
    if valid.reply_by.is_some() && state.phase != PublicPhase::DocumentsRequested {
        return Err(StateProblem::ReplyByWithoutRequest);
    }
    Ok(state)
}

/// [`state_of_change`] as the form's field errors.
fn check_state<'a>(
    valid: &ValidChange,
    states: &'a [StateChoice],
) -> Result<&'a StateChoice, FieldErrors> {
    state_of_change(valid, states).map_err(|problem| {
        vec![match problem {
            StateProblem::UnknownState => ("stato", "change-error-state"),
            StateProblem::ReplyByWithoutRequest => {
                ("risposta_entro", "change-error-reply-by-not-request")
            }
        }]
    })
}

/// The message key of each kind of personal data.
pub(crate) fn personal_data_keys(note: &str) -> Vec<&'static str> {
    personal_data_in(note)
        .into_iter()
        .map(|kind| match kind {
            PersonalData::TaxCode => "change-pd-tax_code",
            PersonalData::Email => "change-pd-email",
            PersonalData::Phone => "change-pd-phone",
            PersonalData::Iban => "change-pd-iban",
        })
        .collect()
}

fn record_path(code: CaseCode) -> String {
    format!("/area-riservata/pratiche/{code}")
}

pub async fn record_status_change(
    State(office): State<BackOffice>,
    Staff {
        user,
        body_id,
        actor,
    }: Staff,
    Path(typed_code): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StatusChangeForm>,
) -> Response {
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            "Nessuna pratica del suo ente ha questo codice. / No application of your body has this code.",
        )
            .into_response()
    };
    let Ok(code) = CaseCode::parse(&typed_code) else {
        return not_found();
    };
    let db = &office.sessions.db;
    let case = match own_case(db, body_id, code).await {
        Ok(Some(case)) => case,
        Ok(None) => return not_found(),
        Err(error) => return unavailable(error),
    };
    let states = match state_choices(db, case.procedure_type_id).await {
        Ok(states) => states,
        Err(error) => return unavailable(error),
    };
    let page = record_path(code);
    let show =
        |draft: StatusChangeDraft| office.render_page(&page, &headers, Some(user.clone()), draft);

    let facts = Facts {
        submitted_on: case.submitted_on,
        now: Utc::now(),
    };
    let valid = match validate(&form, facts).and_then(|valid| {
        check_state(&valid, &states)?;
        Ok(valid)
    }) {
        Ok(valid) => valid,
        Err(errors) => return show(form.draft(errors)).await,
    };
    if form.conferma_dati != "1" {
        let found = personal_data_keys(valid.public_note.as_deref().unwrap_or(""));
        if !found.is_empty() {
            let mut draft = form.draft(Vec::new());
            draft.personal_data = found;
            return show(draft).await;
        }
    }
    let Ok(expected_version) = form.versione.trim().parse::<i32>() else {
        let mut draft = form.draft(Vec::new());
        draft.outcome = Some(DraftOutcome::Conflict);
        return show(draft).await;
    };
    let preview = form.azione == "anteprima";
    match write(
        &office,
        &actor,
        &case,
        &states,
        expected_version,
        valid,
        preview,
    )
    .await
    {
        Ok(recorded) if preview => {
            let mut draft = form.draft(Vec::new());
            draft.outcome = Some(DraftOutcome::Preview {
                due_before: case.due_date,
                after: recorded.explanation,
                warnings: recorded.warnings,
            });
            show(draft).await
        }
        Ok(recorded) => {
            tracing::info!(code = %code.redacted(), username = %user.username, "status change recorded");
            let warning = if recorded.warnings.is_empty() {
                ""
            } else {
                "&avviso=richiesta-ripetuta"
            };
            see_other(&format!("{page}?registrato=1{warning}"), None)
        }
        Err(WriteError::Conflict) => {
            let mut draft = form.draft(Vec::new());
            draft.outcome = Some(DraftOutcome::Conflict);
            show(draft).await
        }
        Err(WriteError::Transition(error)) => {
            let field_error = match error {
                TransitionError::NotAllowed { .. } => ("stato", "change-error-transition"),
                TransitionError::BreaksLater { .. } => ("data", "change-error-breaks-later"),
                TransitionError::BeforeRegistration => ("data", "change-error-before-submission"),
            };
            show(form.draft(vec![field_error])).await
        }
        Err(WriteError::ForeignState) => {
            show(form.draft(vec![("stato", "change-error-state")])).await
        }
        Err(WriteError::CaseNotFound) => not_found(),
        Err(WriteError::Database(error)) => unavailable(error),
    }
}

/// Files the event through the write path with its audit entry; a preview
/// rolls everything back.
async fn write(
    office: &BackOffice,
    actor: &Actor,
    case: &case::Model,
    states: &[StateChoice],
    expected_version: i32,
    valid: ValidChange,
    preview: bool,
) -> Result<Recorded, WriteError> {
    let now = Utc::now();
    let state_name = |id: i32| {
        states
            .iter()
            .find(|state| state.id == id)
            .map(|state| state.name.clone())
    };
    let txn = pratiche_db::begin_write(&office.sessions.db).await?;
    let recorded = record_audited(
        &txn,
        actor,
        case,
        state_name,
        Some(expected_version),
        valid,
        now,
    )
    .await?;
    if preview {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(recorded)
}

/// Files a checked status change through the write path, with its audit
/// entry, in the caller's transaction (the back office's form and the API
/// alike). `state_name` names a state of the pratica's type for the log.
pub async fn record_audited(
    txn: &DatabaseTransaction,
    actor: &Actor,
    case: &case::Model,
    state_name: impl Fn(i32) -> Option<String>,
    expected_version: Option<i32>,
    valid: ValidChange,
    now: DateTime<Utc>,
) -> Result<Recorded, WriteError> {
    let action = if valid.correction_reason.is_some() {
        "correction"
    } else {
        "status_change"
    };
    let mut changes = vec![
        Change::new(
            "state",
            state_name(case.current_state_id),
            state_name(valid.state_id),
        ),
        Change::set("occurred_at", valid.occurred_at.to_rfc3339()),
        Change::set("public_note", valid.public_note.clone()),
        Change::set("internal_note", valid.internal_note.clone()),
        Change::set("reply_by", valid.reply_by.map(|date| date.to_string())),
        Change::set(
            "extension_days",
            valid.extension.as_ref().map(|extension| extension.days),
        ),
        Change::set(
            "extension_basis",
            valid
                .extension
                .as_ref()
                .map(|extension| extension.legal_basis.clone()),
        ),
        Change::set(
            "observations_on",
            valid.observations_on.map(|date| date.to_string()),
        ),
        Change::set("correction_reason", valid.correction_reason.clone()),
    ];
    let event = NewEvent {
        state_id: valid.state_id,
        public_note: valid.public_note,
        internal_note: valid.internal_note,
        occurred_at: valid.occurred_at,
        recorded_by: actor.user_id,
        source: actor.source.into(),
        extension: valid.extension,
        observations_on: valid.observations_on,
        reply_by: valid.reply_by,
        correction_reason: valid.correction_reason,
    };
    let recorded = cases::record_event(txn, case.id, expected_version, event, now).await?;
    changes.push(Change::new(
        "due_date",
        case.due_date.map(|date| date.to_string()),
        recorded.case.due_date.map(|date| date.to_string()),
    ));
    let entry = Entry {
        body_id: Some(case.body_id),
        entity: "case",
        entity_id: CaseCode::parse(&case.code)
            .map(|code| code.to_string())
            .unwrap_or_else(|_| case.code.clone()),
        action,
        changes: changed(changes),
    };
    audit::record(txn, actor, entry, now).await?;
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// 27 November 2026, 15:00 in Rome.
    fn facts() -> Facts {
        Facts {
            submitted_on: date(2026, 11, 2),
            now: Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap(),
        }
    }

    fn form() -> StatusChangeForm {
        StatusChangeForm {
            versione: "3".into(),
            stato: "7".into(),
            nota_pubblica: " Si chiede la relazione geologica. ".into(),
            data: "2026-11-20".into(),
            risposta_entro: "2026-12-10".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_date_alone_is_the_end_of_office_hours_or_now_for_today() {
        let valid = validate(&form(), facts()).unwrap();
        assert_eq!(
            valid.public_note.as_deref(),
            Some("Si chiede la relazione geologica.")
        );
        assert_eq!(
            valid.occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 20, 17, 0, 0).unwrap()
        );
        assert_eq!(valid.reply_by, Some(date(2026, 12, 10)));
        let today = StatusChangeForm {
            data: "2026-11-27".into(),
            ..form()
        };
        assert_eq!(validate(&today, facts()).unwrap().occurred_at, facts().now);
        let with_time = StatusChangeForm {
            data: "2026-11-27".into(),
            ora: "09:30".into(),
            ..form()
        };
        assert_eq!(
            validate(&with_time, facts()).unwrap().occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 27, 8, 30, 0).unwrap()
        );
    }

    #[test]
    fn refuses_dates_outside_the_pratica_and_the_past() {
        let field_of = |form: StatusChangeForm| validate(&form, facts()).unwrap_err();
        assert_eq!(
            field_of(StatusChangeForm {
                data: "2026-11-01".into(),
                ..form()
            }),
            [("data", "change-error-before-submission")]
        );
        assert_eq!(
            field_of(StatusChangeForm {
                data: "2026-11-27".into(),
                ora: "16:00".into(),
                ..form()
            }),
            [("data", "change-error-future")]
        );
        assert_eq!(
            field_of(StatusChangeForm {
                data: "27/11/2026".into(),
                ..form()
            }),
            [("data", "change-error-date")]
        );
        assert_eq!(
            field_of(StatusChangeForm {
                ora: "25:00".into(),
                ..form()
            }),
            [("ora", "change-error-time")]
        );
        assert_eq!(
            field_of(StatusChangeForm {
                risposta_entro: "2026-11-19".into(),
                ..form()
            }),
            [("risposta_entro", "change-error-reply-by")]
        );
    }

    #[test]
    fn checks_clock_fields_and_corrections() {
        let field_of = |form: StatusChangeForm| validate(&form, facts()).unwrap_err();
        assert_eq!(
            field_of(StatusChangeForm {
                proroga_giorni: "181".into(),
                proroga_base: "L. 241/1990".into(),
                ..form()
            }),
            [("proroga_giorni", "change-error-extension")]
        );
        assert_eq!(
            field_of(StatusChangeForm {
                proroga_giorni: "30".into(),
                ..form()
            }),
            [("proroga_base", "change-error-extension-basis")]
        );
        assert_eq!(
            field_of(StatusChangeForm {
                osservazioni_il: "2026-11-21".into(),
                ..form()
            }),
            [("osservazioni_il", "change-error-observations")]
        );
        assert_eq!(
            field_of(StatusChangeForm {
                rettifica: "1".into(),
                ..form()
            }),
            [("motivo", "change-error-reason")]
        );
        let correction = StatusChangeForm {
            rettifica: "1".into(),
            motivo: "Stato registrato per errore".into(),
            ..form()
        };
        assert_eq!(
            validate(&correction, facts())
                .unwrap()
                .correction_reason
                .as_deref(),
            Some("Stato registrato per errore")
        );
        // The reason of a form that is not a correction is ignored.
        let plain = StatusChangeForm {
            motivo: "x".into(),
            ..form()
        };
        assert_eq!(validate(&plain, facts()).unwrap().correction_reason, None);
    }

    #[test]
    fn a_reply_by_date_needs_a_request_for_documents() {
        let valid = validate(&form(), facts()).unwrap();
        let state = |phase| StateChoice {
            id: 7,
            name: "x".into(),
            phase,
        };
        assert!(check_state(&valid, &[state(PublicPhase::DocumentsRequested)]).is_ok());
        assert_eq!(
            check_state(&valid, &[state(PublicPhase::InReview)]).unwrap_err(),
            [("risposta_entro", "change-error-reply-by-not-request")]
        );
        assert_eq!(
            check_state(&valid, &[]).unwrap_err(),
            [("stato", "change-error-state")]
        );
    }
}
