//! The legal clock through the real server, on SQLite and PostgreSQL: stored
//! due dates and their explanation on the public page, the highlighted
//! remedies once overdue, and the recompute command.

use chrono::{NaiveDate, Utc};
use pratiche_db::cases::{self, EventSource, NewCase, NewEvent};
use pratiche_db::entity::{procedure_state, procedure_type};
use pratiche_db::procedure_types::workflow_rules_of;
use pratiche_domain::CaseCode;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{Backend, TestServer};

on_both_databases!(
    a_request_for_documents_and_its_reply_move_the_due_date,
    an_overdue_pratica_puts_the_remedies_first,
    without_a_named_substitute_the_legal_default_applies,
    the_recompute_command_fixes_stale_due_dates,
    the_recompute_command_goes_in_batches_and_yields_to_a_concurrent_write,
    the_days_overdue_go_up_at_midnight_in_rome,
);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An event at 10:00 Rome time (09:00 UTC in winter and spring).
fn event_on(on: NaiveDate, state_id: i32) -> NewEvent {
    NewEvent {
        state_id,
        public_note: None,
        internal_note: None,
        occurred_at: on.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        recorded_by: None,
        source: EventSource::BackOffice,
        extension: None,
        observations_on: None,
        reply_by: None,
        correction_reason: None,
    }
}

/// A server whose clock starts at `instant`, whenever the test runs, with
/// no lookup limit.
async fn start_at(backend: Backend, instant: &str) -> Option<TestServer> {
    TestServer::start(
        backend,
        &[
            ("PRATICHE_LOOKUP_PER_MINUTE", "0"),
            ("PRATICHE_CLOCK_START", instant),
        ],
    )
    .await
}

async fn a_request_for_documents_and_its_reply_move_the_due_date(backend: Backend) {
    let Some(server) = start_at(backend, "2026-06-15T10:00:00Z").await else {
        return;
    };
    let db = server.database().await;
    let procedure = procedure_type::Entity::find()
        .filter(procedure_type::Column::Name.eq("Contributo per i libri di testo"))
        .one(&db)
        .await
        .unwrap()
        .expect("the demo procedure type");
    let states = procedure_state::Entity::find()
        .filter(procedure_state::Column::ProcedureTypeId.eq(procedure.id))
        .all(&db)
        .await
        .unwrap();
    let state = |name: &str| {
        states
            .iter()
            .find(|state| state.name == name)
            .expect(name)
            .id
    };

    // Submitted 24 February 2026, term 30 days, documents asked on 5 March
    // and received on 15 March: 10 days suspended. 24 February + 40 days is
    // Easter Sunday, 5 April 2026; Easter Monday follows: due 7 April.
    let code = CaseCode::generate();
    let txn = pratiche_db::begin_write(&db).await.unwrap();
    let new_case = NewCase {
        code,
        body_id: procedure.body_id,
        procedure_type_id: procedure.id,
        subject: "Contributo per i libri di testo".into(),
        own_reference: Some("SCU/2026/042".into()),
        submitted_on: date(2026, 2, 24),
        office_name: "Ufficio Servizi Scolastici".into(),
        responsible_name: "Dott. Marco Bellini".into(),
        responsible_contact: "scuola@comune.valdoria.example.it".into(),
    };
    let case = cases::register(
        &txn,
        new_case,
        event_on(date(2026, 2, 24), state("Protocollata")),
        Utc::now(),
    )
    .await
    .unwrap();
    let mut request = event_on(date(2026, 3, 5), state("Richiesta integrazioni"));
    request.reply_by = Some(date(2026, 3, 20));
    let workflow = workflow_rules_of(&txn, case.procedure_type_id)
        .await
        .unwrap();
    cases::record_event(
        &txn,
        &workflow,
        case.id,
        Some(case.version),
        request,
        Utc::now(),
    )
    .await
    .unwrap();
    cases::record_event(
        &txn,
        &workflow,
        case.id,
        None,
        event_on(date(2026, 3, 15), state("Istruttoria")),
        Utc::now(),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();

    let response = server.get(&format!("/p/{code}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    for expected in [
        // 7 April to 15 June.
        "7 aprile 2026 — scaduto da 69 giorni".to_owned(),
        "Richiesta di integrazioni dal 5 marzo 2026 al 15 marzo 2026: 10 giorni di sospensione.".into(),
        "Presentazione più termine, sospensioni e proroghe: 5 aprile 2026.".into(),
        "5 aprile 2026: domenica, il termine passa al giorno lavorativo successivo.".into(),
        "6 aprile 2026: festività (Lunedì dell'Angelo), il termine passa al giorno lavorativo successivo.".into(),
        "Termine per concludere: 7 aprile 2026.".into(),
        "<details class=\"clock-explanation\"><summary>Come è calcolata questa data</summary>".into(),
    ] {
        assert!(page.contains(&expected), "missing {expected:?}");
    }
}

async fn an_overdue_pratica_puts_the_remedies_first(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    // Demo: a 30-day procedure submitted 45 days ago, still under review.
    let page = server
        .get("/p/XJMV-NN29-WY74-G")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("scaduto da"), "the pratica is not overdue");
    let remedies = page
        .find(r#"class="card if-no-answer overdue""#)
        .expect("highlighted remedies");
    let status = page.find("Stato attuale").expect("status");
    assert!(remedies < status, "the remedies are not first once overdue");
    assert!(page.contains("senza una decisione"));
    assert!(
        page.contains("Dott.ssa Elena Marchi"),
        "the named substitute official is missing"
    );

    // Not overdue: the section is there, after the details, not highlighted.
    let page = server
        .get("/p/JYRH-CM4Q-3DY4-B")
        .await
        .text()
        .await
        .unwrap();
    let remedies = page.find(r#"class="card if-no-answer""#).expect("remedies");
    assert!(remedies > page.find("Dati della pratica").unwrap());
    assert!(!page.contains("if-no-answer overdue"));
}

async fn without_a_named_substitute_the_legal_default_applies(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    // Demo: the Unione named no substitute official.
    let page = server
        .get("/p/SF0P-Y0B2-F55Z-C")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("per legge è il funzionario di più elevato livello"));
    assert!(
        page.contains("suap@unione.valserena.example.it"),
        "the body's general contact is missing"
    );
}

async fn the_recompute_command_fixes_stale_due_dates(backend: Backend) {
    let Some(server) = TestServer::start(backend, &[("PRATICHE_LOOKUP_PER_MINUTE", "0")]).await
    else {
        return;
    };
    let db = server.database().await;
    // A change made behind the write path's back (as a data fix or a new
    // rule would be) leaves the stored dates stale.
    procedure_type::Entity::update_many()
        .col_expr(procedure_type::Column::TermDays, Expr::value(90))
        .filter(procedure_type::Column::Name.eq("Permesso di costruire"))
        .exec(&db)
        .await
        .unwrap();
    let page = server
        .get("/p/JYRH-CM4Q-3DY4-B")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Termine del procedimento: 60 giorni."),
        "the stored explanation is not what the page reads"
    );

    let output = server.run_command("recompute-due-dates");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The demo has four building permits; its pratica closed past the
    // retention period was erased at start.
    assert!(
        stdout.contains("11 pratiche examined, 4 changed"),
        "{stdout}"
    );

    let page = server
        .get("/p/JYRH-CM4Q-3DY4-B")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Termine del procedimento: 90 giorni."));
    let again = server.run_command("recompute-due-dates");
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 changed"));
}

/// Over more than one batch (500 a transaction) the command examines and
/// fixes every stale pratica. On PostgreSQL a write that commits while the
/// command waits to store its computation wins: the command's update is
/// guarded by the version it read and is dropped.
async fn the_recompute_command_goes_in_batches_and_yields_to_a_concurrent_write(backend: Backend) {
    use pratiche_db::entity::case;
    use sea_orm::sea_query::ExprTrait;
    use sea_orm::{Condition, ConnectionTrait, QueryOrder, TransactionTrait};
    let Some(server) = TestServer::start(backend, &[]).await else {
        return;
    };
    let db = server.database().await;
    let today = pratiche_db::clock::rome_date(Utc::now());
    pratiche_db::load::generate(&db, 1_200, 100, 5, today)
        .await
        .unwrap();
    let examined = case::Entity::find().all(&db).await.unwrap().len();
    assert!(examined > 1_000);
    let stale = case::Entity::update_many()
        .col_expr(case::Column::DueDate, Expr::value(date(2000, 1, 1)))
        .filter(case::Column::DueDate.is_not_null())
        .exec(&db)
        .await
        .unwrap()
        .rows_affected;
    assert!(stale > 500, "{stale}");
    let raced = case::Entity::find()
        .filter(case::Column::DueDate.is_not_null())
        .order_by_desc(case::Column::Id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let concurrent = date(2099, 1, 1);

    let mut command = server.command();
    command.arg("recompute-due-dates");
    let output = if backend == Backend::Postgres {
        // Another writer holds the row, uncommitted, while the command runs.
        let writer = db.begin().await.unwrap();
        case::Entity::update_many()
            .col_expr(case::Column::DueDate, Expr::value(concurrent))
            .col_expr(
                case::Column::Version,
                Expr::col(case::Column::Version).add(1),
            )
            .filter(case::Column::Id.eq(raced.id))
            .exec(&writer)
            .await
            .unwrap();
        let running = tokio::task::spawn_blocking(move || command.output());
        wait_for_a_lock_wait(&db).await;
        writer.commit().await.unwrap();
        running.await.unwrap()
    } else {
        command.output()
    }
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let changed = if backend == Backend::Postgres {
        stale - 1
    } else {
        stale
    };
    assert!(
        stdout.contains(&format!("{examined} pratiche examined, {changed} changed")),
        "{stdout}"
    );
    let others = Condition::all().add(case::Column::Id.ne(raced.id));
    assert_eq!(
        pratiche_db::clock::recompute_where(&db, others)
            .await
            .unwrap(),
        0
    );
    if backend == Backend::Postgres {
        let kept = case::Entity::find_by_id(raced.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            kept.due_date,
            Some(concurrent),
            "the concurrent write was overwritten"
        );
    }

    /// Waits until a session of the database waits for a row lock.
    async fn wait_for_a_lock_wait(db: &pratiche_db::DatabaseConnection) {
        for _ in 0..600 {
            let waiting = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT COUNT(*) AS n FROM pg_stat_activity \
                     WHERE wait_event_type = 'Lock' AND datname = current_database()",
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i64>("", "n")
                .unwrap();
            if waiting > 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the command never reached the locked row");
    }
}

/// The days a pratica is overdue are Rome days: with the server's clock
/// started 20 seconds before midnight in Rome (22:00 UTC in summer, two
/// hours before UTC's), the count goes up by one within seconds.
async fn the_days_overdue_go_up_at_midnight_in_rome(backend: Backend) {
    let started = std::time::Instant::now();
    let Some(server) = start_at(backend, "2026-06-15T21:59:40Z").await else {
        return;
    };
    // Demo: a 30-day procedure submitted 45 days before the demo's today.
    let overdue_days = || async {
        let page = server
            .get("/p/XJMV-NN29-WY74-G")
            .await
            .text()
            .await
            .unwrap();
        let after = page.split("scaduto da ").nth(1).expect("overdue");
        after[..after.find(' ').unwrap()].parse::<u32>().unwrap()
    };
    let before_midnight = overdue_days().await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(19),
        "the server took too long to start to see the evening"
    );
    loop {
        let days = overdue_days().await;
        if days != before_midnight {
            assert_eq!(days, before_midnight + 1);
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "still {days} days a minute later"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}
