//! Idempotency keys of API writes. A key is claimed in its own committed
//! transaction before the work starts; the work's transaction stores the
//! response on the key, so the write and its replayable answer commit
//! together. A claim whose request died is abandoned after a while and may
//! be taken over; keys are purged after a retention period.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};

use crate::entity::idempotency_key;

/// What a claim found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours: do the work, then [`complete`] it.
    Claimed { key_id: i64 },
    /// The key was used with this request and answered: replay the answer.
    Replay { status: u16, body: String },
    /// The key was used with another request.
    Mismatch,
    /// A request with this key is under way; try again after this long.
    InProgress { retry_after: Duration },
}

/// Claims `key` for `client_id`'s request with `fingerprint`, in its own
/// committed transaction. A pending claim older than `abandon_after` is
/// taken over.
pub async fn claim(
    db: &DatabaseConnection,
    client_id: i32,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
    abandon_after: Duration,
) -> Result<Claim, DbErr> {
    // Two attempts: a concurrent first use of the same key makes our insert
    // fail on the unique index, and the second attempt reads its claim.
    for _ in 0..2 {
        let txn = crate::begin_write(db).await?;
        let existing = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::ApiClientId.eq(client_id))
            .filter(idempotency_key::Column::Key.eq(key))
            .one(&txn)
            .await?;
        let claim = match existing {
            None => {
                let inserted = idempotency_key::ActiveModel {
                    api_client_id: Set(client_id),
                    key: Set(key.to_owned()),
                    fingerprint: Set(fingerprint.to_owned()),
                    claimed_at: Set(now),
                    response_status: Set(None),
                    response_body: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await;
                match inserted {
                    Ok(row) => Claim::Claimed { key_id: row.id },
                    Err(error)
                        if matches!(
                            error.sql_err(),
                            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                        ) =>
                    {
                        txn.rollback().await?;
                        continue;
                    }
                    Err(error) => return Err(error),
                }
            }
            Some(row) if row.fingerprint != fingerprint => Claim::Mismatch,
            Some(idempotency_key::Model {
                response_status: Some(status),
                response_body,
                ..
            }) => Claim::Replay {
                status: u16::try_from(status).unwrap_or(500),
                body: response_body.unwrap_or_default(),
            },
            Some(row) if now - row.claimed_at < abandon_after => Claim::InProgress {
                retry_after: abandon_after - (now - row.claimed_at),
            },
            Some(row) => {
                // Abandoned: take it over, unless someone else just did.
                let taken = idempotency_key::Entity::update_many()
                    .col_expr(idempotency_key::Column::ClaimedAt, now.into())
                    .filter(idempotency_key::Column::Id.eq(row.id))
                    .filter(idempotency_key::Column::ClaimedAt.eq(row.claimed_at))
                    .filter(idempotency_key::Column::ResponseStatus.is_null())
                    .exec(&txn)
                    .await?;
                if taken.rows_affected == 1 {
                    Claim::Claimed { key_id: row.id }
                } else {
                    Claim::InProgress {
                        retry_after: abandon_after,
                    }
                }
            }
        };
        txn.commit().await?;
        return Ok(claim);
    }
    Ok(Claim::InProgress {
        retry_after: abandon_after,
    })
}

/// Stores the response on a claimed key, in the work's transaction.
pub async fn complete<C: ConnectionTrait>(
    conn: &C,
    key_id: i64,
    status: u16,
    body: &str,
) -> Result<(), DbErr> {
    idempotency_key::Entity::update_many()
        .col_expr(
            idempotency_key::Column::ResponseStatus,
            Some(i32::from(status)).into(),
        )
        .col_expr(
            idempotency_key::Column::ResponseBody,
            Some(body.to_owned()).into(),
        )
        .filter(idempotency_key::Column::Id.eq(key_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Gives a claimed key back (the request failed without an answer to keep),
/// so a retry may run at once.
pub async fn release(db: &DatabaseConnection, key_id: i64) -> Result<(), DbErr> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Id.eq(key_id))
        .filter(idempotency_key::Column::ResponseStatus.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes the keys created before `cutoff`; returns how many.
pub async fn purge(db: &DatabaseConnection, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}
