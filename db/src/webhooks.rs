//! Webhooks to the bodies' own software (docs/rules.md, Webhooks): a body's
//! endpoints, and the outbox of their deliveries. Like the citizens'
//! outbox ([`crate::notifications`]), a delivery is written in the
//! transaction of the change it tells (by the services in
//! [`crate::cases::service`], and when a citizen's message is given up),
//! claimed by a worker with a lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), and marked delivered or failed with its retry time. Its
//! `webhook_id` is unique and the same on every retry.

use chrono::{DateTime, Duration, Utc};
use pratiche_domain::webhook::{EventType, ROTATION_OVERLAP};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict, Query, StringLen};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, DeriveActiveEnum,
    EntityTrait, EnumIter, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};

use crate::cases::EventSource;
use crate::entity::{case, procedure_state, status_event, webhook_delivery, webhook_endpoint};

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DeliveryStatus {
    /// To be sent, now or at `not_before`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// The endpoint answered 2xx.
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Given up after the last try, or the endpoint was disabled.
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// The type of the test event a body admin sends by hand.
pub const TEST_EVENT: &str = "webhook.test";

/// An endpoint to create; its secret already sealed by the server.
#[derive(Clone, Debug)]
pub struct NewEndpoint {
    pub body_id: i32,
    pub url: String,
    pub description: String,
    pub event_types: Vec<EventType>,
    pub sealed_secret: String,
}

pub async fn create_endpoint<C: ConnectionTrait>(
    conn: &C,
    new: NewEndpoint,
    now: DateTime<Utc>,
) -> Result<webhook_endpoint::Model, DbErr> {
    webhook_endpoint::ActiveModel {
        body_id: Set(new.body_id),
        url: Set(new.url),
        description: Set(new.description),
        event_types: Set(names(&new.event_types)),
        secret: Set(new.sealed_secret),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

fn names(kinds: &[EventType]) -> String {
    kinds
        .iter()
        .map(|kind| kind.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The event types an endpoint wants.
pub fn event_types(endpoint: &webhook_endpoint::Model) -> Vec<EventType> {
    endpoint
        .event_types
        .split(',')
        .filter_map(EventType::parse)
        .collect()
}

/// A body's endpoints, oldest first.
pub async fn endpoints_of<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
) -> Result<Vec<webhook_endpoint::Model>, DbErr> {
    webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::BodyId.eq(body_id))
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(conn)
        .await
}

/// The endpoint `id` if it is the body's.
pub async fn own_endpoint<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    id: i32,
) -> Result<Option<webhook_endpoint::Model>, DbErr> {
    webhook_endpoint::Entity::find_by_id(id)
        .filter(webhook_endpoint::Column::BodyId.eq(body_id))
        .one(conn)
        .await
}

/// A new secret; the old one keeps signing for [`ROTATION_OVERLAP`].
pub async fn rotate_secret<C: ConnectionTrait>(
    conn: &C,
    endpoint: &webhook_endpoint::Model,
    sealed_secret: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let overlap = Duration::from_std(ROTATION_OVERLAP).unwrap_or_default();
    webhook_endpoint::Entity::update_many()
        .col_expr(
            webhook_endpoint::Column::PreviousSecret,
            Expr::value(endpoint.secret.clone()),
        )
        .col_expr(
            webhook_endpoint::Column::PreviousUntil,
            Expr::value(now + overlap),
        )
        .col_expr(webhook_endpoint::Column::Secret, Expr::value(sealed_secret))
        .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Why the outbox disabled an endpoint that answered 410 Gone.
pub const GONE: &str = "the endpoint answered 410 Gone: disabled";
/// Why the outbox disabled an endpoint failing for three days.
pub const FAILING: &str = "failing for three days: disabled";

/// Who turns an endpoint off, or on again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch<'a> {
    /// An admin turns it on again.
    Enable,
    /// An admin turns it off.
    DisableByAdmin,
    /// The outbox gives up on it, for this reason; its body's admins are
    /// to be told ([`claim_notices`]).
    DisableByOutbox(&'a str),
}

/// Turns an endpoint off or on; whether it changed.
pub async fn set_disabled<C: ConnectionTrait>(
    conn: &C,
    endpoint_id: i32,
    switch: Switch<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use webhook_endpoint::Column;
    let reason = match switch {
        Switch::Enable => None,
        Switch::DisableByAdmin => Some("disabled by an admin"),
        Switch::DisableByOutbox(reason) => Some(reason),
    };
    let update = webhook_endpoint::Entity::update_many()
        .col_expr(Column::DisabledAt, Expr::value(reason.map(|_| now)))
        .col_expr(Column::DisabledReason, Expr::value(reason))
        .col_expr(
            Column::FailingSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            Column::AdminsToTell,
            Expr::value(matches!(switch, Switch::DisableByOutbox(_))),
        )
        .filter(Column::Id.eq(endpoint_id));
    let update = match reason {
        Some(_) => update.filter(Column::DisabledAt.is_null()),
        None => update.filter(Column::DisabledAt.is_not_null()),
    };
    Ok(update.exec(conn).await?.rows_affected > 0)
}

/// An endpoint the outbox disabled, claimed to tell its body's admins.
#[derive(Clone, Debug)]
pub struct Notice {
    pub endpoint: webhook_endpoint::Model,
    pub body_name: String,
    /// The enabled admins' addresses; empty when none gave one.
    pub recipients: Vec<String>,
}

/// Takes the endpoints whose admins are still to be told of their
/// disabling, each for `lease` (another instance skips them meanwhile).
pub async fn claim_notices(
    db: &DatabaseConnection,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>, DbErr> {
    use webhook_endpoint::Column;
    let due = webhook_endpoint::Entity::find()
        .filter(Column::AdminsToTell.eq(true))
        .filter(
            Column::NoticeClaimedUntil
                .is_null()
                .or(Column::NoticeClaimedUntil.lt(now)),
        )
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for endpoint in due {
        let taken = webhook_endpoint::Entity::update_many()
            .col_expr(Column::NoticeClaimedUntil, Expr::value(now + lease))
            .filter(Column::Id.eq(endpoint.id))
            .filter(Column::AdminsToTell.eq(true))
            .filter(
                Column::NoticeClaimedUntil
                    .is_null()
                    .or(Column::NoticeClaimedUntil.lt(now)),
            )
            .exec(db)
            .await?;
        if taken.rows_affected == 0 {
            continue;
        }
        let body_name = crate::entity::body::Entity::find_by_id(endpoint.body_id)
            .one(db)
            .await?
            .map(|body| body.name)
            .unwrap_or_default();
        let recipients = crate::accounts::admin_addresses(db, endpoint.body_id).await?;
        claimed.push(Notice {
            endpoint,
            body_name,
            recipients,
        });
    }
    Ok(claimed)
}

/// Writes down that the admins were told (`Some(when)`), or that there was
/// nobody to tell; either way the notice is done.
pub async fn notice_done(
    db: &DatabaseConnection,
    endpoint_id: i32,
    told_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    use webhook_endpoint::Column;
    webhook_endpoint::Entity::update_many()
        .col_expr(Column::AdminsToTell, Expr::value(false))
        .col_expr(
            Column::NoticeClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::AdminsToldAt, Expr::value(told_at))
        .filter(Column::Id.eq(endpoint_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Leaves the notice for a later try, not before `retry_at`.
pub async fn postpone_notice(
    db: &DatabaseConnection,
    endpoint_id: i32,
    retry_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    webhook_endpoint::Entity::update_many()
        .col_expr(
            webhook_endpoint::Column::NoticeClaimedUntil,
            Expr::value(retry_at),
        )
        .filter(webhook_endpoint::Column::Id.eq(endpoint_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// The enabled endpoints of the body that want `event_type`: one indexed
/// read per change, and nothing more when there are none.
pub(crate) async fn wanting<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    event_type: EventType,
) -> Result<Vec<i32>, DbErr> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::BodyId.eq(body_id))
        .filter(webhook_endpoint::Column::DisabledAt.is_null())
        .all(conn)
        .await?;
    Ok(endpoints
        .iter()
        .filter(|endpoint| event_types(endpoint).contains(&event_type))
        .map(|endpoint| endpoint.id)
        .collect())
}

/// Queues `data` as an `event_type` webhook for `endpoints` (from
/// [`wanting`]); `cause` makes each delivery's id, so the same cause is
/// queued once per endpoint.
pub(crate) async fn queue<C: ConnectionTrait>(
    conn: &C,
    endpoints: &[i32],
    event_type: EventType,
    cause: &str,
    data: Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for &endpoint_id in endpoints {
        insert(conn, endpoint_id, event_type.as_str(), cause, &data, now).await?;
    }
    Ok(())
}

/// Queues the webhooks of the status event `event_id` (`event_type`) for
/// the endpoints of `body_id` that want them.
pub(crate) async fn queue_event<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    event_type: EventType,
    event_id: i64,
    recorded_by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let endpoints = wanting(conn, body_id, event_type).await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let data = event_data(conn, event_id, recorded_by).await?;
    queue(
        conn,
        &endpoints,
        event_type,
        &format!("event-{event_id}"),
        data,
        now,
    )
    .await
}

/// Queues a test event for one endpoint, whatever it wants.
pub async fn queue_test<C: ConnectionTrait>(
    conn: &C,
    endpoint_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let data = json!({ "message": "Prova dal centro servizi / a test from the service centre" });
    let cause = format!("test-{}", now.timestamp_micros());
    insert(conn, endpoint_id, TEST_EVENT, &cause, &data, now).await
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    endpoint_id: i32,
    event_type: &str,
    cause: &str,
    data: &Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = json!({
        "type": event_type,
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    });
    let row = webhook_delivery::ActiveModel {
        endpoint_id: Set(endpoint_id),
        webhook_id: Set(format!("msg_{endpoint_id}_{cause}")),
        event_type: Set(event_type.to_owned()),
        payload: Set(payload.to_string()),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        not_before: Set(now),
        created_at: Set(now),
        ..Default::default()
    };
    webhook_delivery::Entity::insert(row)
        .on_conflict(
            OnConflict::column(webhook_delivery::Column::WebhookId)
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// A status event as a webhook tells it: the pratica's code and the body's
/// own reference, the state and public phase, when it happened and was
/// recorded, who recorded it and through what, and its position in the
/// body's changes feed (a receiver that sees a gap reads the feed).
async fn event_data<C: ConnectionTrait>(
    conn: &C,
    event_id: i64,
    recorded_by: &str,
) -> Result<Value, DbErr> {
    let event = status_event::Entity::find_by_id(event_id)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("status event {event_id}")))?;
    let case = case::Entity::find_by_id(event.case_id)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("case {}", event.case_id)))?;
    let state = procedure_state::Entity::find_by_id(event.state_id)
        .one(conn)
        .await?
        .map(|state| state.name);
    Ok(json!({
        "code": case.code.0.to_string(),
        "own_reference": case.own_reference,
        "state": state,
        "phase": event.public_phase.as_str(),
        "occurred_at": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "recorded_at": event.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "recorded_by": recorded_by,
        "source": match event.source {
            EventSource::BackOffice => "web",
            EventSource::Api => "api",
            EventSource::Demo => "import",
        },
        "correction": event.correction_reason.is_some(),
        "feed_position": event.feed_position,
    }))
}

/// The deliveries waiting to be sent, for monitoring.
pub async fn backlog(db: &DatabaseConnection) -> Result<crate::notifications::Backlog, DbErr> {
    let (pending, oldest): (i64, Option<DateTime<Utc>>) = webhook_delivery::Entity::find()
        .select_only()
        .column_as(webhook_delivery::Column::Id.count(), "pending")
        .column_as(webhook_delivery::Column::CreatedAt.min(), "oldest")
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    Ok(crate::notifications::Backlog {
        channel: "webhook",
        pending,
        oldest,
    })
}

/// A delivery a worker holds, with its endpoint.
#[derive(Clone, Debug)]
pub struct ClaimedDelivery {
    pub delivery: webhook_delivery::Model,
    pub endpoint: webhook_endpoint::Model,
}

/// Takes up to `batch` due deliveries of enabled endpoints for `lease`,
/// counting a try on each. Rows another worker holds are skipped.
pub async fn claim_due(
    db: &DatabaseConnection,
    batch: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<ClaimedDelivery>, DbErr> {
    use webhook_delivery::Column;
    let enabled = Query::select()
        .column(webhook_endpoint::Column::Id)
        .from(webhook_endpoint::Entity)
        .and_where(webhook_endpoint::Column::DisabledAt.is_null())
        .to_owned();
    let mut due = Query::select();
    due.column(Column::Id)
        .from(webhook_delivery::Entity)
        .and_where(Column::Status.eq(DeliveryStatus::Pending))
        .and_where(Column::NotBefore.lte(now))
        .and_where(Column::EndpointId.in_subquery(enabled))
        .and_where(
            Column::ClaimedUntil
                .is_null()
                .or(Column::ClaimedUntil.lt(now)),
        )
        .order_by(Column::Id, sea_orm::Order::Asc)
        .limit(batch)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    let txn = crate::begin_write(db).await?;
    let mut rows = webhook_delivery::Entity::update_many()
        .col_expr(Column::ClaimedUntil, Expr::value(now + lease))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Column::Id.in_subquery(due))
        .exec_with_returning(&*txn)
        .await?;
    rows.sort_by_key(|row| row.id);
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Id.is_in(rows.iter().map(|row| row.endpoint_id)))
        .all(&*txn)
        .await?;
    txn.commit().await?;
    Ok(rows
        .into_iter()
        .filter_map(|delivery| {
            let endpoint = endpoints
                .iter()
                .find(|endpoint| endpoint.id == delivery.endpoint_id)?
                .clone();
            Some(ClaimedDelivery { delivery, endpoint })
        })
        .collect())
}

/// What an endpoint answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub millis: i32,
    /// The first bytes of the body.
    pub excerpt: String,
}

/// How a try ended, as the outbox writes it down.
#[derive(Clone, Debug)]
pub struct Tried {
    pub answer: Option<Answer>,
    /// `None` for a success.
    pub error: Option<String>,
    /// When to try again; `None` with an error gives up.
    pub retry_at: Option<DateTime<Utc>>,
}

/// Writes down a try of `delivery`, and what it means for its endpoint: a
/// success ends its failing streak, a failure starts one.
pub async fn mark_tried(
    db: &DatabaseConnection,
    delivery: &webhook_delivery::Model,
    tried: Tried,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use webhook_delivery::Column;
    let status = match (&tried.error, tried.retry_at) {
        (None, _) => DeliveryStatus::Sent,
        (Some(_), Some(_)) => DeliveryStatus::Pending,
        (Some(_), None) => DeliveryStatus::Failed,
    };
    let answer = tried.answer.as_ref();
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(
            Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            Column::ResponseStatus,
            Expr::value(answer.map(|answer| i32::from(answer.status))),
        )
        .col_expr(
            Column::ResponseMs,
            Expr::value(answer.map(|answer| answer.millis)),
        )
        .col_expr(
            Column::ResponseExcerpt,
            Expr::value(answer.map(|answer| answer.excerpt.clone())),
        )
        .col_expr(Column::LastError, Expr::value(tried.error.clone()))
        .filter(Column::Id.eq(delivery.id));
    if let Some(at) = tried.retry_at {
        update = update.col_expr(Column::NotBefore, Expr::value(at));
    }
    if tried.error.is_none() {
        update = update.col_expr(Column::DeliveredAt, Expr::value(now));
    }
    let streak = if tried.error.is_none() {
        Expr::value(Option::<DateTime<Utc>>::None)
    } else {
        Expr::col(webhook_endpoint::Column::FailingSince).if_null(now)
    };
    let txn = crate::begin_write(db).await?;
    update.exec(&*txn).await?;
    webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::FailingSince, streak)
        .filter(webhook_endpoint::Column::Id.eq(delivery.endpoint_id))
        .exec(&*txn)
        .await?;
    txn.commit().await
}

/// An endpoint's latest deliveries, newest first.
pub async fn deliveries_of<C: ConnectionTrait>(
    conn: &C,
    endpoint_id: i32,
    limit: u64,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(conn)
        .await
}

/// Sends the endpoint's delivery `id` again, at once, whatever its status
/// (with the same `webhook-id`); whether it is the endpoint's.
pub async fn resend_one<C: ConnectionTrait>(
    conn: &C,
    endpoint_id: i32,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let update = requeue(endpoint_id, now).filter(webhook_delivery::Column::Id.eq(id));
    Ok(update.exec(conn).await?.rows_affected > 0)
}

/// Sends again, at once, the endpoint's failed deliveries created in
/// `from..to`; how many.
pub async fn resend_failed<C: ConnectionTrait>(
    conn: &C,
    endpoint_id: i32,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use webhook_delivery::Column;
    let update = requeue(endpoint_id, now)
        .filter(Column::Status.eq(DeliveryStatus::Failed))
        .filter(Column::CreatedAt.gte(from))
        .filter(Column::CreatedAt.lt(to));
    Ok(update.exec(conn).await?.rows_affected)
}

/// Puts the endpoint's deliveries back in the queue, due `now`, with a
/// fresh count of tries.
fn requeue(endpoint_id: i32, now: DateTime<Utc>) -> sea_orm::UpdateMany<webhook_delivery::Entity> {
    use webhook_delivery::Column;
    webhook_delivery::Entity::update_many()
        .col_expr(Column::Status, Expr::value(DeliveryStatus::Pending))
        .col_expr(Column::NotBefore, Expr::value(now))
        .col_expr(Column::Attempts, Expr::value(0))
        .filter(Column::EndpointId.eq(endpoint_id))
}
