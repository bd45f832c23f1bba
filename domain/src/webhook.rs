//! Webhooks to the bodies' own software (docs/rules.md, Webhooks), in the
//! Standard Webhooks format: which events there are, what an endpoint's
//! URL may be, which addresses it may reach, and when a failed delivery is
//! tried again.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use crate::clock::rome_day_start;

/// What a webhook tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    Registered,
    EventRecorded,
    Corrected,
    /// A message to a citizen was given up (the outbox's "failed").
    NotificationFailed,
}

impl EventType {
    pub const ALL: [Self; 4] = [
        Self::Registered,
        Self::EventRecorded,
        Self::Corrected,
        Self::NotificationFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "pratica.registered",
            Self::EventRecorded => "pratica.event_recorded",
            Self::Corrected => "pratica.corrected",
            Self::NotificationFailed => "notification.failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text.trim())
    }
}

/// Why an endpoint was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EndpointProblem {
    #[error("not an absolute URL")]
    NotUrl,
    #[error("the URL must use https")]
    NotHttps,
    #[error("the URL must not carry a user name, a password or a fragment")]
    Credentials,
    #[error("the URL is longer than {MAX_URL} characters")]
    TooLong,
    #[error("no event type chosen")]
    NoEventType,
    #[error("unknown event type {0:?}")]
    UnknownEventType(String),
    #[error("the description is longer than {MAX_DESCRIPTION} characters")]
    DescriptionTooLong,
}

/// Longest description of an endpoint.
pub const MAX_DESCRIPTION: usize = 200;

/// The part of a new endpoint a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointField {
    Url,
    Description,
    EventTypes,
}

/// A new endpoint as its body's admin or software asked for it, checked
/// (its host is checked when resolved, which takes the network).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEndpoint {
    pub url: EndpointUrl,
    pub description: String,
    pub event_types: Vec<EventType>,
}

impl NewEndpoint {
    /// Checks each part, the same for the back office's form and the API;
    /// every problem with its part.
    pub fn check<'a>(
        url: &str,
        description: &str,
        event_types: impl IntoIterator<Item = &'a str>,
        policy: OutboundPolicy,
    ) -> Result<Self, Vec<(EndpointField, EndpointProblem)>> {
        let url = EndpointUrl::parse(url, policy).map_err(|problem| (EndpointField::Url, problem));
        let description = description.trim();
        let description = if description.chars().count() > MAX_DESCRIPTION {
            Err((
                EndpointField::Description,
                EndpointProblem::DescriptionTooLong,
            ))
        } else {
            Ok(description.to_owned())
        };
        let event_types =
            parse_event_types(event_types).map_err(|problem| (EndpointField::EventTypes, problem));
        match (url, description, event_types) {
            (Ok(url), Ok(description), Ok(event_types)) => Ok(Self {
                url,
                description,
                event_types,
            }),
            (url, description, event_types) => {
                Err([url.err(), description.err(), event_types.err()]
                    .into_iter()
                    .flatten()
                    .collect())
            }
        }
    }
}

/// The instants from the start of day `from` to the end of day `to`, in
/// Rome: the range of a "resend the failed ones" request; `None` when `to`
/// comes before `from`.
pub fn resend_range(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let after_to = to.succ_opt()?;
    (from <= to).then(|| (rome_day_start(from), rome_day_start(after_to)))
}

/// Longest endpoint URL.
pub const MAX_URL: usize = 500;

/// What the installation allows endpoints to be; the defaults are the safe
/// ones (https, public addresses only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// `http://` endpoints (a test, a private network's own receiver).
    pub allow_http: bool,
    /// Loopback addresses (the tests' receiver).
    pub allow_loopback: bool,
}

/// A checked endpoint URL: absolute, https (unless allowed), no
/// credentials, no fragment. Its host's addresses are checked when it is
/// resolved, at registration and at every delivery ([`address_allowed`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointUrl(url::Url);

impl EndpointUrl {
    pub fn parse(text: &str, policy: OutboundPolicy) -> Result<Self, EndpointProblem> {
        let text = text.trim();
        if text.chars().count() > MAX_URL {
            return Err(EndpointProblem::TooLong);
        }
        let url = url::Url::parse(text).map_err(|_| EndpointProblem::NotUrl)?;
        match url.scheme() {
            "https" => {}
            "http" if policy.allow_http => {}
            "http" => return Err(EndpointProblem::NotHttps),
            _ => return Err(EndpointProblem::NotUrl),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(EndpointProblem::NotUrl);
        }
        if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
            return Err(EndpointProblem::Credentials);
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The host to resolve and the port to reach.
    pub fn host_and_port(&self) -> (String, u16) {
        let host = self.0.host_str().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        (
            host.to_owned(),
            self.0.port_or_known_default().unwrap_or(443),
        )
    }
}

/// The event types typed or ticked: at least one, each known, no repeats.
pub fn parse_event_types<'a>(
    typed: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<EventType>, EndpointProblem> {
    let mut kinds = Vec::new();
    for text in typed {
        let kind = EventType::parse(text)
            .ok_or_else(|| EndpointProblem::UnknownEventType(text.trim().to_owned()))?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Err(EndpointProblem::NoEventType);
    }
    kinds.sort();
    Ok(kinds)
}

/// Whether an endpoint may be reached at `address`: never the
/// installation's own network (loopback unless allowed, private, shared,
/// link-local — the cloud metadata address is one — unspecified,
/// multicast, broadcast, documentation ranges), so that a webhook cannot
/// be turned into a probe of the service centre's machines. An IPv4
/// address written as IPv6 is judged as IPv4.
pub fn address_allowed(address: IpAddr, policy: OutboundPolicy) -> bool {
    match address {
        IpAddr::V4(v4) => v4_allowed(v4, policy),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_allowed(v4, policy),
            None => v6_allowed(v6, policy),
        },
    }
}

fn v4_allowed(address: Ipv4Addr, policy: OutboundPolicy) -> bool {
    if address.is_loopback() {
        return policy.allow_loopback;
    }
    let [a, b, ..] = address.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let reserved = a >= 240 || a == 0;
    !(address.is_private()
        || address.is_link_local()
        || address.is_unspecified()
        || address.is_multicast()
        || address.is_broadcast()
        || address.is_documentation()
        || shared
        || reserved)
}

fn v6_allowed(address: Ipv6Addr, policy: OutboundPolicy) -> bool {
    if address.is_loopback() {
        return policy.allow_loopback;
    }
    let first = address.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    let documentation = first == 0x2001 && address.segments()[1] == 0x0db8;
    let nat64 = address.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    !(address.is_unspecified()
        || address.is_multicast()
        || unique_local
        || link_local
        || documentation
        || nat64)
}

/// When a failed delivery is tried again (Standard Webhooks' schedule):
/// after the `tried`-th failed try, with ±10% jitter (`jitter` in
/// `[0, 1)`); `None` after the last.
pub fn retry_after(tried: u32, jitter: f64) -> Option<Duration> {
    const SCHEDULE: [u64; 9] = [
        5,
        5 * 60,
        30 * 60,
        2 * 3600,
        5 * 3600,
        10 * 3600,
        14 * 3600,
        20 * 3600,
        24 * 3600,
    ];
    let index = usize::try_from(tried.checked_sub(1)?).ok()?;
    let base = Duration::from_secs(*SCHEDULE.get(index)?);
    Some(base.mul_f64(0.9 + 0.2 * jitter.clamp(0.0, 1.0)))
}

/// Tries in all: the first, immediately, and one per step of the schedule.
pub const ATTEMPTS: u32 = 10;

/// An endpoint failing this long without a success is disabled (and its
/// body's admins are told).
pub const DISABLE_AFTER: Duration = Duration::from_secs(3 * 24 * 3600);

/// A rotated secret stays valid (deliveries are signed with both) this
/// long.
pub const ROTATION_OVERLAP: Duration = Duration::from_secs(24 * 3600);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STRICT: OutboundPolicy = OutboundPolicy {
        allow_http: false,
        allow_loopback: false,
    };

    #[test]
    fn event_types_by_their_names() {
        for kind in EventType::ALL {
            assert_eq!(EventType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            parse_event_types([
                "pratica.corrected",
                "pratica.registered",
                "pratica.corrected"
            ]),
            Ok(vec![EventType::Registered, EventType::Corrected])
        );
        assert_eq!(
            parse_event_types(["pratica.deleted"]),
            Err(EndpointProblem::UnknownEventType("pratica.deleted".into()))
        );
        assert_eq!(parse_event_types([]), Err(EndpointProblem::NoEventType));
    }

    #[test]
    fn a_new_endpoint_names_every_wrong_part() {
        let checked = NewEndpoint::check(
            " https://protocollo.valdoria.it/hook ",
            " Protocollo ",
            ["pratica.registered"],
            STRICT,
        )
        .unwrap();
        assert_eq!(checked.url.as_str(), "https://protocollo.valdoria.it/hook");
        assert_eq!(checked.description, "Protocollo");
        let long = "x".repeat(MAX_DESCRIPTION + 1);
        assert_eq!(
            NewEndpoint::check("http://x.it/", &long, [], STRICT),
            Err(vec![
                (EndpointField::Url, EndpointProblem::NotHttps),
                (
                    EndpointField::Description,
                    EndpointProblem::DescriptionTooLong
                ),
                (EndpointField::EventTypes, EndpointProblem::NoEventType),
            ])
        );
        let longest = "è".repeat(MAX_DESCRIPTION);
        assert!(
            NewEndpoint::check("https://x.it/", &longest, ["pratica.corrected"], STRICT).is_ok()
        );
    }

    #[test]
    fn a_resend_range_runs_from_the_first_days_start_to_the_last_days_end_in_rome() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let (from, to) = resend_range(day(1), day(2)).unwrap();
        assert_eq!(from.to_rfc3339(), "2026-11-30T23:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-12-02T23:00:00+00:00");
        assert!(resend_range(day(2), day(2)).is_some());
        assert_eq!(resend_range(day(3), day(2)), None);
    }

    #[test]
    fn https_only_unless_allowed_and_no_credentials() {
        let url = EndpointUrl::parse(" https://protocollo.comune.example.it/hooks?x=1 ", STRICT);
        assert_eq!(
            url.unwrap().host_and_port(),
            ("protocollo.comune.example.it".into(), 443)
        );
        assert_eq!(
            EndpointUrl::parse("http://protocollo.example.it/", STRICT),
            Err(EndpointProblem::NotHttps)
        );
        let lax = OutboundPolicy {
            allow_http: true,
            ..STRICT
        };
        assert_eq!(
            EndpointUrl::parse("http://127.0.0.1:8080/x", lax)
                .unwrap()
                .host_and_port(),
            ("127.0.0.1".into(), 8080)
        );
        assert_eq!(
            EndpointUrl::parse("https://user:pw@example.it/", STRICT),
            Err(EndpointProblem::Credentials)
        );
        assert_eq!(
            EndpointUrl::parse("https://example.it/#x", STRICT),
            Err(EndpointProblem::Credentials)
        );
        for wrong in ["", "example.it/hook", "ftp://example.it/", "https://"] {
            assert!(EndpointUrl::parse(wrong, STRICT).is_err(), "{wrong}");
        }
        let long = format!("https://example.it/{}", "a".repeat(MAX_URL));
        assert_eq!(
            EndpointUrl::parse(&long, STRICT),
            Err(EndpointProblem::TooLong)
        );
    }

    #[test]
    fn the_installations_own_network_is_out_of_reach() {
        let refused = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ];
        for address in refused {
            let address: IpAddr = address.parse().unwrap();
            assert!(!address_allowed(address, STRICT), "{address}");
        }
        for address in ["93.184.216.34", "2a00:1450:4002:402::200e", "8.8.8.8"] {
            assert!(
                address_allowed(address.parse().unwrap(), STRICT),
                "{address}"
            );
        }
        let tests = OutboundPolicy {
            allow_loopback: true,
            ..STRICT
        };
        assert!(address_allowed("127.0.0.1".parse().unwrap(), tests));
        assert!(address_allowed("::1".parse().unwrap(), tests));
        assert!(!address_allowed("10.0.0.1".parse().unwrap(), tests));
    }

    #[test]
    fn the_standard_webhooks_schedule() {
        let at = |tried| retry_after(tried, 0.5).map(|delay| delay.as_secs());
        assert_eq!(at(1), Some(5));
        assert_eq!(at(2), Some(300));
        assert_eq!(at(9), Some(86_400));
        assert_eq!(at(10), None);
        assert_eq!(at(0), None);
        assert_eq!(ATTEMPTS, 10);
    }

    proptest! {
        #[test]
        fn jitter_stays_within_a_tenth(tried in 1u32..10, jitter in 0.0f64..1.0) {
            let middle = retry_after(tried, 0.5).unwrap().as_secs_f64();
            let delay = retry_after(tried, jitter).unwrap().as_secs_f64();
            prop_assert!(delay >= middle * 0.9 - 1e-9 && delay <= middle * 1.1 + 1e-9);
        }

        #[test]
        fn a_private_v4_is_refused_however_it_is_written(a in 0u8..=255, b in 0u8..=255, c in 0u8..=255) {
            let private = Ipv4Addr::new(10, a, b, c);
            prop_assert!(!address_allowed(IpAddr::V4(private), STRICT));
            prop_assert!(!address_allowed(IpAddr::V6(private.to_ipv6_mapped()), STRICT));
        }

        #[test]
        fn any_typed_url_is_answered_without_panicking(typed in "\\PC{0,80}") {
            let _ = EndpointUrl::parse(&typed, STRICT);
        }
    }
}
