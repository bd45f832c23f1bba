//! Jobs that each server instance runs now and then: purges (expired
//! idempotency keys, sign-in counters that no longer count, full rate
//! limits, pratiche closed past the retention period) and the queuing of
//! the day's reminders; and the
//! loop of the outboxes' workers (citizens' messages, webhooks).

use std::future::Future;
use std::time::Duration;

use pratiche_db::DbErr;

use crate::lifecycle::Lifecycle;

/// Runs `job` every `every` (the first time at once) for as long as the
/// server runs; `what` says in the log what the count it returns counts.
pub fn spawn_every<F, Fut>(every: Duration, what: &'static str, job: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<u64, DbErr>> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            match job().await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "{what}"),
                Err(error) => tracing::error!(%error, "failed: {what}"),
            }
        }
    });
}

/// How often an idle outbox worker looks for due rows.
const OUTBOX_POLL: Duration = Duration::from_secs(1);

/// Runs an outbox worker until the instance stops: `batch` claims and
/// delivers what is due and says how many rows it took; when there was
/// nothing (or the outbox could not be read) it waits a second. Once the
/// stop begins it claims nothing more; the batch it holds is finished
/// first ([`Lifecycle::finish`] waits for it).
pub fn spawn_outbox<F, Fut>(lifecycle: &Lifecycle, what: &'static str, batch: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<usize, DbErr>> + Send,
{
    let stop = lifecycle.clone();
    lifecycle.spawn_worker(async move {
        while !stop.is_stopping() {
            let worked = batch().await.unwrap_or_else(|error| {
                tracing::error!(%error, "cannot read the outbox: {what}");
                0
            });
            if worked == 0 {
                tokio::select! {
                    () = tokio::time::sleep(OUTBOX_POLL) => {}
                    () = stop.stopped() => {}
                }
            }
        }
        tracing::info!("stopped: {what}");
    });
}

/// Delivers claimed rows all at once, each with `deliver`; every delivery
/// ends before this returns (a row whose outcome could not be written is
/// tried again when its lease ends). How many there were, or the last
/// database error.
pub async fn deliver_all<T, F, Fut>(items: Vec<T>, deliver: F) -> Result<usize, DbErr>
where
    T: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: Future<Output = Result<(), DbErr>> + Send + 'static,
{
    let count = items.len();
    let mut sending = tokio::task::JoinSet::new();
    for item in items {
        sending.spawn(deliver(item));
    }
    let mut outcome = Ok(count);
    while let Some(delivered) = sending.join_next().await {
        if let Ok(Err(error)) = delivered {
            outcome = Err(error);
        }
    }
    outcome
}
