//! Notifications to citizens (docs/rules.md, Notifications): subscriptions
//! by e-mail with double opt-in or, given at registration, by e-mail and
//! through App IO; and the outbox.
//!
//! The outbox is a table written in the transaction of what causes a
//! message (`queue_for_event` from the event service, [`subscribe_email`]
//! for a confirmation, [`queue_reminders`] for the day's reminders), so a
//! message is queued exactly when its cause commits. Workers [`claim_due`]
//! rows with a lease (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
//! several instances share the work), deliver them, and mark each
//! [`mark_sent`] or [`mark_failed_try`], each in a write transaction of its
//! own (queued for SQLite's one writer like every other). A row marked sent
//! is never claimed again; a worker that dies mid-delivery leaves its lease
//! to expire, and the row is tried again with the same message id.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use pratiche_domain::PublicPhase;
use pratiche_domain::notify::{
    CONFIRMATION_EVERY_MINUTES, CONFIRMATION_VALID_HOURS, EmailAddress, MAX_EMAIL_SUBSCRIBERS,
    PublicChange, overdue_notice_due, reply_reminder,
};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict, Query, StringLen};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    DeriveActiveEnum, EntityTrait, EnumIter, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};

use crate::entity::{StoredPhase, case, notification, status_event, subscription};
use crate::webhooks;
use pratiche_domain::webhook::EventType;

/// The way a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Channel {
    #[sea_orm(string_value = "email")]
    Email,
    /// App IO, to the citizen named by their codice fiscale.
    #[sea_orm(string_value = "io")]
    Io,
}

/// An outbox's rows waiting to be sent on one channel, for monitoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backlog {
    pub channel: &'static str,
    pub pending: i64,
    /// When the oldest waiting row was queued.
    pub oldest: Option<DateTime<Utc>>,
}

/// The citizens' outbox per channel (every channel, waiting or not).
pub async fn backlog(db: &DatabaseConnection) -> Result<Vec<Backlog>, DbErr> {
    let rows: Vec<(Channel, i64, Option<DateTime<Utc>>)> = notification::Entity::find()
        .select_only()
        .column(notification::Column::Channel)
        .column_as(notification::Column::Id.count(), "pending")
        .column_as(notification::Column::CreatedAt.min(), "oldest")
        .filter(notification::Column::Status.eq(Status::Pending))
        .group_by(notification::Column::Channel)
        .into_tuple()
        .all(db)
        .await?;
    Ok([Channel::Email, Channel::Io]
        .into_iter()
        .map(|channel| {
            let waiting = rows.iter().find(|(of, ..)| *of == channel);
            Backlog {
                channel: match channel {
                    Channel::Email => "email",
                    Channel::Io => "io",
                },
                pending: waiting.map_or(0, |(_, pending, _)| *pending),
                oldest: waiting.and_then(|(.., oldest)| *oldest),
            }
        })
        .collect())
}

/// What a message says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    /// "Confirm that you want to be told" (double opt-in).
    #[sea_orm(string_value = "confirmation")]
    Confirmation,
    /// The pratica moved: its latest public state.
    #[sea_orm(string_value = "update")]
    Update,
    /// The first mail to an address given at registration: the code, the
    /// link, what happens next (like the receipt).
    #[sea_orm(string_value = "welcome")]
    Welcome,
    /// The reply-by date of a request for documents is near (the request
    /// is its `event_id`).
    #[sea_orm(string_value = "reminder")]
    Reminder,
    /// The due date passed without a decision: whom to turn to.
    #[sea_orm(string_value = "overdue")]
    Overdue,
}

/// Where a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    /// To be sent, now or at `not_before`.
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Given up after its last try; `last_error` says why.
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Told in the mail of a later update (`merged_into`).
    #[sea_orm(string_value = "merged")]
    Merged,
    /// Not sent, and never will be: the recipient unsubscribed meanwhile,
    /// or App IO does not let the body's service write to them
    /// (`last_error` says which).
    #[sea_orm(string_value = "dropped")]
    Dropped,
}

/// What the subscription form leads to. The form answers the same in every
/// case, so that it reveals nothing about the pratica's subscribers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscribed {
    /// A confirmation mail is queued.
    ConfirmationQueued,
    /// Nothing to do: already confirmed, a confirmation sent within the
    /// hour, the pratica full or closed, or no such pratica.
    Nothing,
}

/// Asks to tell `address` about the open pratica `code`: queues a
/// confirmation mail (nothing else is sent before the address confirms),
/// at most one per address and pratica an hour.
pub async fn subscribe_email(
    db: &DatabaseConnection,
    code: CaseCode,
    address: &EmailAddress,
    language: &str,
    now: DateTime<Utc>,
) -> Result<Subscribed, DbErr> {
    let txn = crate::begin_write(db).await?;
    let Some(case) = case::Entity::find()
        .filter(case::Column::Code.eq(code.compact()))
        .filter(case::Column::ClosedAt.is_null())
        .one(&*txn)
        .await?
    else {
        return Ok(Subscribed::Nothing);
    };
    let existing = subscription::Entity::find()
        .filter(subscription::Column::CaseId.eq(case.id))
        .filter(subscription::Column::Channel.eq(Channel::Email))
        .filter(subscription::Column::Recipient.eq(address.as_str()))
        .one(&*txn)
        .await?;
    let confirmed = existing
        .as_ref()
        .is_some_and(|row| row.confirmed_at.is_some() && row.unsubscribed_at.is_none());
    let recently_asked = existing.as_ref().is_some_and(|row| {
        row.confirmation_sent_at
            .is_some_and(|sent| now - sent < Duration::minutes(CONFIRMATION_EVERY_MINUTES))
    });
    if confirmed
        || recently_asked
        || confirmed_count(&*txn, case.id).await? >= MAX_EMAIL_SUBSCRIBERS
    {
        return Ok(Subscribed::Nothing);
    }
    let row = match existing {
        Some(row) => {
            let mut row: subscription::ActiveModel = row.into();
            row.language = Set(language.to_owned());
            row.confirmation_sent_at = Set(Some(now));
            row.confirmed_at = Set(None);
            row.unsubscribed_at = Set(None);
            row.update(&*txn).await?
        }
        None => {
            subscription::ActiveModel {
                case_id: Set(case.id),
                channel: Set(Channel::Email),
                recipient: Set(address.as_str().to_owned()),
                language: Set(language.to_owned()),
                confirmation_sent_at: Set(Some(now)),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?
        }
    };
    let cause = format!("confirmation-{}", now.timestamp());
    queue(&*txn, &row, Kind::Confirmation, &cause, None, now).await?;
    txn.commit().await?;
    Ok(Subscribed::ConfirmationQueued)
}

/// Subscribes the address the applicant gave at registration, with their
/// consent, and queues its first mail; in the registration's transaction.
/// Confirmed at once: the body took it from them.
pub(crate) async fn subscribe_applicant<C: ConnectionTrait>(
    txn: &C,
    case_id: i32,
    (channel, recipient): (Channel, &str),
    language: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = subscription::ActiveModel {
        case_id: Set(case_id),
        channel: Set(channel),
        recipient: Set(recipient.to_owned()),
        language: Set(language.to_owned()),
        confirmed_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    queue(txn, &row, Kind::Welcome, "welcome", None, now).await
}

/// The confirmed subscriptions of a pratica that were not stopped: those
/// that are told.
fn confirmed(case_id: i32) -> sea_orm::Select<subscription::Entity> {
    subscription::Entity::find()
        .filter(subscription::Column::CaseId.eq(case_id))
        .filter(subscription::Column::ConfirmedAt.is_not_null())
        .filter(subscription::Column::UnsubscribedAt.is_null())
}

/// Confirmed e-mail addresses (the ones [`MAX_EMAIL_SUBSCRIBERS`] counts).
async fn confirmed_count<C: ConnectionTrait>(conn: &C, case_id: i32) -> Result<usize, DbErr> {
    let count = confirmed(case_id)
        .filter(subscription::Column::Channel.eq(Channel::Email))
        .count(conn)
        .await?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Confirms the subscription whose confirmation mail was queued at
/// `issued_at` (the link carries both), if that was within the link's
/// validity and the pratica has room. Whether it is (now) confirmed.
pub async fn confirm(
    db: &DatabaseConnection,
    subscription_id: i32,
    issued_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = crate::begin_write(db).await?;
    let Some(row) = subscription::Entity::find_by_id(subscription_id)
        .one(&*txn)
        .await?
    else {
        return Ok(false);
    };
    let same_link = row
        .confirmation_sent_at
        .is_some_and(|sent| sent.timestamp() == issued_at.timestamp());
    let in_time = now - issued_at < Duration::hours(CONFIRMATION_VALID_HOURS);
    if !same_link || !in_time || row.unsubscribed_at.is_some() {
        return Ok(false);
    }
    if row.confirmed_at.is_some() {
        return Ok(true);
    }
    if confirmed_count(&*txn, row.case_id).await? >= MAX_EMAIL_SUBSCRIBERS {
        return Ok(false);
    }
    let mut row: subscription::ActiveModel = row.into();
    row.confirmed_at = Set(Some(now));
    row.update(&*txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// Stops every message to this subscription, queued ones included. An
/// unknown or already ended subscription changes nothing.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    subscription_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::begin_write(db).await?;
    subscription::Entity::update_many()
        .col_expr(subscription::Column::UnsubscribedAt, Expr::value(now))
        .filter(subscription::Column::Id.eq(subscription_id))
        .filter(subscription::Column::UnsubscribedAt.is_null())
        .exec(&*txn)
        .await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(Status::Dropped))
        .filter(notification::Column::SubscriptionId.eq(subscription_id))
        .filter(notification::Column::Status.eq(Status::Pending))
        .exec(&*txn)
        .await?;
    txn.commit().await
}

/// Queues an update for every confirmed subscriber of `case` when the
/// event `event_id` changed what its public page shows; in the event's
/// transaction. Called by the event service only.
pub(crate) async fn queue_for_event<C: ConnectionTrait>(
    txn: &C,
    case_id: i32,
    event_id: i64,
    change: PublicChange,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if !change.worth_telling() {
        return Ok(());
    }
    let subscribers = confirmed_subscribers(txn, case_id).await?;
    let cause = format!("event-{event_id}");
    for subscriber in &subscribers {
        queue(txn, subscriber, Kind::Update, &cause, Some(event_id), now).await?;
    }
    Ok(())
}

/// Queues the reminders due on `today` (Rome): before a reply-by date, and
/// the due date passed without a decision. Run every few minutes by every
/// instance, and by the `reminders` command; each reminder's key holds its
/// date, so it is queued once however often this runs. How many rows were
/// looked at.
pub async fn queue_reminders(
    db: &DatabaseConnection,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let mut due: Vec<(i32, String, Kind, Option<i64>)> = Vec::new();
    // The requests for documents of open pratiche still waiting for them.
    let requests = status_event::Entity::find()
        .inner_join(case::Entity)
        .filter(case::Column::ClosedAt.is_null())
        .filter(case::Column::CurrentPhase.eq(StoredPhase(PublicPhase::DocumentsRequested)))
        .filter(status_event::Column::ReplyBy.is_not_null())
        .order_by_asc(status_event::Column::CaseId)
        .order_by_desc(status_event::Column::OccurredAt)
        .all(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for request in requests {
        // The latest request of each pratica is the one in effect.
        if !seen.insert(request.case_id) {
            continue;
        }
        let Some(reply_by) = request.reply_by else {
            continue;
        };
        let asked_on = crate::clock::rome_date(request.recorded_at);
        if let Some(reminder) = reply_reminder(asked_on, reply_by, today) {
            let cause = format!("reply-by-{reply_by}-{}", reminder.days_before());
            due.push((request.case_id, cause, Kind::Reminder, Some(request.id)));
        }
    }
    // Pratiche whose clock runs and whose due date has passed.
    let overdue = case::Entity::find()
        .filter(case::Column::ClosedAt.is_null())
        .filter(case::Column::CurrentPhase.is_in([
            StoredPhase(PublicPhase::Submitted),
            StoredPhase(PublicPhase::InReview),
        ]))
        .filter(case::Column::DueDate.lt(today))
        .filter(case::Column::DueDate.gte(
            today - chrono::Days::new(pratiche_domain::notify::reminders::OVERDUE_CATCH_UP_DAYS),
        ))
        .all(db)
        .await?;
    for case in overdue {
        if let Some(due_on) = case
            .due_date
            .filter(|due_on| overdue_notice_due(*due_on, today))
        {
            due.push((case.id, format!("overdue-{due_on}"), Kind::Overdue, None));
        }
    }
    let looked_at = due.len();
    if due.is_empty() {
        return Ok(0);
    }
    let txn = crate::begin_write(db).await?;
    for (case_id, cause, kind, event_id) in due {
        for subscriber in confirmed_subscribers(&*txn, case_id).await? {
            queue(&*txn, &subscriber, kind, &cause, event_id, now).await?;
        }
    }
    txn.commit().await?;
    Ok(looked_at)
}

async fn confirmed_subscribers<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<Vec<subscription::Model>, DbErr> {
    confirmed(case_id).all(conn).await
}

/// Writes one outbox row, unless its key is already there.
async fn queue<C: ConnectionTrait>(
    conn: &C,
    subscriber: &subscription::Model,
    kind: Kind,
    cause: &str,
    event_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let channel = subscriber.channel.to_value();
    let dedupe_key = format!("{}:{cause}:{channel}:{}", subscriber.case_id, subscriber.id);
    let row = notification::ActiveModel {
        dedupe_key: Set(dedupe_key),
        case_id: Set(subscriber.case_id),
        subscription_id: Set(subscriber.id),
        channel: Set(subscriber.channel),
        kind: Set(kind),
        event_id: Set(event_id),
        status: Set(Status::Pending),
        attempts: Set(0),
        not_before: Set(now),
        created_at: Set(now),
        ..Default::default()
    };
    notification::Entity::insert(row)
        .on_conflict(
            OnConflict::column(notification::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// A message a worker holds, with what it needs to send it.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub notification: notification::Model,
    pub subscription: subscription::Model,
    pub code: CaseCode,
    /// The pratica's body (whose App IO service writes).
    pub body_id: i32,
}

/// How a worker takes its work.
#[derive(Clone, Copy, Debug)]
pub struct Claim<'a> {
    /// The channels this worker delivers (those configured).
    pub channels: &'a [Channel],
    /// Rows taken at most at once.
    pub batch: u64,
    /// How long the worker holds them; after that another may take them.
    pub lease: Duration,
    /// An update waits this long for later ones to join it in one mail.
    pub coalesce: Duration,
}

/// Takes the rows due at `now` (an update once it has waited the coalescing
/// window), counting a try on each; then lets each update absorb the
/// subscriber's later pending updates (marked merged into it), so that one
/// mail tells them all. Rows another worker holds are skipped.
pub async fn claim_due(
    db: &DatabaseConnection,
    claim: Claim<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<Claimed>, DbErr> {
    use notification::Column;
    let txn = crate::begin_write(db).await?;
    let mut due = Query::select();
    due.column(Column::Id)
        .from(notification::Entity)
        .and_where(Column::Status.eq(Status::Pending))
        .and_where(Column::Channel.is_in(claim.channels.iter().copied()))
        .and_where(Column::NotBefore.lte(now))
        .and_where(
            Column::Kind
                .ne(Kind::Update)
                .or(Column::CreatedAt.lte(now - claim.coalesce)),
        )
        .and_where(
            Column::ClaimedUntil
                .is_null()
                .or(Column::ClaimedUntil.lt(now)),
        )
        .order_by(Column::Id, sea_orm::Order::Asc)
        .limit(claim.batch)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    let mut rows = notification::Entity::update_many()
        .col_expr(Column::ClaimedUntil, Expr::value(now + claim.lease))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Column::Id.in_subquery(due))
        .exec_with_returning(&*txn)
        .await?;
    rows.sort_by_key(|row| row.id);
    let mut claimed: Vec<notification::Model> = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(earlier) = claimed.iter().find(|earlier| absorbs(earlier, &row)) {
            notification::Entity::update_many()
                .col_expr(Column::Status, Expr::value(Status::Merged))
                .col_expr(Column::MergedInto, Expr::value(earlier.id))
                .filter(Column::Id.eq(row.id))
                .exec(&*txn)
                .await?;
            continue;
        }
        claimed.push(row);
    }
    for row in claimed.iter().filter(|row| row.kind == Kind::Update) {
        // Later updates of the same subscriber, claimed by nobody else.
        notification::Entity::update_many()
            .col_expr(Column::Status, Expr::value(Status::Merged))
            .col_expr(Column::MergedInto, Expr::value(row.id))
            .filter(Column::SubscriptionId.eq(row.subscription_id))
            .filter(Column::Kind.eq(Kind::Update))
            .filter(Column::Status.eq(Status::Pending))
            .filter(Column::Id.gt(row.id))
            .filter(
                Column::ClaimedUntil
                    .is_null()
                    .or(Column::ClaimedUntil.lt(now)),
            )
            .exec(&*txn)
            .await?;
    }
    // Their subscriptions and codes, in two statements for the batch.
    let subscriptions: HashMap<i32, subscription::Model> = subscription::Entity::find()
        .filter(subscription::Column::Id.is_in(claimed.iter().map(|row| row.subscription_id)))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let cases = cases_of(&*txn, claimed.iter().map(|row| row.case_id)).await?;
    let result = claimed
        .into_iter()
        .filter_map(|row| {
            let &(code, body_id) = cases.get(&row.case_id)?;
            Some(Claimed {
                subscription: subscriptions.get(&row.subscription_id)?.clone(),
                code,
                body_id,
                notification: row,
            })
        })
        .collect();
    txn.commit().await?;
    Ok(result)
}

/// The codes and bodies of the pratiche `case_ids`, by id.
async fn cases_of<C: ConnectionTrait>(
    conn: &C,
    case_ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, (CaseCode, i32)>, DbErr> {
    Ok(case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::Code)
        .column(case::Column::BodyId)
        .filter(case::Column::Id.is_in(case_ids))
        .into_tuple::<(i32, crate::entity::StoredCode, i32)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, code, body_id)| (id, (code.0, body_id)))
        .collect())
}

/// Whether the claimed update `earlier` tells what `later` would.
fn absorbs(earlier: &notification::Model, later: &notification::Model) -> bool {
    earlier.kind == Kind::Update
        && later.kind == Kind::Update
        && earlier.subscription_id == later.subscription_id
}

/// The public side of the status events an update tells: its own event and
/// those merged into it, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToldEvent {
    pub occurred_at: DateTime<Utc>,
    pub phase: pratiche_domain::PublicPhase,
    pub note: Option<String>,
    pub reply_by: Option<chrono::NaiveDate>,
    pub extension_days: Option<i32>,
}

pub async fn told_events<C: ConnectionTrait>(
    conn: &C,
    notification_id: i64,
) -> Result<Vec<ToldEvent>, DbErr> {
    let merged = notification::Entity::find()
        .select_only()
        .column(notification::Column::EventId)
        .filter(
            notification::Column::Id
                .eq(notification_id)
                .or(notification::Column::MergedInto.eq(notification_id)),
        )
        .into_query();
    let events = status_event::Entity::find()
        .filter(status_event::Column::Id.in_subquery(merged))
        .order_by_asc(status_event::Column::OccurredAt)
        .order_by_asc(status_event::Column::Id)
        .all(conn)
        .await?;
    Ok(events
        .into_iter()
        .map(|event| ToldEvent {
            occurred_at: event.occurred_at,
            phase: *event.public_phase,
            note: event.public_note,
            reply_by: event.reply_by,
            extension_days: event.extension_days,
        })
        .collect())
}

/// The row was delivered (and the channel named the message
/// `external_id`): it is never tried again.
pub async fn mark_sent(
    db: &DatabaseConnection,
    id: i64,
    now: DateTime<Utc>,
    external_id: Option<&str>,
) -> Result<(), DbErr> {
    let txn = crate::begin_write(db).await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(Status::Sent))
        .col_expr(notification::Column::SentAt, Expr::value(now))
        .col_expr(notification::Column::ExternalId, Expr::value(external_id))
        .col_expr(
            notification::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            notification::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(notification::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    txn.commit().await
}

/// A try failed with `error`: try again at `retry_at`, or, without one,
/// give up ("failed").
pub async fn mark_failed_try(
    db: &DatabaseConnection,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut update = notification::Entity::update_many()
        .col_expr(
            notification::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(notification::Column::LastError, Expr::value(error))
        .filter(notification::Column::Id.eq(id));
    update = match retry_at {
        Some(at) => update.col_expr(notification::Column::NotBefore, Expr::value(at)),
        None => update.col_expr(notification::Column::Status, Expr::value(Status::Failed)),
    };
    let txn = crate::begin_write(db).await?;
    update.exec(&*txn).await?;
    if retry_at.is_none() {
        tell_body_of_failure(&*txn, id, error).await?;
    }
    txn.commit().await
}

/// Queues the `notification.failed` webhook for the endpoints of the
/// pratica's body that want it: which pratica, which channel and message,
/// the tries and the reason (never the recipient).
async fn tell_body_of_failure<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    reason: &str,
) -> Result<(), DbErr> {
    let Some(row) = notification::Entity::find_by_id(id).one(conn).await? else {
        return Ok(());
    };
    let Some(case) = case::Entity::find_by_id(row.case_id).one(conn).await? else {
        return Ok(());
    };
    let endpoints = webhooks::wanting(conn, case.body_id, EventType::NotificationFailed).await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let data = serde_json::json!({
        "code": case.code.0.to_string(),
        "own_reference": case.own_reference,
        "channel": row.channel.to_value(),
        "kind": row.kind.to_value(),
        "attempts": row.attempts,
        "reason": reason,
    });
    let cause = format!("notification-{id}");
    webhooks::queue(
        conn,
        &endpoints,
        EventType::NotificationFailed,
        &cause,
        data,
        Utc::now(),
    )
    .await
}

/// A row that will never be sent, and why (its recipient left meanwhile,
/// App IO does not let the service write to them).
pub async fn mark_dropped(db: &DatabaseConnection, id: i64, reason: &str) -> Result<(), DbErr> {
    let txn = crate::begin_write(db).await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(Status::Dropped))
        .col_expr(notification::Column::LastError, Expr::value(reason))
        .col_expr(
            notification::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(notification::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    txn.commit().await
}

/// One message of a pratica as its clerks see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentLine {
    /// The pratica's code.
    pub code: CaseCode,
    pub channel: Channel,
    /// The address or codice fiscale with most of it hidden.
    pub recipient: String,
    pub kind: Kind,
    pub status: Status,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The channel's id of the message (App IO's).
    pub external_id: Option<String>,
}

/// Every message of a pratica, newest first, for its record page.
pub async fn of_case<C: ConnectionTrait>(conn: &C, case_id: i32) -> Result<Vec<SentLine>, DbErr> {
    sent_lines(conn, notification::Column::CaseId.eq(case_id), None).await
}

/// The body's messages given up ("failed"), newest first, at most `limit`:
/// what its admins should look into.
pub async fn failed_of_body<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    limit: u64,
) -> Result<Vec<SentLine>, DbErr> {
    let of_body = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .filter(case::Column::BodyId.eq(body_id))
        .into_query();
    sent_lines(
        conn,
        notification::Column::Status
            .eq(Status::Failed)
            .and(notification::Column::CaseId.in_subquery(of_body)),
        Some(limit),
    )
    .await
}

async fn sent_lines<C: ConnectionTrait>(
    conn: &C,
    filter: sea_orm::sea_query::SimpleExpr,
    limit: Option<u64>,
) -> Result<Vec<SentLine>, DbErr> {
    let rows = notification::Entity::find()
        .find_also_related(subscription::Entity)
        .filter(filter)
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    let cases = cases_of(conn, rows.iter().map(|(row, _)| row.case_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(row, subscriber)| {
            let subscriber = subscriber?;
            Some(SentLine {
                code: cases.get(&row.case_id)?.0,
                channel: subscriber.channel,
                recipient: match subscriber.channel {
                    Channel::Email => pratiche_domain::notify::address::mask(&subscriber.recipient),
                    Channel::Io => {
                        pratiche_domain::notify::fiscal_code::mask(&subscriber.recipient)
                    }
                },
                kind: row.kind,
                status: row.status,
                attempts: row.attempts,
                created_at: row.created_at,
                sent_at: row.sent_at,
                last_error: row.last_error,
                external_id: row.external_id,
            })
        })
        .collect())
}
