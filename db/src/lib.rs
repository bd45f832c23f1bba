//! Persistence of Pratiche on SQLite (embedded, the default) or PostgreSQL,
//! with one set of migrations.

pub mod accounts;
pub mod api_clients;
pub mod audit;
pub mod backup;
pub mod bodies;
pub mod cases;
pub mod clock;
pub mod demo;
pub mod entity;
pub mod feed;
pub mod group_commit;
pub mod idempotency;
pub mod load;
pub mod migration;
pub mod notifications;
pub mod procedure_types;
pub mod public;
pub mod rate_limits;
pub mod retention;
mod sql_once;
pub mod transparency;
pub mod webhooks;
mod with_children;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, ExecResult, QueryResult, SqliteTransactionMode, Statement,
    TransactionOptions,
};
use sea_orm_migration::MigratorTrait;

pub use sea_orm::{
    ActiveEnum, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqlErr,
    TransactionTrait,
};

/// Connections per pool. SQLite in WAL mode reads concurrently and writes one
/// at a time (IMMEDIATE transactions queue on the busy timeout).
const POOL_SIZE: u32 = 8;

/// A pooled connection idle at least this long is pinged before use.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// Opens the database named by `url`, creating a SQLite file if missing.
/// SQLite runs in WAL mode with `synchronous=FULL` (durable across power loss),
/// foreign keys on and a 5 s busy timeout.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(POOL_SIZE)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings a pooled connection before every use by default: a
        // second round trip per query. Only one left idle this long may have
        // been dropped (a PostgreSQL restart, a firewall); SQLite's cannot.
        .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
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

/// How long a writer waits for its turn, as SQLite's busy timeout would.
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite takes one writer at a time per database file. Writers of this
/// process queue here for their file's turn instead of in SQLite's busy
/// handler, which sleeps in growing steps (up to 100 ms) and so turns
/// contention into long tails and idle time. One turn per file, not per
/// process: a process with several databases open (the tests) must not make
/// a writer of one wait for another's. (Two spellings of one file's path get
/// two turns; SQLite's own lock and busy timeout still order them.)
/// PostgreSQL takes concurrent writers and needs no turn.
static SQLITE_WRITE_TURNS: LazyLock<Mutex<HashMap<PathBuf, Arc<Semaphore>>>> =
    LazyLock::new(Mutex::default);

/// The write turn of the SQLite file `db` opens.
fn sqlite_write_turn(db: &DatabaseConnection) -> Arc<Semaphore> {
    let options = db.get_sqlite_connection_pool().connect_options();
    let file = options.get_filename();
    let mut turns = SQLITE_WRITE_TURNS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(turn) = turns.get(file) {
        return Arc::clone(turn);
    }
    Arc::clone(
        turns
            .entry(file.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(1))),
    )
}

/// A write transaction, holding this process's turn to write its SQLite file until it
/// commits or rolls back. Derefs to the transaction; runs queries like it.
pub struct WriteTransaction {
    txn: DatabaseTransaction,
    _turn: Option<OwnedSemaphorePermit>,
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// Begins a write transaction: on SQLite, after taking this process's turn
/// to write the file, and `IMMEDIATE`, so a writer of another process waits for the lock
/// instead of failing when it upgrades from a read.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction, DbErr> {
    let turn = if db.get_database_backend() == DbBackend::Sqlite {
        let turn = tokio::time::timeout(WRITE_TURN_TIMEOUT, sqlite_write_turn(db).acquire_owned())
            .await
            .map_err(|_| DbErr::Custom("timed out waiting for the database write lock".into()))?
            .expect("the write turn is never closed");
        Some(turn)
    } else {
        None
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok(WriteTransaction { txn, _turn: turn })
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Whether the database refused a write for a unique index: a name, code or
/// key another row already has.
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
