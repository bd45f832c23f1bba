//! Idempotency keys of API writes. A key is stored with its answer in the
//! same transaction as the work, so the write and its replayable answer
//! commit together, with one durable commit. Keys are purged after a
//! retention period.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};

use crate::entity::idempotency_key;

/// What an earlier request with the same key left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Previous {
    /// The key was used with this request and answered: replay the answer.
    Replay { status: u16, body: String },
    /// The key was used with another request.
    Mismatch,
}

/// What `client_id` answered under `key`, compared with the request's
/// `fingerprint`; `None` for a key never used.
pub async fn previous<C: ConnectionTrait>(
    conn: &C,
    client_id: i32,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Previous>, DbErr> {
    let Some(row) = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::ApiClientId.eq(client_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if row.fingerprint != fingerprint {
        return Ok(Some(Previous::Mismatch));
    }
    let status = row
        .response_status
        .and_then(|status| u16::try_from(status).ok())
        .ok_or_else(|| DbErr::Custom(format!("idempotency key {} has no answer", row.id)))?;
    Ok(Some(Previous::Replay {
        status,
        body: row.response_body.unwrap_or_default(),
    }))
}

/// Whether [`store`] kept the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    Kept,
    /// A concurrent request with the same key committed first: roll back,
    /// and answer with [`previous`].
    TakenMeanwhile,
}

/// Stores the answer to `client_id`'s request under `key`, in the work's
/// transaction.
pub async fn store<C: ConnectionTrait>(
    conn: &C,
    client_id: i32,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
    status: u16,
    body: &str,
) -> Result<Stored, DbErr> {
    let inserted = idempotency_key::ActiveModel {
        api_client_id: Set(client_id),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        response_status: Set(Some(i32::from(status))),
        response_body: Set(Some(body.to_owned())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await;
    match inserted {
        Ok(_) => Ok(Stored::Kept),
        Err(error)
            if matches!(
                error.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(Stored::TakenMeanwhile)
        }
        Err(error) => Err(error),
    }
}

/// Deletes the keys created before `cutoff`; returns how many.
pub async fn purge(db: &DatabaseConnection, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}
