//! Webhooks out (docs/rules.md, Webhooks): the check of an endpoint when a
//! body admin registers it, and the worker that delivers the outbox's
//! rows ([`pratiche_db::webhooks`]) signed the Standard Webhooks way (with
//! the `standardwebhooks` reference library), never to the installation's
//! own network. What a body does to its endpoints is in [`endpoints`].

pub mod endpoints;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use pratiche_db::DatabaseConnection;
use pratiche_db::entity::webhook_endpoint;
use pratiche_db::webhooks::{self, Answer, ClaimedDelivery, Switch, Tried};
use pratiche_domain::webhook::{
    ATTEMPTS, DISABLE_AFTER, EndpointUrl, OutboundPolicy, address_allowed, retry_after,
};
use reqwest::StatusCode;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};

use crate::jobs;
use crate::lifecycle::Lifecycle;
use crate::secrets::SecretsKey;

/// Random bytes of a new signing secret (the spec allows 24 to 64).
const SECRET_BYTES: usize = 32;

/// How long a delivery may take, and a reachability check at registration.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The bytes of an answer kept for the back office.
const EXCERPT_BYTES: usize = 200;

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// What a webhook's secret is sealed for.
pub fn secret_purpose(body_id: i32) -> String {
    format!("body:{body_id}:webhook")
}

/// Why an endpoint cannot be registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unreachable {
    #[error("the host does not resolve, or nothing answers there")]
    NoAnswer,
    #[error("the host is on a private, loopback or link-local network")]
    Private,
}

/// Checks that `url`'s host resolves only to addresses the policy allows
/// and that one of them takes a connection.
pub async fn check_endpoint(url: &EndpointUrl, policy: OutboundPolicy) -> Result<(), Unreachable> {
    let (host, port) = url.host_and_port();
    let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(address) => vec![SocketAddr::new(address, port)],
        Err(_) => tokio::time::timeout(
            CHECK_TIMEOUT,
            tokio::net::lookup_host((host.as_str(), port)),
        )
        .await
        .map_err(|_| Unreachable::NoAnswer)?
        .map_err(|_| Unreachable::NoAnswer)?
        .collect(),
    };
    if addresses.is_empty() {
        return Err(Unreachable::NoAnswer);
    }
    if addresses
        .iter()
        .any(|address| !address_allowed(address.ip(), policy))
    {
        return Err(Unreachable::Private);
    }
    for address in addresses {
        if let Ok(Ok(_)) =
            tokio::time::timeout(CHECK_TIMEOUT, tokio::net::TcpStream::connect(address)).await
        {
            return Ok(());
        }
    }
    Err(Unreachable::NoAnswer)
}

/// Resolves hosts for deliveries and keeps only the addresses the policy
/// allows, so a name that points (or is re-pointed) at the installation's
/// own network reaches nothing. reqwest connects to exactly these.
struct GuardedResolver(OutboundPolicy);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0;
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found
                .filter(|address| address_allowed(address.ip(), policy))
                .collect();
            if allowed.is_empty() {
                return Err("no address the installation may reach".into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The webhooks' worker and what it needs.
pub struct Worker {
    pub db: DatabaseConnection,
    pub secrets: SecretsKey,
    pub policy: OutboundPolicy,
    http: reqwest::Client,
}

impl Worker {
    pub fn new(db: DatabaseConnection, secrets: SecretsKey, policy: OutboundPolicy) -> Self {
        let http = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver(policy)))
            .user_agent(concat!("pratiche-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend is compiled in");
        Self {
            db,
            secrets,
            policy,
            http,
        }
    }

    /// Runs until the instance stops.
    pub fn spawn(self, lifecycle: &Lifecycle) {
        let worker = Arc::new(self);
        jobs::spawn_outbox(lifecycle, "webhooks", move || {
            let worker = Arc::clone(&worker);
            async move { worker.run_once().await }
        });
    }

    /// Claims a batch and delivers it, all at once; how many it took.
    pub async fn run_once(self: &Arc<Self>) -> Result<usize, pratiche_db::DbErr> {
        let claimed =
            webhooks::claim_due(&self.db, 10, chrono::Duration::minutes(2), Utc::now()).await?;
        jobs::deliver_all(claimed, |item| {
            let worker = Arc::clone(self);
            async move { worker.deliver(item).await }
        })
        .await
    }

    async fn deliver(&self, item: ClaimedDelivery) -> Result<(), pratiche_db::DbErr> {
        let ClaimedDelivery { delivery, endpoint } = item;
        let now = Utc::now();
        let tried = match self.signature(&endpoint, &delivery.webhook_id, now, &delivery.payload) {
            Ok((timestamp, signature)) => {
                self.post(
                    &endpoint,
                    &delivery.webhook_id,
                    timestamp,
                    signature,
                    &delivery.payload,
                )
                .await
            }
            Err(reason) => Sent::Failed {
                answer: None,
                reason,
                wait: None,
            },
        };
        let attempts = u32::try_from(delivery.attempts).unwrap_or(u32::MAX);
        let record = match tried {
            Sent::Delivered(answer) => Tried {
                answer: Some(answer),
                error: None,
                retry_at: None,
            },
            Sent::Gone(answer) => {
                let reason = webhooks::GONE;
                webhooks::set_disabled(&self.db, endpoint.id, Switch::DisableByOutbox(reason), now)
                    .await?;
                Tried {
                    answer: Some(answer),
                    error: Some(reason.into()),
                    retry_at: None,
                }
            }
            Sent::Failed {
                answer,
                reason,
                wait,
            } => {
                let delay = (attempts < ATTEMPTS)
                    .then(|| wait.or_else(|| retry_after(attempts, rand::random::<f64>())))
                    .flatten();
                Tried {
                    answer,
                    error: Some(reason),
                    retry_at: delay
                        .and_then(|delay| chrono::Duration::from_std(delay).ok())
                        .map(|delay| now + delay),
                }
            }
        };
        let failed = record.error.is_some();
        if failed {
            metrics::counter!(crate::metrics::DELIVERIES_FAILED, "channel" => "webhook")
                .increment(1);
        }
        webhooks::mark_tried(&self.db, &delivery, record, now).await?;
        if failed {
            self.disable_if_failing_too_long(&endpoint, now).await?;
        }
        Ok(())
    }

    /// `webhook-timestamp` and `webhook-signature`: one `v1,…` per secret
    /// in force (two while a rotation overlaps), space-separated.
    fn signature(
        &self,
        endpoint: &webhook_endpoint::Model,
        webhook_id: &str,
        now: chrono::DateTime<Utc>,
        payload: &str,
    ) -> Result<(i64, String), String> {
        let purpose = secret_purpose(endpoint.body_id);
        let mut sealed = vec![&endpoint.secret];
        if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_until)
            && until > now
        {
            sealed.push(previous);
        }
        let timestamp = now.timestamp();
        let mut signatures = Vec::new();
        for sealed in sealed {
            let secret = self
                .secrets
                .open(sealed, &purpose)
                .map_err(|_| "the signing secret does not open with PRATICHE_SECRETS_KEY")?;
            let signer = standardwebhooks::Webhook::new(&secret)
                .map_err(|error| format!("a malformed signing secret: {error}"))?;
            let signature = signer
                .sign(webhook_id, timestamp, payload.as_bytes())
                .map_err(|error| format!("cannot sign: {error}"))?;
            signatures.push(signature);
        }
        Ok((timestamp, signatures.join(" ")))
    }

    async fn post(
        &self,
        endpoint: &webhook_endpoint::Model,
        webhook_id: &str,
        timestamp: i64,
        signature: String,
        payload: &str,
    ) -> Sent {
        let failed = |reason: String| Sent::Failed {
            answer: None,
            reason,
            wait: None,
        };
        let url = match EndpointUrl::parse(&endpoint.url, self.policy) {
            Ok(url) => url,
            Err(error) => return failed(error.to_string()),
        };
        // A literal address is not resolved: check it here.
        if let Ok(address) = url.host_and_port().0.parse::<IpAddr>()
            && !address_allowed(address, self.policy)
        {
            return failed("the address is on a network the installation may not reach".into());
        }
        let started = Instant::now();
        let sent = self
            .http
            .post(url.as_str())
            .header(CONTENT_TYPE, "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, webhook_id)
            .header(
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                timestamp.to_string(),
            )
            .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
            .body(payload.to_owned())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return failed(describe(error)),
        };
        let status = response.status();
        let wait = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.bytes().await.unwrap_or_default();
        let answer = Answer {
            status: status.as_u16(),
            millis: i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX),
            excerpt: String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]).into_owned(),
        };
        match status {
            status if status.is_success() => Sent::Delivered(answer),
            StatusCode::GONE => Sent::Gone(answer),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => Sent::Failed {
                reason: format!("HTTP {}", status.as_u16()),
                answer: Some(answer),
                wait,
            },
            status if status.is_redirection() => Sent::Failed {
                reason: format!("HTTP {}: redirects are not followed", status.as_u16()),
                answer: Some(answer),
                wait: None,
            },
            status => Sent::Failed {
                reason: format!("HTTP {}", status.as_u16()),
                answer: Some(answer),
                wait: None,
            },
        }
    }

    /// An endpoint failing for [`DISABLE_AFTER`] without a success is
    /// disabled.
    async fn disable_if_failing_too_long(
        &self,
        endpoint: &webhook_endpoint::Model,
        now: chrono::DateTime<Utc>,
    ) -> Result<(), pratiche_db::DbErr> {
        let limit = chrono::Duration::from_std(DISABLE_AFTER).unwrap_or_default();
        if endpoint
            .failing_since
            .is_some_and(|since| now - since >= limit)
        {
            let reason = webhooks::FAILING;
            if webhooks::set_disabled(&self.db, endpoint.id, Switch::DisableByOutbox(reason), now)
                .await?
            {
                tracing::warn!(endpoint = endpoint.id, body = endpoint.body_id, "{reason}");
            }
        }
        Ok(())
    }
}

/// How one try went.
enum Sent {
    Delivered(Answer),
    /// 410: the receiver wants no more.
    Gone(Answer),
    Failed {
        answer: Option<Answer>,
        reason: String,
        /// The receiver's `Retry-After` (429, 503).
        wait: Option<Duration>,
    },
}

/// A failed request, without its URL.
fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        "no answer within 15 seconds".into()
    } else if error.is_connect() {
        "cannot connect (or no address the installation may reach)".into()
    } else {
        error.without_url().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_secret_is_32_random_bytes_after_whsec() {
        let secret = new_secret();
        let bytes = STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(new_secret(), secret);
        assert!(standardwebhooks::Webhook::new(&secret).is_ok());
    }
}
