//! The end of the retention period: a pratica closed longer ago than
//! `PRATICHE_RETENTION_DAYS` answers the public like an unknown code at
//! once, and at start (and daily) the server erases it with its history,
//! keeping only anonymous figures, and counts what went in its body's audit
//! log; a pratica closed a little less long ago, and an open one, stay.

use std::time::{Duration, Instant};

use chrono::Utc;
use pratiche_db::entity::{audit_entry, case, closed_case_figure, status_event};
use pratiche_domain::PublicPhase;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

use crate::support::api::{Call, valdoria_api};
use crate::support::{Backend, without_code};

const WAIT: Duration = Duration::from_secs(20);

on_both_databases!(pratiche_closed_past_retention_are_erased_and_leave_only_figures);

async fn pratiche_closed_past_retention_are_erased_and_leave_only_figures(backend: Backend) {
    let Some((mut server, token)) =
        valdoria_api(backend, &[("PRATICHE_RETENTION_DAYS", "30")]).await
    else {
        return;
    };
    let call = Call {
        server: &server,
        token: &token,
    };
    let expired = call.create("RET-1", 40).await;
    let recent = call.create("RET-2", 40).await;
    let open = call.create("RET-3", 40).await;
    for code in [&expired, &recent] {
        call.record_now(code, "Istruttoria", json!({})).await;
        call.record_now(code, "Accolta", json!({})).await;
    }
    // Closed 30 days and an hour ago, and 30 days less an hour ago.
    let db = server.database().await;
    let now = Utc::now();
    let day = chrono::Duration::days(1);
    let hour = chrono::Duration::hours(1);
    for (reference, closed_at) in [
        ("RET-1", now - day * 30 - hour),
        ("RET-2", now - day * 30 + hour),
    ] {
        let row = case_by_reference(&db, reference).await.expect("registered");
        let mut row: case::ActiveModel = row.into();
        row.closed_at = Set(Some(closed_at));
        row.update(&db).await.unwrap();
    }
    let expired_row = case_by_reference(&db, "RET-1").await.unwrap();

    // Past the period by an hour: the public gets the unknown code's answer
    // (the body's API still reads it until it is erased); short of it by
    // an hour, the page is there.
    let unknown = pratiche_domain::CaseCode::generate().to_string();
    let mut answers = Vec::new();
    for code in [expired.as_str(), unknown.as_str()] {
        let response = server.get(&format!("/p/{code}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{code}");
        answers.push(without_code(&response.text().await.unwrap(), code));
    }
    assert_eq!(answers[0], answers[1], "expired and unknown answer alike");
    assert_eq!(
        server.get(&format!("/p/{recent}")).await.status(),
        StatusCode::OK
    );
    let (status, _) = call.get(&format!("/api/v1/pratiche/{expired}")).await;
    assert_eq!(status, StatusCode::OK);
    // A citizen who kept the code in "Le mie pratiche".
    let remembered = server
        .post_form("/mie-pratiche", "", &[("codice", expired.as_str())])
        .await;
    let cookie = remembered.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    // The job runs when the server starts (it ran at the first start too,
    // for the demo's long-closed pratiche).
    let restarted_at = Utc::now();
    server.restart_in_place().await;
    let start = Instant::now();
    while case_by_reference(&db, "RET-1").await.is_some() {
        assert!(start.elapsed() < WAIT, "the expired pratica is erased");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let call = Call {
        server: &server,
        token: &token,
    };
    let history = status_event::Entity::find()
        .filter(status_event::Column::CaseId.eq(expired_row.id))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(history, 0, "its history went with it");
    let (status, _) = call.get(&format!("/api/v1/pratiche/{expired}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        server.get(&format!("/p/{expired}")).await.status(),
        StatusCode::NOT_FOUND
    );
    for code in [&recent, &open] {
        let (status, body) = call.get(&format!("/api/v1/pratiche/{code}")).await;
        assert_eq!(status, StatusCode::OK, "{code} stays: {body}");
    }
    let home = server
        .client
        .get(server.url("/"))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains(expired.as_str()) && home.contains("Non trovata o non più consultabile"),
        "the remembered list says it is gone"
    );

    // What stays: when it started and ended, how, the days it used.
    let figures = closed_case_figure::Entity::find().all(&db).await.unwrap();
    let ours: Vec<_> = figures
        .iter()
        .filter(|figure| figure.erased_at >= restarted_at)
        .collect();
    assert_eq!(ours.len(), 1, "{figures:?}");
    let figure = ours[0];
    assert_eq!(figure.submitted_on, expired_row.submitted_on);
    assert_eq!(figure.procedure_type_id, expired_row.procedure_type_id);
    assert_eq!(figure.final_phase.0, PublicPhase::Approved);
    assert_eq!(figure.days_used, Some(40));
    assert_eq!(figure.in_time, Some(figure.term_days.unwrap() >= 40));

    // The body's audit log counts what went.
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("erase"))
        .all(&db)
        .await
        .unwrap();
    let ours: Vec<_> = entries
        .iter()
        .filter(|entry| entry.at >= restarted_at)
        .collect();
    assert_eq!(ours.len(), 1, "{entries:?}");
    assert_eq!(ours[0].body_id, Some(expired_row.body_id));
    assert_eq!(ours[0].actor, "retention");
    assert_eq!(ours[0].entity, "case");
    assert_eq!(
        ours[0].changes[0],
        json!({"field": "pratiche", "old": 1, "new": 0})
    );
    assert!(
        ours[0].changes[1]["old"].as_u64().unwrap() >= 3,
        "its events"
    );

    // Run again at once: nothing more goes.
    let again = pratiche_db::retention::erase_closed(&db, Utc::now() - day * 30, Utc::now())
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
}

/// A pratica by its own reference (the test's are unique).
async fn case_by_reference(
    db: &pratiche_db::DatabaseConnection,
    reference: &str,
) -> Option<case::Model> {
    case::Entity::find()
        .filter(case::Column::OwnReference.eq(reference))
        .one(db)
        .await
        .unwrap()
}
