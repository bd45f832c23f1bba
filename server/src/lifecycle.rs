//! Stopping without failing anyone. On SIGTERM (or Ctrl-C) the instance
//! first says so on `/healthz` (503) while it goes on serving for the drain
//! period (`PRATICHE_DRAIN_SECONDS`), so a load balancer that checks it
//! sends new requests elsewhere; then it stops accepting connections and
//! finishes the requests under way (axum's graceful shutdown). The
//! outboxes' workers stop claiming new rows at once and finish what they
//! hold, so no delivery is cut halfway (one that were would be sent again
//! after its lease: at least once, never lost).

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Longest wait for the workers to finish what they hold.
const WORKERS_FINISH_WITHIN: Duration = Duration::from_secs(30);

/// The instance's stop: whether it has begun, and the workers to wait for.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    stopping: CancellationToken,
    workers: TaskTracker,
}

impl Lifecycle {
    pub fn is_stopping(&self) -> bool {
        self.stopping.is_cancelled()
    }

    /// Resolves when the stop begins.
    pub async fn stopped(&self) {
        self.stopping.cancelled().await;
    }

    /// Runs a worker that checks [`Self::is_stopping`] between its items;
    /// [`Self::finish`] waits for it.
    pub fn spawn_worker(&self, worker: impl Future<Output = ()> + Send + 'static) {
        self.workers.spawn(worker);
    }

    /// Begins the stop: `/healthz` answers 503 and workers take nothing new.
    pub fn begin_stop(&self) {
        self.stopping.cancel();
    }

    /// Waits (a bounded time) for the workers to finish what they hold.
    pub async fn finish(&self) {
        self.workers.close();
        if tokio::time::timeout(WORKERS_FINISH_WITHIN, self.workers.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                "workers still busy after {WORKERS_FINISH_WITHIN:?}: their rows go back to the outbox when their leases end"
            );
        }
    }
}
