//! The write path of pratiche: registration and status events. Each write
//! runs inside the caller's write transaction ([`crate::begin_write`]) and
//! stores the recomputed due date in it, so what is committed is whole: the
//! caller may add its own writes (an audit entry) to the same transaction.
//!
//! Long on purpose: the steps of one write (lock, check the transition, file,
//! recompute, feed) stay in one place.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use pratiche_domain::clock::{ClockEvent, ClockWarning, Explanation, Extension};
use pratiche_domain::text::fold_for_search;
use pratiche_domain::workflow::{Step, TransitionError, Transitions, allowed_at, check_insertion};
use sea_orm::sea_query::{Expr, LockType, StringLen};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, DeriveActiveEnum, EntityTrait, EnumIter,
    FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
    Set,
};

use crate::audit::AuditSource;
use crate::clock::{
    Calendar, StoredCalendar, StoredClock, calendar_of, clock_after_appended, compute_from,
    rome_date,
};
use crate::entity::{
    StoredPhase, body, case, procedure_state, procedure_transition, procedure_type, status_event,
};
use crate::feed;
use crate::procedure_types::{StateChoice, WorkflowRules, workflow_rules_of};

pub mod dashboard;
pub mod record;
pub mod service;

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

/// Who recorded an event; stored as its short string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EventSource {
    #[sea_orm(string_value = "demo")]
    Demo,
    #[sea_orm(string_value = "backoffice")]
    BackOffice,
    #[sea_orm(string_value = "api")]
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
            AuditSource::Web | AuditSource::Command | AuditSource::Job => Self::BackOffice,
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
    /// The pratica as the event found it, read under the transaction's lock
    /// (a caller's copy may be older: another write may have come between).
    pub before: case::Model,
    pub case: case::Model,
    /// The new event's row.
    pub event_id: i64,
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
    let state: StateChoice = state_of_type(txn, first.state_id, new.procedure_type_id)
        .await?
        .into();
    let search = search_text(new.code, new.own_reference.as_deref(), &new.subject);
    let case = case::ActiveModel {
        code: Set(new.code.into()),
        body_id: Set(new.body_id),
        procedure_type_id: Set(new.procedure_type_id),
        subject: Set(new.subject),
        own_reference: Set(new.own_reference),
        submitted_on: Set(new.submitted_on),
        office_name: Set(new.office_name),
        responsible_name: Set(new.responsible_name),
        responsible_contact: Set(new.responsible_contact),
        current_state_id: Set(state.id),
        current_phase: Set(StoredPhase(state.phase)),
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
    let history = [HistoryRow::of_new(&first, &state, now)];
    insert_event(txn, &case, &state, first, now).await?;
    let calendar = calendar_of(txn, &case).await?;
    let explanation = compute_from(&case, calendar, &history)?;
    settle(txn, case, &history[0], &explanation, now).await
}

/// Files a status event in a pratica's history, in its place by when it
/// happened: it must be a transition the procedure type allows from the
/// state in effect at that time, and must not make the event after it an
/// illegal one (corrections may set any state). With `expected_version`,
/// fails with [`WriteError::Conflict`] if the pratica changed since the
/// caller read it. `workflow` is the pratica's procedure type's
/// ([`workflow_rules_of`]), which the caller reads (it checks the event against
/// the state first).
pub async fn record_event<C: ConnectionTrait>(
    txn: &C,
    workflow: &WorkflowRules,
    case_id: i32,
    expected_version: Option<i32>,
    event: NewEvent,
    now: DateTime<Utc>,
) -> Result<Recorded, WriteError> {
    let LockedCase { case, calendar } = locked_case(txn, case_id)
        .await?
        .ok_or(WriteError::CaseNotFound)?;
    if expected_version.is_some_and(|expected| expected != case.version) {
        return Err(WriteError::Conflict);
    }
    let state = workflow
        .state(event.state_id)
        .filter(|_| workflow.procedure_type_id == case.procedure_type_id)
        .ok_or(WriteError::ForeignState)?;
    let last = last_event_of(txn, case.id)
        .await?
        .ok_or(WriteError::CaseNotFound)?;
    // The usual event happened after the last one: the last one is all its
    // check and its clock need, and the history is not read.
    let appended = last.occurred_at <= event.occurred_at;
    let mut history = if appended {
        vec![last]
    } else {
        history_of(txn, case.id).await?
    };
    let position = position_in(&history, event.occurred_at);
    let steps: Vec<Step<i32>> = history.iter().map(HistoryRow::step).collect();
    let recorded_at = recorded_after(&history[..position], event.occurred_at, now);
    let new = HistoryRow::of_new(&event, state, recorded_at);
    check_insertion(&workflow.transitions, &steps, position, new.step())?;
    let occurred_on = rome_date(event.occurred_at);
    let event_id = insert_event(txn, &case, state, event, recorded_at).await?;
    history.insert(position, new);
    let calendar = Calendar::from(calendar);
    let explanation = match &history[..] {
        [last, new] if appended => clock_after_appended(txn, &case, calendar, last, new).await?,
        _ => compute_from(&case, calendar, &history)?,
    };
    let before = case.clone();
    let latest = history.last().ok_or(WriteError::CaseNotFound)?;
    let case = settle(txn, case, latest, &explanation, now).await?;
    Ok(Recorded {
        before,
        case,
        event_id,
        warnings: explanation.warnings_for_event_on(occurred_on),
        explanation,
    })
}

/// When an event that happened at `occurred_at`, recorded at `now`, is
/// stored as recorded: never before an event of `earlier` (the history up
/// to its place) that happened at the same instant, so that among those the
/// stored order (when recorded, then id) is the order [`position_in`] filed
/// them in, whatever the clock of the instance that recorded each.
fn recorded_after(
    earlier: &[HistoryRow],
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    // In history order, the last of those was recorded last.
    earlier
        .last()
        .filter(|row| row.occurred_at == occurred_at)
        .map_or(now, |row| Ord::max(row.recorded_at, now))
}

/// Where an event that happened at `occurred_at` goes in `history`: after
/// every event that happened at the same time or before (it is recorded
/// last).
fn position_in(history: &[HistoryRow], occurred_at: DateTime<Utc>) -> usize {
    history.partition_point(|row| row.occurred_at <= occurred_at)
}

/// The states a status-change form offers on a pratica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateOffer {
    /// Every state of its procedure type, in order: a correction may set any.
    pub all: Vec<StateChoice>,
    /// Those a status event (not a correction) that happened at the given
    /// instant may set, in the same order: what [`record_event`] would
    /// accept there.
    pub allowed: Vec<StateChoice>,
}

/// The states a status event on `case` that happened at `occurred_at` may
/// set: the ones allowed after the state in effect then, which do not make
/// the event after it illegal. For an event happening now, the moves from
/// the current state.
pub async fn state_offer<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
    occurred_at: DateTime<Utc>,
) -> Result<StateOffer, DbErr> {
    let WorkflowRules {
        states: all,
        transitions,
        ..
    } = workflow_rules_of(conn, case.procedure_type_id).await?;
    let history = history_of(conn, case.id).await?;
    let steps: Vec<Step<i32>> = history.iter().map(HistoryRow::step).collect();
    let position = position_in(&history, occurred_at);
    let allowed: HashSet<i32> = allowed_at(
        &transitions,
        &steps,
        position,
        all.iter().map(|state| state.id),
    )
    .collect();
    let allowed = all
        .iter()
        .filter(|state| allowed.contains(&state.id))
        .cloned()
        .collect();
    Ok(StateOffer { all, allowed })
}

/// A pratica as a status event finds it: its row, locked until the
/// transaction ends, and what its clock depends on besides the history.
#[derive(FromQueryResult)]
struct LockedCase {
    #[sea_orm(nested)]
    case: case::Model,
    #[sea_orm(nested)]
    calendar: StoredCalendar,
}

/// A pratica with its calendar, in one statement. `FOR UPDATE OF cases` on
/// PostgreSQL: concurrent events of one pratica queue here instead of failing
/// as conflicts at the update, and the body's and procedure type's rows stay
/// free (SQLite has one writer).
async fn locked_case<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<Option<LockedCase>, DbErr> {
    let mut query = case::Entity::find_by_id(case_id)
        .column(procedure_type::Column::TermDays)
        .column(body::Column::PatronMonth)
        .column(body::Column::PatronDay)
        .join(JoinType::InnerJoin, case::Relation::ProcedureType.def())
        .join(JoinType::InnerJoin, case::Relation::Body.def())
        .into_query();
    query.lock_with_tables(LockType::Update, [case::Entity]);
    conn.query_one(&query)
        .await?
        .map(|row| LockedCase::from_query_result(&row, ""))
        .transpose()
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

/// One event of a pratica's history, as the transition rule and the clock
/// see it.
#[derive(Clone, Debug, FromQueryResult)]
pub(crate) struct HistoryRow {
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub state_id: i32,
    pub public_phase: StoredPhase,
    pub correction_reason: Option<String>,
    pub extension_days: Option<i32>,
    pub extension_basis: Option<String>,
    pub observations_on: Option<NaiveDate>,
    pub reply_by: Option<NaiveDate>,
}

impl HistoryRow {
    /// The row an event about to be inserted will have.
    fn of_new(event: &NewEvent, state: &StateChoice, recorded_at: DateTime<Utc>) -> Self {
        Self {
            occurred_at: event.occurred_at,
            recorded_at,
            state_id: state.id,
            public_phase: StoredPhase(state.phase),
            correction_reason: event.correction_reason.clone(),
            extension_days: event
                .extension
                .as_ref()
                .map(|extension| extension.days as i32),
            extension_basis: event
                .extension
                .as_ref()
                .map(|extension| extension.legal_basis.clone()),
            observations_on: event.observations_on,
            reply_by: event.reply_by,
        }
    }

    fn step(&self) -> Step<i32> {
        Step {
            state: self.state_id,
            correction: self.correction_reason.is_some(),
        }
    }

    pub fn clock_event(&self) -> Result<ClockEvent, DbErr> {
        Ok(ClockEvent {
            on: rome_date(self.occurred_at),
            phase: *self.public_phase,
            extension: self.extension_days.and_then(|days| {
                Some(Extension {
                    days: u32::try_from(days).ok()?,
                    legal_basis: self.extension_basis.clone().unwrap_or_default(),
                })
            }),
            observations_on: self.observations_on,
            reply_by: self.reply_by,
        })
    }
}

/// A pratica's history in history order.
pub(crate) async fn history_of<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<Vec<HistoryRow>, DbErr> {
    history_order(history_of_query(case_id))
        .into_model::<HistoryRow>()
        .all(conn)
        .await
}

/// The columns of [`HistoryRow`] of a pratica's events, in no order.
fn history_of_query(case_id: i32) -> sea_orm::Select<status_event::Entity> {
    status_event::Entity::find()
        .filter(status_event::Column::CaseId.eq(case_id))
        .select_only()
        .columns([
            status_event::Column::OccurredAt,
            status_event::Column::RecordedAt,
            status_event::Column::StateId,
            status_event::Column::PublicPhase,
            status_event::Column::CorrectionReason,
            status_event::Column::ExtensionDays,
            status_event::Column::ExtensionBasis,
            status_event::Column::ObservationsOn,
            status_event::Column::ReplyBy,
        ])
}

/// The newest event of a pratica's history.
async fn last_event_of<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<Option<HistoryRow>, DbErr> {
    history_of_query(case_id)
        .order_by_desc(status_event::Column::OccurredAt)
        .order_by_desc(status_event::Column::RecordedAt)
        .order_by_desc(status_event::Column::Id)
        .into_model::<HistoryRow>()
        .one(conn)
        .await
}

/// The order of a history: when it happened, when it was recorded, id.
pub fn history_order<Q: QueryOrder>(query: Q) -> Q {
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
    state: &StateChoice,
    event: NewEvent,
    recorded_at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let (extension_days, extension_basis) = match event.extension {
        Some(extension) => (Some(extension.days as i32), Some(extension.legal_basis)),
        None => (None, None),
    };
    let feed_position = feed::next_position(conn, case.body_id).await?;
    let inserted = status_event::ActiveModel {
        case_id: Set(case.id),
        body_id: Set(case.body_id),
        feed_position: Set(feed_position),
        state_id: Set(state.id),
        public_phase: Set(StoredPhase(state.phase)),
        public_note: Set(event.public_note),
        internal_note: Set(event.internal_note),
        occurred_at: Set(event.occurred_at),
        recorded_at: Set(recorded_at),
        recorded_by: Set(event.recorded_by),
        source: Set(event.source),
        extension_days: Set(extension_days),
        extension_basis: Set(extension_basis),
        observations_on: Set(event.observations_on),
        reply_by: Set(event.reply_by),
        correction_reason: Set(event.correction_reason),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(inserted.id)
}

/// After a new event, with the newest event of the pratica's history
/// (which gives the current state) and its recomputed clock: all is written
/// in one guarded update. Returns the pratica as now stored.
async fn settle<C: ConnectionTrait>(
    conn: &C,
    case: case::Model,
    latest: &HistoryRow,
    explanation: &Explanation,
    now: DateTime<Utc>,
) -> Result<case::Model, WriteError> {
    let closed_at = latest.public_phase.is_final().then_some(latest.occurred_at);
    let clock = StoredClock::of(explanation);
    let updated = clock
        .set_in(case::Entity::update_many())
        .col_expr(case::Column::CurrentStateId, Expr::value(latest.state_id))
        .col_expr(case::Column::CurrentPhase, Expr::value(latest.public_phase))
        .col_expr(case::Column::ClosedAt, Expr::value(closed_at))
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .col_expr(case::Column::Version, Expr::value(case.version + 1))
        .filter(case::Column::Id.eq(case.id))
        .filter(case::Column::Version.eq(case.version))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(WriteError::Conflict);
    }
    Ok(clock.stored_in(case::Model {
        current_state_id: latest.state_id,
        current_phase: latest.public_phase,
        closed_at,
        updated_at: now,
        version: case.version + 1,
        ..case
    }))
}
