//! Messages in App IO through the real server and a local App IO that
//! checks every request against IO's published OpenAPI
//! (`scripts/app_io/stub.py`), on SQLite and PostgreSQL: the body's key
//! (sealed, checked, removed), the applicant's codice fiscale at
//! registration, the profile check, the messages with their due date, 429,
//! the citizens IO does not let us write to, bad input, erasure.

use std::time::Duration;

use chrono::Utc;
use pratiche_db::entity::{audit_entry, body, notification, subscription};
use pratiche_db::notifications::{Channel, Status};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::support::api::{Call, valdoria_api};
use crate::support::app_io::{IO_KEY, IoStub, Profiles};
use crate::support::{Backend, TestServer};

on_both_databases!(
    a_body_admin_enters_checks_and_removes_the_io_key,
    an_applicant_on_io_gets_each_update_in_the_app,
    citizens_io_does_not_let_us_write_to_get_nothing,
    bad_codes_and_bodies_without_io_store_nothing,
);

const WAIT: Duration = Duration::from_secs(20);

/// Codici fiscali of the stub's profiles (valid, with their check letters).
const ON_IO: &str = "RSSMRA80A01H501U";
const SERVICE_OFF: &str = "MRTMTT25D09F205Z";
/// Valid, but unknown to App IO.
const NOT_ON_IO: &str = "BNCLRA85M41F205C";

/// The stub, a server sending through it (coalescing off, lookup limit
/// off), an API token of Valdoria and its admin's session.
async fn io_server(
    backend: Backend,
    throttle: u32,
) -> Option<(IoStub, TestServer, String, String)> {
    let stub = IoStub::start(Profiles {
        allowed: &[ON_IO],
        service_off: &[SERVICE_OFF],
        throttle,
    });
    let io_env = stub.env();
    let mut env: Vec<(&str, &str)> = io_env
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    env.push(("PRATICHE_LOOKUP_PER_MINUTE", "0"));
    env.push(("PRATICHE_NOTIFY_COALESCE_SECS", "0"));
    let (server, token) = valdoria_api(backend, &env).await?;
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    Some((stub, server, token, admin))
}

/// Posts the body page's IO key form.
async fn enter_key(server: &TestServer, admin: &str, key: &str) -> reqwest::Response {
    server
        .post_form("/area-riservata/ente/io", admin, &[("io_key", key)])
        .await
}

/// The notice a form's 303 leads to.
fn notice(answer: &reqwest::Response) -> String {
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    answer.headers()[LOCATION].to_str().unwrap().to_owned()
}

async fn valdoria(server: &TestServer) -> body::Model {
    body::Entity::find()
        .filter(body::Column::Slug.eq("valdoria"))
        .one(&server.database().await)
        .await
        .unwrap()
        .unwrap()
}

async fn a_body_admin_enters_checks_and_removes_the_io_key(backend: Backend) {
    let Some((stub, server, _token, admin)) = io_server(backend, 0).await else {
        return;
    };
    let (status, page) = server.page(&admin, "/area-riservata/ente").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("L&#x27;app IO non è attiva") || page.contains("L'app IO non è attiva"),
        "{page}"
    );
    assert!(page.contains("action=\"/area-riservata/ente/io\""));

    // Not a key: refused with its message, nothing stored.
    let answer = enter_key(&server, &admin, "not a key").await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.text().await.unwrap().contains("16–128"));
    assert_eq!(valdoria(&server).await.io_api_key, None);

    // A key IO does not take: stored sealed, then found wanting.
    let wrong = "00000000000000000000000000000000";
    let answer = enter_key(&server, &admin, wrong).await;
    assert_eq!(
        notice(&answer),
        "/area-riservata/ente?fatto=io-chiave-salvata"
    );
    let sealed = valdoria(&server).await.io_api_key.unwrap();
    assert!(
        sealed.starts_with("v1:") && !sealed.contains(wrong),
        "{sealed}"
    );
    let answer = server
        .post_form("/area-riservata/ente/io/verifica", &admin, &[])
        .await;
    assert_eq!(
        notice(&answer),
        "/area-riservata/ente?fatto=io-chiave-rifiutata"
    );
    let (_, page) = server.page(&admin, "/area-riservata/ente").await;
    assert!(page.contains("IO la rifiuta"), "{page}");

    // The right key: IO takes it.
    enter_key(&server, &admin, IO_KEY).await;
    let answer = server
        .post_form("/area-riservata/ente/io/verifica", &admin, &[])
        .await;
    assert_eq!(
        notice(&answer),
        "/area-riservata/ente?fatto=io-chiave-valida"
    );
    let body = valdoria(&server).await;
    assert_eq!(body.io_key_accepted, Some(true));
    let (_, page) = server.page(&admin, "/area-riservata/ente").await;
    assert!(page.contains("IO la accetta"), "{page}");
    // The key is nowhere but sealed: not on the page, not in the audit log,
    // not in the server's log; the check's request was a valid one.
    assert!(!page.contains(IO_KEY));
    let audit = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("io_key_set"))
        .all(&server.database().await)
        .await
        .unwrap();
    assert_eq!(audit.len(), 2, "each key entered is audited");
    assert!(!format!("{audit:?}").contains(IO_KEY));
    assert!(!server.settled_log().await.contains(IO_KEY));
    assert!(stub.violations().is_empty(), "{:#?}", stub.violations());

    // Removed: the body no longer sends through IO.
    let answer = server
        .post_form(
            "/area-riservata/ente/io",
            &admin,
            &[("io_action", "remove")],
        )
        .await;
    assert_eq!(
        notice(&answer),
        "/area-riservata/ente?fatto=io-chiave-rimossa"
    );
    assert_eq!(valdoria(&server).await.io_api_key, None);
    // A clerk, not an admin, cannot set the key.
    let other = server.sign_in_demo("demo-operatore-valdoria").await;
    let answer = enter_key(&server, &other, IO_KEY).await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_eq!(valdoria(&server).await.io_api_key, None);
}

/// Registers a pratica through the API with `fiscal_code`; its code.
async fn register_with_code(call: &Call<'_>, reference: &str, fiscal_code: &str) -> String {
    let mut body = call.creation(reference, 2).await;
    body["applicant_fiscal_code"] = json!(fiscal_code);
    let (status, created) = call.post_json("/api/v1/pratiche", None, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["code"].as_str().unwrap().to_owned()
}

/// The last second of `day` in Rome, as App IO gets it.
fn end_of_day(day: chrono::NaiveDate) -> String {
    day.and_hms_opt(23, 59, 59)
        .unwrap()
        .and_local_timezone(chrono_tz::Europe::Rome)
        .unwrap()
        .with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%S.000Z")
        .to_string()
}

async fn an_applicant_on_io_gets_each_update_in_the_app(backend: Backend) {
    // The first message is answered 429 once.
    let Some((stub, server, token, admin)) = io_server(backend, 1).await else {
        return;
    };
    enter_key(&server, &admin, IO_KEY).await;
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = register_with_code(&call, "2026/0950", "rssmra 80a01 h501u").await;

    // The welcome: profile asked, message sent after the 429's second.
    let messages = stub.wait_for(1, WAIT).await;
    assert_eq!(stub.throttled(), 1, "the first try was told to wait");
    let welcome = &messages[0]["body"];
    assert_eq!(welcome["fiscal_code"], ON_IO);
    let subject = welcome["content"]["subject"].as_str().unwrap();
    assert_eq!(
        subject,
        format!("Pratica {code} registrata: ecco il codice")
    );
    let markdown = welcome["content"]["markdown"].as_str().unwrap();
    assert!(markdown.contains(&format!("/p/{code}>)")), "{markdown}");
    assert!(markdown.contains("Riferimento del messaggio"), "{markdown}");
    let case: Value = call.get(&format!("/api/v1/pratiche/{code}")).await.1;
    let due_on: chrono::NaiveDate = case["clock"]["due_on"].as_str().unwrap().parse().unwrap();
    assert_eq!(welcome["content"]["due_date"], end_of_day(due_on));
    let profiles = stub
        .requests()
        .into_iter()
        .filter(|request| request["path"] == "/profiles")
        .count();
    assert!(profiles >= 1, "the profile is asked before the message");

    // A request for documents: its note escaped, due_date the reply-by day.
    let reply_by = (Utc::now() + chrono::Duration::days(15)).date_naive();
    call.record_now(
        &code,
        "Richiesta integrazioni",
        json!({"public_note": "Manca la *planimetria* [allegato 2]", "reply_by": reply_by.to_string()}),
    )
    .await;
    let messages = stub.wait_for(2, WAIT).await;
    let update = &messages[1]["body"]["content"];
    assert_eq!(
        update["subject"],
        format!("Pratica {code}: Integrazione richiesta")
    );
    let markdown = update["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("Manca la \\*planimetria\\* \\[allegato 2\\]"),
        "{markdown}"
    );
    assert_eq!(update["due_date"], end_of_day(reply_by));

    // The outbox keeps IO's message ids; the record shows the channel and
    // a masked code; no page, no log holds the code in full.
    // The stub logs a message before it answers: wait for the worker to
    // write the answer down.
    let stub_ids: Vec<_> = messages
        .iter()
        .map(|message| message["id"].as_str().map(str::to_owned))
        .collect();
    let db = server.database().await;
    let start = std::time::Instant::now();
    loop {
        let ids: Vec<_> = notification::Entity::find()
            .filter(notification::Column::Channel.eq(Channel::Io))
            .filter(notification::Column::Status.eq(Status::Sent))
            .order_by_asc(notification::Column::Id)
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.external_id)
            .collect();
        if ids == stub_ids {
            break;
        }
        assert!(start.elapsed() < WAIT, "{ids:?} != {stub_ids:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, record) = server
        .page(&admin, &format!("/area-riservata/pratiche/{code}"))
        .await;
    assert!(record.contains("RSS••••••••••••U"), "{record}");
    assert!(!record.contains(ON_IO));
    let public = server
        .get(&format!("/p/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!public.contains(ON_IO));
    assert!(
        !server.settled_log().await.contains(ON_IO),
        "the log holds no codice fiscale"
    );
    assert!(stub.violations().is_empty(), "{:#?}", stub.violations());

    // Closed and past retention: the code is erased with its messages.
    call.record_now(&code, "Istruttoria", json!({})).await;
    call.record_now(&code, "Accolta", json!({})).await;
    // Told in one message or two (as the worker's poll falls), the last
    // with the decision.
    let decided = json!(format!("Pratica {code}: Conclusa – accolta"));
    let start = std::time::Instant::now();
    while !stub
        .messages()
        .iter()
        .any(|message| message["body"]["content"]["subject"] == decided)
    {
        assert!(start.elapsed() < WAIT, "{:#?}", stub.messages());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let db = server.database().await;
    let now = Utc::now();
    let erased = pratiche_db::retention::erase_closed(&db, now + chrono::Duration::days(1), now)
        .await
        .unwrap();
    assert_eq!(erased.values().map(|body| body.recipients).sum::<u64>(), 1);
    let left = subscription::Entity::find()
        .filter(subscription::Column::Recipient.eq(ON_IO))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

async fn citizens_io_does_not_let_us_write_to_get_nothing(backend: Backend) {
    let Some((stub, server, token, admin)) = io_server(backend, 0).await else {
        return;
    };
    enter_key(&server, &admin, IO_KEY).await;
    let call = Call {
        server: &server,
        token: &token,
    };
    register_with_code(&call, "2026/0960", SERVICE_OFF).await;
    register_with_code(&call, "2026/0961", NOT_ON_IO).await;
    let db = server.database().await;
    let start = std::time::Instant::now();
    let dropped = loop {
        let dropped = notification::Entity::find()
            .filter(notification::Column::Status.eq(Status::Dropped))
            .order_by_asc(notification::Column::Id)
            .all(&db)
            .await
            .unwrap();
        if dropped.len() == 2 || start.elapsed() > WAIT {
            break dropped;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let reasons: Vec<_> = dropped.iter().map(|row| row.last_error.clone()).collect();
    assert_eq!(
        reasons,
        [
            Some("the citizen turned the body's service off in App IO".to_owned()),
            Some("the citizen does not use App IO".to_owned()),
        ]
    );
    assert!(stub.messages().is_empty(), "no message was sent");
    assert!(stub.violations().is_empty(), "{:#?}", stub.violations());
}

async fn bad_codes_and_bodies_without_io_store_nothing(backend: Backend) {
    let Some((_stub, server, token, admin)) = io_server(backend, 0).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let db = server.database().await;
    let count = || async {
        (
            pratiche_db::entity::case::Entity::find()
                .count(&db)
                .await
                .unwrap(),
            subscription::Entity::find().count(&db).await.unwrap(),
        )
    };
    let before = count().await;
    // Without the body's key, a valid code is refused.
    let mut body = call.creation("2026/0970", 2).await;
    body["applicant_fiscal_code"] = json!(ON_IO);
    let (status, problem) = call.post_json("/api/v1/pratiche", None, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["pointer"], "/applicant_fiscal_code");
    assert_eq!(problem["errors"][0]["code"], "io_not_configured");
    // The form does not offer the field then.
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let (_, form) = server.page(&clerk, "/area-riservata/registra").await;
    assert!(!form.contains("codice_fiscale_richiedente"));

    // With it, a code whose check letter is wrong is refused by both.
    enter_key(&server, &admin, IO_KEY).await;
    let (_, form) = server.page(&clerk, "/area-riservata/registra").await;
    assert!(
        form.contains("name=\"codice_fiscale_richiedente\""),
        "{form}"
    );
    body["applicant_fiscal_code"] = json!("RSSMRA80A01H501A");
    let (status, problem) = call.post_json("/api/v1/pratiche", None, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "invalid_fiscal_code");
    let answer = call
        .register_at_counter(
            &clerk,
            &[("codice_fiscale_richiedente", "RSSMRA80A01H501A")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .text()
            .await
            .unwrap()
            .contains("non è un codice fiscale valido")
    );
    assert_eq!(
        count().await,
        before,
        "nothing was registered or subscribed"
    );
}
