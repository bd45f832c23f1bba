//! Two instances on one PostgreSQL behind nginx, configured with the
//! deployment's own site file (`deploy/nginx/pratiche.conf`), over TLS:
//! what one instance starts the other honours (sessions, their sign-out,
//! idempotency keys, a disabled API client, the changes feed), the outbox
//! is worked once between them, the client's address seen through the
//! proxy is the real one, and nginx serves static files and the headers the
//! site file promises; then a rolling restart of both under load (wrk,
//! Debian's package) fails no request. And the lookup limit, counted in the
//! database the instances share, holds across them. PostgreSQL only: an
//! embedded database has one instance.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use pratiche_db::entity::{api_client, webhook_delivery};
use pratiche_db::webhooks::DeliveryStatus;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::support::api::{Call, new_client, token_for};
use crate::support::app_io::SECRETS_KEY;
use crate::support::nginx::Nginx;
use crate::support::webhooks::Receiver;
use crate::support::{Backend, TestServer, session_cookie};

const PUBLIC: &str = "https://127.0.0.1";
const WAIT: Duration = Duration::from_secs(20);

/// What wrk reported: requests, failed ones (socket errors and answers
/// other than 2xx/3xx) and the summary.
struct Load {
    requests: u64,
    failed: u64,
    summary: String,
}

/// Runs wrk on `url` for `seconds` (8 connections).
async fn wrk(url: &str, seconds: u64) -> Load {
    let output = tokio::process::Command::new("wrk")
        .args(["-t1", "-c8", &format!("-d{seconds}s"), url])
        .output()
        .await
        .expect("wrk runs (scripts/test.sh installs it)");
    let summary = String::from_utf8_lossy(&output.stdout).into_owned();
    let errors_line = summary
        .lines()
        .find(|line| line.contains("Socket errors:"))
        .unwrap_or_default();
    let socket_errors: u64 = ["connect", "read", "write", "timeout"]
        .iter()
        .map(|label| number_after(errors_line, label).unwrap_or(0))
        .sum();
    Load {
        requests: summary
            .lines()
            .find(|line| line.contains("requests in"))
            .and_then(|line| line.split_whitespace().next())
            .and_then(|count| count.parse().ok())
            .unwrap_or(0),
        failed: socket_errors + number_after(&summary, "Non-2xx or 3xx responses:").unwrap_or(0),
        summary,
    }
}

/// The number right after `label` in `text`.
fn number_after(text: &str, label: &str) -> Option<u64> {
    let rest = text.split(label).nth(1)?.trim_start();
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[tokio::test]
async fn two_instances_behind_nginx_act_as_one() {
    let env = [
        ("PRATICHE_PUBLIC_URL", PUBLIC),
        ("PRATICHE_TRUSTED_PROXIES", "127.0.0.1"),
        ("PRATICHE_SECRETS_KEY", SECRETS_KEY),
        ("PRATICHE_WEBHOOK_ALLOW_HTTP", "1"),
        ("PRATICHE_WEBHOOK_ALLOW_LOOPBACK", "1"),
        ("PRATICHE_LOOKUP_PER_MINUTE", "0"),
        ("PRATICHE_DRAIN_SECONDS", "2"),
    ];
    let Some(mut first) = TestServer::start(Backend::Postgres, &env).await else {
        return;
    };
    let mut second = first.another_instance(&[]);
    let site_root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let nginx = Nginx::start(&[&first.address, &second.address], &site_root);
    // A citizen or clerk at another address than the proxy's.
    let browser = reqwest::Client::builder()
        .add_root_certificate(nginx.certificate())
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Through the proxy: one HSTS header, nginx's request id kept by the
    // app, plain http sent to https.
    let home = browser.get(format!("{PUBLIC}/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert_eq!(
        home.headers()
            .get_all("strict-transport-security")
            .iter()
            .count(),
        1
    );
    let id = home.headers()["x-request-id"].to_str().unwrap();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "nginx's $request_id: {id}"
    );
    let plain = browser
        .get("http://127.0.0.1/p/JYRH-CM4Q-3DY4-B")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        plain.headers()["location"],
        "https://127.0.0.1/p/JYRH-CM4Q-3DY4-B"
    );
    // Static files from disk, with their cache headers.
    let font = browser
        .get(format!(
            "{PUBLIC}/fonts/titillium-web-latin-400-861b80b4.woff2"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(font.status(), StatusCode::OK);
    assert_eq!(
        font.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(font.headers()["server"], "nginx", "served by nginx");
    assert_eq!(
        font.headers()
            .get_all("strict-transport-security")
            .iter()
            .count(),
        1
    );
    // Requests larger than the site file allows are refused by nginx.
    let huge = browser
        .post(format!("{PUBLIC}/api/v1/events/batch"))
        .body(vec![b' '; 6 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Signed in through the proxy: the session works on both instances,
    // and the sign-in is recorded with the client's own address.
    let signed_in = browser
        .post(format!("{PUBLIC}/area-riservata/accedi"))
        .header("origin", PUBLIC)
        .form(&[
            ("username", "demo-admin-valdoria"),
            ("password", pratiche_db::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&signed_in);
    for instance in [&first, &second] {
        let (status, page) = instance.page(&cookie, "/area-riservata/account").await;
        assert_eq!(status, StatusCode::OK, "{}", instance.address);
        assert!(
            page.contains("127.0.0.2"),
            "the client's address, not the proxy's"
        );
    }

    // API: a key used on one instance is replayed by the other.
    let (client_id, secret) = new_client(&first, &cookie, "Protocollo").await;
    let token = token_for(&second, &client_id, &secret).await;
    let on_first = Call {
        server: &first,
        token: &token,
    };
    let on_second = Call {
        server: &second,
        token: &token,
    };
    let code = on_first.create("2026/P001", 3).await;
    let state = on_first.state("Permesso di costruire", "Istruttoria").await;
    let event = json!({"state_id": state, "occurred_at": chrono::Utc::now().to_rfc3339()});
    let path = format!("/api/v1/pratiche/{code}/events");
    let answer = on_first.post(&path, Some("evento-1"), &event).await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let again = on_second.post(&path, Some("evento-1"), &event).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (_, case) = on_second.get(&format!("/api/v1/pratiche/{code}")).await;
    assert_eq!(
        case["history"].as_array().unwrap().len(),
        2,
        "recorded once: {case}"
    );
    // One changes feed, whichever instance answers.
    let (_, from_first) = on_first.get("/api/v1/changes").await;
    let (_, from_second) = on_second.get("/api/v1/changes").await;
    assert_eq!(from_first, from_second);

    // The outbox is worked once: every delivery reaches the receiver once.
    let receiver = Receiver::start();
    let added = first
        .post_form(
            "/area-riservata/api/webhook",
            &cookie,
            &[
                ("url", &receiver.url("/ok")),
                ("event_types", "pratica.registered"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    for n in 0..10 {
        let call = if n % 2 == 0 { &on_first } else { &on_second };
        call.create(&format!("2026/P1{n:02}"), 1).await;
    }
    receiver.wait_for(10, WAIT).await;
    let db = first.database().await;
    let start = Instant::now();
    while webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.ne(DeliveryStatus::Sent))
        .count(&db)
        .await
        .unwrap()
        > 0
    {
        assert!(start.elapsed() < WAIT, "all written down as sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let received = receiver.received();
    let ids: HashSet<&str> = received
        .iter()
        .map(|delivery| delivery["headers"]["webhook-id"].as_str().unwrap())
        .collect();
    assert_eq!((received.len(), ids.len()), (10, 10), "each once");

    // A client disabled on one instance is refused by the other within
    // the documented five seconds (its row's cache there).
    let (status, _) = on_second.get("/api/v1/procedure-types").await;
    assert_eq!(status, StatusCode::OK);
    let stored = api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id.as_str()))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let disabled = first
        .post_form(
            &format!("/area-riservata/api/{}/stato", stored.id),
            &cookie,
            &[("disattivato", "1")],
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    let start = Instant::now();
    while on_second.get("/api/v1/procedure-types").await.0 != StatusCode::UNAUTHORIZED {
        assert!(
            start.elapsed() < Duration::from_millis(5_500),
            "refused within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Signed out on one instance, the session is over on both.
    let signed_out = second.post_form("/area-riservata/esci", &cookie, &[]).await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    for instance in [&first, &second] {
        let (status, _) = instance.page(&cookie, "/area-riservata/account").await;
        assert_ne!(status, StatusCode::OK, "{}", instance.address);
    }

    // A rolling restart under load: each instance in turn stops (drains,
    // closes, finishes) and starts again on its address, while wrk asks
    // for a case page through nginx; no request fails.
    let load = tokio::spawn(async { wrk("https://127.0.0.1/p/JYRH-CM4Q-3DY4-B", 14).await });
    tokio::time::sleep(Duration::from_secs(1)).await;
    first.restart_in_place().await;
    // Past nginx's fail_timeout for the first, before the second stops.
    tokio::time::sleep(Duration::from_secs(4)).await;
    second.restart_in_place().await;
    let load = load.await.unwrap();
    assert!(load.requests > 100, "{}", load.summary);
    assert_eq!(load.failed, 0, "{}", load.summary);
    println!(
        "rolling restart under wrk: {} requests, {} failed",
        load.requests, load.failed
    );
}

/// Asks nginx for a case page `times` times from `client`; the status and
/// request id of each answer.
async fn lookups_through_nginx(nginx: &Nginx, client: [u8; 4], times: usize) -> Vec<(u16, String)> {
    let citizen = reqwest::Client::builder()
        .add_root_certificate(nginx.certificate())
        .local_address(std::net::IpAddr::from(client))
        .build()
        .unwrap();
    let mut answers = Vec::new();
    for _ in 0..times {
        let answer = citizen
            .get(format!("{PUBLIC}/p/JYRH-CM4Q-3DY4-B"))
            .send()
            .await
            .unwrap();
        let id = answer.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        answers.push((answer.status().as_u16(), id));
    }
    answers
}

/// A client behind nginx gets the lookup burst once, whichever instance
/// answers, when the limit is counted in the database (PostgreSQL's
/// default); counted in each instance's memory it would get it once per
/// instance, as the second pair shows.
#[tokio::test]
async fn the_lookup_limit_holds_across_instances() {
    let env = [
        ("PRATICHE_PUBLIC_URL", PUBLIC),
        ("PRATICHE_TRUSTED_PROXIES", "127.0.0.1"),
        ("PRATICHE_LOOKUP_PER_MINUTE", "1"),
        ("PRATICHE_LOOKUP_BURST", "4"),
    ];
    let Some(first) = TestServer::start(Backend::Postgres, &env).await else {
        return;
    };
    let second = first.another_instance(&[]);
    let site_root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let nginx = Nginx::start(&[&first.address, &second.address], &site_root);
    let answers = lookups_through_nginx(&nginx, [127, 0, 0, 2], 8).await;
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429, 429, 429]);
    // Counters a crash may lose: no WAL, no flush per lookup.
    let db = first.database().await;
    let persistence = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT relpersistence::text AS p FROM pg_class WHERE relname = 'rate_limits'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "p")
        .unwrap();
    assert_eq!(persistence, "u", "rate_limits is unlogged");
    for instance in [&first, &second] {
        let log = instance.settled_log().await;
        assert!(
            answers.iter().any(|(_, id)| log.contains(id.as_str())),
            "{} answered some of them",
            instance.address
        );
    }
    drop(nginx);

    let in_memory = [("PRATICHE_RATE_LIMIT_STORE", "memory")];
    let third = first.another_instance(&in_memory);
    let fourth = first.another_instance(&in_memory);
    let nginx = Nginx::start(&[&third.address, &fourth.address], &site_root);
    let answers = lookups_through_nginx(&nginx, [127, 0, 0, 3], 8).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "four per instance: {answers:?}"
    );
}
