//! Sign-in counters and the demo data's one way in, on SQLite.

use chrono::{Duration, Utc};
use pratiche_db::accounts::{self, Attempt, NewUser};
use pratiche_db::entity::{body, sign_in_throttle};
use pratiche_domain::account::{Role, Username};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

async fn database() -> (tempfile::TempDir, DatabaseConnection) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/accounts.db?mode=rwc", dir.path().display());
    let db = pratiche_db::connect(&url).await.unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    (dir, db)
}

#[tokio::test]
async fn attempts_lock_decay_and_are_purged() {
    let (_dir, db) = database().await;
    let keys = ["account:mario".to_owned(), "client:192.0.2.1".to_owned()];
    let start = Utc::now();
    for n in 1..=4 {
        assert_eq!(
            accounts::reserve_attempt(&db, &keys, start).await.unwrap(),
            Attempt::Reserved { locked_after: None },
            "attempt {n}"
        );
    }
    // The fifth is still checked, but locks if it fails.
    let Attempt::Reserved {
        locked_after: Some(until),
    } = accounts::reserve_attempt(&db, &keys, start).await.unwrap()
    else {
        panic!("the fifth attempt locks");
    };
    assert_eq!(until, start + Duration::minutes(1));
    assert_eq!(
        accounts::reserve_attempt(&db, &keys, start).await.unwrap(),
        Attempt::Locked { until }
    );
    // Two minutes on, one failure more locks again, for longer.
    let later = start + Duration::minutes(2);
    assert_eq!(
        accounts::reserve_attempt(&db, &keys, later).await.unwrap(),
        Attempt::Reserved {
            locked_after: Some(later + Duration::minutes(2))
        }
    );
    // After an hour's quiet the failures have decayed: no lock.
    let quiet = later + Duration::minutes(61);
    assert_eq!(
        accounts::reserve_attempt(&db, &keys, quiet).await.unwrap(),
        Attempt::Reserved { locked_after: None }
    );
    // Nothing is purged while it still counts; all of it once quiet long enough.
    assert_eq!(accounts::purge_throttles(&db, quiet).await.unwrap(), 0);
    let forgotten = quiet + Duration::hours(3);
    assert_eq!(accounts::purge_throttles(&db, forgotten).await.unwrap(), 2);
    assert_eq!(
        sign_in_throttle::Entity::find().count(&db).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn demo_data_goes_only_into_an_empty_database() {
    let (_dir, db) = database().await;
    let now = Utc::now();
    let admin = NewUser {
        username: Username::parse("centro.servizi").unwrap(),
        display_name: "Centro servizi".into(),
        role: Role::ProvinceAdmin,
        body_id: None,
        password_hash: "not a hash".into(),
        demo: false,
    };
    accounts::create_user(&db, admin, now).await.unwrap();
    let loaded = pratiche_db::demo::load_if_empty(&db, now, now.date_naive(), "not a hash")
        .await
        .unwrap();
    assert!(!loaded, "demo data beside a real account");
    assert_eq!(body::Entity::find().count(&db).await.unwrap(), 0);
}
