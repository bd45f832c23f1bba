//! A body's changes feed: every status event recorded for its pratiche, in
//! the order their transactions committed. Each event takes the body's next
//! position by updating the body's counter row in the event's own
//! transaction; the row stays locked until commit, so a writer that took
//! position n has committed (or rolled back, leaving a gap) before anyone
//! takes n + 1. A reader that has seen position n has therefore seen every
//! committed position below it, and "everything after my cursor" never skips
//! an event, on PostgreSQL as on SQLite (where writers are serialised anyway).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

use crate::entity::{body, case, procedure_state, status_event};

/// Takes the body's next feed position, locking its counter until commit.
pub(crate) async fn next_position<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
) -> Result<i64, DbErr> {
    take_positions(conn, body_id, 1).await
}

/// Takes the body's next `count` feed positions at once (for events written
/// in bulk), locking its counter until commit; returns the last of them.
pub(crate) async fn take_positions<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    count: i64,
) -> Result<i64, DbErr> {
    let take = Query::update()
        .table(body::Entity)
        .value(
            body::Column::FeedPosition,
            Expr::col(body::Column::FeedPosition).add(count),
        )
        .and_where(body::Column::Id.eq(body_id))
        .returning_col(body::Column::FeedPosition)
        .to_owned();
    conn.query_one(&take)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("body {body_id}")))?
        .try_get("", body::Column::FeedPosition.as_str())
}

/// One recorded event, as the feed gives it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Change {
    pub feed_position: i64,
    pub code: crate::entity::StoredCode,
    pub own_reference: Option<String>,
    pub state_id: i32,
    pub state_name: String,
    pub public_phase: crate::entity::StoredPhase,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub source: String,
    pub correction_reason: Option<String>,
}

/// Up to `limit` of the body's events after position `after`, in feed
/// order, and whether more follow.
pub async fn changes_after<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    after: i64,
    limit: u64,
) -> Result<(Vec<Change>, bool), DbErr> {
    let mut changes = status_event::Entity::find()
        .select_only()
        .column(status_event::Column::FeedPosition)
        .column_as(case::Column::Code, "code")
        .column_as(case::Column::OwnReference, "own_reference")
        .column(status_event::Column::StateId)
        .column_as(procedure_state::Column::Name, "state_name")
        .column(status_event::Column::PublicPhase)
        .column(status_event::Column::PublicNote)
        .column(status_event::Column::InternalNote)
        .column(status_event::Column::OccurredAt)
        .column(status_event::Column::RecordedAt)
        .column(status_event::Column::Source)
        .column(status_event::Column::CorrectionReason)
        .join(JoinType::InnerJoin, status_event::Relation::Case.def())
        .join(JoinType::InnerJoin, status_event::Relation::State.def())
        .filter(status_event::Column::BodyId.eq(body_id))
        .filter(status_event::Column::FeedPosition.gt(after))
        .order_by_asc(status_event::Column::FeedPosition)
        .limit(limit + 1)
        .into_model::<Change>()
        .all(conn)
        .await?;
    let more = changes.len() as u64 > limit;
    changes.truncate(limit as usize);
    Ok((changes, more))
}
