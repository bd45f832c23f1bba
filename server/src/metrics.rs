//! Metrics for the service centre's monitoring, in the Prometheus text
//! format (`metrics` and `metrics-exporter-prometheus`), on their own listen
//! address (`PRATICHE_METRICS_ADDR`), never on the public one: requests and
//! their latency by route template and status, the database pool's use, the
//! outboxes' depth and the age of their oldest row per channel, failed
//! deliveries, rate-limit refusals and failed sign-ins. The pool and the
//! outboxes are read when scraped; the rest is counted as it happens.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use pratiche_db::{DatabaseConnection, DbBackend};

pub const REQUESTS: &str = "pratiche_http_requests_total";
pub const REQUEST_SECONDS: &str = "pratiche_http_request_duration_seconds";
pub const POOL_CONNECTIONS: &str = "pratiche_db_pool_connections";
pub const OUTBOX_PENDING: &str = "pratiche_outbox_pending";
pub const OUTBOX_OLDEST_SECONDS: &str = "pratiche_outbox_oldest_pending_age_seconds";
pub const DELIVERIES_FAILED: &str = "pratiche_outbox_failed_tries_total";
pub const RATE_LIMITED: &str = "pratiche_rate_limited_total";
pub const SIGN_IN_FAILURES: &str = "pratiche_sign_in_failures_total";
pub const WRITES_PER_COMMIT: &str = "pratiche_api_writes_per_commit";

/// Latency buckets, in seconds: the case page's goal is tens of
/// milliseconds, a slow request seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// API writes sharing one commit: 1 when they come one at a time, up to
/// the group commit's bound under load.
const WRITES_BUCKETS: [f64; 7] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (once) and describes the metrics.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &BUCKETS)
                .expect("the buckets are not empty")
                .set_buckets_for_metric(Matcher::Full(WRITES_PER_COMMIT.into()), &WRITES_BUCKETS)
                .expect("the buckets are not empty")
                .install_recorder()
                .expect("no other metrics recorder is installed");
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        REQUESTS,
        "Requests answered, by method, route template and status"
    );
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer, by method and route template"
    );
    describe_gauge!(
        POOL_CONNECTIONS,
        "Database connections, by state (idle, in_use)"
    );
    describe_gauge!(
        OUTBOX_PENDING,
        "Messages waiting to be sent, by channel (email, io, webhook)"
    );
    describe_gauge!(
        OUTBOX_OLDEST_SECONDS,
        Unit::Seconds,
        "Age of the oldest message waiting, by channel"
    );
    describe_counter!(DELIVERIES_FAILED, "Failed tries to deliver, by channel");
    describe_counter!(
        RATE_LIMITED,
        "Requests refused by a rate limit, by limit (lookup, api, api_token)"
    );
    describe_counter!(
        SIGN_IN_FAILURES,
        "Back-office sign-ins refused (wrong password, locked out)"
    );
    describe_histogram!(
        WRITES_PER_COMMIT,
        "API writes committed together in one transaction (group commit)"
    );
}

/// Records how many API writes one group commit carried.
pub fn observe_group_commit(writes: usize) {
    metrics::histogram!(WRITES_PER_COMMIT).record(writes as f64);
}

/// Counts and times each routed request under its route template (never
/// the path itself: a code in it would be a label per pratica).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(REQUEST_SECONDS, "method" => method.clone(), "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(REQUESTS, "method" => method, "route" => route, "status" => status)
        .increment(1);
    response
}

/// The metrics listener's routes: `GET /metrics`.
pub fn router(handle: PrometheusHandle, db: DatabaseConnection) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state((handle, db))
}

async fn scrape(State((handle, db)): State<(PrometheusHandle, DatabaseConnection)>) -> Response {
    sample_pool(&db);
    if let Err(error) = sample_outboxes(&db).await {
        tracing::warn!(%error, "metrics: cannot read the outboxes");
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
        .into_response()
}

fn sample_pool(db: &DatabaseConnection) {
    let (size, idle) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(f64::from(idle));
    metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
}

async fn sample_outboxes(db: &DatabaseConnection) -> Result<(), pratiche_db::DbErr> {
    let now = Utc::now();
    let mut backlog = pratiche_db::notifications::backlog(db).await?;
    backlog.push(pratiche_db::webhooks::backlog(db).await?);
    for line in backlog {
        let age = line.oldest.map_or(0.0, |oldest| {
            (now - oldest).num_milliseconds().max(0) as f64 / 1000.0
        });
        metrics::gauge!(OUTBOX_PENDING, "channel" => line.channel).set(line.pending as f64);
        metrics::gauge!(OUTBOX_OLDEST_SECONDS, "channel" => line.channel).set(age);
    }
    Ok(())
}
