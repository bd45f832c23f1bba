//! Per-client limits on lookups (SPEC §5), with the `governor` crate. A client
//! is an IPv4 address or an IPv6 /64; `X-Forwarded-For` is believed only from
//! configured proxies. Over the limit, the request goes on with a
//! [`LookupThrottled`] mark and the page answers 429 without reading the
//! database. Limits are per server instance.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;
use pratiche_app::context::LookupThrottled;
use pratiche_app::remembered;

use crate::config::RateLimit;

/// How often keys idle long enough to be full again are forgotten.
const PURGE_INTERVAL: Duration = Duration::from_secs(60);

/// A limit per key (a client address, an API client), forgetting idle keys.
#[derive(Clone)]
pub struct KeyedLimiter<K: Clone + Eq + std::hash::Hash + Send + Sync + 'static> {
    limiter: Arc<DefaultKeyedRateLimiter<K>>,
}

impl<K: Clone + Eq + std::hash::Hash + Send + Sync + 'static> KeyedLimiter<K> {
    pub fn new(limit: RateLimit) -> Self {
        let quota = Quota::per_minute(limit.per_minute).allow_burst(limit.burst);
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota)),
        }
    }

    /// Forgets idle keys now and then, so memory stays bounded.
    pub fn spawn_purge(&self) {
        let limiter = Arc::downgrade(&self.limiter);
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

    /// `None` if the key may go on, else the seconds to wait.
    pub fn check(&self, key: &K) -> Option<u64> {
        self.limiter.check_key(key).err().map(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

#[derive(Clone)]
pub struct LookupLimiter {
    limiter: KeyedLimiter<IpAddr>,
    trusted_proxies: Arc<[IpNet]>,
}

impl LookupLimiter {
    pub fn new(limit: RateLimit, trusted_proxies: Vec<IpNet>) -> Self {
        Self {
            limiter: KeyedLimiter::new(limit),
            trusted_proxies: trusted_proxies.into(),
        }
    }

    pub fn spawn_purge(&self) {
        self.limiter.spawn_purge();
    }

    fn check(&self, client: IpAddr) -> Option<u64> {
        self.limiter.check(&client)
    }

    /// The client a request comes from, as a rate-limit key.
    fn client_of(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        client_key(peer, forwarded_for, &self.trusted_proxies)
    }
}

/// The client a request comes from, as a rate-limit key: its address (see
/// [`client_address`]), IPv6 grouped by /64.
pub fn client_key(peer: IpAddr, forwarded_for: Option<&str>, trusted_proxies: &[IpNet]) -> IpAddr {
    key(client_address(peer, forwarded_for, trusted_proxies))
}

/// The address a request comes from: with a trusted proxy as peer, the
/// nearest address in `X-Forwarded-For` that is not a trusted proxy.
pub fn client_address(
    peer: IpAddr,
    forwarded_for: Option<&str>,
    trusted_proxies: &[IpNet],
) -> IpAddr {
    let trusted = |address: &IpAddr| trusted_proxies.iter().any(|net| net.contains(address));
    let mut client = canonical(peer);
    if trusted(&client) {
        // Walk the chain from the nearest hop; the first address not of a
        // trusted proxy is the client.
        for hop in forwarded_for.unwrap_or("").rsplit(',') {
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

/// [`client_address`] with the request's own `X-Forwarded-For`.
pub fn address_from(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    let forwarded_for = headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    client_address(peer, forwarded_for, trusted_proxies)
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

/// Middleware for the lookup routes.
pub async fn limit_lookups(
    State(limiter): State<LookupLimiter>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    if !counts_as_lookup(&request) {
        return next.run(request).await;
    }
    let forwarded_for = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    let client = limiter.client_of(peer.ip(), forwarded_for);
    if let Some(retry_after_secs) = limiter.check(client) {
        tracing::info!(%client, retry_after_secs, "lookup rate limit reached");
        request
            .extensions_mut()
            .insert(LookupThrottled { retry_after_secs });
    }
    next.run(request).await
}

/// Whether a request reads pratiche by code: a pratica's page, or the home
/// page listing the codes remembered on the device (one lookup for the
/// list). The lookup form's target (`/cerca`) reads nothing: it answers 303
/// to `/p/{CODE}`, so every lookup, by form or by link, counts once, where
/// the database is read.
fn counts_as_lookup(request: &Request) -> bool {
    let path = request.uri().path();
    path.starts_with("/p/")
        || (path == "/" && !remembered::from_headers(request.headers()).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn limiter(proxies: &[&str]) -> LookupLimiter {
        let limit = RateLimit {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(2).unwrap(),
        };
        LookupLimiter::new(limit, proxies.iter().map(|p| p.parse().unwrap()).collect())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ignores_forwarded_for_from_untrusted_peers() {
        let limiter = limiter(&[]);
        assert_eq!(
            limiter.client_of(ip("192.0.2.7"), Some("203.0.113.9")),
            ip("192.0.2.7")
        );
    }

    #[test]
    fn believes_trusted_proxies_and_skips_them() {
        let limiter = limiter(&["10.0.0.0/8"]);
        let chain = Some("198.51.100.1, 203.0.113.9, 10.1.1.1");
        assert_eq!(limiter.client_of(ip("10.0.0.2"), chain), ip("203.0.113.9"));
        assert_eq!(
            limiter.client_of(ip("10.0.0.2"), Some("garbage")),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn groups_ipv6_by_64_and_unmaps_ipv4() {
        let limiter = limiter(&[]);
        assert_eq!(
            limiter.client_of(ip("2001:db8:1:2:aaaa::1"), None),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            limiter.client_of(ip("::ffff:192.0.2.1"), None),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn allows_the_burst_then_asks_to_wait() {
        let limiter = limiter(&[]);
        let client = ip("192.0.2.1");
        assert_eq!(limiter.check(client), None);
        assert_eq!(limiter.check(client), None);
        let wait = limiter.check(client).expect("over the limit");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(limiter.check(ip("192.0.2.2")), None);
    }
}
