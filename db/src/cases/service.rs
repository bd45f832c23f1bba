//! The services every surface calls to change a pratica: [`register`] and
//! [`record_event`] (a correction is an event with its reason). Each writes
//! through the write path with its audit entry in one transaction; this is
//! where anything else that must follow a change in the same transaction
//! belongs. The back office's forms, the API and its batch endpoint are
//! thin adapters over these: they check the input with
//! [`pratiche_domain::intake`] and translate the problems returned here.

use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use pratiche_domain::intake::event::{self, EventProblem, ValidEvent};
use pratiche_domain::intake::registration::{
    self, ReadRegistration, RegistrationProblem, ValidRegistration,
};
use pratiche_domain::intake::{Kind, Problem};
use pratiche_domain::notify::{EmailAddress, FiscalCode, PublicChange};
use pratiche_domain::webhook::EventType;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::{NewCase, NewEvent, Recorded, WriteError};
use crate::audit::{self, Actor, Change, Entry, changed};
use crate::cases::record::reference_taken;
use crate::entity::{case, status_event};
use crate::is_unique_violation;
use crate::notifications::{self, Channel};
use crate::procedure_types::{starting_state, workflow_rules_of};
use crate::webhooks;

/// New codes tried when one is, against all odds, taken.
const CODE_ATTEMPTS: usize = 5;

/// Why a registration was not written.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("refused: {0:?}")]
    Invalid(RegistrationProblem),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Why a status event was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("refused: {0:?}")]
    Invalid(EventProblem),
    /// The pratica changed since the author's form was built.
    #[error("the pratica was changed by someone else meanwhile")]
    Conflict,
    #[error("no such pratica")]
    CaseNotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl From<WriteError> for EventError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Database(error) => Self::Database(error),
            WriteError::CaseNotFound => Self::CaseNotFound,
            WriteError::Conflict => Self::Conflict,
            WriteError::ForeignState => Self::Invalid(Problem {
                field: event::Field::State,
                kind: Kind::UnknownState,
            }),
            WriteError::Transition(error) => Self::Invalid(event::transition_problem(&error)),
        }
    }
}

/// What a registration's fields name of its body, as far as they were read:
/// its procedure type, its own reference, whether a codice fiscale is given.
#[derive(Clone, Copy, Debug)]
pub struct BodyFields<'a> {
    pub procedure_type_id: Option<i32>,
    pub own_reference: Option<&'a str>,
    pub applicant_fiscal_code: bool,
}

impl<'a> BodyFields<'a> {
    pub fn of(read: &'a ReadRegistration) -> Self {
        Self {
            procedure_type_id: read.procedure_type_id,
            own_reference: read.own_reference.as_deref(),
            applicant_fiscal_code: read.applicant_fiscal_code.is_some(),
        }
    }
}

/// The rules of a registration that read the body's data: a procedure type
/// of the body (its starting state is returned, for the new pratica), an
/// own reference the body does not use yet, App IO set up for a codice
/// fiscale. [`register`] applies them before writing; the form applies
/// them to a draft as the clerk leaves each field.
pub async fn check_against_body(
    db: &DatabaseConnection,
    body_id: i32,
    fields: BodyFields<'_>,
) -> Result<(Option<i32>, Vec<RegistrationProblem>), DbErr> {
    use registration::Field;
    let mut problems = Vec::new();
    let mut refuse = |field, kind| problems.push(Problem { field, kind });
    let mut state_id = None;
    if let Some(procedure_type_id) = fields.procedure_type_id {
        state_id = starting_state(db, body_id, procedure_type_id).await?;
        if state_id.is_none() {
            refuse(Field::ProcedureType, Kind::UnknownProcedureType);
        }
    }
    if let Some(reference) = fields.own_reference
        && reference_taken(db, body_id, reference).await?
    {
        refuse(Field::OwnReference, Kind::ReferenceTaken);
    }
    if fields.applicant_fiscal_code && !crate::bodies::sends_through_io(db, body_id).await? {
        refuse(Field::ApplicantFiscalCode, Kind::IoNotConfigured);
    }
    Ok((state_id, problems))
}

fn refused(field: registration::Field, kind: Kind) -> RegisterError {
    RegisterError::Invalid(Problem { field, kind })
}

/// Registers a checked pratica for `body_id` under a fresh code, in its
/// procedure type's starting state, with its audit entry; the first event's
/// source follows the actor's (back office or API). An applicant's address
/// and codice fiscale are subscribed in the same transaction, the first
/// message in `language`. Refuses what [`check_against_body`] refuses.
pub async fn register(
    db: &DatabaseConnection,
    actor: &Actor,
    body_id: i32,
    valid: &ValidRegistration,
    language: &str,
) -> Result<case::Model, RegisterError> {
    use registration::Field;
    let fields = BodyFields {
        procedure_type_id: Some(valid.procedure_type_id),
        own_reference: valid.own_reference.as_deref(),
        applicant_fiscal_code: valid.applicant_fiscal_code.is_some(),
    };
    let (state_id, problems) = check_against_body(db, body_id, fields).await?;
    if let Some(problem) = problems.into_iter().next() {
        return Err(RegisterError::Invalid(problem));
    }
    let state_id =
        state_id.ok_or_else(|| refused(Field::ProcedureType, Kind::UnknownProcedureType))?;
    for _ in 0..CODE_ATTEMPTS {
        let code = CaseCode::generate();
        match register_once(db, actor, body_id, state_id, valid, code, language).await {
            Err(WriteError::Database(error)) if is_unique_violation(&error) => {
                // A concurrent writer may have just taken the own reference;
                // otherwise the code was taken: try another.
                if error.to_string().contains("own_reference") {
                    return Err(refused(Field::OwnReference, Kind::ReferenceTaken));
                }
            }
            Err(WriteError::Database(error)) => return Err(error.into()),
            // The starting state was read above: only a procedure type
            // changed meanwhile gets here.
            Err(_) => return Err(refused(Field::ProcedureType, Kind::UnknownProcedureType)),
            Ok(case) => return Ok(case),
        }
    }
    Err(DbErr::Custom("no free code after several attempts".into()).into())
}

/// When the submission event happened: midday UTC, which falls on the
/// submission's calendar day in Rome, but never later than `now`, so that a
/// pratica submitted today can take its next event in the morning.
fn submission_instant(submitted_on: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let midday = submitted_on
        .and_hms_opt(12, 0, 0)
        .expect("a time of day")
        .and_utc();
    midday.min(now)
}

async fn register_once(
    db: &DatabaseConnection,
    actor: &Actor,
    body_id: i32,
    state_id: i32,
    valid: &ValidRegistration,
    code: CaseCode,
    language: &str,
) -> Result<case::Model, WriteError> {
    let now = Utc::now();
    let new_case = NewCase {
        code,
        body_id,
        procedure_type_id: valid.procedure_type_id,
        subject: valid.subject.clone(),
        own_reference: valid.own_reference.clone(),
        submitted_on: valid.submitted_on,
        office_name: valid.office.clone(),
        responsible_name: valid.responsible.clone(),
        responsible_contact: valid.contact.clone(),
    };
    let first = NewEvent {
        state_id,
        public_note: None,
        internal_note: None,
        occurred_at: submission_instant(valid.submitted_on, now),
        recorded_by: actor.user_id,
        source: actor.source.into(),
        extension: None,
        observations_on: None,
        reply_by: None,
        correction_reason: None,
    };
    let txn = crate::begin_write(db).await?;
    let case = super::register(&txn, new_case, first, now).await?;
    let entry = Entry {
        body_id: Some(body_id),
        entity: "case",
        entity_id: code.to_string(),
        action: "register",
        changes: vec![
            Change::set("procedure_type_id", case.procedure_type_id),
            Change::set("subject", case.subject.clone()),
            Change::set("own_reference", case.own_reference.clone()),
            Change::set("submitted_on", case.submitted_on.to_string()),
            Change::set("office_name", case.office_name.clone()),
            Change::set("responsible_name", case.responsible_name.clone()),
            Change::set("responsible_contact", case.responsible_contact.clone()),
            Change::set("due_date", case.due_date.map(|date| date.to_string())),
        ],
    };
    audit::record(&txn, actor, entry, now).await?;
    let applicant = [
        (
            Channel::Email,
            valid.applicant_email.as_ref().map(EmailAddress::as_str),
        ),
        (
            Channel::Io,
            valid.applicant_fiscal_code.as_ref().map(FiscalCode::as_str),
        ),
    ];
    for (channel, recipient) in applicant {
        if let Some(recipient) = recipient {
            notifications::subscribe_applicant(&*txn, case.id, (channel, recipient), language, now)
                .await?;
        }
    }
    if let Some(first) = status_event::Entity::find()
        .filter(status_event::Column::CaseId.eq(case.id))
        .one(&*txn)
        .await?
    {
        webhooks::queue_event(
            &*txn,
            body_id,
            EventType::Registered,
            first.id,
            &actor.name,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(case)
}

/// Records a checked status event (or correction) on `case`, with its audit
/// entry and the updates its subscribers are owed (the outbox), in the
/// caller's write transaction: the caller commits (or, for a
/// preview, rolls back). Checks the event against the state it names
/// ([`event::fits_state`]) and, through the write path, against the
/// workflow at the event's place in the history. With `expected_version`,
/// refuses a pratica changed since the author read it.
pub async fn record_event<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    case: &case::Model,
    valid: ValidEvent,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Recorded, EventError> {
    let workflow = workflow_rules_of(txn, case.procedure_type_id).await?;
    let state = |id: i32| workflow.state(id);
    event::fits_state(&valid, state(valid.state_id).map(|state| state.phase))
        .map_err(EventError::Invalid)?;
    let state_name = |id: i32| state(id).map(|state| state.name.clone());
    let action = if valid.correction_reason.is_some() {
        "correction"
    } else {
        "status_change"
    };
    let mut changes = vec![
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
    let valid_state_id = valid.state_id;
    let (with_note, with_extension, with_reply_by) = (
        valid.public_note.is_some(),
        valid.extension.is_some(),
        valid.reply_by.is_some(),
    );
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
    let recorded =
        super::record_event(txn, &workflow, case.id, expected_version, event, now).await?;
    // What the pratica was comes from the write path's locked read: `case`
    // may be older than a write queued just before this one.
    let before = &recorded.before;
    changes.insert(
        0,
        Change::new(
            "state",
            state_name(before.current_state_id),
            state_name(valid_state_id),
        ),
    );
    changes.push(Change::new(
        "due_date",
        before.due_date.map(|date| date.to_string()),
        recorded.case.due_date.map(|date| date.to_string()),
    ));
    let entry = Entry {
        body_id: Some(case.body_id),
        entity: "case",
        entity_id: case.code.to_string(),
        action,
        changes: changed(changes),
    };
    audit::record(txn, actor, entry, now).await?;
    let change = PublicChange {
        phase_before: *before.current_phase,
        phase_after: *recorded.case.current_phase,
        with_note,
        with_extension,
        with_reply_by,
    };
    // A state the body keeps from citizens' mail is not told.
    if state(valid_state_id).is_some_and(|state| state.notify) {
        notifications::queue_for_event(txn, case.id, recorded.event_id, change, now).await?;
    }
    let told_as = if action == "correction" {
        EventType::Corrected
    } else {
        EventType::EventRecorded
    };
    webhooks::queue_event(
        txn,
        case.body_id,
        told_as,
        recorded.event_id,
        &actor.name,
        now,
    )
    .await?;
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_of_today_never_happens_after_now() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let morning = today.and_hms_opt(0, 11, 0).unwrap().and_utc();
        let evening = today.and_hms_opt(22, 0, 0).unwrap().and_utc();
        let midday = today.and_hms_opt(12, 0, 0).unwrap().and_utc();
        assert_eq!(submission_instant(today, morning), morning);
        assert_eq!(submission_instant(today, evening), midday);
        let earlier = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            submission_instant(earlier, morning),
            earlier.and_hms_opt(12, 0, 0).unwrap().and_utc()
        );
    }
}
