//! Running it as a service: JSON logs with a request id on every line of a
//! request and in its answer; a bad log format refused at start; metrics
//! on their own address, read by the official Prometheus parser; a backup
//! taken under load and restored into a fresh folder.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::api::{Call, valdoria_api};
use crate::support::python::test_python;
use crate::support::{Backend, TestServer};

on_both_databases!(
    json_logs_carry_each_requests_id_which_its_answer_names,
    a_backup_taken_under_load_restores_into_a_fresh_folder_with_every_pratica,
    metrics_are_served_apart_and_count_what_monitoring_watches,
);

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

/// Runs `args` of the server binary with `server`'s environment and `env`
/// on top; whether it succeeded, and what it printed.
async fn command(server: &TestServer, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut command = server.command();
    command.args(args).envs(env.iter().copied());
    let output = tokio::process::Command::from(command)
        .output()
        .await
        .expect("the server binary runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}

async fn a_backup_taken_under_load_restores_into_a_fresh_folder_with_every_pratica(
    backend: Backend,
) {
    let Some((server, token)) = valdoria_api(backend, &[("PRATICHE_API_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let copy = folder.path().join("copia.db");
    let copy_arg = copy.to_str().unwrap();
    if backend == Backend::Postgres {
        let (done, printed) = command(&server, &["backup", copy_arg], &[]).await;
        assert!(!done && printed.contains("pg_dump"), "{printed}");
        assert!(!copy.exists());
        return;
    }
    let call = Call {
        server: &server,
        token: &token,
    };
    let mut acknowledged = Vec::new();
    for n in 0..20 {
        acknowledged.push(call.create(&format!("2026/B{n:03}"), 3).await);
    }
    // Registrations go on while the copy is taken.
    let copying = std::sync::atomic::AtomicBool::new(true);
    let ((done, printed), during) = tokio::join!(
        async {
            let outcome = command(&server, &["backup", copy_arg], &[]).await;
            copying.store(false, std::sync::atomic::Ordering::SeqCst);
            outcome
        },
        async {
            let mut during = 0;
            while copying.load(std::sync::atomic::Ordering::SeqCst) {
                call.create(&format!("2026/D{during:03}"), 1).await;
                during += 1;
            }
            during
        }
    );
    assert!(done, "{printed}");
    assert!(during > 0, "writes ran beside the backup");
    let counted: usize = printed
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("a count in {printed}"));
    assert!(counted >= acknowledged.len(), "{printed}");
    // Never over an existing file.
    let size = std::fs::metadata(&copy).unwrap().len();
    let (done, printed) = command(&server, &["backup", copy_arg], &[]).await;
    assert!(!done && printed.contains("exists"), "{printed}");
    assert_eq!(std::fs::metadata(&copy).unwrap().len(), size);

    // Restored into a fresh folder; not over a database, not from a file
    // that is not one.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_dir = fresh.path().to_str().unwrap();
    let into_fresh = [("PRATICHE_DATA_DIR", fresh_dir)];
    let junk = folder.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let (done, printed) = command(&server, &["restore", junk.to_str().unwrap()], &into_fresh).await;
    assert!(
        !done && printed.contains("not a Pratiche backup"),
        "{printed}"
    );
    assert!(!fresh.path().join("pratiche.db").exists());
    let (done, printed) = command(&server, &["restore", copy_arg], &into_fresh).await;
    assert!(done, "{printed}");
    assert!(
        printed.contains(&format!("{counted} pratiche")),
        "{printed}"
    );
    let (done, printed) = command(&server, &["restore", copy_arg], &into_fresh).await;
    assert!(!done && printed.contains("exists"), "{printed}");

    // A server on the restored folder has every pratica acknowledged
    // before the backup began.
    drop(server);
    let (restored, token) = valdoria_api(Backend::Sqlite, &into_fresh).await.unwrap();
    let call = Call {
        server: &restored,
        token: &token,
    };
    for code in &acknowledged {
        let (status, case) = call.get(&format!("/api/v1/pratiche/{code}")).await;
        assert_eq!(status, StatusCode::OK, "{code}");
        assert_eq!(case["code"], *code);
    }
}

/// The samples of a scrape, as the official Prometheus client parses them
/// (`scripts/prometheus_samples.py`).
fn parse_exposition(text: &str) -> Vec<Value> {
    use std::io::Write;
    let script = format!(
        "{}/../scripts/prometheus_samples.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut parser = std::process::Command::new(test_python())
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the test Python runs (scripts/setup.sh installs it)");
    parser
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = parser.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The value of the sample `name` whose labels include `labels`.
fn sample(samples: &[Value], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|sample| {
            sample["name"] == name
                && labels
                    .iter()
                    .all(|(label, value)| sample["labels"][*label] == *value)
        })
        .and_then(|sample| sample["value"].as_f64())
}

async fn metrics_are_served_apart_and_count_what_monitoring_watches(backend: Backend) {
    let env = [
        ("PRATICHE_METRICS_ADDR", "127.0.0.1:0"),
        ("PRATICHE_LOOKUP_PER_MINUTE", "1"),
        ("PRATICHE_LOOKUP_BURST", "2"),
    ];
    let Some(server) = TestServer::start(backend, &env).await else {
        return;
    };
    // Logged just after the public address.
    let start = Instant::now();
    let address = loop {
        let log = server.log();
        if let Some(address) = log
            .split("metrics listening on ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
        {
            break address.to_owned();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the metrics address in {log}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // Not on the public address.
    assert_eq!(server.get("/metrics").await.status(), StatusCode::NOT_FOUND);

    let [code, _] = pratiche_db::demo::SHOWCASE_CODES;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(server.get(&format!("/p/{code}")).await.status());
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let refused = server
        .post_form(
            "/area-riservata/accedi",
            "",
            &[
                ("username", "demo-admin-valdoria"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_ne!(refused.status(), StatusCode::SEE_OTHER, "not signed in");

    let scraped = reqwest::get(&address).await.unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(
        scraped.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = scraped.text().await.unwrap();
    let samples = parse_exposition(&text);
    // Per route template, never per code.
    assert!(!text.contains(code), "no code in the labels");
    let pages = [("route", "/p/{code}"), ("method", "GET")];
    let ok = sample(
        &samples,
        "pratiche_http_requests_total",
        &[pages[0], pages[1], ("status", "200")],
    );
    let limited = sample(
        &samples,
        "pratiche_http_requests_total",
        &[pages[0], ("status", "429")],
    );
    assert_eq!((ok, limited), (Some(2.0), Some(1.0)), "{text}");
    assert_eq!(
        sample(
            &samples,
            "pratiche_http_request_duration_seconds_count",
            &pages
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &samples,
            "pratiche_rate_limited_total",
            &[("limit", "lookup")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&samples, "pratiche_sign_in_failures_total", &[]),
        Some(1.0)
    );
    for channel in ["email", "io", "webhook"] {
        assert!(
            sample(&samples, "pratiche_outbox_pending", &[("channel", channel)]).is_some(),
            "{channel}"
        );
        assert!(
            sample(
                &samples,
                "pratiche_outbox_oldest_pending_age_seconds",
                &[("channel", channel)]
            )
            .is_some()
        );
    }
    let idle = sample(
        &samples,
        "pratiche_db_pool_connections",
        &[("state", "idle")],
    );
    assert!(idle.is_some_and(|idle| idle >= 1.0), "{text}");
}
