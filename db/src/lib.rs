//! Persistence of Pratiche on SQLite (embedded, the default) or PostgreSQL,
//! with one set of migrations.

pub mod accounts;
pub mod admin;
pub mod api_clients;
pub mod audit;
pub mod backoffice;
pub mod cases;
pub mod clock;
pub mod demo;
pub mod entity;
pub mod feed;
pub mod idempotency;
pub mod load;
pub mod migration;
pub mod public;
pub mod settings;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use sea_orm::{DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqlErr};

/// Connections per pool. SQLite in WAL mode reads concurrently and writes one
/// at a time (IMMEDIATE transactions queue on the busy timeout).
const POOL_SIZE: u32 = 8;

/// Opens the database named by `url`, creating a SQLite file if missing.
/// SQLite runs in WAL mode with `synchronous=FULL` (durable across power loss),
/// foreign keys on and a 5 s busy timeout.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(POOL_SIZE)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // Statements may carry case codes: keep them out of the logs.
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// Begins a write transaction: `IMMEDIATE` on SQLite, so concurrent writers
/// wait for the lock instead of failing when they upgrade from a read.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}
