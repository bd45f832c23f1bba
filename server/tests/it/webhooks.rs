//! Webhooks through the real server to a real receiver that verifies every
//! delivery with the official `standardwebhooks` library (PyPI), on SQLite
//! and PostgreSQL: the endpoint's registration (and what it refuses), the
//! signed deliveries with their payload, a rotated secret signing beside
//! the old one, a replay refused, 503 with Retry-After, 410, redirects,
//! the test event and a resend.

use std::time::{Duration, Instant};

use pratiche_db::entity::{webhook_delivery, webhook_endpoint};
use pratiche_db::webhooks::DeliveryStatus;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::support::api::{Call, valdoria_api};
use crate::support::app_io::SECRETS_KEY;
use crate::support::mail::MailSink;
use crate::support::webhooks::Receiver;
use crate::support::{Backend, TestServer};

on_both_databases!(
    deliveries_are_signed_and_verified_by_the_official_library,
    failures_are_retried_gone_disables_and_a_delivery_can_be_resent,
    endpoints_the_installation_may_not_reach_are_refused_and_nothing_stored,
    the_api_adds_rotates_turns_and_resends_like_the_back_office,
    a_stopping_server_drains_and_finishes_the_delivery_under_way,
);

const WAIT: Duration = Duration::from_secs(20);

/// A server that may deliver to loopback over http (the receiver), with
/// Valdoria's API token and its admin's session.
/// With `mail`, it sends mail through that SMTP server.
async fn webhook_server(
    backend: Backend,
    allow_loopback: bool,
    mail: Option<&MailSink>,
) -> Option<(TestServer, String, String)> {
    webhook_server_with(backend, allow_loopback, mail, &[]).await
}

/// [`webhook_server`] with `more` settings.
async fn webhook_server_with(
    backend: Backend,
    allow_loopback: bool,
    mail: Option<&MailSink>,
    more: &[(&str, &str)],
) -> Option<(TestServer, String, String)> {
    let allow = if allow_loopback { "1" } else { "0" };
    let mail_env = mail.map(MailSink::env).unwrap_or_default();
    let mut env = vec![
        ("PRATICHE_SECRETS_KEY", SECRETS_KEY),
        ("PRATICHE_WEBHOOK_ALLOW_HTTP", allow),
        ("PRATICHE_WEBHOOK_ALLOW_LOOPBACK", allow),
        ("PRATICHE_LOOKUP_PER_MINUTE", "0"),
    ];
    env.extend(mail_env.iter().map(|(name, value)| (*name, value.as_str())));
    env.extend(more.iter().copied());
    let (server, token) = valdoria_api(backend, &env).await?;
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    Some((server, token, admin))
}

/// Registers an endpoint through the API page's form; the answer.
async fn add_endpoint(
    server: &TestServer,
    admin: &str,
    url: &str,
    events: &[&str],
) -> reqwest::Response {
    let mut form = vec![("url", url), ("description", "Protocollo informatico")];
    form.extend(events.iter().map(|event| ("event_types", *event)));
    server
        .post_form("/area-riservata/api/webhook", admin, &form)
        .await
}

/// The signing secret a page shows once.
async fn secret_on(answer: reqwest::Response) -> String {
    assert_eq!(answer.status(), StatusCode::OK);
    let page = answer.text().await.unwrap();
    let start = page
        .find("whsec_")
        .unwrap_or_else(|| panic!("a secret on {page}"));
    page[start..].split('<').next().unwrap().to_owned()
}

async fn endpoints(server: &TestServer) -> Vec<webhook_endpoint::Model> {
    webhook_endpoint::Entity::find()
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(&server.database().await)
        .await
        .unwrap()
}

async fn act(
    server: &TestServer,
    admin: &str,
    endpoint: i32,
    form: &[(&str, &str)],
) -> reqwest::Response {
    server
        .post_form(
            &format!("/area-riservata/api/webhook/{endpoint}/azione"),
            admin,
            form,
        )
        .await
}

fn payload(delivery: &Value) -> Value {
    serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap()
}

async fn deliveries_are_signed_and_verified_by_the_official_library(backend: Backend) {
    let Some((server, token, admin)) = webhook_server(backend, true, None).await else {
        return;
    };
    let receiver = Receiver::start();
    let answer = add_endpoint(
        &server,
        &admin,
        &receiver.url("/ok"),
        &["pratica.registered", "pratica.event_recorded"],
    )
    .await;
    let first_secret = secret_on(answer).await;
    receiver.verify_with(&[("first", &first_secret)]);
    // Shown once: the page no longer has it.
    let (_, page) = server.page(&admin, "/area-riservata/api").await;
    assert!(!page.contains(&first_secret));
    assert!(page.contains(&receiver.url("/ok")));

    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0990", 3).await;
    call.record_now(&code, "Istruttoria", json!({"public_note": "Assegnata"}))
        .await;
    let received = receiver.wait_for(2, WAIT).await;
    for delivery in &received {
        assert_eq!(delivery["verified"]["first"], "ok", "{delivery}");
        assert_eq!(delivery["content_type"], "application/json");
        assert!(
            delivery["headers"]["webhook-id"]
                .as_str()
                .unwrap()
                .starts_with("msg_")
        );
    }
    // Sent at once, they may arrive in either order (the feed position
    // orders them).
    let of_type = |kind: &str| {
        received
            .iter()
            .find(|delivery| payload(delivery)["type"] == kind)
            .unwrap_or_else(|| panic!("a {kind} delivery"))
    };
    let registered = payload(of_type("pratica.registered"));
    assert_eq!(registered["data"]["code"], code);
    assert_eq!(registered["data"]["own_reference"], "2026/0990");
    assert_eq!(registered["data"]["source"], "api");
    let by = registered["data"]["recorded_by"].as_str().unwrap();
    assert!(by.starts_with("API: Protocollo (pc_"), "{by}");
    let recorded_delivery = of_type("pratica.event_recorded");
    let recorded = payload(recorded_delivery);
    assert_eq!(recorded["data"]["state"], "Istruttoria");
    assert_eq!(recorded["data"]["phase"], "in_review");
    assert!(
        recorded["data"]["feed_position"].as_i64() > registered["data"]["feed_position"].as_i64(),
        "positions of the changes feed, in order"
    );
    // Nothing personal or internal travels.
    assert!(
        !recorded_delivery["body"]
            .as_str()
            .unwrap()
            .contains("Assegnata")
    );

    // A replay: the official verifier takes it now, and refuses it once
    // the five minutes of tolerance have passed.
    assert_eq!(receiver.verify_later(&received[0], &first_secret, 0), "ok");
    assert_ne!(
        receiver.verify_later(&received[0], &first_secret, 400),
        "ok"
    );

    // Rotated: both secrets sign for a day.
    let endpoint = endpoints(&server).await[0].id;
    let second_secret =
        secret_on(act(&server, &admin, endpoint, &[("action", "rotate")]).await).await;
    assert_ne!(second_secret, first_secret);
    receiver.verify_with(&[("first", &first_secret), ("second", &second_secret)]);
    call.record_now(&code, "Accolta", json!({})).await;
    let received = receiver.wait_for(3, WAIT).await;
    let rotated = &received[2];
    assert_eq!(rotated["verified"]["first"], "ok");
    assert_eq!(rotated["verified"]["second"], "ok");
    let signature = rotated["headers"]["webhook-signature"].as_str().unwrap();
    assert_eq!(
        signature
            .split(' ')
            .filter(|part| part.starts_with("v1,"))
            .count(),
        2
    );
    // Another secret does not verify it.
    assert_ne!(
        receiver.verify_later(rotated, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0),
        "ok"
    );
    // Each is written down as delivered with its answer (once the worker
    // has the receiver's answer: it logs before answering).
    let db = server.database().await;
    let start = Instant::now();
    loop {
        let sent = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Sent))
            .filter(webhook_delivery::Column::ResponseStatus.eq(204))
            .count(&db)
            .await
            .unwrap();
        if sent == 3 {
            break;
        }
        assert!(start.elapsed() < WAIT, "{sent} of 3 written down");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn failures_are_retried_gone_disables_and_a_delivery_can_be_resent(backend: Backend) {
    let sink = MailSink::start();
    let Some((server, token, admin)) = webhook_server(backend, true, Some(&sink)).await else {
        return;
    };
    // The admin gives an address for the notices; a malformed one changes
    // nothing.
    for (typed, outcome) in [
        ("tecnico@valdoria", "email-invalid"),
        (" tecnico@valdoria.example.it ", "email-saved"),
    ] {
        let answer = server
            .post_form("/area-riservata/account/email", &admin, &[("email", typed)])
            .await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        let location = answer.headers()["location"].to_str().unwrap();
        assert_eq!(location, format!("/area-riservata/account?esito={outcome}"));
    }
    let (_, page) = server.page(&admin, "/area-riservata/account").await;
    assert!(
        page.contains(r#"value="tecnico@valdoria.example.it""#),
        "{page}"
    );
    let receiver = Receiver::start();
    for path in ["/busy", "/gone", "/redirect"] {
        let answer = add_endpoint(
            &server,
            &admin,
            &receiver.url(path),
            &["pratica.registered"],
        )
        .await;
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let call = Call {
        server: &server,
        token: &token,
    };
    call.create("2026/0991", 3).await;
    let db = server.database().await;
    let start = Instant::now();
    let rows = loop {
        let rows = webhook_delivery::Entity::find()
            .order_by_asc(webhook_delivery::Column::EndpointId)
            .all(&db)
            .await
            .unwrap();
        let settled = rows.len() == 3
            && rows[0].status == DeliveryStatus::Sent
            && rows[1].status == DeliveryStatus::Failed
            && rows[2].response_status == Some(302);
        if settled || start.elapsed() > WAIT {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // 503 with Retry-After: 1, then delivered on the second try.
    assert_eq!(rows[0].status, DeliveryStatus::Sent, "{rows:#?}");
    assert_eq!(rows[0].attempts, 2);
    assert_eq!(rows[0].response_status, Some(204));
    // 410: given up, and the endpoint disabled.
    assert_eq!(rows[1].status, DeliveryStatus::Failed);
    assert_eq!(rows[1].response_status, Some(410));
    let gone = &endpoints(&server).await[1];
    assert!(gone.disabled_at.is_some(), "{gone:?}");
    // A redirect is a failure, retried later, never followed.
    assert_eq!(rows[2].status, DeliveryStatus::Pending);
    assert!(rows[2].last_error.as_deref().unwrap().contains("redirect"));
    let to_ok = receiver
        .received()
        .iter()
        .filter(|request| request["path"] == "/ok")
        .count();
    assert_eq!(to_ok, 0, "the redirect was not followed");

    // Failing for more than three days: the next failure disables it.
    let redirect = endpoints(&server).await[2].id;
    webhook_endpoint::Entity::update_many()
        .col_expr(
            webhook_endpoint::Column::FailingSince,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::days(4)),
        )
        .filter(webhook_endpoint::Column::Id.eq(redirect))
        .exec(&db)
        .await
        .unwrap();
    let start = Instant::now();
    while endpoints(&server).await[2].disabled_at.is_none() {
        assert!(start.elapsed() < WAIT, "disabled after its next failure");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        endpoints(&server).await[2].disabled_reason.as_deref(),
        Some("failing for three days: disabled")
    );
    // The admin is told of each disabling by e-mail, once, in Italian and
    // English, with the endpoint's page.
    let start = Instant::now();
    while endpoints(&server).await[1..]
        .iter()
        .any(|endpoint| endpoint.admins_told_at.is_none())
    {
        assert!(start.elapsed() < WAIT, "the admins told of both");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mails = sink.received();
    assert_eq!(mails.len(), 2, "one mail per disabled endpoint");
    let told = |path: &str| {
        mails
            .iter()
            .find(|mail| mail.subject.contains(&receiver.url(path)))
            .unwrap_or_else(|| panic!("a notice for {path}"))
    };
    let gone_mail = told("/gone");
    assert_eq!(gone_mail.to, "tecnico@valdoria.example.it");
    assert!(gone_mail.subject.starts_with("Webhook disattivato"));
    assert!(gone_mail.text.contains("410 Gone"), "{}", gone_mail.text);
    assert!(gone_mail.text.contains("it answered 410 Gone"));
    let page = format!(
        "/area-riservata/api/webhook/{}",
        endpoints(&server).await[1].id
    );
    assert!(gone_mail.text.contains(&page), "{}", gone_mail.text);
    assert!(told("/redirect").text.contains("da tre giorni"));

    // The deliveries page lists them; a resend goes again with the same id.
    let busy = endpoints(&server).await[0].id;
    let (status, page) = server
        .page(&admin, &format!("/area-riservata/api/webhook/{busy}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("204"), "{page}");
    let before = receiver.received().len();
    let answer = act(
        &server,
        &admin,
        busy,
        &[("action", "resend"), ("delivery", &rows[0].id.to_string())],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let received = receiver.wait_for(before + 1, WAIT).await;
    let resent = received.last().unwrap();
    assert_eq!(resent["path"], "/busy");
    let first_try = received
        .iter()
        .find(|request| request["path"] == "/busy")
        .unwrap();
    assert_eq!(
        resent["headers"]["webhook-id"],
        first_try["headers"]["webhook-id"]
    );

    // The API lists the same endpoints and deliveries, to this body only.
    let (status, listed) = call.get("/api/v1/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(
        listed[1]["disabled_reason"],
        "the endpoint answered 410 Gone: disabled"
    );
    let (status, deliveries) = call
        .get(&format!("/api/v1/webhooks/{busy}/deliveries"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deliveries[0]["status"], "sent");
    assert_eq!(deliveries[0]["response_status"], 204);
    for other in ["9999", "abc"] {
        let (status, _) = call
            .get(&format!("/api/v1/webhooks/{other}/deliveries"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    // The test event reaches the endpoint whatever it subscribed to.
    act(&server, &admin, busy, &[("action", "test")]).await;
    let received = receiver.wait_for(before + 2, WAIT).await;
    assert_eq!(payload(received.last().unwrap())["type"], "webhook.test");
}

async fn endpoints_the_installation_may_not_reach_are_refused_and_nothing_stored(backend: Backend) {
    let Some((server, _token, admin)) = webhook_server(backend, false, None).await else {
        return;
    };
    let refused = [
        (
            "http://example.it/hook",
            "pratica.registered",
            "indirizzo https completo",
        ),
        (
            "https://127.0.0.1:9/hook",
            "pratica.registered",
            "rete privata o locale",
        ),
        (
            "https://10.1.2.3/hook",
            "pratica.registered",
            "rete privata o locale",
        ),
        (
            "https://[::1]/hook",
            "pratica.registered",
            "rete privata o locale",
        ),
        (
            "https://169.254.169.254/latest",
            "pratica.registered",
            "rete privata o locale",
        ),
        (
            "https://pratiche-test.invalid/hook",
            "pratica.registered",
            "non risponde",
        ),
        (
            "https://example.it/hook",
            "pratica.deleted",
            "Tipo di evento sconosciuto",
        ),
    ];
    for (url, event, message) in refused {
        let answer = add_endpoint(&server, &admin, url, &[event]).await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let page = answer.text().await.unwrap();
        assert!(page.contains(message), "{url}: {message} in {page}");
    }
    let answer = add_endpoint(&server, &admin, "https://example.it/hook", &[]).await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(endpoints(&server).await.is_empty(), "nothing was stored");
    // A clerk cannot add one.
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let answer = add_endpoint(
        &server,
        &clerk,
        "https://example.it/hook",
        &["pratica.registered"],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}

async fn the_api_adds_rotates_turns_and_resends_like_the_back_office(backend: Backend) {
    let Some((server, token, _admin)) = webhook_server(backend, true, None).await else {
        return;
    };
    let receiver = Receiver::start();
    let call = Call {
        server: &server,
        token: &token,
    };
    let request = json!({
        "url": receiver.url("/ok"),
        "description": "Gestionale",
        "event_types": ["pratica.registered"],
    });
    // No key: refused.
    let (status, _) = call.post_json("/api/v1/webhooks", None, &request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Every wrong part at its member, nothing stored.
    let wrong = json!({
        "url": "ftp://example.it/hook",
        "description": "x".repeat(201),
        "event_types": ["pratica.deleted"],
    });
    let (status, problem) = call.post_json("/api/v1/webhooks", Some("w1"), &wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/url", "/description", "/event_types"],
        "{problem}"
    );
    assert!(endpoints(&server).await.is_empty());

    // Added: the secret once; a retry with the key gets the same endpoint
    // without it, and nothing more is stored.
    let answer = call.post("/api/v1/webhooks", Some("add-1"), &request).await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let created: Value = answer.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(created["event_types"], json!(["pratica.registered"]));
    let answer = call.post("/api/v1/webhooks", Some("add-1"), &request).await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    assert_eq!(answer.headers()["idempotent-replayed"], "true");
    let replayed: Value = answer.json().await.unwrap();
    assert_eq!(replayed["id"], created["id"]);
    assert_eq!(replayed["secret"], Value::Null);
    let (status, _) = call
        .post_json(
            "/api/v1/webhooks",
            Some("add-1"),
            &json!({"url": receiver.url("/other"), "event_types": ["pratica.registered"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the key reused");
    assert_eq!(endpoints(&server).await.len(), 1);
    let stored = &endpoints(&server).await[0];
    assert!(!stored.secret.contains(&secret[6..]), "sealed");
    let id = created["id"].as_i64().unwrap();

    // A test event, signed with that secret.
    receiver.verify_with(&[("first", &secret)]);
    let (status, queued) = call
        .post_json(
            &format!("/api/v1/webhooks/{id}/test"),
            Some("test-1"),
            &Value::Null,
        )
        .await;
    assert_eq!(
        (status, &queued),
        (StatusCode::ACCEPTED, &json!({"queued": 1}))
    );
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(payload(&received[0])["type"], "webhook.test");
    assert_eq!(received[0]["verified"]["first"], "ok");

    // Rotated: both sign for a day.
    let (status, rotated) = call
        .post_json(
            &format!("/api/v1/webhooks/{id}/secret"),
            Some("rotate-1"),
            &Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let second = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(second, secret);
    assert!(rotated["previous_valid_until"].is_string());
    receiver.verify_with(&[("first", &secret), ("second", &second)]);

    // Turned off, and on again; an off endpoint's deliveries wait.
    let patch = |enabled: bool, key: &'static str| {
        server
            .client
            .patch(server.url(&format!("/api/v1/webhooks/{id}")))
            .bearer_auth(&token)
            .header("idempotency-key", key)
            .json(&json!({ "enabled": enabled }))
            .send()
    };
    let off: Value = patch(false, "off-1").await.unwrap().json().await.unwrap();
    assert_eq!(off["disabled_reason"], "disabled by an admin");
    let on: Value = patch(true, "on-1").await.unwrap().json().await.unwrap();
    assert_eq!(on["disabled_at"], Value::Null);

    // Resent with the same webhook-id, and signed with both secrets now.
    let (_, deliveries) = call.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    let first = deliveries[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/webhooks/{id}/deliveries/resend");
    let (status, queued) = call
        .post_json(&path, Some("resend-1"), &json!({ "delivery_id": first }))
        .await;
    assert_eq!(
        (status, &queued),
        (StatusCode::ACCEPTED, &json!({"queued": 1}))
    );
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(
        received[1]["headers"]["webhook-id"],
        received[0]["headers"]["webhook-id"]
    );
    assert_eq!(received[1]["verified"]["second"], "ok");
    for (wrong, key) in [
        (json!({}), "r-2"),
        (
            json!({"delivery_id": first, "from": "2026-12-01", "to": "2026-12-02"}),
            "r-3",
        ),
        (json!({"from": "2026-12-03", "to": "2026-12-01"}), "r-4"),
    ] {
        let (status, _) = call.post_json(&path, Some(key), &wrong).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    }
    let (status, _) = call
        .post_json(&path, Some("r-5"), &json!({ "delivery_id": 999_999 }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call
        .post_json("/api/v1/webhooks/999/test", Some("t-9"), &Value::Null)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Each change is in the audit log, as the API client's.
    let audited = pratiche_db::entity::audit_entry::Entity::find()
        .filter(pratiche_db::entity::audit_entry::Column::Entity.eq("webhook"))
        .order_by_asc(pratiche_db::entity::audit_entry::Column::Id)
        .all(&server.database().await)
        .await
        .unwrap();
    let actions: Vec<&str> = audited.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions, ["create", "rotate_secret", "disable", "enable"]);
}

async fn a_stopping_server_drains_and_finishes_the_delivery_under_way(backend: Backend) {
    let drain = [("PRATICHE_DRAIN_SECONDS", "2")];
    let Some((mut server, token, admin)) = webhook_server_with(backend, true, None, &drain).await
    else {
        return;
    };
    let receiver = Receiver::start();
    let answer = add_endpoint(
        &server,
        &admin,
        &receiver.url("/slow"),
        &["pratica.registered"],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0993", 1).await;
    // The receiver has the delivery and takes three seconds to answer.
    receiver.wait_for(1, WAIT).await;
    server.terminate();
    // At once /healthz says it is stopping, while pages are still served.
    let start = Instant::now();
    while server.get("/healthz").await.status() != StatusCode::SERVICE_UNAVAILABLE {
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "503 within a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        server.get(&format!("/p/{code}")).await.status(),
        StatusCode::OK
    );
    // It exits cleanly once the delivery under way has its answer.
    let status = server.exited(Duration::from_secs(20)).await;
    assert!(status.success(), "{status:?}\n{}", server.log());
    let delivery = webhook_delivery::Entity::find()
        .one(&server.database().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(delivery.status, DeliveryStatus::Sent, "{delivery:?}");
    assert_eq!(delivery.response_status, Some(204));
    assert_eq!(receiver.received().len(), 1, "sent once");
}
