//! Keeps the stored due date and its explanation true: computed by the pure
//! rules of [`pratiche_domain::clock`] from what the database holds, and
//! written in the same transaction as every change that can move them.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::clock::{ClockInput, Explanation, PatronDay, compute, resume};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, UpdateMany,
};

use crate::cases::{HistoryRow, history_of};
use crate::entity::{body, case, procedure_type};

pub use pratiche_domain::clock::rome_date;

/// How far this process's clock is set from the system's: nothing, unless a
/// demonstration or a test started it at a chosen instant
/// ([`start_clock_at`]), so that what depends on the date is the same
/// whenever it runs.
static CLOCK_OFFSET: OnceLock<chrono::Duration> = OnceLock::new();

/// Sets this process's clock running from `start`, once, before anything
/// reads it (`PRATICHE_CLOCK_START`, demo mode only).
pub fn start_clock_at(start: DateTime<Utc>) {
    let _ = CLOCK_OFFSET.set(start - Utc::now());
}

/// The instant the dates of pages, demo data and reminders are taken from.
pub fn now() -> DateTime<Utc> {
    Utc::now() + CLOCK_OFFSET.get().copied().unwrap_or_default()
}

/// Today's date in Europe/Rome: "today" everywhere in Pratiche.
pub fn today_in_rome() -> NaiveDate {
    rome_date(now())
}

/// What the due date depends on besides the history; the same for every
/// pratica of one procedure type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Calendar {
    term_days: u32,
    patron: Option<PatronDay>,
}

/// A calendar's columns as stored: the procedure type's term and the body's
/// patron day.
#[derive(Debug, FromQueryResult)]
pub(crate) struct StoredCalendar {
    term_days: i32,
    patron_month: Option<i32>,
    patron_day: Option<i32>,
}

impl From<StoredCalendar> for Calendar {
    fn from(stored: StoredCalendar) -> Self {
        let patron = stored
            .patron_month
            .zip(stored.patron_day)
            .and_then(|(month, day)| {
                PatronDay::new(u32::try_from(month).ok()?, u32::try_from(day).ok()?).ok()
            });
        Self {
            term_days: u32::try_from(stored.term_days).unwrap_or(0),
            patron,
        }
    }
}

/// The pratica's term and its body's patron day, in one read.
pub(crate) async fn calendar_of<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
) -> Result<Calendar, DbErr> {
    let read = Query::select()
        .column((procedure_type::Entity, procedure_type::Column::TermDays))
        .column((body::Entity, body::Column::PatronMonth))
        .column((body::Entity, body::Column::PatronDay))
        .from(procedure_type::Entity)
        .from(body::Entity)
        .and_where(procedure_type::Column::Id.eq(case.procedure_type_id))
        .and_where(body::Column::Id.eq(case.body_id))
        .to_owned();
    let row = conn
        .query_one(&read)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("procedure type or body".into()))?;
    Ok(StoredCalendar::from_query_result(&row, "")?.into())
}

async fn compute_with<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
    calendar: Calendar,
) -> Result<Explanation, DbErr> {
    compute_from(case, calendar, &history_of(conn, case.id).await?)
}

/// Computes the clock of a pratica with the given history (in history
/// order).
pub(crate) fn compute_from(
    case: &case::Model,
    calendar: Calendar,
    history: &[HistoryRow],
) -> Result<Explanation, DbErr> {
    let events = history
        .iter()
        .map(HistoryRow::clock_event)
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(compute(ClockInput {
        submitted_on: case.submitted_on,
        term_days: calendar.term_days,
        patron: calendar.patron,
        events: &events,
    }))
}

/// The clock of `case` once `next` was filed after `last`, the newest event
/// of its history until then: resumed from the explanation stored beside
/// the pratica (its history's), or, where that does not tell enough,
/// computed from the whole history as `conn` holds it (`next` included).
/// An unreadable stored explanation is computed afresh too.
pub(crate) async fn clock_after_appended<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
    calendar: Calendar,
    last: &HistoryRow,
    next: &HistoryRow,
) -> Result<Explanation, DbErr> {
    if let Ok(Some(stored)) = from_json(case.due_explanation.clone()) {
        let input = ClockInput {
            submitted_on: case.submitted_on,
            term_days: calendar.term_days,
            patron: calendar.patron,
            events: &[last.clock_event()?],
        };
        if let Some(explanation) = resume(input, &stored, &next.clock_event()?) {
            return Ok(explanation);
        }
    }
    compute_with(conn, case, calendar).await
}

/// Everything a pratica stores of its clock, written together wherever the
/// clock is stored: the due date, its explanation, and the conclusion as
/// the clock counted it (which the processing-time statistics read).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredClock {
    pub due_date: NaiveDate,
    pub due_explanation: serde_json::Value,
    pub concluded_on: Option<NaiveDate>,
    pub days_used: Option<i32>,
    pub concluded_in_time: Option<bool>,
}

impl StoredClock {
    pub fn of(explanation: &Explanation) -> Self {
        Self {
            due_date: explanation.due_on,
            due_explanation: to_json(explanation),
            concluded_on: explanation.concluded_on,
            days_used: explanation
                .days_used()
                .map(|days| i32::try_from(days).unwrap_or(i32::MAX)),
            concluded_in_time: explanation.concluded_in_time(),
        }
    }

    /// Whether `case` already stores exactly this.
    pub fn is_stored_in(&self, case: &case::Model) -> bool {
        case.due_date == Some(self.due_date)
            && case.due_explanation.as_ref() == Some(&self.due_explanation)
            && case.concluded_on == self.concluded_on
            && case.days_used == self.days_used
            && case.concluded_in_time == self.concluded_in_time
    }

    /// Sets the columns in an update of pratiche.
    pub fn set_in(&self, update: UpdateMany<case::Entity>) -> UpdateMany<case::Entity> {
        update
            .col_expr(case::Column::DueDate, Expr::value(self.due_date))
            .col_expr(
                case::Column::DueExplanation,
                Expr::value(self.due_explanation.clone()),
            )
            .col_expr(case::Column::ConcludedOn, Expr::value(self.concluded_on))
            .col_expr(case::Column::DaysUsed, Expr::value(self.days_used))
            .col_expr(
                case::Column::ConcludedInTime,
                Expr::value(self.concluded_in_time),
            )
    }

    /// The pratica as stored once the update is done.
    pub fn stored_in(self, case: case::Model) -> case::Model {
        case::Model {
            due_date: Some(self.due_date),
            due_explanation: Some(self.due_explanation),
            concluded_on: self.concluded_on,
            days_used: self.days_used,
            concluded_in_time: self.concluded_in_time,
            ..case
        }
    }
}

/// The explanation as stored in `cases.due_explanation`.
pub fn to_json(explanation: &Explanation) -> serde_json::Value {
    serde_json::to_value(explanation).expect("an explanation is plain data")
}

/// The explanation read back from `cases.due_explanation`.
pub fn from_json(stored: Option<serde_json::Value>) -> Result<Option<Explanation>, DbErr> {
    stored
        .map(serde_json::from_value)
        .transpose()
        .map_err(|error| DbErr::Json(error.to_string()))
}

/// Recomputes the pratiche matching `filter` and stores what changed,
/// within the caller's transaction. Returns how many changed.
pub async fn recompute_where<C: ConnectionTrait>(
    conn: &C,
    filter: sea_orm::Condition,
) -> Result<u64, DbErr> {
    let cases = case::Entity::find()
        .filter(filter)
        .order_by_asc(case::Column::Id)
        .all(conn)
        .await?;
    // Term and patron day are read once per procedure type, not per pratica.
    let mut calendars: HashMap<i32, Calendar> = HashMap::new();
    let mut changed = 0;
    for case in cases {
        let calendar = match calendars.get(&case.procedure_type_id) {
            Some(calendar) => *calendar,
            None => *calendars
                .entry(case.procedure_type_id)
                .or_insert(calendar_of(conn, &case).await?),
        };
        if store_if_changed(conn, &case, calendar).await? {
            changed += 1;
        }
    }
    Ok(changed)
}

/// Writes a fresh computation over stale stored values. The update is
/// guarded by the row's version: if another write got there first, it stored
/// its own fresh values and this one is dropped.
async fn store_if_changed<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
    calendar: Calendar,
) -> Result<bool, DbErr> {
    let clock = StoredClock::of(&compute_with(conn, case, calendar).await?);
    if clock.is_stored_in(case) {
        return Ok(false);
    }
    let updated = clock
        .set_in(case::Entity::update_many())
        .col_expr(
            case::Column::Version,
            Expr::col(case::Column::Version).add(1),
        )
        .filter(case::Column::Id.eq(case.id))
        .filter(case::Column::Version.eq(case.version))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// What a full recomputation did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecomputeReport {
    pub examined: u64,
    pub changed: u64,
}

/// Recomputes every pratica, in batches of `batch_size` per transaction
/// (after a change of calendar data or rules).
pub async fn recompute_all(
    db: &DatabaseConnection,
    batch_size: u64,
) -> Result<RecomputeReport, DbErr> {
    let mut report = RecomputeReport::default();
    let mut after_id = 0;
    loop {
        let txn = crate::begin_write(db).await?;
        let ids: Vec<i32> = case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .filter(case::Column::Id.gt(after_id))
            .order_by_asc(case::Column::Id)
            .limit(batch_size)
            .into_tuple()
            .all(&txn)
            .await?;
        let Some(&last) = ids.last() else { break };
        report.examined += ids.len() as u64;
        report.changed += recompute_where(
            &txn,
            sea_orm::Condition::all().add(case::Column::Id.is_in(ids)),
        )
        .await?;
        txn.commit().await?;
        after_id = last;
    }
    Ok(report)
}
