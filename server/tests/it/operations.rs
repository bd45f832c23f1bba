//! Running it as a service: JSON logs with a request id on every line of a
//! request and in its answer; a bad log format refused at start.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Backend, TestServer};

on_both_databases!(json_logs_carry_each_requests_id_which_its_answer_names);

/// The server's log lines that parse as JSON objects, and whether every
/// line did.
fn json_lines(server: &TestServer) -> (Vec<Value>, bool) {
    let log = server.log();
    let lines: Vec<&str> = log.lines().filter(|line| !line.trim().is_empty()).collect();
    let parsed: Vec<Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let all = parsed.len() == lines.len();
    (parsed, all)
}

/// The id an answer names.
fn request_id(answer: &reqwest::Response) -> String {
    answer
        .headers()
        .get("x-request-id")
        .expect("an x-request-id")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Waits for the access-log line of the request `id` (the response line
/// is logged as the answer leaves, so it may trail the answer).
async fn access_line(server: &TestServer, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let (lines, _) = json_lines(server);
        if let Some(line) = lines.into_iter().find(|line| {
            line["span"]["id"] == id && line["fields"]["message"] == "finished processing request"
        }) {
            return line;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the access line of {id}:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn json_logs_carry_each_requests_id_which_its_answer_names(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOG_FORMAT", "json")]).await else {
        return;
    };
    // A new id per request: a UUID.
    let answer = server.get("/p/JYRH-CM4Q-3DY4-B").await;
    let id = request_id(&answer);
    assert!(uuid_shape(&id), "{id}");
    let line = access_line(&server, &id).await;
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["span"]["method"], "GET");
    assert_eq!(line["span"]["path"], "/p/JYRH…", "the code cut short");
    let other = request_id(&server.get("/").await);
    assert_ne!(other, id);

    // A proxy's plain id is kept; anything else is replaced.
    let with_id = |value: &str| {
        server
            .client
            .get(server.url("/healthz"))
            .header("x-request-id", value.to_owned())
            .send()
    };
    let kept = request_id(&with_id("nginx-4f2a.9_b").await.unwrap());
    assert_eq!(kept, "nginx-4f2a.9_b");
    access_line(&server, &kept).await;
    let too_long = "x".repeat(65);
    for hostile in ["a b", "\"},{\"level\":\"ERROR", too_long.as_str()] {
        let replaced = request_id(&with_id(hostile).await.unwrap());
        assert!(uuid_shape(&replaced), "{hostile} replaced by {replaced}");
    }

    // Every line is one JSON object, start-up lines included.
    let (lines, all) = json_lines(&server);
    assert!(all, "{}", server.log());
    assert!(lines.iter().any(|line| {
        line["fields"]["message"]
            .as_str()
            .is_some_and(|message| message.starts_with("listening on"))
    }));

    // A format it does not know stops the start with the reason.
    let refused = server.start_expecting_exit(&[("PRATICHE_LOG_FORMAT", "xml")]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("PRATICHE_LOG_FORMAT must be text or json")
    );
    assert_eq!(server.get("/healthz").await.status(), StatusCode::OK);
}

fn uuid_shape(id: &str) -> bool {
    let parts: Vec<usize> = id.split('-').map(str::len).collect();
    parts == [8, 4, 4, 4, 12] && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}
