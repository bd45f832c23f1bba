//! The processing-time statistics as the database gives them, on SQLite and
//! PostgreSQL: the same as the pure rules over each pratica's stored
//! explanation; unchanged when the retention period erases pratiche (their
//! anonymous figures stand in); and the migration that gives old concluded
//! pratiche their conclusion's columns does so.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, Utc};
use pratiche_db::entity::case;
use pratiche_db::transparency::body_times;
use pratiche_db::{DatabaseConnection, clock, demo, load, retention};
use pratiche_domain::processing_times::{Conclusion, Figure, ProcessingTimes, summarise};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use support::TestDatabase;

mod support;

async fn with_pratiche(url: &str) -> DatabaseConnection {
    let db = pratiche_db::connect(url).await.unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    let now = Utc::now();
    demo::load_if_empty(&db, now, clock::rome_date(now), "not-a-real-hash")
        .await
        .unwrap();
    // 150 through the write path, 450 copies.
    load::generate(&db, 600, 150, 11, clock::rome_date(now))
        .await
        .unwrap();
    db
}

/// Every body's processing times, per type.
async fn all_times(db: &DatabaseConnection) -> BTreeMap<(i32, i32), ProcessingTimes> {
    let now = Utc::now();
    let mut all = BTreeMap::new();
    for body in pratiche_db::bodies::all_bodies(db).await.unwrap() {
        for (type_id, times) in body_times(db, body.id, now).await.unwrap().by_type {
            all.insert((body.id, type_id), times);
        }
    }
    all
}

/// The same, the slow way: every pratica's explanation parsed and its
/// conclusion taken from the clock's own rules.
async fn times_from_explanations(db: &DatabaseConnection) -> BTreeMap<(i32, i32), ProcessingTimes> {
    let today = clock::rome_date(Utc::now());
    let mut figures: HashMap<(i32, i32), Vec<Figure>> = HashMap::new();
    for case in case::Entity::find().all(db).await.unwrap() {
        let explanation = clock::from_json(case.due_explanation).unwrap();
        figures
            .entry((case.body_id, case.procedure_type_id))
            .or_default()
            .push(Figure {
                submitted_on: case.submitted_on,
                due_on: case.due_date,
                conclusion: explanation.as_ref().and_then(|explanation| {
                    Some(Conclusion {
                        on: explanation.concluded_on?,
                        days_used: explanation.days_used(),
                        in_time: explanation.concluded_in_time(),
                    })
                }),
            });
    }
    figures
        .into_iter()
        .map(|(key, figures)| (key, summarise(&figures, today)))
        .collect()
}

async fn statistics_hold(url: &str) {
    let db = with_pratiche(url).await;
    let before = all_times(&db).await;
    assert_eq!(before, times_from_explanations(&db).await);
    assert!(
        before
            .values()
            .any(|times| times.last_twelve_months.times.is_some()),
        "no type has enough conclusions to be measured: the test shows nothing"
    );

    // Everything closed is erased: only the figures stay.
    let erased = retention::erase_closed(&db, Utc::now() + Duration::days(1), Utc::now())
        .await
        .unwrap();
    assert!(erased.values().map(|erased| erased.pratiche).sum::<u64>() > 100);
    assert_eq!(
        case::Entity::find()
            .filter(case::Column::ClosedAt.is_not_null())
            .all(&db)
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(all_times(&db).await, before);
}

#[tokio::test]
async fn sqlite_statistics_are_the_clocks_and_survive_the_retention_period() {
    let database = TestDatabase::sqlite();
    statistics_hold(database.url()).await;
}

#[tokio::test]
async fn postgres_statistics_are_the_clocks_and_survive_the_retention_period() {
    let Some(database) = TestDatabase::postgres("statistics").await else {
        return;
    };
    statistics_hold(database.url()).await;
    database.remove().await;
}

/// Pratiche concluded before the columns existed: migration 20 fills them.
async fn old_conclusions_are_filled(url: &str) {
    let db = with_pratiche(url).await;
    let stored = all_times(&db).await;
    case::Entity::update_many()
        .col_expr(
            case::Column::ConcludedOn,
            Expr::value(None::<chrono::NaiveDate>),
        )
        .col_expr(case::Column::DaysUsed, Expr::value(None::<i32>))
        .col_expr(case::Column::ConcludedInTime, Expr::value(None::<bool>))
        .exec(&db)
        .await
        .unwrap();
    assert_ne!(all_times(&db).await, stored);
    db.execute_unprepared(
        "DELETE FROM seaql_migrations WHERE version = 'm20261206_000020_fill_conclusions'",
    )
    .await
    .unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    assert_eq!(all_times(&db).await, stored);
}

#[tokio::test]
async fn sqlite_the_migration_gives_old_conclusions_their_columns() {
    let database = TestDatabase::sqlite();
    old_conclusions_are_filled(database.url()).await;
}

#[tokio::test]
async fn postgres_the_migration_gives_old_conclusions_their_columns() {
    let Some(database) = TestDatabase::postgres("fill_conclusions").await else {
        return;
    };
    old_conclusions_are_filled(database.url()).await;
    database.remove().await;
}
