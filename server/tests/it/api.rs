//! The integration API through the real server on SQLite and PostgreSQL:
//! clients and tokens, creating and reading pratiche, status events with
//! idempotency keys, batches, late events, the changes feed (with
//! concurrent writers), size and rate limits.
//!
//! Long because each test drives one whole scenario through the real server.

use std::collections::BTreeSet;

use base64::Engine;
use pratiche_db::entity::{api_client, audit_entry, idempotency_key, status_event};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::support::api::{Call, new_client, token_for, valdoria_api};
use crate::support::{Backend, TestServer};

on_both_databases!(
    tokens_belong_to_enabled_clients,
    pratiche_are_created_once_and_read_by_code_or_reference,
    events_are_recorded_once_per_key,
    late_events_are_filed_in_their_place,
    batches_apply_item_by_item,
    a_batchs_items_on_one_pratica_apply_and_are_audited_in_order,
    the_feed_follows_commits,
    concurrent_writers_never_make_the_feed_skip,
    concurrent_events_of_one_pratica_are_all_recorded,
    limits_are_enforced,
    notes_in_any_script_never_break_an_answer,
    failed_token_requests_are_counted_per_address,
);

const VAL_SERENA_CODE: &str = "SF0P-Y0B2-F55Z-C";

/// The status of each item of a batch's answer.
fn statuses_of(answer: &Value) -> Vec<i64> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["status"].as_i64().unwrap())
        .collect()
}

fn days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339()
}

fn is_problem(response: &reqwest::Response) -> bool {
    response.headers()[CONTENT_TYPE] == "application/problem+json"
}

async fn tokens_belong_to_enabled_clients(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let (id, secret) = new_client(&server, &admin, "Protocollo").await;
    assert!(id.starts_with("pc_") && secret.len() == 64, "{id} {secret}");
    // A client needs a name: refused, with the field's message, nothing written.
    let db = server.database().await;
    let response = server
        .post_form("/area-riservata/api", &admin, &[("name", "   ")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!response.text().await.unwrap().contains("class=\"secret\""));
    assert_eq!(api_client::Entity::find().count(&db).await.unwrap(), 1);
    // The page lists it without the secret.
    let (_, page) = server.page(&admin, "/area-riservata/api").await;
    assert!(page.contains(&id) && !page.contains(&secret));
    let stored = api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(id.as_str()))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.secret_hash, secret);

    // Basic or form credentials.
    let response = server
        .client
        .post(server.url("/api/v1/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let grant: Value = response.json().await.unwrap();
    assert_eq!(grant["token_type"], "Bearer");
    assert_eq!(grant["expires_in"], 600);
    let token = grant["access_token"].as_str().unwrap().to_owned();
    let form_grant = server
        .client
        .post(server.url("/api/v1/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form_grant.status(), StatusCode::OK);

    // Wrong secret, unknown client, wrong grant.
    for (user, password) in [(id.as_str(), "wrong"), ("pc_unknown", secret.as_str())] {
        let response = server
            .client
            .post(server.url("/api/v1/token"))
            .basic_auth(user, Some(password))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(is_problem(&response));
        assert!(response.headers().contains_key("www-authenticate"));
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["error"], "invalid_client");
        assert_eq!(problem["status"], 401);
    }
    let response = server
        .client
        .post(server.url("/api/v1/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );

    let call = Call {
        server: &server,
        token: &token,
    };
    // The body's own procedure types, each with its states and transitions.
    let (status, types) = call.get("/api/v1/procedure-types").await;
    assert_eq!(status, StatusCode::OK);
    let names: BTreeSet<&str> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|kind| kind["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["Contributo per i libri di testo", "Permesso di costruire"])
    );
    for kind in types.as_array().unwrap() {
        let states: BTreeSet<i64> = kind["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|state| state["id"].as_i64().unwrap())
            .collect();
        let transitions = kind["transitions"].as_array().unwrap();
        assert!(!transitions.is_empty());
        for transition in transitions {
            assert!(states.contains(&transition["from"].as_i64().unwrap()));
            assert!(states.contains(&transition["to"].as_i64().unwrap()));
        }
    }

    // No token, a tampered one, alg=none, an expired one, a session's.
    let response = server.get("/api/v1/procedure-types").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="pratiche-api""#
    );
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
    claims["body"] = json!(claims["body"].as_i64().unwrap() + 1);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        engine.encode(claims.to_string()),
        parts[2]
    );
    let unsigned = format!(
        "{}.{}.",
        engine.encode(r#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    let mut expired_claims: Value =
        serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
    let an_hour_ago = chrono::Utc::now().timestamp() - 3600;
    expired_claims["iat"] = json!(an_hour_ago - 600);
    expired_claims["exp"] = json!(an_hour_ago);
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &expired_claims,
        &jsonwebtoken::EncodingKey::from_secret(&server.signing_key()),
    )
    .unwrap();
    let session = admin.split_once('=').unwrap().1.to_owned();
    for (what, bad) in [
        ("tampered", tampered),
        ("alg=none", unsigned),
        ("expired", expired),
        ("session", session),
    ] {
        let (status, problem) = Call {
            server: &server,
            token: &bad,
        }
        .get("/api/v1/procedure-types")
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(problem["type"], "/api/v1/docs#problem-unauthenticated");
    }
    // An API token as the back office's session cookie.
    let cookie_name = admin.split_once('=').unwrap().0;
    let (status, _) = server
        .page(
            &format!("{cookie_name}={token}"),
            "/area-riservata/pratiche",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "an API token is no session");

    // Disabled: the token stops working at once, no new ones.
    let response = server
        .post_form(
            &format!("/area-riservata/api/{}/stato", stored.id),
            &admin,
            &[("disattivato", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, _) = call.get("/api/v1/procedure-types").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = server
        .client
        .post(server.url("/api/v1/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (_, log) = server.page(&admin, "/area-riservata/registro").await;
    assert!(
        log.contains("api_client"),
        "creation and disabling are audited"
    );
    // Clerks cannot manage clients.
    let clerk = server.sign_in_demo("demo-operatore-valdoria").await;
    let (status, _) = server.page(&clerk, "/area-riservata/api").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn pratiche_are_created_once_and_read_by_code_or_reference(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let reference = "2026/0042 prot. gen.";
    let creation = call.creation(reference, 3).await;
    let response = call.post("/api/v1/pratiche", None, &creation).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let code = created["code"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/pratiche/{code}"));
    assert_eq!(
        created["public_url"],
        format!("http://127.0.0.1:3000/p/{code}")
    );
    assert!(created["clock"]["due_on"].is_string());
    assert!(created["clock"]["days_left"].as_i64().unwrap() > 50);
    assert_eq!(created["history"].as_array().unwrap().len(), 1);
    assert_eq!(created["history"][0]["source"], "api");

    // The same again: the same pratica; other content: 409.
    let (status, again) = call.post_json("/api/v1/pratiche", None, &creation).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["code"], code.as_str());
    let mut other = creation.clone();
    other["subject"] = json!("Altro oggetto");
    let (status, problem) = call.post_json("/api/v1/pratiche", None, &other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");

    // Read by code (any typed form) and by own reference with / spaces dots.
    let (status, read) = call
        .get(&format!(
            "/api/v1/pratiche/{}",
            code.to_lowercase().replace('-', "")
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["own_reference"], reference);
    let url = reqwest::Url::parse_with_params(
        &server.url("/api/v1/pratiche"),
        &[("own_reference", reference)],
    )
    .unwrap();
    let by_reference: Value = server
        .client
        .get(url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_reference["code"], code.as_str());
    let (status, _) = call.get("/api/v1/pratiche?own_reference=2026%2F0043").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Another body's pratica: 404, as for an unknown code.
    let (status, problem) = call
        .get(&format!("/api/v1/pratiche/{VAL_SERENA_CODE}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["status"], 404);

    // Invalid: another body's procedure type, unknown fields, bad dates.
    let db = server.database().await;
    let cases_before = pratiche_db::entity::case::Entity::find()
        .count(&db)
        .await
        .unwrap();
    let mut foreign = call.creation("2026/0050", 1).await;
    foreign["procedure_type_id"] = json!(3);
    let (status, problem) = call.post_json("/api/v1/pratiche", None, &foreign).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["pointer"], "/procedure_type_id");
    let mut unknown = call.creation("2026/0051", 1).await;
    unknown["colour"] = json!("red");
    let (status, problem) = call.post_json("/api/v1/pratiche", None, &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    let mut dated = call.creation("2026/0052", 1).await;
    dated["submitted_on"] = json!("02/11/2026");
    dated["subject"] = json!("   ");
    let (status, problem) = call.post_json("/api/v1/pratiche", None, &dated).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let pointers: BTreeSet<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, BTreeSet::from(["/subject", "/submitted_on"]));
    assert_eq!(
        pratiche_db::entity::case::Entity::find()
            .count(&db)
            .await
            .unwrap(),
        cases_before,
        "nothing written"
    );
}

async fn events_are_recorded_once_per_key(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0100", 10).await;
    let path = format!("/api/v1/pratiche/{code}/events");
    let request = call
        .state("Permesso di costruire", "Richiesta integrazioni")
        .await;
    let event = json!({
        "state_id": request,
        "public_note": "Serve la relazione geologica firmata.",
        "internal_note": "Sollecitato dal geom. Neri",
        "occurred_at": days_ago(5),
        "reply_by": (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().to_string(),
    });
    let response = call.post(&path, Some("evento-1"), &event).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["phase"], "documents_requested");
    assert_eq!(first["clock"]["status"], "awaiting_documents");
    assert_eq!(first["warnings"], json!([]));

    // A retry: the same answer, nothing written twice.
    let db = server.database().await;
    let events = || async {
        status_event::Entity::find()
            .filter(status_event::Column::Source.eq("api"))
            .count(&db)
            .await
            .unwrap()
    };
    let written = events().await;
    let replay = call.post(&path, Some("evento-1"), &event).await;
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.json::<Value>().await.unwrap(), first);
    assert_eq!(events().await, written);
    // The same key with another body: 422; no key: 400.
    let mut other = event.clone();
    other["public_note"] = json!("Altro");
    let (status, problem) = call.post_json(&path, Some("evento-1"), &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem["type"],
        "/api/v1/docs#problem-idempotency-key-reused"
    );
    let (status, _) = call.post_json(&path, None, &other).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Duplicates sent together: one records the event, the others wait for
    // it and get its answer.
    let written = events().await;
    let together = json!({
        "state_id": call.state("Permesso di costruire", "Istruttoria").await,
        "occurred_at": days_ago(4),
    });
    let duplicates: Vec<_> = (0..6)
        .map(|_| {
            let request = server
                .client
                .post(server.url(&path))
                .bearer_auth(&token)
                .header("idempotency-key", "insieme")
                .json(&together);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                let replayed = response.headers().contains_key("idempotent-replayed");
                (
                    response.status(),
                    replayed,
                    response.json::<Value>().await.unwrap(),
                )
            })
        })
        .collect();
    let mut answers = Vec::new();
    for duplicate in duplicates {
        answers.push(duplicate.await.unwrap());
    }
    assert!(
        answers
            .iter()
            .all(|(status, _, body)| *status == StatusCode::CREATED && *body == answers[0].2),
        "{answers:?}"
    );
    assert_eq!(
        answers.iter().filter(|(_, replayed, _)| !replayed).count(),
        1
    );
    assert_eq!(events().await, written + 1);

    // A second request for documents suspends nothing: a warning.
    let review = call.state("Permesso di costruire", "Istruttoria").await;
    let (status, _) = call
        .post_json(
            &path,
            Some("evento-2"),
            &json!({"state_id": review, "occurred_at": days_ago(3)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, second) = call
        .post_json(
            &path,
            Some("evento-3"),
            &json!({"state_id": request, "occurred_at": days_ago(2), "public_note": "Manca anche la planimetria."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["warnings"], json!(["repeated_documents_request"]));

    // Personal data in the public note: refused unless confirmed.
    let personal = json!({"state_id": review, "occurred_at": days_ago(1), "public_note": "Chiami il 333 1234567"});
    let (status, problem) = call.post_json(&path, Some("evento-4"), &personal).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "personal_data");
    let mut confirmed = personal.clone();
    confirmed["confirm_personal_data"] = json!(true);
    let (status, _) = call.post_json(&path, Some("evento-4"), &confirmed).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a refused key may be used again"
    );

    // Another body's pratica: 404, nothing written.
    let written = events().await;
    let (status, _) = call
        .post_json(
            &format!("/api/v1/pratiche/{VAL_SERENA_CODE}/events"),
            Some("evento-5"),
            &event,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(events().await, written);

    // The citizen sees the public notes, not the internal one.
    let page = server
        .get(&format!("/p/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Serve la relazione geologica firmata."));
    assert!(!page.contains("Sollecitato"));

    // Expired keys are purged by the job; fresh ones are kept.
    let keep = chrono::Duration::hours(24);
    let keys = idempotency_key::Entity::find().count(&db).await.unwrap();
    let purged = pratiche_server::api::idempotency::purge_expired(&db, keep, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(purged, 0);
    let purged = pratiche_server::api::idempotency::purge_expired(
        &db,
        keep,
        chrono::Utc::now() + chrono::Duration::hours(25),
    )
    .await
    .unwrap();
    assert_eq!(purged, keys);
    assert_eq!(idempotency_key::Entity::find().count(&db).await.unwrap(), 0);
}

async fn late_events_are_filed_in_their_place(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("PROT.2026.7", 10).await;
    let path = format!("/api/v1/pratiche/{code}/events");
    let state = |name: &'static str| call.state("Permesso di costruire", name);
    let (review, assigned, granted) = (
        state("Istruttoria").await,
        state("Assegnata al responsabile").await,
        state("Accolta").await,
    );
    let (status, _) = call
        .post_json(
            &path,
            Some("a"),
            &json!({"state_id": review, "occurred_at": days_ago(2)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Late, but legal in its place: filed there; the current phase stays.
    let (status, late) = call
        .post_json(
            &path,
            Some("b"),
            &json!({"state_id": assigned, "occurred_at": days_ago(5)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{late}");
    assert_eq!(late["state_id"], review);
    let (_, read) = call.get(&format!("/api/v1/pratiche/{code}")).await;
    let states: Vec<i64> = read["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["state_id"].as_i64().unwrap())
        .collect();
    assert_eq!(&states[1..], [assigned, review]);
    assert_eq!(read["phase"], "in_review");
    // Late and it would make the later event illegal: refused.
    let (status, problem) = call
        .post_json(
            &path,
            Some("c"),
            &json!({"state_id": granted, "occurred_at": days_ago(4)}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "breaks_later_event");
    let (_, unchanged) = call.get(&format!("/api/v1/pratiche/{code}")).await;
    assert_eq!(unchanged["history"].as_array().unwrap().len(), 3);
}

async fn batches_apply_item_by_item(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0200", 10).await;
    call.create("2026/0201", 10).await;
    let review = call.state("Permesso di costruire", "Istruttoria").await;
    let items = json!([
        {"idempotency_key": "b-1", "code": code, "event": {"state_id": review, "occurred_at": days_ago(4)}},
        {"idempotency_key": "b-2", "own_reference": "2026/0201", "event": {"state_id": review, "occurred_at": days_ago(3)}},
        {"idempotency_key": "b-3", "code": code, "event": {"state_id": review, "occurred_at": "ieri"}},
        {"idempotency_key": "b-4", "code": VAL_SERENA_CODE, "event": {"state_id": review, "occurred_at": days_ago(2)}},
        {"idempotency_key": "b-5", "code": code, "event": {"state_id": review, "occurred_at": days_ago(1)}, "extra": 1},
    ]);
    let (status, answer) = call.post_json("/api/v1/events/batch", None, &items).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let statuses = statuses_of(&answer);
    assert_eq!(statuses, [201, 201, 422, 404, 422]);
    assert_eq!(
        answer["results"][2]["result"]["errors"][0]["pointer"],
        "/2/event/occurred_at"
    );
    assert_eq!(
        (answer["succeeded"].as_i64(), answer["failed"].as_i64()),
        (Some(2), Some(3))
    );

    // NDJSON, with the first item again (replayed) and a line that is not JSON.
    let lines = format!(
        "{}\nnot json\n{}\n",
        items[0],
        json!({"idempotency_key": "b-6", "code": code, "event": {"state_id": review, "occurred_at": days_ago(1)}})
    );
    let response = server
        .client
        .post(server.url("/api/v1/events/batch"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/x-ndjson")
        .body(lines)
        .send()
        .await
        .unwrap();
    let answer: Value = response.json().await.unwrap();
    let statuses = statuses_of(&answer);
    assert_eq!(statuses, [201, 400, 201]);
    let (_, read) = call.get(&format!("/api/v1/pratiche/{code}")).await;
    assert_eq!(
        read["history"].as_array().unwrap().len(),
        3,
        "b-1 once, b-6"
    );
}

/// A batch's items are queued together and share commits: those on the
/// same pratica still apply in the batch's order, and each audit entry says
/// what the pratica was just before it (not what it was when the batch
/// arrived).
async fn a_batchs_items_on_one_pratica_apply_and_are_audited_in_order(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0300", 10).await;
    let state = |name: &'static str| call.state("Permesso di costruire", name);
    let (assigned, review) = (
        state("Assegnata al responsabile").await,
        state("Istruttoria").await,
    );
    let items = json!([
        {"idempotency_key": "o-1", "code": code, "event": {"state_id": assigned, "occurred_at": days_ago(3)}},
        {"idempotency_key": "o-2", "code": code, "event": {"state_id": review, "occurred_at": days_ago(2)}},
        {"idempotency_key": "o-3", "code": code, "event": {"state_id": assigned, "occurred_at": days_ago(1), "correction_reason": "Riassegnata"}},
    ]);
    let (status, answer) = call.post_json("/api/v1/events/batch", None, &items).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(statuses_of(&answer), [201, 201, 201], "{answer}");
    assert_eq!(answer["results"][1]["result"]["phase"], "in_review");
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityId.eq(&code))
        .filter(audit_entry::Column::Action.is_in(["status_change", "correction"]))
        .order_by_asc(audit_entry::Column::Id)
        .all(&server.database().await)
        .await
        .unwrap();
    let steps: Vec<(Value, Value)> = entries
        .iter()
        .map(|entry| {
            let state = entry
                .changes
                .as_array()
                .unwrap()
                .iter()
                .find(|change| change["field"] == "state");
            let state = state.expect("each event's entry names the state");
            (state["old"].clone(), state["new"].clone())
        })
        .collect();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert_eq!(
        steps[1].0, steps[0].1,
        "the second step starts where the first ended: {steps:?}"
    );
    assert_eq!(
        steps[2].0, steps[1].1,
        "the third step starts where the second ended: {steps:?}"
    );
    assert_eq!(
        (steps[1].1.as_str(), steps[2].1.as_str()),
        (Some("Istruttoria"), Some("Assegnata al responsabile"))
    );
}

async fn the_feed_follows_commits(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let (status, first) = call.get("/api/v1/changes?limit=5").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["changes"].as_array().unwrap().len(), 5);
    assert_eq!(first["has_more"], true);
    // Everything from the start, page by page, is the body's whole history.
    let mut cursor = "0".to_owned();
    let mut seen = Vec::new();
    loop {
        let (_, page) = call
            .get(&format!("/api/v1/changes?after={cursor}&limit=7"))
            .await;
        for change in page["changes"].as_array().unwrap() {
            seen.push(change["position"].as_i64().unwrap());
            assert_ne!(change["code"], VAL_SERENA_CODE);
        }
        cursor = page["next_cursor"].as_str().unwrap().to_owned();
        if page["has_more"] == false {
            break;
        }
    }
    let code = call.create("FEED/1", 3).await;
    let (_, page) = call.get(&format!("/api/v1/changes?after={cursor}")).await;
    assert_eq!(page["changes"][0]["code"], code.as_str());
    assert_eq!(page["changes"].as_array().unwrap().len(), 1);
    let db = server.database().await;
    let valdoria_events = status_event::Entity::find()
        .filter(status_event::Column::BodyId.eq(1))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(seen.len() as u64 + 1, valdoria_events);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "increasing, no repeats");
    let (status, _) = call.get("/api/v1/changes?after=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call.get("/api/v1/changes?limit=5000").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Spawns a client that pushes `count` events in the state `state_id` to the
/// pratica `code`, with the keys `{prefix}-0`, `{prefix}-1`…, and expects
/// each to be recorded.
fn spawn_pushes(
    server: &TestServer,
    token: &str,
    code: &str,
    prefix: String,
    count: usize,
    state_id: i64,
) -> tokio::task::JoinHandle<()> {
    let (client, url, token) = (
        server.client.clone(),
        server.url(&format!("/api/v1/pratiche/{code}/events")),
        token.to_owned(),
    );
    tokio::spawn(async move {
        for event in 0..count {
            let response = client
                .post(&url)
                .bearer_auth(&token)
                .header("idempotency-key", format!("{prefix}-{event}"))
                .json(
                    &json!({"state_id": state_id, "occurred_at": chrono::Utc::now().to_rfc3339()}),
                )
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert_eq!(
                status,
                StatusCode::CREATED,
                "{}",
                response.text().await.unwrap()
            );
        }
    })
}

/// Writers commit while a reader follows the feed: the reader ends up with
/// every event, each once.
async fn concurrent_writers_never_make_the_feed_skip(backend: Backend) {
    // The reader polls in a tight loop: no rate limit.
    let Some((server, token)) = valdoria_api(backend, &[("PRATICHE_API_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let review = call.state("Permesso di costruire", "Istruttoria").await;
    let mut codes = Vec::new();
    for writer in 0..4 {
        codes.push(call.create(&format!("CONC/{writer}"), 20).await);
    }
    let (_, start) = call.get("/api/v1/changes?limit=1000").await;
    let mut cursor = start["next_cursor"].as_str().unwrap().to_owned();
    let writers: Vec<_> = codes
        .iter()
        .enumerate()
        .map(|(writer, code)| spawn_pushes(&server, &token, code, format!("w{writer}"), 15, review))
        .collect();
    let mut seen = Vec::new();
    let read = async |cursor: &mut String, seen: &mut Vec<i64>| {
        let (_, page) = call
            .get(&format!("/api/v1/changes?after={cursor}&limit=3"))
            .await;
        for change in page["changes"].as_array().unwrap() {
            seen.push(change["position"].as_i64().unwrap());
        }
        *cursor = page["next_cursor"].as_str().unwrap().to_owned();
    };
    while writers.iter().any(|writer| !writer.is_finished()) {
        read(&mut cursor, &mut seen).await;
    }
    for writer in writers {
        writer.await.unwrap();
    }
    loop {
        let before = seen.len();
        read(&mut cursor, &mut seen).await;
        if seen.len() == before {
            break;
        }
    }
    assert_eq!(seen.len(), 60, "every event once: {seen:?}");
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), 60);
}

/// Clients pushing to the same pratica at once all succeed: the writes queue
/// on the pratica instead of failing as conflicts (PostgreSQL runs them
/// concurrently; this answered 409 to about one push in four before).
async fn concurrent_events_of_one_pratica_are_all_recorded(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[("PRATICHE_API_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let review = call.state("Permesso di costruire", "Istruttoria").await;
    let code = call.create("SAME/1", 20).await;
    let writers: Vec<_> = (0..6)
        .map(|writer| spawn_pushes(&server, &token, &code, format!("same-{writer}"), 5, review))
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let (_, pratica) = call.get(&format!("/api/v1/pratiche/{code}")).await;
    assert_eq!(pratica["history"].as_array().unwrap().len(), 31);
}

async fn limits_are_enforced(backend: Backend) {
    // The token endpoint counts apart, per client id.
    let limits = [
        ("PRATICHE_API_PER_MINUTE", "1"),
        ("PRATICHE_API_BURST", "6"),
    ];
    let Some((server, token)) = valdoria_api(backend, &limits).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("LIM/1", 3).await; // 2 requests: the type lookup, the creation
    // 64 KiB per request, before the body is parsed.
    let path = format!("/api/v1/pratiche/{code}/events");
    let huge =
        json!({"state_id": 1, "occurred_at": days_ago(1), "internal_note": "x".repeat(70_000)});
    let response = call.post(&path, Some("big"), &huge).await; // 3
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(is_problem(&response));
    // Not JSON.
    let response = server
        .client
        .post(server.url(&path))
        .bearer_auth(&token)
        .header("idempotency-key", "xml")
        .header(CONTENT_TYPE, "application/xml")
        .body("<event/>")
        .send()
        .await
        .unwrap(); // 4
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The burst is spent: 429 with Retry-After.
    let mut limited = None;
    for _ in 0..3 {
        let response = server
            .client
            .get(server.url("/api/v1/procedure-types"))
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the limit is reached");
    assert!(is_problem(&limited));
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    // Another client of the body is not held back.
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let (id, secret) = new_client(&server, &admin, "Gestionale").await;
    let other = token_for(&server, &id, &secret).await;
    let (status, _) = Call {
        server: &server,
        token: &other,
    }
    .get("/api/v1/procedure-types")
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// Text that once panicked the personal-data check (fullwidth digits where
/// an IBAN has its check digits): the single push and the batch answer every
/// item, and the batch's earlier items are answered too.
async fn notes_in_any_script_never_break_an_answer(backend: Backend) {
    let Some((server, token)) = valdoria_api(backend, &[]).await else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let code = call.create("2026/0300", 10).await;
    let review = call.state("Permesso di costruire", "Istruttoria").await;
    let notes = [
        "IT００12345678901",
        "Conto IT\u{ff10}\u{ff10}X0542811101000000123456",
        "Codice ſſſſſſ85T10A562S e K\u{212A}",
        "٣٤٧ ١٢٣ ٤٥٦٧",
    ];
    for (n, note) in notes.iter().enumerate() {
        let event =
            json!({"state_id": review, "public_note": note, "occurred_at": days_ago(5 - n as i64)});
        let (status, answer) = call
            .post_json(
                &format!("/api/v1/pratiche/{code}/events"),
                Some(&format!("nota-{n}")),
                &event,
            )
            .await;
        assert!(
            status == StatusCode::CREATED || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{note}: {status} {answer}"
        );
    }
    let items: Vec<Value> = notes
        .iter()
        .enumerate()
        .map(|(n, note)| {
            json!({"idempotency_key": format!("lotto-{n}"), "code": code,
                   "event": {"state_id": review, "public_note": note, "occurred_at": days_ago(1)}})
        })
        .collect();
    let (status, answer) = call
        .post_json("/api/v1/events/batch", None, &Value::Array(items))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(statuses_of(&answer).len(), notes.len(), "{answer}");
}

async fn failed_token_requests_are_counted_per_address(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let admin = server.sign_in_demo("demo-admin-valdoria").await;
    let (id, secret) = new_client(&server, &admin, "Protocollo").await;
    let request = |id: String, secret: &str| {
        server
            .client
            .post(server.url("/api/v1/token"))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    // Anything that is not a client id is refused as an unknown client,
    // whatever its size, and so is a wrong secret.
    for n in 0..10 {
        let id = format!("pc_{}", "f".repeat(n * 1000));
        let response = request(id, "x").await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["error"], "invalid_client");
    }
    for _ in 0..10 {
        let response = request(id.clone(), "wrong secret").await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Twenty failures from this address: now even the right secret waits.
    let response = request(id.clone(), &secret).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        response
            .headers()
            .contains_key(reqwest::header::RETRY_AFTER)
    );
}
