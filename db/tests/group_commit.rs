//! Group commit: on SQLite, writes queued together share one commit, in the
//! order they were queued; one that discards its writes, or fails, takes
//! back only its own (its savepoint); every caller hears only after the
//! commit. On PostgreSQL each write has its own transaction, with the same
//! outcomes, in the same order.

use std::cell::RefCell;

use pratiche_db::group_commit::{GroupCommit, Outcome};
use pratiche_db::{ConnectionTrait, DatabaseConnection, DbErr};
use support::TestDatabase;

mod support;

thread_local! {
    /// Each commit's size, as the writer reports it: per thread, as each
    /// test runs on its own runtime's one thread, its writer too.
    static GROUPS: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

fn observe(size: usize) {
    GROUPS.with_borrow_mut(|groups| groups.push(size));
}

fn groups() -> Vec<usize> {
    GROUPS.with_borrow(Clone::clone)
}

async fn numbers(db: &DatabaseConnection) -> Vec<i64> {
    db.query_all_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT n FROM written ORDER BY position",
    ))
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get::<i64>("", "n").unwrap())
    .collect()
}

/// Queues `n`'s insert (unique: a second 7 fails); `keep` false discards it.
async fn queue_insert(
    writes: &GroupCommit,
    n: i64,
    keep: bool,
) -> pratiche_db::group_commit::Queued<i64> {
    writes
        .queue(move |txn| {
            Box::pin(async move {
                let backend = txn.get_database_backend();
                txn.execute_raw(sea_orm::Statement::from_sql_and_values(
                    backend,
                    match backend {
                        sea_orm::DbBackend::Postgres => {
                            "INSERT INTO written (n, position) VALUES ($1, (SELECT COUNT(*) FROM written))"
                        }
                        _ => "INSERT INTO written (n, position) VALUES (?, (SELECT COUNT(*) FROM written))",
                    },
                    [n.into()],
                ))
                .await?;
                Ok(if keep {
                    Outcome::Keep(n)
                } else {
                    Outcome::Discard(n)
                })
            })
        })
        .await
        .unwrap()
}

async fn writes_share_commits_in_order(url: &str) {
    let db = pratiche_db::connect(url).await.unwrap();
    db.execute_unprepared(
        "CREATE TABLE written (n BIGINT UNIQUE NOT NULL, position BIGINT NOT NULL)",
    )
    .await
    .unwrap();
    let writes = GroupCommit::start(db.clone(), observe);

    // Queued before the writer runs (this test's runtime has one thread):
    // one group, in order; the discarded 3 and the second 7 leave no row.
    let mut queued = Vec::new();
    for (n, keep) in [
        (1, true),
        (2, true),
        (3, false),
        (7, true),
        (7, true),
        (5, true),
    ] {
        queued.push(queue_insert(&writes, n, keep).await);
    }
    let mut outcomes = Vec::new();
    for write in queued {
        outcomes.push(write.outcome().await.map_err(|error| error.to_string()));
    }
    assert_eq!(outcomes[..4], [Ok(1), Ok(2), Ok(3), Ok(7)]);
    assert!(outcomes[4].is_err(), "the second 7 fails: {outcomes:?}");
    assert_eq!(outcomes[5], Ok(5));
    assert_eq!(numbers(&db).await, [1, 2, 7, 5]);
    let grouped = db.get_database_backend() == sea_orm::DbBackend::Sqlite;
    let commits = if grouped { vec![6] } else { vec![1; 6] };
    assert_eq!(groups(), commits, "one commit for the six on SQLite");

    // One at a time, each is its own group.
    assert_eq!(
        writes
            .run(|txn| Box::pin(async move { count(txn).await }))
            .await
            .unwrap(),
        4
    );
    assert_eq!(groups().len(), commits.len() + 1);
}

async fn count(txn: &pratiche_db::DatabaseTransaction) -> Result<Outcome<i64>, DbErr> {
    let row = txn
        .query_one_raw(sea_orm::Statement::from_string(
            txn.get_database_backend(),
            "SELECT COUNT(*) AS total FROM written",
        ))
        .await?
        .expect("a count");
    Ok(Outcome::Keep(row.try_get::<i64>("", "total")?))
}

#[tokio::test]
async fn sqlite_writes_share_commits_in_order() {
    let database = TestDatabase::sqlite();
    writes_share_commits_in_order(database.url()).await;
}

#[tokio::test]
async fn postgres_writes_share_commits_in_order() {
    let Some(database) = TestDatabase::postgres("group_commit").await else {
        return;
    };
    writes_share_commits_in_order(database.url()).await;
    database.remove().await;
}
