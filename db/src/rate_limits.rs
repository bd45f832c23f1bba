//! Rate limits every instance on one database shares: with two instances
//! behind a load balancer, a client gets the limit once, not once per
//! instance (docs/rules.md, Security and privacy).
//!
//! Hand-written because the `governor` crate, which keeps the limits of a
//! single instance in memory, cannot keep them in a database. The arithmetic
//! is the generic cell rate algorithm exactly as `governor` does it (same
//! interval, same tolerance, same rounding), in one upsert, so two instances
//! charging the same key at once are serialised by the row; a property test
//! below holds the two to the same answers.

use std::num::NonZeroU32;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// A limit: `per_minute` refilled, at most `burst` at once, in the
/// algorithm's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gcra {
    /// The time one unit takes to come back.
    interval_ns: i64,
    /// How far ahead of now the theoretical arrival time may run: the
    /// burst beyond its first unit.
    tolerance_ns: i64,
}

impl Gcra {
    pub fn new(per_minute: NonZeroU32, burst: NonZeroU32) -> Self {
        // Truncated to whole nanoseconds, as `governor::Quota::per_minute`.
        let interval_ns = (60_000_000_000 / i64::from(per_minute.get())).max(1);
        Self {
            interval_ns,
            tolerance_ns: interval_ns * i64::from(burst.get() - 1),
        }
    }
}

/// Nanoseconds since the Unix epoch, the time of a charge. Instances on
/// several machines must keep their clocks in time (NTP), as for sessions.
pub fn now_ns() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_nanos()).unwrap_or(i64::MAX)
}

/// Takes `units` from the limit of `key` at `now_ns`: `None` when they may
/// go, else how long to wait. More than the burst is never allowed; the wait
/// is then the time the limit takes to refill `units`.
pub async fn charge(
    db: &impl ConnectionTrait,
    key: &str,
    limit: Gcra,
    units: NonZeroU32,
    now_ns: i64,
) -> Result<Option<Duration>, DbErr> {
    let interval = limit.interval_ns;
    let extra = interval * i64::from(units.get() - 1);
    if extra > limit.tolerance_ns {
        return Ok(Some(nanos(interval * i64::from(units.get()))));
    }
    // A key seen for the first time, or whose units are back in time, takes
    // them; otherwise the row keeps its time and nothing is returned.
    let backend = db.get_database_backend();
    let admitted = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO rate_limits (key, tat_ns) VALUES ($1, $2 + $3 + $4) \
             ON CONFLICT (key) DO UPDATE \
             SET tat_ns = (CASE WHEN rate_limits.tat_ns > $2 THEN rate_limits.tat_ns ELSE $2 END) + $3 + $4 \
             WHERE rate_limits.tat_ns + $4 - $5 <= $2 \
             RETURNING tat_ns",
            [
                key.into(),
                now_ns.into(),
                interval.into(),
                extra.into(),
                limit.tolerance_ns.into(),
            ],
        ))
        .await?;
    if admitted.is_some() {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT tat_ns FROM rate_limits WHERE key = $1",
            [key.into()],
        ))
        .await?;
    let tat: i64 = match row {
        Some(row) => row.try_get("", "tat_ns")?,
        // Purged in between: full again, but this charge was refused.
        None => now_ns,
    };
    let earliest = tat + extra - limit.tolerance_ns;
    Ok(Some(nanos((earliest - now_ns).max(1))))
}

/// Forgets the keys whose limit is full again at `now_ns`, so the table
/// holds only clients seen lately. Returns how many went.
pub async fn purge(db: &impl ConnectionTrait, now_ns: i64) -> Result<u64, DbErr> {
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "DELETE FROM rate_limits WHERE tat_ns <= $1",
            [now_ns.into()],
        ))
        .await?;
    Ok(done.rows_affected())
}

fn nanos(ns: i64) -> Duration {
    Duration::from_nanos(u64::try_from(ns).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;
    use governor::middleware::NoOpMiddleware;
    use governor::nanos::Nanos;
    use governor::state::keyed::DefaultKeyedStateStore;
    use governor::{Quota, RateLimiter};
    use proptest::prelude::*;

    use super::*;

    async fn database() -> sea_orm::DatabaseConnection {
        let db = crate::connect("sqlite::memory:").await.unwrap();
        crate::migrate(&db).await.unwrap();
        db
    }

    fn limit(per_minute: u32, burst: u32) -> Gcra {
        Gcra::new(
            NonZeroU32::new(per_minute).unwrap(),
            NonZeroU32::new(burst).unwrap(),
        )
    }

    #[tokio::test]
    async fn allows_the_burst_then_asks_to_wait_until_a_unit_is_back() {
        let db = database().await;
        let one = NonZeroU32::MIN;
        let per_6s = limit(10, 2);
        let start = 1_000_000_000_000;
        assert_eq!(charge(&db, "a", per_6s, one, start).await.unwrap(), None);
        assert_eq!(charge(&db, "a", per_6s, one, start).await.unwrap(), None);
        let wait = charge(&db, "a", per_6s, one, start).await.unwrap();
        assert_eq!(wait, Some(Duration::from_secs(6)));
        assert_eq!(charge(&db, "b", per_6s, one, start).await.unwrap(), None);
        let later = start + 6_000_000_000;
        assert_eq!(charge(&db, "a", per_6s, one, later).await.unwrap(), None);
        let three = NonZeroU32::new(3).unwrap();
        assert_eq!(
            charge(&db, "c", per_6s, three, start).await.unwrap(),
            Some(Duration::from_secs(18)),
            "more than the burst waits for all of it"
        );
        // "a" is full again 12 s after its last charge; "b" after 6 s.
        assert_eq!(purge(&db, start + 6_000_000_000).await.unwrap(), 1);
        assert_eq!(purge(&db, later + 12_000_000_000).await.unwrap(), 1);
    }

    /// One step of a client: wait this many milliseconds (often whole
    /// seconds, to land on the instants a unit comes back), then charge
    /// this many units to one of three keys.
    fn steps() -> impl Strategy<Value = Vec<(u64, u32, u8)>> {
        let wait = prop_oneof![0u64..20_000, (0u64..20).prop_map(|seconds| seconds * 1000)];
        prop::collection::vec((wait, 1u32..6, 0u8..3), 1..60)
    }

    /// Any rate, or one whose interval is whole seconds.
    fn per_minute() -> impl Strategy<Value = u32> {
        prop_oneof![
            1u32..400,
            prop::sample::select(vec![1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60])
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The shared limit answers as `governor`, the in-memory one, at
        /// every step: the same units go, the same wait is asked.
        #[test]
        fn agrees_with_governor(per_minute in per_minute(), burst in 1u32..8, steps in steps()) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let db = database().await;
                let clock = FakeRelativeClock::default();
                let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap())
                    .allow_burst(NonZeroU32::new(burst).unwrap());
                let memory: RateLimiter<u8, DefaultKeyedStateStore<u8>, FakeRelativeClock, NoOpMiddleware<Nanos>> =
                    RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone());
                let shared = limit(per_minute, burst);
                let start = 1_700_000_000_000_000_000i64;
                let mut elapsed = Duration::ZERO;
                for (wait_ms, units, key) in steps {
                    clock.advance(Duration::from_millis(wait_ms));
                    elapsed += Duration::from_millis(wait_ms);
                    let units = NonZeroU32::new(units).unwrap();
                    let expected = match memory.check_key_n(&key, units) {
                        Ok(Ok(())) => None,
                        Ok(Err(not_until)) => Some(not_until.wait_time_from(governor::clock::Clock::now(&clock))),
                        Err(_) => Some(Duration::from_nanos(shared.interval_ns as u64 * u64::from(units.get()))),
                    };
                    let now = start + i64::try_from(elapsed.as_nanos()).unwrap();
                    let got = charge(&db, &key.to_string(), shared, units, now).await.unwrap();
                    prop_assert_eq!(got, expected);
                }
                Ok(())
            })?;
        }
    }
}
