//! Recording status changes from a pratica's record, through the real server
//! on SQLite and PostgreSQL: preview, save, the citizen's page, warnings,
//! conflicts, refused moves, personal data, corrections and the audit log.
//!
//! Long because each test drives one whole scenario through the real server.

use pratiche_db::entity::{audit_entry, case, procedure_state, procedure_type, status_event};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use pratiche_app::status_change_in_place::SaveAnswer;

use crate::support::{Backend, TestServer, version_in};

on_both_databases!(
    a_clerk_records_changes_the_citizen_sees_at_once,
    refused_changes_write_nothing,
    a_correction_sets_any_state_and_shows_as_such,
    a_late_event_is_offered_the_states_of_its_day_and_saved_in_place,
);

/// JYRH-CM4Q-3DY4-B: Valdoria, "Permesso di costruire", in "Istruttoria".
const CODE: &str = "JYRH-CM4Q-3DY4-B";
const RECORD: &str = "/area-riservata/pratiche/JYRH-CM4Q-3DY4-B";
const EVENTS: &str = "/area-riservata/pratiche/JYRH-CM4Q-3DY4-B/eventi";

async fn state_id(server: &TestServer, name: &str) -> String {
    let db = server.database().await;
    let procedure = procedure_type::Entity::find()
        .filter(procedure_type::Column::Name.eq("Permesso di costruire"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    procedure_state::Entity::find()
        .filter(procedure_state::Column::ProcedureTypeId.eq(procedure.id))
        .filter(procedure_state::Column::Name.eq(name))
        .one(&db)
        .await
        .unwrap()
        .expect(name)
        .id
        .to_string()
}

/// (status events, audit entries) of the showcase pratica.
async fn written(server: &TestServer) -> (u64, u64) {
    let db = server.database().await;
    let case = case::Entity::find()
        .filter(case::Column::Code.eq(CODE.replace('-', "")))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let events = status_event::Entity::find()
        .filter(status_event::Column::CaseId.eq(case.id))
        .count(&db)
        .await
        .unwrap();
    let audits = audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityId.eq(CODE))
        .count(&db)
        .await
        .unwrap();
    (events, audits)
}

fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive()
        .to_string()
}

/// The showcase pratica's latest audit entry.
async fn latest_audit(server: &TestServer) -> audit_entry::Model {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityId.eq(CODE))
        .order_by_desc(audit_entry::Column::Id)
        .one(&server.database().await)
        .await
        .unwrap()
        .unwrap()
}

fn days_ago(days: u64) -> String {
    (chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive()
        - chrono::Days::new(days))
    .to_string()
}

fn in_days(days: u64) -> String {
    (chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive()
        + chrono::Days::new(days))
    .to_string()
}

async fn post(
    server: &TestServer,
    cookie: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let response = server.post_form(EVENTS, cookie, fields).await;
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

/// A server function of the record's forms (`endpoint`, under
/// `/area-riservata/`) on the pratica `code`, with the form `posted`
/// URL-encoded: its status and its answer, JSON.
async fn in_place(
    server: &TestServer,
    cookie: &str,
    endpoint: &str,
    code: &str,
    posted: &str,
) -> (StatusCode, String) {
    server
        .call_server_function(
            &format!("/area-riservata/{endpoint}"),
            cookie,
            "same-origin",
            &serde_json::json!({ "code": code, "posted": posted }),
        )
        .await
}

/// The status change's preview in place (the record form's island's server
/// function) of the form `posted`, URL-encoded, on the pratica `code`.
async fn preview_in_place(
    server: &TestServer,
    cookie: &str,
    code: &str,
    posted: &str,
) -> (StatusCode, String) {
    let (status, answer) = in_place(server, cookie, "anteprima-stato", code, posted).await;
    // Answered, it is the region's HTML as a JSON string.
    let answer = match status {
        StatusCode::OK => serde_json::from_str(&answer).unwrap(),
        _ => answer,
    };
    (status, answer)
}

async fn a_clerk_records_changes_the_citizen_sees_at_once(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let (status, record) = server.page(&clerk, RECORD).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("Registra un cambio di stato"));
    let request = state_id(&server, "Richiesta integrazioni").await;
    let review = state_id(&server, "Istruttoria").await;
    let before = written(&server).await;
    let reply_by = in_days(20);
    let request_form = |action: &'static str, version: String| {
        vec![
            ("versione", version),
            ("stato", request.clone()),
            (
                "nota_pubblica",
                "Si chiede la relazione paesaggistica, da inviare via PEC.".to_owned(),
            ),
            (
                "nota_interna",
                "Vincolo confermato dalla Soprintendenza.".to_owned(),
            ),
            ("data", today()),
            ("risposta_entro", reply_by.clone()),
            ("azione", action.to_owned()),
        ]
    };
    // The preview shows the effect and writes nothing.
    let form = request_form("anteprima", version_in(&record));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, preview) = post(&server, &clerk, &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        preview.contains("Anteprima (non ancora salvata)"),
        "no preview"
    );
    assert!(
        preview.contains("relazione paesaggistica"),
        "what was typed is lost"
    );
    assert_eq!(written(&server).await, before, "a preview wrote something");

    // The preview in place (the form's island asks it as the clerk types)
    // shows the very same callout, and writes nothing either.
    let posted = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().filter(|(name, _)| *name != "azione"))
        .finish();
    let (status, in_place) = preview_in_place(&server, &clerk, CODE, &posted).await;
    assert_eq!(status, StatusCode::OK, "{in_place}");
    // The callout's words, without Leptos's markers.
    let callout = |page: &str| {
        let page = page.replace("<!>", "");
        let start = page
            .find("<strong>Anteprima")
            .unwrap_or_else(|| panic!("no preview in {page}"));
        let end = start + page[start..].find("</details>").unwrap();
        page[start..end].to_owned()
    };
    assert_eq!(callout(&in_place), callout(&preview));
    assert_eq!(
        written(&server).await,
        before,
        "a preview in place wrote something"
    );
    let future = posted.replace(&today(), &in_days(3));
    let (status, refused) = preview_in_place(&server, &clerk, CODE, &future).await;
    assert_eq!(status, StatusCode::OK);
    assert!(refused.contains("nel futuro"), "{refused}");
    for (cookie, code, expected) in [
        ("", CODE, StatusCode::UNAUTHORIZED),
        (clerk.as_str(), "SF0P-Y0B2-F55Z-C", StatusCode::NOT_FOUND),
        (clerk.as_str(), "not-a-code", StatusCode::NOT_FOUND),
    ] {
        let (status, answer) = preview_in_place(&server, cookie, code, &posted).await;
        assert_eq!(status, expected, "{code}: {answer}");
    }
    assert_eq!(written(&server).await, before);

    // Saving files the event with its audit entry.
    let form = request_form("salva", version_in(&record));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, _) = post(&server, &clerk, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(&*format!("{RECORD}?registrato=1"))
    );
    assert_eq!(written(&server).await, (before.0 + 1, before.1 + 1));
    let (_, saved) = server.page(&clerk, &location.unwrap()).await;
    assert!(saved.contains("Cambio di stato salvato"));

    let public = server
        .get(&format!("/p/{CODE}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(public.contains("Si chiede la relazione paesaggistica"));
    assert!(public.contains("Integrazione richiesta"));
    assert!(
        !public.contains("Soprintendenza"),
        "an internal note is public"
    );

    let audit = latest_audit(&server).await;
    assert_eq!(
        (
            audit.action.as_str(),
            audit.actor.as_str(),
            audit.source.as_str()
        ),
        ("status_change", "demo-operatore-valdoria", "web")
    );
    assert_eq!(audit.client_address.as_deref(), Some("127.0.0.1"));
    let changes = audit.changes.to_string();
    assert!(
        changes.contains(r#"{"field":"state","new":"Richiesta integrazioni","old":"Istruttoria"}"#),
        "{changes}"
    );
    assert!(changes.contains(r#""field":"due_date""#), "{changes}");

    // The reply, then a second request: it suspends nothing, and the clerk is told.
    let (_, record) = server.page(&clerk, RECORD).await;
    let (status, _, _) = post(
        &server,
        &clerk,
        &[
            ("versione", &version_in(&record)),
            ("stato", &review),
            ("data", &today()),
            ("azione", "salva"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, record) = server.page(&clerk, RECORD).await;
    let (status, location, _) = post(
        &server,
        &clerk,
        &[
            ("versione", &version_in(&record)),
            ("stato", &request),
            ("data", &today()),
            ("azione", "salva"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(
        location.ends_with("avviso=richiesta-ripetuta"),
        "{location}"
    );
    let (_, warned) = server.page(&clerk, &location).await;
    assert!(warned.contains("seconda richiesta di integrazioni"));
}

async fn refused_changes_write_nothing(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let (_, record) = server.page(&clerk, RECORD).await;
    let version = version_in(&record);
    let approved = state_id(&server, "Accolta").await;
    let submitted = state_id(&server, "Protocollata").await;
    let request = state_id(&server, "Richiesta integrazioni").await;
    let before = written(&server).await;
    let today = today();
    let stale = (version.parse::<i32>().unwrap() - 1).to_string();

    for (fields, status, expected) in [
        // Someone else saved meanwhile.
        (
            vec![
                ("versione", stale.as_str()),
                ("stato", approved.as_str()),
                ("data", &today),
                ("azione", "salva"),
            ],
            StatusCode::CONFLICT,
            "nulla è stato salvato",
        ),
        // Not an allowed move from "Istruttoria".
        (
            vec![
                ("versione", &version),
                ("stato", &submitted),
                ("data", &today),
                ("azione", "salva"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Questo stato non è previsto",
        ),
        // A reply-by date without a request for documents.
        (
            vec![
                ("versione", &version),
                ("stato", &approved),
                ("data", &today),
                ("risposta_entro", &today),
                ("azione", "salva"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Si indica solo con una richiesta di integrazioni.",
        ),
        // A time the clocks skip: 29 March 2026, 02:30 in Rome.
        (
            vec![
                ("versione", &version),
                ("stato", &approved),
                ("data", "2026-03-29"),
                ("ora", "02:30"),
                ("azione", "salva"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Indicare un'ora valida (HH:MM).",
        ),
        // In the future.
        (
            vec![
                ("versione", &version),
                ("stato", &approved),
                ("data", "2999-01-01"),
                ("azione", "salva"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "non possono essere nel futuro",
        ),
        // A public note with personal data, not confirmed.
        (
            vec![
                ("versione", &version),
                ("stato", &request),
                ("data", &today),
                (
                    "nota_pubblica",
                    "Scriva a mario.rossi@example.it, CF RSSMRA85T10A562S",
                ),
                ("azione", "salva"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "sembra contenere dati personali (un codice fiscale, un indirizzo e-mail)",
        ),
        // A state of another body's procedure type.
        (
            vec![
                ("versione", &version),
                ("stato", "999999"),
                ("data", &today),
                ("azione", "salva"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Scegliere uno stato fra quelli proposti.",
        ),
    ] {
        let (got, _, page) = post(&server, &clerk, &fields).await;
        assert_eq!(got, status, "{fields:?}");
        assert!(page.contains(expected), "{fields:?}: missing {expected:?}");
        assert_eq!(written(&server).await, before, "{fields:?} wrote something");
    }

    // Another body's clerk: not found; a province admin: forbidden.
    let serena = server.sign_in_demo("demo-operatore-serena").await;
    let province = server.sign_in_demo("demo-provincia").await;
    let fields = [
        ("versione", version.as_str()),
        ("stato", &approved),
        ("data", &today),
        ("azione", "salva"),
    ];
    assert_eq!(
        post(&server, &serena, &fields).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(&server, &province, &fields).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(post(&server, "", &fields).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        written(&server).await,
        before,
        "a refused change wrote something"
    );

    // Confirmed, the same note is saved.
    let (status, _, _) = post(
        &server,
        &clerk,
        &[
            ("versione", &version),
            ("stato", &request),
            ("data", &today),
            ("nota_pubblica", "Scriva a mario.rossi@example.it"),
            ("conferma_dati", "1"),
            ("azione", "salva"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(written(&server).await, (before.0 + 1, before.1 + 1));
}

async fn a_correction_sets_any_state_and_shows_as_such(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let (_, record) = server.page(&clerk, RECORD).await;
    let submitted = state_id(&server, "Protocollata").await;
    let base = [
        ("versione", version_in(&record)),
        ("stato", submitted),
        ("data", today()),
        ("rettifica", "1".to_owned()),
        (
            "nota_pubblica",
            "La pratica torna in attesa di assegnazione.".to_owned(),
        ),
        ("azione", "salva".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = post(&server, &clerk, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Indicare il motivo della rettifica."));

    let mut fields = fields;
    fields.push(("motivo", "Assegnazione registrata sulla pratica sbagliata"));
    let (status, _, _) = post(&server, &clerk, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let public = server
        .get(&format!("/p/{CODE}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(public.contains("Rettifica") && public.contains("torna in attesa"));
    assert!(
        !public.contains("pratica sbagliata"),
        "the reason is internal"
    );
    let (_, record) = server.page(&clerk, RECORD).await;
    assert!(record.contains("Assegnazione registrata sulla pratica sbagliata"));
    let db = server.database().await;
    let audit = audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityId.eq(CODE))
        .order_by_desc(audit_entry::Column::Id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit.action, "correction");
}

/// The states a list of `<option>`s offers (their labels' state names), and
/// the one selected.
fn offered(options: &str) -> (Vec<String>, Option<String>) {
    let options = options.replace("<!>", "");
    let mut names = Vec::new();
    let mut selected = None;
    for option in options.split("<option").skip(1) {
        let (attributes, rest) = option.split_once('>').unwrap();
        let label = rest.split("</option>").next().unwrap();
        let name = label.split(" — ").next().unwrap().to_owned();
        if attributes.contains("selected") {
            selected = Some(name.clone());
        }
        names.push(name);
    }
    (names, selected)
}

/// The change form's select on a record page.
fn change_select(record: &str) -> &str {
    let start = record
        .find("<select id=\"stato\"")
        .expect("the change form");
    let end = start + record[start..].find("</select>").unwrap();
    &record[start..end]
}

fn encoded(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

async fn save_in_place(server: &TestServer, cookie: &str, posted: &str) -> SaveAnswer {
    let (status, answer) = in_place(server, cookie, "salva-stato", CODE, posted).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    serde_json::from_str(&answer).unwrap()
}

/// The showcase pratica was submitted 20 days ago (Protocollata) and went
/// into "Istruttoria" two days later. A change dated today may follow
/// "Istruttoria"; one dated the day after the submission falls between the
/// two, and must follow "Protocollata" and lead to "Istruttoria".
async fn a_late_event_is_offered_the_states_of_its_day_and_saved_in_place(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let (_, record) = server.page(&clerk, RECORD).await;
    let version = version_in(&record);
    let (now, _) = offered(change_select(&record));
    assert!(now.contains(&"Accolta".to_owned()), "{now:?}");
    assert!(!now.contains(&"Assegnata al responsabile".to_owned()));
    let review = state_id(&server, "Istruttoria").await;
    let assigned = state_id(&server, "Assegnata al responsabile").await;
    let before = written(&server).await;

    let states_at = |date: String, time: &'static str, state: String| {
        let server = &server;
        let clerk = &clerk;
        async move {
            let posted = encoded(&[("stato", &state), ("data", &date), ("ora", time)]);
            let (status, answer) = in_place(server, clerk, "stati-ammessi", CODE, &posted).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            offered(&serde_json::from_str::<String>(&answer).unwrap())
        }
    };
    // The day after the submission: what may go between the two.
    let (late, chosen) = states_at(days_ago(19), "", review.clone()).await;
    assert_eq!(
        late,
        [
            "Assegnata al responsabile",
            "Istruttoria",
            "Richiesta integrazioni"
        ],
    );
    assert_eq!(chosen.as_deref(), Some("Istruttoria"), "the choice is kept");
    // Today, or a day or time not yet readable: the moves from now.
    for (date, time) in [(today(), ""), ("domani".to_owned(), ""), (today(), "25:00")] {
        let (offered_now, chosen) = states_at(date.clone(), time, assigned.clone()).await;
        assert_eq!(offered_now, now, "{date} {time}");
        assert_eq!(chosen, None, "a state no longer offered stays chosen");
    }
    // Before the submission, no state: the form says so.
    let (none, _) = states_at(days_ago(25), "", review.clone()).await;
    assert_eq!(none.len(), 1);
    assert!(
        none[0].starts_with("A questa data il procedimento non prevede"),
        "{none:?}"
    );

    // Without JavaScript, the record sent back by the form's preview offers
    // the same, and keeps the form for a day when no state may be set.
    for (date, status, expected) in [
        (days_ago(19), StatusCode::OK, late.clone()),
        (days_ago(25), StatusCode::UNPROCESSABLE_ENTITY, none.clone()),
    ] {
        let (code, _, page) = post(
            &server,
            &clerk,
            &[
                ("versione", &version),
                ("stato", &review),
                ("data", &date),
                ("azione", "anteprima"),
            ],
        )
        .await;
        assert_eq!(code, status, "{date}");
        assert_eq!(offered(change_select(&page)).0, expected, "{date}");
    }

    // Saved in place, the late event takes its place in the history.
    let late_event = [
        ("versione", version.as_str()),
        ("stato", assigned.as_str()),
        ("data", &days_ago(19)),
        ("ora", "10:30"),
        ("nota_interna", "Assegnazione registrata in ritardo."),
    ];
    let stale = (version.parse::<i32>().unwrap() - 1).to_string();
    let mut refused = late_event;
    refused[0].1 = &stale;
    match save_in_place(&server, &clerk, &encoded(&refused)).await {
        SaveAnswer::Refused { problems } => {
            assert!(problems.contains("nulla è stato salvato"), "{problems}")
        }
        other => panic!("a stale form saved: {other:?}"),
    }
    let mut personal = late_event.to_vec();
    personal.push(("nota_pubblica", "Scriva a mario.rossi@example.com."));
    assert_eq!(
        save_in_place(&server, &clerk, &encoded(&personal)).await,
        SaveAnswer::ConfirmOnForm
    );
    let mut not_allowed = late_event;
    not_allowed[1].1 = &review;
    not_allowed[2].1 = "";
    match save_in_place(&server, &clerk, &encoded(&not_allowed)).await {
        SaveAnswer::Refused { problems } => {
            assert!(problems.contains("Indicare una data valida"), "{problems}")
        }
        other => panic!("a form without its day saved: {other:?}"),
    }
    for (cookie, code, expected) in [
        ("", CODE, StatusCode::UNAUTHORIZED),
        (clerk.as_str(), "SF0P-Y0B2-F55Z-C", StatusCode::NOT_FOUND),
    ] {
        let (status, answer) =
            in_place(&server, cookie, "salva-stato", code, &encoded(&late_event)).await;
        assert_eq!(status, expected, "{code}: {answer}");
    }
    assert_eq!(written(&server).await, before, "a refused save wrote");

    let SaveAnswer::Saved(saved) = save_in_place(&server, &clerk, &encoded(&late_event)).await
    else {
        panic!("not saved");
    };
    assert_eq!(written(&server).await, (before.0 + 1, before.1 + 1));
    assert!(
        saved.notice.contains("Cambio di stato salvato"),
        "{}",
        saved.notice
    );
    assert_eq!(saved.address, format!("{RECORD}?registrato=1"));
    assert_eq!(
        saved.version.to_string(),
        (version.parse::<i32>().unwrap() + 1).to_string()
    );
    // The record's parts as its page now renders them.
    let (_, page) = server.page(&clerk, RECORD).await;
    let part = |html: &str, id: &str| {
        let start = html.find(&format!("id=\"{id}\"")).unwrap();
        let start = start + html[start..].find('>').unwrap() + 1;
        html[start..].to_owned()
    };
    let history = part(&page, "storia");
    assert!(
        history.starts_with(&saved.history),
        "the history differs from the page's"
    );
    assert!(saved.history.contains("Assegnazione registrata in ritardo"));
    // Newest first: the late event comes after "Istruttoria", before "Protocollata".
    let position = |name: &str| saved.history.find(name).unwrap();
    assert!(position("Istruttoria") < position("Assegnata al responsabile"));
    assert!(position("Assegnata al responsabile") < position("Protocollata"));
    assert!(
        part(&page, "sintesi").starts_with(&saved.summary),
        "the summary differs"
    );
    assert_eq!(
        offered(saved.states.as_deref().unwrap()).0,
        now,
        "still in Istruttoria"
    );
    assert_eq!(version_in(&page), saved.version.to_string());

    // The audit log says who, from where, as for the form.
    let audit = latest_audit(&server).await;
    assert_eq!(
        (
            audit.actor.as_str(),
            audit.source.as_str(),
            audit.client_address.as_deref()
        ),
        ("demo-operatore-valdoria", "web", Some("127.0.0.1"))
    );

    // Once nothing may follow, the forms change: no states are sent, and
    // the island loads the record's page.
    let approved = state_id(&server, "Accolta").await;
    let archived = state_id(&server, "Archiviata").await;
    let mut version = saved.version.to_string();
    for (state, follows) in [(approved, true), (archived, false)] {
        let answer = save_in_place(
            &server,
            &clerk,
            &encoded(&[
                ("versione", &version),
                ("stato", &state),
                ("data", &today()),
            ]),
        )
        .await;
        let SaveAnswer::Saved(saved) = answer else {
            panic!("not saved: {answer:?}");
        };
        assert_eq!(saved.states.is_some(), follows);
        version = saved.version.to_string();
    }
}
