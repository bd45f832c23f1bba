//! Keeps the stored due date and its explanation true: computed by the pure
//! rules of [`pratiche_domain::clock`] from what the database holds, and
//! written in the same transaction as every change that can move them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Rome;
use pratiche_domain::PublicPhase;
use pratiche_domain::clock::{ClockEvent, ClockInput, Explanation, Extension, PatronDay, compute};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{body, case, procedure_type, status_event};

/// The Europe/Rome calendar date of an instant: the clock counts these.
pub fn rome_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Rome).date_naive()
}

#[derive(FromQueryResult)]
struct EventRow {
    occurred_at: DateTime<Utc>,
    public_phase: String,
    extension_days: Option<i32>,
    extension_basis: Option<String>,
    observations_on: Option<NaiveDate>,
    reply_by: Option<NaiveDate>,
}

/// Computes the clock of a pratica from the stored term, patron day and
/// history.
pub async fn compute_for<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
) -> Result<Explanation, DbErr> {
    let calendar = calendar_of(conn, case).await?;
    compute_with(conn, case, calendar).await
}

/// What the due date depends on besides the history; the same for every
/// pratica of one procedure type.
#[derive(Clone, Copy, Debug)]
struct Calendar {
    term_days: u32,
    patron: Option<PatronDay>,
}

async fn calendar_of<C: ConnectionTrait>(conn: &C, case: &case::Model) -> Result<Calendar, DbErr> {
    let term_days = procedure_type::Entity::find_by_id(case.procedure_type_id)
        .select_only()
        .column(procedure_type::Column::TermDays)
        .into_tuple::<i32>()
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("procedure type".into()))?;
    let (patron_month, patron_day) = body::Entity::find_by_id(case.body_id)
        .select_only()
        .column(body::Column::PatronMonth)
        .column(body::Column::PatronDay)
        .into_tuple::<(Option<i32>, Option<i32>)>()
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("body".into()))?;
    let patron = patron_month.zip(patron_day).and_then(|(month, day)| {
        PatronDay::new(u32::try_from(month).ok()?, u32::try_from(day).ok()?).ok()
    });
    Ok(Calendar {
        term_days: u32::try_from(term_days).unwrap_or(0),
        patron,
    })
}

async fn compute_with<C: ConnectionTrait>(
    conn: &C,
    case: &case::Model,
    calendar: Calendar,
) -> Result<Explanation, DbErr> {
    let events = crate::cases::history_order(status_event::Entity::find())
        .select_only()
        .columns([
            status_event::Column::OccurredAt,
            status_event::Column::PublicPhase,
            status_event::Column::ExtensionDays,
            status_event::Column::ExtensionBasis,
            status_event::Column::ObservationsOn,
            status_event::Column::ReplyBy,
        ])
        .filter(status_event::Column::CaseId.eq(case.id))
        .into_model::<EventRow>()
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(ClockEvent {
                on: rome_date(row.occurred_at),
                phase: row
                    .public_phase
                    .parse::<PublicPhase>()
                    .map_err(|error| DbErr::Type(error.to_string()))?,
                extension: row.extension_days.and_then(|days| {
                    Some(Extension {
                        days: u32::try_from(days).ok()?,
                        legal_basis: row.extension_basis.unwrap_or_default(),
                    })
                }),
                observations_on: row.observations_on,
                reply_by: row.reply_by,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(compute(ClockInput {
        submitted_on: case.submitted_on,
        term_days: calendar.term_days,
        patron: calendar.patron,
        events: &events,
    }))
}

/// The explanation as stored in `cases.due_explanation`.
pub fn to_json(explanation: &Explanation) -> serde_json::Value {
    serde_json::to_value(explanation).expect("an explanation is plain data")
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
    let explanation = compute_with(conn, case, calendar).await?;
    let json = to_json(&explanation);
    if case.due_date == Some(explanation.due_on) && case.due_explanation.as_ref() == Some(&json) {
        return Ok(false);
    }
    let updated = case::Entity::update_many()
        .col_expr(case::Column::DueDate, Expr::value(explanation.due_on))
        .col_expr(case::Column::DueExplanation, Expr::value(json))
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
