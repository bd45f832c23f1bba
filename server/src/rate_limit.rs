//! Per-client limits on lookups and on API clients (docs/rules.md, Security
//! and privacy). A client of the pages is an IPv4 address or an IPv6 /64;
//! `X-Forwarded-For` is believed only from configured proxies. The lookup
//! limit is charged by the pages where they read a pratica by code
//! ([`pratiche_app::context::charge_lookups`]), so no path reaches a pratica
//! around it.
//!
//! The limits live where [`LimitStore`] says: in this instance's memory
//! (the `governor` crate), or in the database every instance shares
//! ([`pratiche_db::rate_limits`]), so that two instances behind a load
//! balancer give a client the limit once.
//!
//! Hand-written around `governor` rather than `tower_governor`: its key
//! extractors believe `X-Forwarded-For` from anyone and know no /64, a
//! charge of several lookups at once (the remembered list) is not a
//! request, and it has no shared store.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;
use pratiche_app::context::{LookupCharge, LookupLimit, LookupThrottled};
use pratiche_db::DatabaseConnection;
use pratiche_db::rate_limits::{self, Gcra};

use crate::config::{LimitStore, RateLimit};

/// How often keys idle long enough to be full again are forgotten.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(60);

/// A limit per key (a client address, an API client), forgetting idle keys.
#[derive(Clone)]
pub enum KeyedLimiter {
    Memory {
        limiter: Arc<DefaultKeyedRateLimiter<String>>,
        per_minute: NonZeroU32,
    },
    /// In the shared table, each key behind `prefix` (one limit's keys
    /// apart from another's).
    Database {
        db: DatabaseConnection,
        gcra: Gcra,
        prefix: &'static str,
    },
}

impl KeyedLimiter {
    /// A limit named `prefix` kept in `store`.
    pub fn new(
        limit: RateLimit,
        store: LimitStore,
        db: &DatabaseConnection,
        prefix: &'static str,
    ) -> Self {
        match store {
            LimitStore::Memory => Self::in_memory(limit),
            LimitStore::Database => Self::Database {
                db: db.clone(),
                gcra: Gcra::new(limit.per_minute, limit.burst),
                prefix,
            },
        }
    }

    /// A limit in this instance's memory, forgetting idle keys now and then
    /// (the database's are purged by a job).
    pub fn in_memory(limit: RateLimit) -> Self {
        let quota = Quota::per_minute(limit.per_minute).allow_burst(limit.burst);
        let limiter = Arc::new(RateLimiter::keyed(quota));
        spawn_purge(&limiter);
        Self::Memory {
            limiter,
            per_minute: limit.per_minute,
        }
    }

    /// `None` if the key may go on, else the seconds to wait.
    pub async fn check(&self, key: &str) -> Option<u64> {
        self.check_n(key, NonZeroU32::MIN).await
    }

    /// [`Self::check`] for `n` units at once. More than the burst is never
    /// allowed; the wait is then the time the limit takes to refill `n`.
    /// When the shared store cannot be reached the request goes on (and
    /// the error is logged): the page's own read of the database answers
    /// for it.
    pub async fn check_n(&self, key: &str, n: NonZeroU32) -> Option<u64> {
        let wait = match self {
            Self::Memory {
                limiter,
                per_minute,
            } => match limiter.check_key_n(&key.to_owned(), n) {
                Ok(Ok(())) => None,
                Ok(Err(not_until)) => Some(not_until.wait_time_from(DefaultClock::default().now())),
                Err(_) => Some(Duration::from_secs(
                    (u64::from(n.get()) * 60).div_ceil(u64::from(per_minute.get())),
                )),
            },
            Self::Database { db, gcra, prefix } => {
                let key = format!("{prefix}:{key}");
                rate_limits::charge(db, &key, *gcra, n, rate_limits::now_ns())
                    .await
                    .unwrap_or_else(|error| {
                        tracing::error!(%error, "cannot charge the shared rate limit");
                        None
                    })
            }
        };
        wait.map(|wait| wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
    }
}

impl std::fmt::Debug for KeyedLimiter {
    /// The store and the rate, not the keys (client addresses).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Memory { per_minute, .. } => f
                .debug_struct("Memory")
                .field("per_minute", per_minute)
                .finish_non_exhaustive(),
            Self::Database { gcra, prefix, .. } => f
                .debug_struct("Database")
                .field("gcra", gcra)
                .field("prefix", prefix)
                .finish_non_exhaustive(),
        }
    }
}

/// Forgets idle keys of an in-memory limit now and then, so memory stays
/// bounded.
fn spawn_purge(limiter: &Arc<DefaultKeyedRateLimiter<String>>) {
    let limiter = Arc::downgrade(limiter);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PURGE_INTERVAL);
        loop {
            ticks.tick().await;
            let Some(limiter) = limiter.upgrade() else {
                break;
            };
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    });
}

/// The lookup limit of the citizen pages, per client.
#[derive(Clone)]
pub struct LookupLimiter {
    limiter: KeyedLimiter,
    trusted_proxies: Arc<[IpNet]>,
}

impl std::fmt::Debug for LookupLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookupLimiter")
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

impl LookupLimiter {
    pub fn new(limiter: KeyedLimiter, trusted_proxies: Arc<[IpNet]>) -> Self {
        Self {
            limiter,
            trusted_proxies,
        }
    }
}

impl LookupLimit for LookupLimiter {
    fn charge<'a>(&'a self, request: &'a Parts, lookups: NonZeroU32) -> LookupCharge<'a> {
        Box::pin(async move {
            let client = client_key(
                peer_of(request).ip(),
                &request.headers,
                &self.trusted_proxies,
            );
            match self.limiter.check_n(&client.to_string(), lookups).await {
                None => Ok(()),
                Some(retry_after_secs) => {
                    tracing::info!(%client, lookups = lookups.get(), retry_after_secs, "lookup rate limit reached");
                    metrics::counter!(crate::metrics::RATE_LIMITED, "limit" => "lookup")
                        .increment(1);
                    Err(LookupThrottled { retry_after_secs })
                }
            }
        })
    }
}

/// The client a request comes from, as a rate-limit key: its address (see
/// [`client_address`]), IPv6 grouped by /64.
pub fn client_key(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    key(client_address(peer, headers, trusted_proxies))
}

/// The address a request comes from: with a trusted proxy as peer, the
/// nearest address in `X-Forwarded-For` that is not a trusted proxy. Every
/// `X-Forwarded-For` line counts, in order (a proxy such as HAProxy adds a
/// line of its own rather than extending the last one); a hop that is not an
/// address ends the walk at the last trusted proxy.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    let trusted = |address: &IpAddr| trusted_proxies.iter().any(|net| net.contains(address));
    let mut client = canonical(peer);
    if !trusted(&client) {
        return client;
    }
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|line| line.to_str().unwrap_or("garbage"))
        .collect();
    // Walk the chain from the nearest hop; the first address not of a
    // trusted proxy is the client.
    for hop in lines.iter().rev().flat_map(|line| line.rsplit(',')) {
        match hop.trim().parse::<IpAddr>() {
            Ok(address) => {
                client = canonical(address);
                if !trusted(&client) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

/// The peer of a request (unspecified when the server runs without
/// connection info, as in page renders made by handlers).
pub fn peer_of(parts: &Parts) -> SocketAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)), |info| info.0)
}

/// IPv4-mapped IPv6 addresses are their IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// An IPv4 address is a client; for IPv6 the whole /64 is one client.
fn key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|p| p.parse().unwrap()).collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", line.parse().unwrap());
        }
        headers
    }

    fn limiter(per_minute: u32, burst: u32) -> KeyedLimiter {
        KeyedLimiter::in_memory(RateLimit {
            per_minute: NonZeroU32::new(per_minute).unwrap(),
            burst: NonZeroU32::new(burst).unwrap(),
        })
    }

    #[test]
    fn ignores_forwarded_for_from_untrusted_peers() {
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(
            client_key(ip("192.0.2.7"), &headers, &proxies(&[])),
            ip("192.0.2.7")
        );
    }

    #[test]
    fn believes_trusted_proxies_and_skips_them() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let chain = forwarded(&["198.51.100.1, 203.0.113.9, 10.1.1.1"]);
        assert_eq!(
            client_key(ip("10.0.0.2"), &chain, &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_key(ip("10.0.0.2"), &forwarded(&["garbage"]), &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn every_forwarded_for_line_counts_in_order() {
        let trusted = proxies(&["10.0.0.0/8"]);
        // The client forged the first line; the trusted proxy added the
        // second with the address it saw.
        let lines = forwarded(&["198.51.100.1", "203.0.113.9, 10.1.1.1"]);
        assert_eq!(
            client_key(ip("10.0.0.2"), &lines, &trusted),
            ip("203.0.113.9")
        );
        // HAProxy's own line comes last: it names the real client, whatever
        // the client wrote in its own line before.
        let lines = forwarded(&["198.51.100.1, 10.9.9.9", "203.0.113.7"]);
        assert_eq!(
            client_key(ip("10.0.0.2"), &lines, &trusted),
            ip("203.0.113.7")
        );
        // Through two trusted proxies, each with its line.
        let lines = forwarded(&["203.0.113.8", "10.1.1.1"]);
        assert_eq!(
            client_key(ip("10.0.0.2"), &lines, &trusted),
            ip("203.0.113.8")
        );
    }

    #[test]
    fn groups_ipv6_by_64_and_unmaps_ipv4() {
        let none = HeaderMap::new();
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa::1"), &none, &[]),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            client_key(ip("::ffff:192.0.2.1"), &none, &[]),
            ip("192.0.2.1")
        );
    }

    #[tokio::test]
    async fn allows_the_burst_then_asks_to_wait() {
        let limiter = limiter(1, 2);
        assert_eq!(limiter.check("192.0.2.1").await, None);
        assert_eq!(limiter.check("192.0.2.1").await, None);
        let wait = limiter.check("192.0.2.1").await.expect("over the limit");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(limiter.check("192.0.2.2").await, None);
    }

    #[tokio::test]
    async fn charges_several_units_at_once_never_more_than_the_burst() {
        let limiter = limiter(10, 5);
        let client = "192.0.2.1";
        let three = NonZeroU32::new(3).unwrap();
        assert_eq!(limiter.check_n(client, three).await, None);
        assert!(
            limiter.check_n(client, three).await.is_some(),
            "only 2 left"
        );
        assert_eq!(
            limiter.check_n(client, NonZeroU32::new(2).unwrap()).await,
            None
        );
        let wait = limiter
            .check_n("192.0.2.2", NonZeroU32::new(6).unwrap())
            .await
            .expect("more than the burst");
        assert_eq!(wait, 36);
    }
}
