//! Purges that each server instance runs now and then: expired idempotency
//! keys, sign-in counters that no longer count.

use std::future::Future;
use std::time::Duration;

use pratiche_db::DbErr;

/// Runs `purge` every `every` (the first time at once) for as long as the
/// server runs; `what` names what it deletes in the log.
pub fn spawn_every<F, Fut>(every: Duration, what: &'static str, purge: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<u64, DbErr>> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            match purge().await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "{what} purged"),
                Err(error) => tracing::error!(%error, "cannot purge {what}"),
            }
        }
    });
}
