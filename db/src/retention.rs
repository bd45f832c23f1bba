//! The end of the retention period (docs/rules.md, Security and privacy):
//! pratiche closed longer ago than it are erased with their history, their
//! recipients' addresses and their messages; only anonymous figures stay
//! (`closed_case_figures`, for the processing-time statistics), and each
//! body's audit log counts what went.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use pratiche_domain::clock::rome_date;
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::DatabaseConnection;
use crate::audit::{self, Actor, AuditSource, Change, Entry};
use crate::entity::{case, closed_case_figure, status_event, subscription};

/// Pratiche erased per transaction: a batch holds the write lock briefly.
const BATCH: u64 = 200;

/// What one body lost to the retention period in one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub pratiche: u64,
    pub events: u64,
    /// Addresses of citizens who asked to be told (their messages go too).
    pub recipients: u64,
}

/// Erases every pratica closed before `closed_before`, in batches; what
/// went, per body. Each batch keeps the pratiche's figures and writes one
/// audit entry per body in its own transaction, so a run cut short loses
/// nothing and the next one goes on.
pub async fn erase_closed(
    db: &DatabaseConnection,
    closed_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<BTreeMap<i32, Erased>, DbErr> {
    let mut total: BTreeMap<i32, Erased> = BTreeMap::new();
    loop {
        let batch = erase_batch(db, closed_before, now).await?;
        if batch.is_empty() {
            return Ok(total);
        }
        for (body_id, erased) in batch {
            let sum = total.entry(body_id).or_default();
            sum.pratiche += erased.pratiche;
            sum.events += erased.events;
            sum.recipients += erased.recipients;
        }
    }
}

async fn erase_batch(
    db: &DatabaseConnection,
    closed_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<BTreeMap<i32, Erased>, DbErr> {
    let txn = crate::begin_write(db).await?;
    // Another instance erasing at once skips the rows this one holds, so
    // no pratica's figures are kept twice.
    let cases = case::Entity::find()
        .filter(case::Column::ClosedAt.lt(closed_before))
        .order_by_asc(case::Column::Id)
        .limit(BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&*txn)
        .await?;
    let mut erased: BTreeMap<i32, Erased> = BTreeMap::new();
    if cases.is_empty() {
        txn.rollback().await?;
        return Ok(erased);
    }
    let ids: Vec<i32> = cases.iter().map(|case| case.id).collect();
    let body_of: HashMap<i32, i32> = cases.iter().map(|case| (case.id, case.body_id)).collect();
    // Events carry their body; recipients are counted per pratica.
    let events: Vec<(i32, i64)> = status_event::Entity::find()
        .select_only()
        .column(status_event::Column::BodyId)
        .column_as(status_event::Column::Id.count(), "events")
        .filter(status_event::Column::CaseId.is_in(ids.clone()))
        .group_by(status_event::Column::BodyId)
        .into_tuple()
        .all(&*txn)
        .await?;
    let recipients: Vec<(i32, i64)> = subscription::Entity::find()
        .select_only()
        .column(subscription::Column::CaseId)
        .column_as(subscription::Column::Id.count(), "recipients")
        .filter(subscription::Column::CaseId.is_in(ids.clone()))
        .group_by(subscription::Column::CaseId)
        .into_tuple()
        .all(&*txn)
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    for case in &cases {
        erased.entry(case.body_id).or_default().pratiche += 1;
    }
    for (body_id, n) in events {
        erased.entry(body_id).or_default().events += count(n);
    }
    for (case_id, n) in recipients {
        erased.entry(body_of[&case_id]).or_default().recipients += count(n);
    }
    let figures = cases
        .iter()
        .map(|case| figures_of(case, now))
        .collect::<Result<Vec<_>, _>>()?;
    status_event::Entity::delete_many()
        .filter(status_event::Column::CaseId.is_in(ids.clone()))
        .exec(&*txn)
        .await?;
    // Subscriptions and their messages go with the pratica (the foreign
    // keys cascade).
    case::Entity::delete_many()
        .filter(case::Column::Id.is_in(ids))
        .exec(&*txn)
        .await?;
    closed_case_figure::Entity::insert_many(figures)
        .exec(&*txn)
        .await?;
    let actor = Actor {
        user_id: None,
        name: "retention".into(),
        source: AuditSource::Job,
        client_address: None,
    };
    for (body_id, counts) in &erased {
        let entry = Entry {
            body_id: Some(*body_id),
            entity: "case",
            entity_id: "retention".into(),
            action: "erase",
            changes: vec![
                Change::new("pratiche", counts.pratiche, 0),
                Change::new("events", counts.events, 0),
                Change::new("recipients", counts.recipients, 0),
                Change::set("closed_before", closed_before.to_rfc3339()),
            ],
        };
        audit::record(&*txn, &actor, entry, now).await?;
    }
    txn.commit().await?;
    Ok(erased)
}

/// The anonymous figures of a closed pratica: when it started and ended,
/// how it ended, and the days it used against its term, as its stored
/// clock counted them.
fn figures_of(
    case: &case::Model,
    now: DateTime<Utc>,
) -> Result<closed_case_figure::ActiveModel, DbErr> {
    let explanation = crate::clock::from_json(case.due_explanation.clone())?;
    let closed_on = case.closed_at.map_or_else(|| rome_date(now), rome_date);
    let concluded_on = explanation
        .as_ref()
        .and_then(|explanation| explanation.concluded_on)
        .unwrap_or(closed_on);
    let whole = |days: u32| i32::try_from(days).unwrap_or(i32::MAX);
    Ok(closed_case_figure::ActiveModel {
        body_id: Set(case.body_id),
        procedure_type_id: Set(case.procedure_type_id),
        submitted_on: Set(case.submitted_on),
        concluded_on: Set(concluded_on),
        final_phase: Set(case.current_phase),
        term_days: Set(explanation
            .as_ref()
            .map(|explanation| whole(explanation.term_days))),
        days_used: Set(explanation
            .as_ref()
            .and_then(|explanation| explanation.days_used())
            .map(whole)),
        in_time: Set(explanation
            .as_ref()
            .and_then(|explanation| explanation.concluded_in_time())),
        erased_at: Set(now),
        ..Default::default()
    })
}
