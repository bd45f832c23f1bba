//! E-mail alerts through the real server and a real SMTP server (aiosmtpd),
//! on SQLite and PostgreSQL: double opt-in, the updates with their headers,
//! one-click unsubscribe, coalescing, delivery after a crash, failures.

use std::time::Duration;

use pratiche_db::entity::{notification, subscription};
use pratiche_db::notifications::{Kind, Status};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::support::api::{Call, valdoria_api};
use crate::support::mail::{MailSink, Received};
use crate::support::{Backend, TestServer};

on_both_databases!(
    alerts_from_subscription_to_one_click_unsubscribe,
    a_refused_address_changes_nothing,
    updates_within_the_window_become_one_mail,
    a_message_queued_before_a_crash_is_delivered_after_restart,
    a_mailbox_that_does_not_exist_fails_with_the_reason,
    an_address_given_at_registration_gets_the_code_at_once,
    reminders_before_the_reply_by_date_and_when_the_due_date_passed,
    a_state_kept_from_citizens_is_not_told,
);

const WAIT: Duration = Duration::from_secs(20);

/// A real SMTP server, a server sending through it (lookup limit off, the
/// coalescing window `coalesce_secs`) and an API token of Valdoria.
async fn mail_server(
    backend: Backend,
    coalesce_secs: &str,
) -> Option<(MailSink, TestServer, String)> {
    let sink = MailSink::start();
    let mail_env = sink.env();
    let mut env: Vec<(&str, &str)> = mail_env
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    env.push(("PRATICHE_LOOKUP_PER_MINUTE", "0"));
    env.push(("PRATICHE_NOTIFY_COALESCE_SECS", coalesce_secs));
    let (server, token) = valdoria_api(backend, &env).await?;
    Some((sink, server, token))
}

/// Posts the case page's form; returns the answer.
async fn subscribe(
    server: &TestServer,
    code: &str,
    email: &str,
    language: &str,
) -> reqwest::Response {
    server
        .client
        .post(server.url(&format!("/p/{code}/avvisi")))
        .form(&[("email", email), ("lingua", language)])
        .send()
        .await
        .unwrap()
}

/// The path and query of an absolute link in a mail.
fn path_of(link: &str) -> String {
    let after_scheme = link.split_once("://").unwrap().1;
    after_scheme[after_scheme.find('/').unwrap()..].to_owned()
}

/// Confirms through the link of a confirmation mail: the page shows a
/// button; its post confirms.
async fn confirm(server: &TestServer, mail: &Received) {
    let link = path_of(&mail.link("http"));
    assert!(link.starts_with("/avvisi/conferma?t="), "{link}");
    let page = server.get(&link).await.text().await.unwrap();
    assert!(page.contains(&format!("action=\"{link}\"")), "{page}");
    let answer = server.client.post(server.url(&link)).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()[LOCATION], "/avvisi/esito?esito=confermato");
}

/// A fresh own reference for a new pratica.
fn fresh_reference() -> String {
    format!("2026/{}", rand::random::<u32>())
}

async fn rows_of(server: &TestServer, kind: Kind) -> Vec<notification::Model> {
    notification::Entity::find()
        .filter(notification::Column::Kind.eq(kind))
        .order_by_asc(notification::Column::Id)
        .all(&server.database().await)
        .await
        .unwrap()
}

async fn alerts_from_subscription_to_one_click_unsubscribe(backend: Backend) {
    let Some((sink, server, token)) = mail_server(backend, "0").await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0900", 3).await;
    let page = server
        .get(&format!("/p/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("action=\"/p/{code}/avvisi\"")),
        "the form is on the page"
    );

    let answer = subscribe(&server, &code, "  Cittadina@Example.IT ", "en").await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers()[LOCATION],
        format!("/p/{code}?avvisi=inviato#avvisi").as_str()
    );
    let after = server
        .get(&format!("/p/{code}?avvisi=inviato"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        after.contains("entro 48 ore"),
        "the page says the link lasts 48 hours"
    );
    let mails = sink.wait_for(1, WAIT).await;
    let confirmation = &mails[0];
    assert_eq!(confirmation.to, "cittadina@example.it");
    assert_eq!(
        confirmation.subject,
        format!("Confirm the alerts for application {code}")
    );
    assert!(confirmation.text.contains("48 hours"));
    assert!(confirmation.html.contains("/avvisi/conferma?t="));
    assert_eq!(confirmation.header("Content-Language"), Some("en"));

    // Before confirmation nothing else is queued or sent, and asking again
    // within the hour sends no second confirmation; the answer is the same.
    call.record_now(&code, "Istruttoria", json!({"public_note": "Assegnata"}))
        .await;
    let again = subscribe(&server, &code, "cittadina@example.it", "en").await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(rows_of(&server, Kind::Update).await.len(), 0);
    assert_eq!(rows_of(&server, Kind::Confirmation).await.len(), 1);

    confirm(&server, confirmation).await;
    let reply_by = (chrono::Utc::now() + chrono::Duration::days(20)).date_naive();
    call.record_now(
        &code,
        "Richiesta integrazioni",
        json!({
            "public_note": "Serve la relazione <geologica> firmata.",
            "internal_note": "Sollecitato dal geom. Neri",
            "reply_by": reply_by.to_string(),
        }),
    )
    .await;
    let mails = sink.wait_for(2, WAIT).await;
    let update = &mails[1];
    assert_eq!(
        update.subject,
        format!("Application {code}: Documents requested")
    );
    for part in [&update.text, &update.html] {
        assert!(part.contains(&code), "the code");
        assert!(
            part.contains(&format!("/p/{code}")),
            "the link to the case page"
        );
        assert!(!part.contains("geom. Neri"), "never the internal note");
    }
    assert!(
        update
            .text
            .contains("Serve la relazione <geologica> firmata.")
    );
    assert!(
        update
            .html
            .contains("Serve la relazione &lt;geologica&gt; firmata.")
    );
    assert!(update.text.contains("reply by"), "{}", update.text);
    let message_id = &update.message_id;
    assert!(
        message_id.len() == 32 + "@127.0.0.1".len() && message_id.ends_with("@127.0.0.1"),
        "a stable id derived from the row's key: {message_id}"
    );
    let unsubscribe = update.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(unsubscribe.starts_with('<') && unsubscribe.ends_with('>'));
    assert_eq!(
        update.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    let stop = path_of(unsubscribe.trim_matches(['<', '>']));
    assert!(
        update.text.contains(unsubscribe.trim_matches(['<', '>'])),
        "a plain stop link too"
    );

    // A wrong token gets the same answer as a good one.
    let wrong = server
        .client
        .post(server.url("/avvisi/annulla?t=not-a-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.headers()[LOCATION], "/avvisi/esito?esito=annullato");
    // The mail client's one-click POST (RFC 8058).
    let one_click = server
        .client
        .post(server.url(&stop))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), StatusCode::OK);
    let db = server.database().await;
    let ended = subscription::Entity::find()
        .filter(subscription::Column::UnsubscribedAt.is_not_null())
        .count(&db)
        .await
        .unwrap();
    assert_eq!(ended, 1);
    call.record_now(&code, "Istruttoria", json!({"public_note": "Ricevuta"}))
        .await;
    assert_eq!(
        rows_of(&server, Kind::Update).await.len(),
        1,
        "nothing new is queued"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 2, "nothing more is sent");
}

async fn a_refused_address_changes_nothing(backend: Backend) {
    let Some((sink, server, token)) = mail_server(backend, "600").await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0901", 3).await;
    for typed in ["mario", "mario@localhost", "Mario <mario@example.it>", ""] {
        let answer = subscribe(&server, &code, typed, "it").await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{typed:?}"
        );
        let page = answer.text().await.unwrap();
        assert!(page.contains("non sembra valido"), "{typed:?}");
        assert!(page.contains("aria-invalid=\"true\""));
    }
    let malformed = subscribe(&server, "ZZZZ", "mario@example.it", "it").await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let db = server.database().await;
    assert_eq!(subscription::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(notification::Entity::find().count(&db).await.unwrap(), 0);
    assert!(sink.received().is_empty(), "nothing sent");
}

/// A confirmed subscriber of a new pratica; returns its code.
async fn confirmed_subscriber(server: &TestServer, call: &Call<'_>, sink: &MailSink) -> String {
    let code = call.create(&fresh_reference(), 3).await;
    subscribe(server, &code, "cittadino@example.it", "it").await;
    let mails = sink.wait_for(1, WAIT).await;
    confirm(server, &mails[0]).await;
    code
}

async fn updates_within_the_window_become_one_mail(backend: Backend) {
    let Some((sink, server, token)) = mail_server(backend, "3").await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = confirmed_subscriber(&server, &call, &sink).await;
    call.record_now(
        &code,
        "Istruttoria",
        json!({"public_note": "Assegnata all'arch. Bianchi"}),
    )
    .await;
    call.record_now(&code,
        "Richiesta integrazioni",
        json!({"public_note": "Manca la planimetria", "reply_by": (chrono::Utc::now() + chrono::Duration::days(15)).date_naive().to_string()}),
    )
    .await;
    let mails = sink.wait_for(2, WAIT).await;
    let update = &mails[1];
    assert_eq!(
        update.subject,
        format!("Pratica {code}: Integrazione richiesta")
    );
    assert!(
        update.text.contains("Assegnata all'arch. Bianchi"),
        "{}",
        update.text
    );
    assert!(
        update.text.contains("Manca la planimetria"),
        "{}",
        update.text
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(sink.received().len(), 2, "one mail for both events");
    let updates = rows_of(&server, Kind::Update).await;
    let statuses: Vec<Status> = updates.iter().map(|row| row.status).collect();
    assert_eq!(statuses, [Status::Sent, Status::Merged]);
    assert_eq!(updates[1].merged_into, Some(updates[0].id));
}

async fn a_message_queued_before_a_crash_is_delivered_after_restart(backend: Backend) {
    let Some((sink, mut server, token)) = mail_server(backend, "2").await else {
        return;
    };
    let code = {
        let call = Call {
            server: &server,
            token: &token,
        };
        let code = confirmed_subscriber(&server, &call, &sink).await;
        call.record_now(
            &code,
            "Accolta",
            json!({"public_note": "Permesso rilasciato"}),
        )
        .await;
        code
    };
    // Killed within the window: committed, not yet delivered.
    server.kill_and_restart();
    assert_eq!(
        rows_of(&server, Kind::Update).await[0].status,
        Status::Pending
    );
    let mails = sink.wait_for(2, WAIT).await;
    assert_eq!(
        mails[1].subject,
        format!("Pratica {code}: Conclusa – accolta")
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.received().len(), 2, "delivered once");
    assert_eq!(rows_of(&server, Kind::Update).await[0].status, Status::Sent);
}

async fn a_mailbox_that_does_not_exist_fails_with_the_reason(backend: Backend) {
    let Some((sink, server, token)) = mail_server(backend, "600").await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0902", 3).await;
    subscribe(&server, &code, "nessuno@fail.invalid", "it").await;
    let start = std::time::Instant::now();
    let row = loop {
        let row = rows_of(&server, Kind::Confirmation).await.remove(0);
        if row.status != Status::Pending || start.elapsed() > WAIT {
            break row;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        row.status,
        Status::Failed,
        "a permanent refusal is not retried"
    );
    assert_eq!(row.attempts, 1);
    assert!(
        row.last_error.as_deref().unwrap_or("").contains("550"),
        "{row:?}"
    );
    assert!(sink.received().is_empty());

    // The staff see it: on the record, and the body's admins across the body.
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let (status, record) = server
        .page(&admin, &format!("/area-riservata/pratiche/{code}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Conferma dell",
        "n•••@f•••.invalid",
        "Non recapitato",
        "550",
    ] {
        assert!(record.contains(shown), "{shown} on the record");
    }
    assert!(
        !record.contains("nessuno@fail.invalid"),
        "the address is masked"
    );
    let (_, body_page) = server.page(&admin, "/area-riservata/ente").await;
    assert!(body_page.contains("Avvisi non recapitati"));
    assert!(
        body_page.contains(&format!(">{code}</a>")),
        "the failed one, with its code"
    );
}

async fn an_address_given_at_registration_gets_the_code_at_once(backend: Backend) {
    let Some((sink, server, token)) = mail_server(backend, "0").await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    // Through the API, in English.
    let mut body = call.creation("2026/0903", 2).await;
    body["applicant_email"] = json!("Richiedente@Example.it");
    body["email_consent"] = json!(true);
    body["applicant_language"] = json!("en");
    let (status, created) = call.post_json("/api/v1/pratiche", None, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    let mails = sink.wait_for(1, WAIT).await;
    let welcome = &mails[0];
    assert_eq!(welcome.to, "richiedente@example.it");
    assert_eq!(
        welcome.subject,
        format!("Application {code} registered: here is the code")
    );
    assert!(welcome.text.contains(&format!("/p/{code}")));
    assert!(welcome.header("List-Unsubscribe").is_some());
    // Subscribed at once: the next change is told.
    call.record_now(&code, "Accolta", json!({})).await;
    let mails = sink.wait_for(2, WAIT).await;
    assert_eq!(
        mails[1].subject,
        format!("Application {code}: Concluded – approved")
    );

    // A language we do not have is refused, and nothing is written.
    body["own_reference"] = json!("2026/0904");
    body["applicant_language"] = json!("fr");
    let (status, problem) = call.post_json("/api/v1/pratiche", None, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["pointer"], "/applicant_language");

    // Through the counter's form, in Italian.
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let answer = call
        .register_at_counter(
            &clerk,
            &[
                ("email_richiedente", "sportello@example.it"),
                ("consenso_email", "1"),
                ("lingua_richiedente", "it"),
            ],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let mails = sink.wait_for(3, WAIT).await;
    assert_eq!(mails[2].to, "sportello@example.it");
    assert!(
        mails[2].subject.ends_with("registrata: ecco il codice"),
        "{}",
        mails[2].subject
    );
}

/// Runs the `reminders` command for `day` (the clock injected: the day is
/// an argument, nothing sleeps).
fn reminders_on(server: &TestServer, day: chrono::NaiveDate) {
    let output = server.run_command_with(&["reminders", &day.to_string()], &[], "");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn reminders_before_the_reply_by_date_and_when_the_due_date_passed(backend: Backend) {
    let Some((sink, server, token)) = mail_server(backend, "0").await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let today = chrono::Utc::now().date_naive();
    let code = confirmed_subscriber(&server, &call, &sink).await;
    let reply_by = today + chrono::Days::new(20);
    call.record_now(
        &code,
        "Richiesta integrazioni",
        json!({"public_note": "Manca la planimetria", "reply_by": reply_by.to_string()}),
    )
    .await;
    sink.wait_for(2, WAIT).await;

    // Four days before: nothing yet. Three days before: a reminder, once.
    reminders_on(&server, reply_by - chrono::Days::new(4));
    reminders_on(&server, reply_by - chrono::Days::new(3));
    let mails = sink.wait_for(3, WAIT).await;
    let reminder = &mails[2];
    assert!(
        reminder
            .subject
            .starts_with(&format!("Promemoria: pratica {code}, risponda entro il")),
        "{}",
        reminder.subject
    );
    assert!(reminder.text.contains("Manca la planimetria"));
    assert!(reminder.header("List-Unsubscribe").is_some());
    reminders_on(&server, reply_by - chrono::Days::new(3));
    reminders_on(&server, reply_by - chrono::Days::new(2));
    // On the eve, the second.
    reminders_on(&server, reply_by - chrono::Days::new(1));
    let mails = sink.wait_for(4, WAIT).await;
    assert_eq!(mails[3].subject, reminder.subject);
    assert_ne!(mails[3].message_id, reminder.message_id);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 4, "each reminder once");

    // A pratica whose due date passes without a decision.
    let late = call.create(&fresh_reference(), 3).await;
    subscribe(&server, &late, "cittadino@example.it", "it").await;
    let mails = sink.wait_for(5, WAIT).await;
    confirm(&server, &mails[4]).await;
    let (_, view) = call.get(&format!("/api/v1/pratiche/{late}")).await;
    let due_on: chrono::NaiveDate = view["clock"]["due_on"].as_str().unwrap().parse().unwrap();
    reminders_on(&server, due_on);
    reminders_on(&server, due_on + chrono::Days::new(1));
    let mails = sink.wait_for(6, WAIT).await;
    let overdue = &mails[5];
    assert_eq!(
        overdue.subject,
        format!("Pratica {late}: il termine per concludere è scaduto")
    );
    assert!(
        overdue.text.contains("potere sostitutivo"),
        "{}",
        overdue.text
    );
    assert!(overdue.text.contains("ricorso"), "the remedies");
    reminders_on(&server, due_on + chrono::Days::new(2));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 6, "told once");
}

async fn a_state_kept_from_citizens_is_not_told(backend: Backend) {
    let Some((sink, server, token)) = mail_server(backend, "0").await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = confirmed_subscriber(&server, &call, &sink).await;
    // The body admin turns the alerts off for "Istruttoria".
    let procedure = call.procedure("Permesso di costruire").await;
    let state = call.state("Permesso di costruire", "Istruttoria").await;
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let saved = server
        .post_form(
            &format!("/area-riservata/procedimenti/{procedure}/stati/{state}"),
            &admin,
            &[("name", "Istruttoria"), ("phase", "in_review")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, page) = server
        .page(&admin, &format!("/area-riservata/procedimenti/{procedure}"))
        .await;
    assert!(page.contains("Avvisa i cittadini"));

    call.record_now(&code, "Istruttoria", json!({"public_note": "Assegnata"}))
        .await;
    assert!(rows_of(&server, Kind::Update).await.is_empty(), "not told");
    call.record_now(&code, "Accolta", json!({})).await;
    let mails = sink.wait_for(2, WAIT).await;
    assert_eq!(
        mails[1].subject,
        format!("Pratica {code}: Conclusa – accolta")
    );
}
