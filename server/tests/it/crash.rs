//! Crash safety: the server killed with SIGKILL while registrations and
//! status events are pushed concurrently, round after round, on SQLite and
//! PostgreSQL. After each restart every acknowledged write is there exactly
//! once, and every push whose answer was lost, sent again with its own
//! reference (registrations) or its idempotency key (events), ends up
//! there exactly once. `PRATICHE_CRASH_ROUNDS` rounds: 5 in the suite (the
//! smoke run); `scripts/crash.sh` runs many.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::Backend;
use crate::support::api::{Call, valdoria_api};

on_both_databases!(a_kill_during_pushes_loses_nothing_and_duplicates_nothing);

/// Clients pushing at once.
const WRITERS: usize = 4;

/// How a write ended, as its client saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Acknowledged,
    /// Sent, and no answer came back (the server died).
    Lost,
    NotSent,
}

/// One pratica a writer registers and then moves on by one event.
#[derive(Clone, Debug)]
struct Push {
    registration: Value,
    event: Value,
    key: String,
    registered: Outcome,
    recorded: Outcome,
}

/// What a writer needs to push on its own.
#[derive(Clone)]
struct Writer {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Writer {
    /// POSTs `body`; `None` when no answer came back.
    async fn post(
        &self,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> Option<(StatusCode, Value)> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let answer = request.send().await.ok()?;
        let status = answer.status();
        let body = answer.json().await.ok()?;
        Some((status, body))
    }

    /// Registers (idempotent by its own reference); the code, or `None`
    /// when the answer was lost.
    async fn register(&self, push: &Push) -> Option<String> {
        let (status, created) = self
            .post("/api/v1/pratiche", None, &push.registration)
            .await?;
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status} {created}"
        );
        Some(created["code"].as_str().unwrap().to_owned())
    }

    /// Records the push's event under its key; whether an answer came.
    async fn record(&self, code: &str, push: &Push) -> bool {
        let path = format!("/api/v1/pratiche/{code}/events");
        match self.post(&path, Some(&push.key), &push.event).await {
            Some((status, answer)) => {
                assert_eq!(status, StatusCode::CREATED, "{answer}");
                true
            }
            None => false,
        }
    }

    /// Pushes pratiche until the server stops answering.
    async fn push_until_killed(self, pushes: Vec<Push>) -> Vec<Push> {
        let mut done = Vec::new();
        for mut push in pushes {
            let Some(code) = self.register(&push).await else {
                push.registered = Outcome::Lost;
                done.push(push);
                break;
            };
            push.registered = Outcome::Acknowledged;
            push.recorded = if self.record(&code, &push).await {
                Outcome::Acknowledged
            } else {
                Outcome::Lost
            };
            let lost = push.recorded == Outcome::Lost;
            done.push(push);
            if lost {
                break;
            }
        }
        done
    }
}

async fn a_kill_during_pushes_loses_nothing_and_duplicates_nothing(backend: Backend) {
    let rounds: usize = std::env::var("PRATICHE_CRASH_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(5);
    let env = [
        ("PRATICHE_API_PER_MINUTE", "0"),
        ("PRATICHE_LOOKUP_PER_MINUTE", "0"),
    ];
    let Some((mut server, token)) = valdoria_api(backend, &env).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let template = call.creation("template", 2).await;
    let state = call.state("Permesso di costruire", "Istruttoria").await;
    let (mut acknowledged, mut lost) = (0, 0);
    for round in 0..rounds {
        let writer = Writer {
            http: reqwest::Client::new(),
            base: server.address.clone(),
            token: token.clone(),
        };
        let mut writing = tokio::task::JoinSet::new();
        for client in 0..WRITERS {
            let pushes = (0..1_000)
                .map(|n| {
                    let mut registration = template.clone();
                    registration["own_reference"] = json!(format!("crash/{round}/{client}/{n}"));
                    Push {
                        registration,
                        event: json!({
                            "state_id": state,
                            "occurred_at": chrono::Utc::now().to_rfc3339(),
                            "public_note": format!("Round {round}"),
                        }),
                        key: format!("crash-{round}-{client}-{n}"),
                        registered: Outcome::NotSent,
                        recorded: Outcome::NotSent,
                    }
                })
                .collect();
            writing.spawn(writer.clone().push_until_killed(pushes));
        }
        // Somewhere in the middle of the writes.
        let delay = 200 + (round * 137) % 500;
        tokio::time::sleep(Duration::from_millis(delay as u64)).await;
        server.kill_and_restart();
        let pushes: Vec<Push> = writing.join_all().await.into_iter().flatten().collect();

        // Each lost answer sent again, as a client does after a timeout.
        let writer = Writer {
            base: server.address.clone(),
            ..writer
        };
        for push in &pushes {
            for outcome in [push.registered, push.recorded] {
                match outcome {
                    Outcome::Acknowledged => acknowledged += 1,
                    Outcome::Lost => lost += 1,
                    Outcome::NotSent => {}
                }
            }
            let code = writer
                .register(push)
                .await
                .expect("the restarted server answers");
            if push.recorded != Outcome::Acknowledged {
                assert!(
                    writer.record(&code, push).await,
                    "the restarted server answers"
                );
            }
        }
        // Every pratica once, with its event once.
        let call = Call {
            server: &server,
            token: &token,
        };
        for push in &pushes {
            let reference = push.registration["own_reference"].as_str().unwrap();
            let (status, case) = call
                .get(&format!(
                    "/api/v1/pratiche?own_reference={}",
                    urlencode(reference)
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{reference}: {case}");
            let history = case["history"].as_array().unwrap();
            assert_eq!(history.len(), 2, "{reference} {:?}: {case}", push.recorded);
        }
        println!(
            "round {round}: {} pratiche pushed, killed after {delay} ms",
            pushes.len()
        );
    }
    println!(
        "{rounds} rounds: {acknowledged} writes acknowledged, {lost} answers lost and sent again; none missing, none twice"
    );
    assert!(acknowledged > 0 && rounds > 0);
}

fn urlencode(text: &str) -> String {
    text.replace('/', "%2F")
}
