//! Group commit: writes that arrive together share one transaction and so
//! one durable commit (on SQLite, one fsync), instead of one each.
//!
//! Callers hand a piece of work to [`GroupCommit::run`]; a writer task takes
//! every piece waiting in the queue (up to [`MOST_PER_COMMIT`]), runs each in
//! its own savepoint of one write transaction, commits, and only then gives
//! each caller its result. A piece that asks to be discarded (or fails) is
//! rolled back alone to its savepoint; the others stand. If the commit
//! fails, every caller of the group gets the error: nothing of the group was
//! acknowledged, so nothing acknowledged is lost, and a retry runs anew.
//!
//! On SQLite only: there each commit is an fsync and writers take turns
//! anyway. On PostgreSQL each piece runs in its own transaction, as before,
//! side by side with the others (see [`GroupCommit`]).
//!
//! Hand-written because it is a few dozen lines over tokio's channels and
//! sea-orm's nested transactions (savepoints); no maintained crate batches
//! async work into one database transaction.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::{Mutex, mpsc, oneshot};

/// Most pieces of work in one transaction: a bound on how long the first
/// caller of a group waits for the last one's work.
pub const MOST_PER_COMMIT: usize = 64;

/// Pieces waiting for a writer; beyond this, callers wait to queue.
const QUEUE_LENGTH: usize = 1_024;

/// A future borrowing the transaction it runs in.
pub type TxnFuture<'t, T> = Pin<Box<dyn Future<Output = T> + Send + 't>>;

/// What a piece of work decided about its own writes.
pub enum Outcome<T> {
    /// Commit them with the group; the caller gets `T` after the commit.
    Keep(T),
    /// Roll them back to the piece's savepoint; the caller still gets `T`
    /// (after the commit, like every answer of the group).
    Discard(T),
}

/// A piece of work, type-erased so that one queue carries every kind.
trait Job: Send {
    /// Runs the work in a savepoint of `txn`. An error here means the
    /// transaction itself is in doubt: the whole group is rolled back.
    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> TxnFuture<'a, Result<(), DbErr>>;

    /// Gives the caller its result, or the group's error.
    fn deliver(self: Box<Self>, group: Result<(), &DbErr>);
}

type Work<T> = Box<
    dyn for<'t> FnOnce(&'t DatabaseTransaction) -> TxnFuture<'t, Result<Outcome<T>, DbErr>> + Send,
>;

struct Pending<T> {
    work: Option<Work<T>>,
    result: Option<Result<T, DbErr>>,
    answer: oneshot::Sender<Result<T, DbErr>>,
}

impl<T: Send + 'static> Job for Pending<T> {
    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> TxnFuture<'a, Result<(), DbErr>> {
        Box::pin(async move {
            let Some(work) = self.work.take() else {
                return Ok(());
            };
            let savepoint = txn.begin().await?;
            self.result = Some(match work(&savepoint).await {
                Ok(Outcome::Keep(value)) => {
                    savepoint.commit().await?;
                    Ok(value)
                }
                Ok(Outcome::Discard(value)) => {
                    savepoint.rollback().await?;
                    Ok(value)
                }
                Err(error) => {
                    savepoint.rollback().await?;
                    Err(error)
                }
            });
            Ok(())
        })
    }

    fn deliver(self: Box<Self>, group: Result<(), &DbErr>) {
        let result = match (group, self.result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(DbErr::Custom("the write was not run".into())),
            (Err(error), _) => Err(DbErr::Custom(format!("the group's commit failed: {error}"))),
        };
        // A caller that went away no longer wants its answer.
        let _ = self.answer.send(result);
    }
}

type Queue = Arc<Mutex<mpsc::Receiver<Box<dyn Job>>>>;

/// Where writes go: on SQLite, the queue of the writer task that commits
/// them in groups; on PostgreSQL, each write's own transaction.
#[derive(Clone)]
pub struct GroupCommit(Mode);

#[derive(Clone)]
enum Mode {
    Grouped(mpsc::Sender<Box<dyn Job>>),
    /// PostgreSQL takes concurrent writers, and concurrent commits already
    /// share its WAL flushes (a backend flushing the log flushes every
    /// commit written before it): one writer would only serialise them
    /// (measured: 0.75 times the pushes a second; bench/RESULTS.md).
    Alone {
        db: DatabaseConnection,
        observe: fn(usize),
    },
}

impl GroupCommit {
    /// On SQLite, starts the writer. One: SQLite takes one writer at a time
    /// anyway, and one writer keeps the queue's order, which a batch's items
    /// on the same pratica rely on. `observe` is told how many pieces each
    /// commit carried.
    pub fn start(db: DatabaseConnection, observe: fn(usize)) -> Self {
        if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
            return Self(Mode::Alone { db, observe });
        }
        let (sender, receiver) = mpsc::channel(QUEUE_LENGTH);
        tokio::spawn(supervise(db, Arc::new(Mutex::new(receiver)), observe));
        Self(Mode::Grouped(sender))
    }

    /// Runs `work` in a savepoint of the next group's transaction (or in
    /// its own) and returns its result once that has committed.
    pub async fn run<T, F>(&self, work: F) -> Result<T, DbErr>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> TxnFuture<'t, Result<Outcome<T>, DbErr>>
            + Send
            + 'static,
    {
        self.queue(work).await?.outcome().await
    }

    /// Queues `work` and returns at once: works queued one after the other
    /// run in that order (a batch's items on the same pratica, say). On
    /// PostgreSQL the work waits, and runs when its outcome is awaited.
    pub async fn queue<T, F>(&self, work: F) -> Result<Queued<T>, DbErr>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> TxnFuture<'t, Result<Outcome<T>, DbErr>>
            + Send
            + 'static,
    {
        match &self.0 {
            Mode::Alone { db, observe } => Ok(Queued(Waiting::Held {
                db: db.clone(),
                observe: *observe,
                work: Box::new(work),
            })),
            Mode::Grouped(sender) => {
                let (answer, answered) = oneshot::channel();
                let job = Box::new(Pending {
                    work: Some(Box::new(work)),
                    result: None,
                    answer,
                });
                sender
                    .send(job)
                    .await
                    .map_err(|_| DbErr::Custom("the writer has stopped".into()))?;
                Ok(Queued(Waiting::Sent(answered)))
            }
        }
    }
}

/// A queued piece of work; its result comes after its commit.
pub struct Queued<T>(Waiting<T>);

enum Waiting<T> {
    /// With the writer; its answer comes from there.
    Sent(oneshot::Receiver<Result<T, DbErr>>),
    /// To run in its own transaction.
    Held {
        db: DatabaseConnection,
        observe: fn(usize),
        work: Work<T>,
    },
}

impl<T> Queued<T> {
    pub async fn outcome(self) -> Result<T, DbErr> {
        match self.0 {
            Waiting::Sent(answered) => answered
                .await
                .map_err(|_| DbErr::Custom("the writer stopped before answering".into()))?,
            Waiting::Held { db, observe, work } => {
                observe(1);
                let txn = crate::begin_write(&db).await?;
                match work(&txn).await {
                    Ok(Outcome::Keep(value)) => txn.commit().await.map(|()| value),
                    Ok(Outcome::Discard(value)) => txn.rollback().await.map(|()| value),
                    Err(error) => {
                        txn.rollback().await?;
                        Err(error)
                    }
                }
            }
        }
    }
}

/// Keeps the writer running: if it panicked (a bug in some piece of work,
/// whose callers then get an error), a new one takes the queue (hence the
/// queue behind a lock), so later writes still go.
async fn supervise(db: DatabaseConnection, queue: Queue, observe: fn(usize)) {
    loop {
        match tokio::spawn(write(db.clone(), queue.clone(), observe)).await {
            Ok(()) => return,
            Err(panic) => tracing::error!(%panic, "a group-commit writer stopped; restarting it"),
        }
    }
}

/// Takes the waiting pieces in groups until every sender is gone.
async fn write(db: DatabaseConnection, queue: Queue, observe: fn(usize)) {
    loop {
        let mut group = Vec::new();
        {
            let mut receiver = queue.lock().await;
            match receiver.recv().await {
                Some(job) => group.push(job),
                None => return,
            }
            while group.len() < MOST_PER_COMMIT {
                match receiver.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => break,
                }
            }
        }
        observe(group.len());
        let committed = commit_group(&db, &mut group).await;
        for job in group {
            job.deliver(committed.as_ref().map(|_| ()));
        }
    }
}

async fn commit_group(db: &DatabaseConnection, group: &mut [Box<dyn Job>]) -> Result<(), DbErr> {
    let txn = crate::begin_write(db).await?;
    for job in group.iter_mut() {
        job.run(&txn).await?;
    }
    txn.commit().await
}
