//! The benchmark's synthetic pratiche: histories of 3 to 8 events that
//! follow their type's transitions and never reach past today, and copies of
//! them that hold what the write path would have stored.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use pratiche_db::entity::{body, case, status_event};
use pratiche_db::{DatabaseConnection, cases, clock, demo, load};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use support::TestDatabase;

mod support;

/// A migrated database with the demo data; the id of its last pratica.
async fn with_demo(url: &str) -> (DatabaseConnection, i32) {
    let db = pratiche_db::connect(url).await.unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    demo::load_if_empty(
        &db,
        Utc::now(),
        clock::rome_date(Utc::now()),
        "not-a-real-hash",
    )
    .await
    .unwrap();
    let last_demo_case = case::Entity::find()
        .order_by_desc(case::Column::Id)
        .one(&db)
        .await
        .unwrap()
        .map_or(0, |case| case.id);
    (db, last_demo_case)
}

async fn events_after(db: &DatabaseConnection, case_id: i32) -> Vec<status_event::Model> {
    status_event::Entity::find()
        .filter(status_event::Column::CaseId.gt(case_id))
        .order_by_asc(status_event::Column::Id)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_generated_pratica_has_three_to_eight_events_up_to_today() {
    let database = TestDatabase::sqlite();
    let (db, last_demo_case) = with_demo(database.url()).await;
    let today = clock::rome_date(Utc::now());

    // 100 written through the write path, 200 copied.
    let written = load::generate(&db, 300, 100, 7, today).await.unwrap();

    let events = events_after(&db, last_demo_case).await;
    let mut per_case = HashMap::<i32, u32>::new();
    for event in &events {
        *per_case.entry(event.case_id).or_default() += 1;
        assert!(
            event.occurred_at.date_naive() <= today,
            "an event after today"
        );
    }
    assert_eq!(events.len() as u64, written);
    assert_eq!(per_case.len(), 300);
    assert!(
        per_case.values().all(|count| (3..=8).contains(count)),
        "{per_case:?}"
    );
}

/// Copies repeat a written history each, under a code, own reference and
/// search text of their own; their stored clock is what a recomputation
/// finds; their events continue each body's feed without gaps or repeats.
async fn copies_hold_what_the_write_path_would_store(url: &str) {
    const WRITTEN: i32 = 150;
    let (db, last_demo_case) = with_demo(url).await;
    let today = clock::rome_date(Utc::now());

    load::generate(&db, 1_200, WRITTEN as u64, 3, today)
        .await
        .unwrap();

    let generated = case::Entity::find()
        .filter(case::Column::Id.gt(last_demo_case))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(generated.len(), 1_200);
    for pratica in &generated {
        assert_eq!(
            pratica.search_text,
            cases::search_text(
                *pratica.code,
                pratica.own_reference.as_deref(),
                &pratica.subject
            )
        );
    }
    let generated_filter = Condition::all().add(case::Column::Id.gt(last_demo_case));
    assert_eq!(
        clock::recompute_where(&db, generated_filter).await.unwrap(),
        0
    );

    let mut histories: BTreeMap<i32, Vec<_>> = BTreeMap::new();
    for event in events_after(&db, last_demo_case).await {
        histories.entry(event.case_id).or_default().push((
            event.state_id,
            event.public_phase,
            event.occurred_at,
            event.extension_days,
        ));
    }
    let written: HashSet<_> = histories
        .range(..=last_demo_case + WRITTEN)
        .map(|(_, history)| history.clone())
        .collect();
    let copied: Vec<_> = histories.range(last_demo_case + WRITTEN + 1..).collect();
    assert_eq!(copied.len(), 1_200 - WRITTEN as usize);
    for (id, history) in copied {
        assert!(written.contains(history), "pratica {id}: {history:?}");
    }

    for body in body::Entity::find().all(&db).await.unwrap() {
        let mut positions: Vec<i64> = status_event::Entity::find()
            .filter(status_event::Column::BodyId.eq(body.id))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|event| event.feed_position)
            .collect();
        positions.sort_unstable();
        let expected: Vec<i64> = (1..=body.feed_position).collect();
        assert_eq!(positions, expected, "feed of {}", body.slug);
    }
}

#[tokio::test]
async fn sqlite_copies_hold_what_the_write_path_would_store() {
    let database = TestDatabase::sqlite();
    copies_hold_what_the_write_path_would_store(database.url()).await;
}

#[tokio::test]
async fn postgres_copies_hold_what_the_write_path_would_store() {
    let Some(database) = TestDatabase::postgres("load").await else {
        return;
    };
    copies_hold_what_the_write_path_would_store(database.url()).await;
    database.remove().await;
}

/// The tables the retention job deletes from in bulk are vacuumed after 1%
/// of their rows changed (migration 17), so the dashboard's index-only
/// scans stay cheap after an erasure.
#[tokio::test]
async fn postgres_vacuums_the_pratiche_early() {
    use sea_orm::ConnectionTrait;
    let Some(database) = TestDatabase::postgres("autovacuum").await else {
        return;
    };
    let db = pratiche_db::connect(database.url()).await.unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    for table in ["cases", "status_events"] {
        let options: String = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT array_to_string(reloptions, ',') AS o FROM pg_class WHERE relname = '{table}'"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "o")
            .unwrap();
        for option in [
            "autovacuum_vacuum_scale_factor=0.01",
            "autovacuum_analyze_scale_factor=0.01",
            "autovacuum_vacuum_insert_scale_factor=0.01",
        ] {
            assert!(options.contains(option), "{table}: {options}");
        }
    }
    db.close().await.unwrap();
    database.remove().await;
}
