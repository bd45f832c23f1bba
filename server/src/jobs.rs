//! Jobs that each server instance runs now and then: purges (expired
//! idempotency keys, sign-in counters that no longer count, the addresses
//! of long-closed pratiche) and the queuing of the day's reminders.

use std::future::Future;
use std::time::Duration;

use pratiche_db::DbErr;

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
