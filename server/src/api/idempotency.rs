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
use pratiche_db::group_commit::{GroupCommit, Outcome, Queued, TxnFuture};
use pratiche_db::idempotency::{self, Previous, Stored};
use pratiche_db::{DatabaseConnection, DatabaseTransaction, DbErr};
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

/// Runs `work` once per key and stores its answer: a success with the
/// work's own writes, a refusal (such as a transition the workflow does not
/// allow) after the work's writes are rolled back. When the database fails,
/// or the work met a conflict that tells the client to retry, nothing is
/// stored, so the retry runs the work again.
///
/// The key is looked up before the work is queued, so a retry never waits
/// for the writer. The work runs in a group commit ([`queue_once`]).
pub async fn run_once<W>(
    db: &DatabaseConnection,
    writes: &GroupCommit,
    client_id: i32,
    key: &str,
    fingerprint: &str,
    work: W,
) -> Result<Answer, ApiError>
where
    W: for<'t> FnOnce(&'t DatabaseTransaction) -> TxnFuture<'t, Result<Answer, ApiError>>
        + Send
        + 'static,
{
    queue_once(db, writes, client_id, key, fingerprint, work)
        .await?
        .answer(db, writes)
        .await
}

/// Finds the key's answer, or else queues `work`: it runs with the other
/// writes queued at the same time, each in its own savepoint, and its
/// answer is given only once the group has committed. A duplicate sent
/// meanwhile is caught by the key's unique index when its answer is stored:
/// its work is rolled back to its savepoint and the first answer replayed.
pub async fn queue_once<W>(
    db: &DatabaseConnection,
    writes: &GroupCommit,
    client_id: i32,
    key: &str,
    fingerprint: &str,
    work: W,
) -> Result<QueuedWrite, ApiError>
where
    W: for<'t> FnOnce(&'t DatabaseTransaction) -> TxnFuture<'t, Result<Answer, ApiError>>
        + Send
        + 'static,
{
    if let Some(previous) = previous_answer(db, client_id, key, fingerprint).await? {
        return Ok(QueuedWrite(Write::Answered(previous)));
    }
    let key = StoredKey {
        client_id,
        key: key.to_owned(),
        fingerprint: fingerprint.to_owned(),
    };
    let stored_key = key.clone();
    let attempt = writes
        .queue(move |txn| {
            Box::pin(async move {
                match work(txn).await {
                    Ok(answer) => stored_key.store(txn, answer).await,
                    Err(refusal) => Ok(Outcome::Discard(Attempt::Refused(refusal))),
                }
            })
        })
        .await?;
    Ok(QueuedWrite(Write::Queued { attempt, key }))
}

/// A write under its key: answered before, or queued now.
pub struct QueuedWrite(Write);

enum Write {
    Answered(Answer),
    Queued {
        attempt: Queued<Attempt>,
        key: StoredKey,
    },
}

impl QueuedWrite {
    /// The answer, once the write's group has committed: a refusal is
    /// stored under the key then (its own writes were rolled back).
    pub async fn answer(
        self,
        db: &DatabaseConnection,
        writes: &GroupCommit,
    ) -> Result<Answer, ApiError> {
        let (attempt, key) = match self.0 {
            Write::Answered(previous) => return Ok(previous),
            Write::Queued { attempt, key } => (attempt, key),
        };
        let attempt = match attempt.outcome().await? {
            // Answers that ask for a retry are not kept: the retry must run.
            Attempt::Refused(error @ (ApiError::Unavailable(_) | ApiError::Conflict(_))) => {
                return Err(error);
            }
            Attempt::Refused(refusal) => {
                let answer = Answer::of_error(&refusal);
                let stored_key = key.clone();
                writes
                    .run(move |txn| Box::pin(async move { stored_key.store(txn, answer).await }))
                    .await?
            }
            done => done,
        };
        match attempt {
            Attempt::Stored(answer) => Ok(answer),
            Attempt::TakenMeanwhile => {
                match idempotency::previous(db, key.client_id, &key.key, &key.fingerprint).await? {
                    Some(previous) => answer_again(previous),
                    None => Err(ApiError::Unavailable(DbErr::Custom(
                        "an idempotency key vanished while in use".into(),
                    ))),
                }
            }
            Attempt::Refused(error) => Err(error),
        }
    }
}

/// What became of one run of the work in its savepoint.
enum Attempt {
    /// Done, and its answer stored under the key.
    Stored(Answer),
    /// A duplicate stored its answer first: this one's writes are dropped.
    TakenMeanwhile,
    /// The work refused (its writes are dropped); its answer is not stored yet.
    Refused(ApiError),
}

/// A key of an API client, with the request's fingerprint.
#[derive(Clone)]
struct StoredKey {
    client_id: i32,
    key: String,
    fingerprint: String,
}

impl StoredKey {
    /// Stores `answer` under the key, beside the work's writes; if a
    /// duplicate stored its answer first, the writes are to be discarded.
    async fn store(
        &self,
        txn: &DatabaseTransaction,
        answer: Answer,
    ) -> Result<Outcome<Attempt>, DbErr> {
        let stored = idempotency::store(
            txn,
            self.client_id,
            &self.key,
            &self.fingerprint,
            Utc::now(),
            answer.status.as_u16(),
            &answer.body,
        )
        .await?;
        Ok(match stored {
            Stored::Kept => Outcome::Keep(Attempt::Stored(answer)),
            Stored::TakenMeanwhile => Outcome::Discard(Attempt::TakenMeanwhile),
        })
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
    async fn database_with_client() -> (tempfile::TempDir, DatabaseConnection, GroupCommit, i32) {
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
        let writes = GroupCommit::start(db.clone(), |_| ());
        (dir, db, writes, client.id)
    }

    /// Work that answers `answer` without writing anything.
    fn answering(
        answer: Result<Answer, ApiError>,
    ) -> impl for<'t> FnOnce(&'t DatabaseTransaction) -> TxnFuture<'t, Result<Answer, ApiError>>
    + Send
    + 'static {
        move |_| Box::pin(async move { answer })
    }

    fn recorded() -> Result<Answer, ApiError> {
        Ok(Answer::json(StatusCode::CREATED, &"recorded"))
    }

    #[tokio::test]
    async fn a_conflict_that_asks_for_a_retry_is_not_kept() {
        let (_dir, db, writes, client) = database_with_client().await;
        let conflict = run_once(
            &db,
            &writes,
            client,
            "k1",
            "f1",
            answering(Err(ApiError::Conflict("changed meanwhile; retry"))),
        )
        .await;
        assert!(
            matches!(conflict, Err(ApiError::Conflict(_))),
            "{conflict:?}"
        );
        let retried = run_once(&db, &writes, client, "k1", "f1", answering(recorded()))
            .await
            .unwrap();
        assert_eq!(
            (retried.status, retried.replayed),
            (StatusCode::CREATED, false)
        );
        // A refusal that is final is kept and replayed.
        let refused = run_once(
            &db,
            &writes,
            client,
            "k2",
            "f2",
            answering(Err(ApiError::NotFound)),
        )
        .await
        .unwrap();
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let replayed = run_once(&db, &writes, client, "k2", "f2", answering(recorded()))
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
