//! The benchmark's synthetic pratiche: histories of 3 to 8 events that
//! follow their type's transitions and never reach past today.

use chrono::Utc;
use pratiche_db::entity::{case, status_event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

#[tokio::test]
async fn every_generated_pratica_has_three_to_eight_events_up_to_today() {
    let dir = tempfile::tempdir().unwrap();
    let db = pratiche_db::connect(&format!(
        "sqlite://{}/load.db?mode=rwc",
        dir.path().display()
    ))
    .await
    .unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    let today = pratiche_db::clock::rome_date(Utc::now());
    pratiche_db::demo::load_if_empty(&db, Utc::now(), today, "not-a-real-hash")
        .await
        .unwrap();
    let last_demo_case = case::Entity::find()
        .order_by_desc(case::Column::Id)
        .one(&db)
        .await
        .unwrap()
        .map_or(0, |case| case.id);

    let written = pratiche_db::load::generate(&db, 300, 7, today)
        .await
        .unwrap();

    let events = status_event::Entity::find()
        .filter(status_event::Column::CaseId.gt(last_demo_case))
        .all(&db)
        .await
        .unwrap();
    let mut per_case = std::collections::HashMap::<i32, u32>::new();
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
