//! The idempotency protocol of API writes: the key (an `Idempotency-Key`
//! header, or a batch item's `idempotency_key`) is stored with its answer in
//! the work's own transaction, so a retry after a lost answer gets the same
//! answer and writes nothing, and an event costs a single durable commit.
//! The same key with another request gets 422. A duplicate sent while the
//! first request runs is stopped by the key's unique index: its work is
//! rolled back and it gets the first answer. A background job purges keys
//! after the retention period.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use pratiche_db::idempotency::{self, Previous, Stored};
use pratiche_db::{DatabaseConnection, DatabaseTransaction, DbErr, WriteTransaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::problem::{ApiError, raw_json_response};

pub const HEADER: &str = "idempotency-key";
const MAX_KEY_LENGTH: usize = 255;
/// How often the purge job runs.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

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

    /// The response: JSON, or a problem document for an error; a replay
    /// says so in `Idempotent-Replayed`.
    pub fn into_response(self) -> Response {
        let content_type = if self.status.is_success() {
            "application/json"
        } else {
            "application/problem+json"
        };
        let mut response = raw_json_response(self.status, self.body, content_type);
        if self.replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

/// The answer to a key used before, if it was: what [`run_once`] would
/// replay, for a handler with work to do before the transaction (such as
/// reaching a webhook endpoint) that a replay must not repeat.
pub async fn previous_answer(
    db: &DatabaseConnection,
    client_id: i32,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Answer>, ApiError> {
    match idempotency::previous(db, client_id, key, fingerprint).await? {
        Some(previous) => answer_again(previous).map(Some),
        None => Ok(None),
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
            entries.sort_by_key(|(key, _)| *key);
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

/// Runs `work` once per key and stores its answer: a success in the work's
/// own transaction, a refusal (such as a transition the workflow does not
/// allow) in a second one, after the work's writes are rolled back. When the
/// database fails, or the work met a conflict that tells the client to
/// retry, nothing is stored, so the retry runs the work again.
///
/// The key is looked up before the write lock is taken, so a retry never
/// waits for it. A duplicate sent meanwhile is caught by the key's unique
/// index when its answer is stored: its work is rolled back and the first
/// answer replayed. A success costs the write lock and one commit.
pub async fn run_once(
    db: &DatabaseConnection,
    client_id: i32,
    key: &str,
    fingerprint: &str,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> Result<Answer, ApiError>,
) -> Result<Answer, ApiError> {
    if let Some(previous) = previous_answer(db, client_id, key, fingerprint).await? {
        return Ok(previous);
    }
    let txn = pratiche_db::begin_write(db).await?;
    let (txn, answer) = match work(&txn).await {
        Ok(answer) => (txn, answer),
        // Answers that ask for a retry are not kept: the retry must run.
        Err(error @ (ApiError::Unavailable(_) | ApiError::Conflict(_))) => return Err(error),
        Err(refusal) => {
            txn.rollback().await?;
            (
                pratiche_db::begin_write(db).await?,
                Answer::of_error(&refusal),
            )
        }
    };
    store_answer(db, txn, client_id, key, fingerprint, answer).await
}

/// Stores `answer` under the key and commits; if a duplicate stored its
/// answer first, rolls back and answers with that one.
async fn store_answer(
    db: &DatabaseConnection,
    txn: WriteTransaction,
    client_id: i32,
    key: &str,
    fingerprint: &str,
    answer: Answer,
) -> Result<Answer, ApiError> {
    let stored = idempotency::store(
        &*txn,
        client_id,
        key,
        fingerprint,
        Utc::now(),
        answer.status.as_u16(),
        &answer.body,
    )
    .await?;
    match stored {
        Stored::Kept => {
            txn.commit().await?;
            Ok(answer)
        }
        Stored::TakenMeanwhile => {
            txn.rollback().await?;
            match idempotency::previous(db, client_id, key, fingerprint).await? {
                Some(previous) => answer_again(previous),
                None => Err(ApiError::Unavailable(DbErr::Custom(
                    "an idempotency key vanished while in use".into(),
                ))),
            }
        }
    }
}

/// The answer to a key already used.
fn answer_again(previous: Previous) -> Result<Answer, ApiError> {
    match previous {
        Previous::Replay { status, body } => Ok(Answer {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body,
            replayed: true,
        }),
        Previous::Mismatch => Err(ApiError::KeyReused),
    }
}

/// Deletes the keys older than `keep`, the retention period; returns how
/// many.
pub async fn purge_expired(
    db: &DatabaseConnection,
    keep: Duration,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    idempotency::purge(db, now - keep).await
}

/// Purges the keys older than `keep` every ten minutes.
pub fn spawn_purge(db: DatabaseConnection, keep: Duration) {
    crate::jobs::spawn_every(PURGE_EVERY, "expired idempotency keys purged", move || {
        let db = db.clone();
        async move { purge_expired(&db, keep, Utc::now()).await }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use pratiche_db::api_clients::{self, NewClient};

    /// A fresh SQLite database with the demo bodies and one API client.
    async fn database_with_client() -> (tempfile::TempDir, DatabaseConnection, i32) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
        let db = pratiche_db::connect(&url).await.unwrap();
        pratiche_db::migrate(&db).await.unwrap();
        let now = Utc::now();
        pratiche_db::demo::load_if_empty(&db, now, now.date_naive(), "not a hash")
            .await
            .unwrap();
        let new = NewClient {
            body_id: 1,
            client_id: "pc_0000000000000001".into(),
            name: "test".into(),
            secret_hash: "x".into(),
        };
        let client = api_clients::create(&db, new, now).await.unwrap();
        (dir, db, client.id)
    }

    #[tokio::test]
    async fn a_conflict_that_asks_for_a_retry_is_not_kept() {
        let (_dir, db, client) = database_with_client().await;
        let conflict = run_once(&db, client, "k1", "f1", async |_| {
            Err(ApiError::Conflict("changed meanwhile; retry"))
        })
        .await;
        assert!(
            matches!(conflict, Err(ApiError::Conflict(_))),
            "{conflict:?}"
        );
        let retried = run_once(&db, client, "k1", "f1", async |_| {
            Ok(Answer::json(StatusCode::CREATED, &"recorded"))
        })
        .await
        .unwrap();
        assert_eq!(
            (retried.status, retried.replayed),
            (StatusCode::CREATED, false)
        );
        // A refusal that is final is kept and replayed.
        let refused = run_once(&db, client, "k2", "f2", async |_| Err(ApiError::NotFound))
            .await
            .unwrap();
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let replayed = run_once(&db, client, "k2", "f2", async |_| {
            Ok(Answer::json(StatusCode::CREATED, &"recorded"))
        })
        .await
        .unwrap();
        assert_eq!(
            (replayed.status, replayed.replayed),
            (StatusCode::NOT_FOUND, true)
        );
    }

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
