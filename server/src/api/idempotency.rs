//! The idempotency protocol of API writes: the key (an `Idempotency-Key`
//! header, or a batch item's `idempotency_key`) is claimed in its own
//! committed transaction; the work runs in a second transaction that also
//! stores the answer on the key, so a retry after a lost answer gets the
//! same answer and writes nothing. The same key with another request gets
//! 422; while the first request runs, 409 with `Retry-After`. A claim whose
//! request died is abandoned after a minute. A background job purges keys
//! after the retention period.

use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Duration, Utc};
use pratiche_db::idempotency::{self, Claim};
use pratiche_db::{DatabaseConnection, DatabaseTransaction, DbErr};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::problem::ApiError;

pub const HEADER: &str = "idempotency-key";
const MAX_KEY_LENGTH: usize = 255;
/// How often the purge job runs.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

#[derive(Clone, Copy, Debug)]
pub struct KeyPolicy {
    /// A pending claim older than this was abandoned.
    pub abandon_after: Duration,
    /// Keys and their answers are kept this long.
    pub keep: Duration,
}

/// An answer as sent, and as stored for replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    /// JSON: the result, or a problem document when the status is an error.
    pub body: String,
    /// Sent before, for the same key.
    pub replayed: bool,
}

impl Answer {
    pub fn json(status: StatusCode, body: &impl Serialize) -> Self {
        Self {
            status,
            body: serde_json::to_string(body).expect("API documents serialise"),
            replayed: false,
        }
    }

    fn of_error(error: &ApiError) -> Self {
        Self::json(error.status(), &error.problem())
    }
}

/// A key: 1 to 255 visible ASCII characters.
pub fn parse_key(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|key| {
        (1..=MAX_KEY_LENGTH).contains(&key.len()) && key.bytes().all(|byte| byte.is_ascii_graphic())
    })
}

/// The request's `Idempotency-Key` header: 400 when missing or malformed.
pub fn header_key(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_key)
        .map(str::to_owned)
        .ok_or(ApiError::MissingIdempotencyKey)
}

/// What identifies a request under its key: its target and its content as
/// canonical JSON (object keys sorted), so whitespace and key order do not
/// matter.
pub fn fingerprint(target: &str, content: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(target.as_bytes());
    hasher.update([0]);
    hasher.update(canonical(content).to_string().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The value with every object's keys in sorted order, whatever map type
/// serde_json was built with.
fn canonical(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.clone(), canonical(value)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(canonical).collect())
        }
        other => other.clone(),
    }
}

/// Runs `work` once per key. Its answer (a success, or a refusal such as a
/// transition the workflow does not allow) is stored in the work's own
/// transaction; when the database fails the claim is released so a retry
/// may run at once.
pub async fn run_once(
    db: &DatabaseConnection,
    policy: KeyPolicy,
    client_id: i32,
    key: &str,
    fingerprint: &str,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<Answer, ApiError>,
) -> Result<Answer, ApiError> {
    let now = Utc::now();
    let key_id =
        match idempotency::claim(db, client_id, key, fingerprint, now, policy.abandon_after).await?
        {
            Claim::Claimed { key_id } => key_id,
            Claim::Replay { status, body } => {
                return Ok(Answer {
                    status: StatusCode::from_u16(status)
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    body,
                    replayed: true,
                });
            }
            Claim::Mismatch => return Err(ApiError::KeyReused),
            Claim::InProgress { retry_after } => {
                return Err(ApiError::KeyInProgress {
                    retry_after_secs: u64::try_from(retry_after.num_seconds().max(1)).unwrap_or(60),
                });
            }
        };
    let outcome = async {
        let txn = pratiche_db::begin_write(db).await?;
        match work(&txn).await {
            Ok(answer) => {
                idempotency::complete(&txn, key_id, answer.status.as_u16(), &answer.body).await?;
                txn.commit().await?;
                Ok(answer)
            }
            Err(ApiError::Unavailable(error)) => Err(error),
            Err(refusal) => {
                txn.rollback().await?;
                let answer = Answer::of_error(&refusal);
                idempotency::complete(db, key_id, answer.status.as_u16(), &answer.body).await?;
                Ok(answer)
            }
        }
    };
    match outcome.await {
        Ok(answer) => Ok(answer),
        Err(error) => {
            if let Err(release_error) = idempotency::release(db, key_id).await {
                tracing::error!(%release_error, "cannot release an idempotency key");
            }
            Err(ApiError::Unavailable(error))
        }
    }
}

/// Deletes the keys older than the retention period; returns how many.
pub async fn purge_expired(
    db: &DatabaseConnection,
    policy: KeyPolicy,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    idempotency::purge(db, now - policy.keep).await
}

/// Purges expired keys every ten minutes.
pub fn spawn_purge(db: DatabaseConnection, policy: KeyPolicy) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PURGE_EVERY);
        loop {
            ticks.tick().await;
            match purge_expired(&db, policy, Utc::now()).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired idempotency keys purged"),
                Err(error) => tracing::error!(%error, "cannot purge idempotency keys"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_255() {
        assert_eq!(parse_key(" 2026/PROT-42.a "), Some("2026/PROT-42.a"));
        assert_eq!(parse_key(""), None);
        assert_eq!(parse_key("con spazio"), None);
        assert_eq!(parse_key("è"), None);
        assert!(parse_key(&"k".repeat(255)).is_some());
        assert!(parse_key(&"k".repeat(256)).is_none());
    }

    #[test]
    fn fingerprints_ignore_layout_not_content() {
        let first: serde_json::Value = serde_json::from_str(r#"{"a": 1, "b": "x"}"#).unwrap();
        let reordered: serde_json::Value = serde_json::from_str(r#"{ "b":"x","a":1 }"#).unwrap();
        let other: serde_json::Value = serde_json::from_str(r#"{"a": 2, "b": "x"}"#).unwrap();
        assert_eq!(fingerprint("/t", &first), fingerprint("/t", &reordered));
        assert_ne!(fingerprint("/t", &first), fingerprint("/t", &other));
        assert_ne!(fingerprint("/t", &first), fingerprint("/u", &first));
    }
}
