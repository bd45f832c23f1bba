//! The outbox shared by several instances: two workers, each with its own
//! connection pool (as two server processes have), claim concurrently and
//! never take the same row; on PostgreSQL through `FOR UPDATE SKIP LOCKED`,
//! on SQLite through its single writer.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use pratiche_db::notifications::{self, Channel, Claim};
use pratiche_db::{DatabaseConnection, demo};
use pratiche_domain::CaseCode;
use pratiche_domain::notify::EmailAddress;
use sea_orm::ConnectionTrait;
use support::TestDatabase;

mod support;

const ROWS: usize = 60;

async fn two_instances_never_claim_the_same_row(url: &str) {
    let first = pratiche_db::connect(url).await.unwrap();
    pratiche_db::migrate(&first).await.unwrap();
    let now = Utc::now();
    demo::load_if_empty(&first, now, now.date_naive(), "not-a-real-hash")
        .await
        .unwrap();
    let code = CaseCode::parse(demo::SHOWCASE_CODES[0]).unwrap();
    for n in 0..ROWS {
        let address = EmailAddress::parse(&format!("cittadino{n}@example.it")).unwrap();
        let queued = notifications::subscribe_email(&first, code, &address, "it", now)
            .await
            .unwrap();
        assert_eq!(queued, notifications::Subscribed::ConfirmationQueued);
    }
    let second = pratiche_db::connect(url).await.unwrap();
    let claim = Claim {
        channels: &[Channel::Email],
        batch: 4,
        lease: Duration::minutes(5),
        coalesce: Duration::zero(),
    };
    let worker = |db: DatabaseConnection| async move {
        let mut taken = Vec::new();
        loop {
            let claimed = notifications::claim_due(&db, claim, Utc::now())
                .await
                .unwrap();
            if claimed.is_empty() {
                return taken;
            }
            for item in claimed {
                notifications::mark_sent(&db, item.notification.id, Utc::now(), None)
                    .await
                    .unwrap();
                taken.push(item.notification.id);
            }
        }
    };
    let (a, b) = tokio::join!(
        tokio::spawn(worker(first.clone())),
        tokio::spawn(worker(second))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let all: HashSet<i64> = a.iter().chain(&b).copied().collect();
    assert_eq!(all.len(), a.len() + b.len(), "no row taken twice");
    assert_eq!(all.len(), ROWS, "every row taken");
    // Sent rows are never claimed again, whenever a worker looks.
    let later = Utc::now() + Duration::days(1);
    assert!(
        notifications::claim_due(&first, claim, later)
            .await
            .unwrap()
            .is_empty()
    );
    let sent = first
        .query_one_raw(sea_orm::Statement::from_string(
            first.get_database_backend(),
            "SELECT COUNT(*) AS n FROM notifications WHERE status = 'sent'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(sent as usize, ROWS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_instances_share_the_outbox() {
    let database = TestDatabase::sqlite();
    two_instances_never_claim_the_same_row(database.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_instances_share_the_outbox() {
    let Some(database) = TestDatabase::postgres("outbox").await else {
        return;
    };
    two_instances_never_claim_the_same_row(database.url()).await;
    database.remove().await;
}
