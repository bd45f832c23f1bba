//! The write path of pratiche: registration and status events. Each write
//! runs inside the caller's write transaction ([`crate::begin_write`]) and
//! stores the recomputed due date in it, so what is committed is whole: the
//! caller may add its own writes (an audit entry) to the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::clock::{ClockWarning, Explanation, Extension};
use pratiche_domain::text::fold_for_search;
use pratiche_domain::workflow::{Step, TransitionError, Transitions, check_insertion};
use pratiche_domain::{CaseCode, PublicPhase};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::audit::AuditSource;
use crate::clock::{compute_for, rome_date, to_json};
use crate::entity::{case, procedure_state, procedure_transition, status_event};
use crate::feed;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("no such pratica")]
    CaseNotFound,
    #[error("the state does not belong to the pratica's procedure type")]
    ForeignState,
    #[error("the pratica was changed by someone else meanwhile")]
    Conflict,
    #[error(transparent)]
    Transition(#[from] TransitionError<i32>),
}

/// Who recorded an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSource {
    Demo,
    BackOffice,
    Api,
}

impl EventSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::BackOffice => "backoffice",
            Self::Api => "api",
        }
    }
}

impl From<AuditSource> for EventSource {
    fn from(source: AuditSource) -> Self {
        match source {
            AuditSource::Api => Self::Api,
            AuditSource::Web | AuditSource::Command => Self::BackOffice,
        }
    }
}

/// A pratica to register.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub code: CaseCode,
    pub body_id: i32,
    pub procedure_type_id: i32,
    pub subject: String,
    pub own_reference: Option<String>,
    pub submitted_on: NaiveDate,
    pub office_name: String,
    pub responsible_name: String,
    pub responsible_contact: String,
}

/// A status event to record.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub state_id: i32,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_by: Option<i32>,
    pub source: EventSource,
    pub extension: Option<Extension>,
    pub observations_on: Option<NaiveDate>,
    pub reply_by: Option<NaiveDate>,
    /// A correction (rettifica) with its reason: may set any state.
    pub correction_reason: Option<String>,
}

/// A recorded event's pratica as it now stands, and what its author should
/// be told about the effect on the clock.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub case: case::Model,
    pub explanation: Explanation,
    pub warnings: Vec<ClockWarning>,
}

/// What the search column holds for a pratica: its code (as shown and
/// compact), its own reference and its subject, folded.
pub fn search_text(code: CaseCode, own_reference: Option<&str>, subject: &str) -> String {
    fold_for_search(&format!(
        "{} {} {} {subject}",
        code.compact(),
        code,
        own_reference.unwrap_or("")
    ))
}

/// Registers a pratica with its first status event.
pub async fn register<C: ConnectionTrait>(
    txn: &C,
    new: NewCase,
    first: NewEvent,
    now: DateTime<Utc>,
) -> Result<case::Model, WriteError> {
    let state = state_of_type(txn, first.state_id, new.procedure_type_id).await?;
    let search = search_text(new.code, new.own_reference.as_deref(), &new.subject);
    let case = case::ActiveModel {
        code: Set(new.code.compact()),
        body_id: Set(new.body_id),
        procedure_type_id: Set(new.procedure_type_id),
        subject: Set(new.subject),
        own_reference: Set(new.own_reference),
        submitted_on: Set(new.submitted_on),
        office_name: Set(new.office_name),
        responsible_name: Set(new.responsible_name),
        responsible_contact: Set(new.responsible_contact),
        current_state_id: Set(state.id),
        current_phase: Set(state.public_phase.clone()),
        due_date: Set(None),
        due_explanation: Set(None),
        closed_at: Set(None),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        search_text: Set(search),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    insert_event(txn, &case, &state, first, now).await?;
    Ok(settle(txn, case, now).await?.0)
}

/// Files a status event in a pratica's history, in its place by when it
/// happened: it must be a transition the procedure type allows from the
/// state in effect at that time, and must not make the event after it an
/// illegal one (corrections may set any state). With `expected_version`,
/// fails with [`WriteError::Conflict`] if the pratica changed since the
/// caller read it.
pub async fn record_event<C: ConnectionTrait>(
    txn: &C,
    case_id: i32,
    expected_version: Option<i32>,
    event: NewEvent,
    now: DateTime<Utc>,
) -> Result<Recorded, WriteError> {
    // `FOR UPDATE` on PostgreSQL: concurrent events of one pratica queue here
    // instead of failing as conflicts at the update (SQLite has one writer).
    let case = case::Entity::find_by_id(case_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(WriteError::CaseNotFound)?;
    if expected_version.is_some_and(|expected| expected != case.version) {
        return Err(WriteError::Conflict);
    }
    let state = state_of_type(txn, event.state_id, case.procedure_type_id).await?;
    let history = history_steps(txn, case.id).await?;
    let position = history.partition_point(|(occurred_at, _)| *occurred_at <= event.occurred_at);
    let steps: Vec<Step<i32>> = history.into_iter().map(|(_, step)| step).collect();
    let new_step = Step {
        state: state.id,
        correction: event.correction_reason.is_some(),
    };
    check_insertion(
        &transitions_of(txn, case.procedure_type_id).await?,
        &steps,
        position,
        new_step,
    )?;
    let occurred_on = rome_date(event.occurred_at);
    insert_event(txn, &case, &state, event, now).await?;
    let (case, explanation) = settle(txn, case, now).await?;
    Ok(Recorded {
        case,
        warnings: explanation.warnings_for_event_on(occurred_on),
        explanation,
    })
}

/// The allowed transitions of a procedure type.
pub async fn transitions_of<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
) -> Result<Transitions<i32>, DbErr> {
    let pairs: Vec<(i32, i32)> = procedure_transition::Entity::find()
        .select_only()
        .column(procedure_transition::Column::FromStateId)
        .column(procedure_transition::Column::ToStateId)
        .filter(procedure_transition::Column::ProcedureTypeId.eq(procedure_type_id))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(Transitions::new(pairs))
}

/// A pratica's history in order (when it happened, when it was recorded,
/// id), as the transition rule sees it.
async fn history_steps<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<Vec<(DateTime<Utc>, Step<i32>)>, DbErr> {
    let rows: Vec<(DateTime<Utc>, i32, Option<String>)> = history_order(
        status_event::Entity::find().filter(status_event::Column::CaseId.eq(case_id)),
    )
    .select_only()
    .column(status_event::Column::OccurredAt)
    .column(status_event::Column::StateId)
    .column(status_event::Column::CorrectionReason)
    .into_tuple()
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(occurred_at, state, reason)| {
            (
                occurred_at,
                Step {
                    state,
                    correction: reason.is_some(),
                },
            )
        })
        .collect())
}

/// The order of a history: when it happened, when it was recorded, id.
pub fn history_order(
    query: sea_orm::Select<status_event::Entity>,
) -> sea_orm::Select<status_event::Entity> {
    query
        .order_by_asc(status_event::Column::OccurredAt)
        .order_by_asc(status_event::Column::RecordedAt)
        .order_by_asc(status_event::Column::Id)
}

async fn state_of_type<C: ConnectionTrait>(
    conn: &C,
    state_id: i32,
    procedure_type_id: i32,
) -> Result<procedure_state::Model, WriteError> {
    procedure_state::Entity::find_by_id(state_id)
        .filter(procedure_state::Column::ProcedureTypeId.eq(procedure_type_id))
        .one(conn)
        .await?
        .ok_or(WriteError::ForeignState)
}

/// Inserts the event at the body's next feed position.
async fn insert_event<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
    state: &procedure_state::Model,
    event: NewEvent,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (extension_days, extension_basis) = match event.extension {
        Some(extension) => (Some(extension.days as i32), Some(extension.legal_basis)),
        None => (None, None),
    };
    let feed_position = feed::next_position(conn, case.body_id).await?;
    status_event::ActiveModel {
        case_id: Set(case.id),
        body_id: Set(case.body_id),
        feed_position: Set(feed_position),
        state_id: Set(state.id),
        public_phase: Set(state.public_phase.clone()),
        public_note: Set(event.public_note),
        internal_note: Set(event.internal_note),
        occurred_at: Set(event.occurred_at),
        recorded_at: Set(now),
        recorded_by: Set(event.recorded_by),
        source: Set(event.source.as_str().into()),
        extension_days: Set(extension_days),
        extension_basis: Set(extension_basis),
        observations_on: Set(event.observations_on),
        reply_by: Set(event.reply_by),
        correction_reason: Set(event.correction_reason),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// After a new event: the newest event in history order gives the current
/// state; the clock is recomputed; all is written in one guarded update.
async fn settle<C: ConnectionTrait>(
    conn: &C,
    case: case::Model,
    now: DateTime<Utc>,
) -> Result<(case::Model, Explanation), WriteError> {
    let latest = status_event::Entity::find()
        .filter(status_event::Column::CaseId.eq(case.id))
        .order_by_desc(status_event::Column::OccurredAt)
        .order_by_desc(status_event::Column::RecordedAt)
        .order_by_desc(status_event::Column::Id)
        .one(conn)
        .await?
        .ok_or(WriteError::CaseNotFound)?;
    let phase: PublicPhase = latest
        .public_phase
        .parse()
        .map_err(|error: pratiche_domain::phase::UnknownPhase| DbErr::Type(error.to_string()))?;
    let explanation = compute_for(conn, &case).await?;
    let closed_at = phase.is_final().then_some(latest.occurred_at);
    let updated = case::Entity::update_many()
        .col_expr(case::Column::CurrentStateId, Expr::value(latest.state_id))
        .col_expr(
            case::Column::CurrentPhase,
            Expr::value(latest.public_phase.clone()),
        )
        .col_expr(case::Column::ClosedAt, Expr::value(closed_at))
        .col_expr(case::Column::DueDate, Expr::value(explanation.due_on))
        .col_expr(
            case::Column::DueExplanation,
            Expr::value(to_json(&explanation)),
        )
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .col_expr(case::Column::Version, Expr::value(case.version + 1))
        .filter(case::Column::Id.eq(case.id))
        .filter(case::Column::Version.eq(case.version))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(WriteError::Conflict);
    }
    let case = case::Entity::find_by_id(case.id)
        .one(conn)
        .await?
        .ok_or(WriteError::CaseNotFound)?;
    Ok((case, explanation))
}
