//! The outbox's worker (docs/rules.md, Notifications): takes the messages
//! that are due ([`pratiche_db::notifications::claim_due`]) on the channels
//! it can deliver (e-mail, App IO), renders each in its recipient's
//! language from the pratica's public view, sends it, and writes down how
//! it went. Every instance runs one; on PostgreSQL
//! they share the rows, each taking its own.

pub mod email;
pub mod io;
pub mod links;
mod staff;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use pratiche_app::i18n::I18n;
use pratiche_app::{mail, paths};
use pratiche_db::bodies;
use pratiche_db::clock::rome_date;
use pratiche_db::notifications::{self, Channel, Claim, Claimed, Kind};
use pratiche_db::public::find_case;
use pratiche_db::{ActiveEnum, DatabaseConnection};
use pratiche_domain::clock::{ClockStatus, rome_day_end};
use pratiche_domain::notify::{FiscalCode, IoContent, RetryPolicy};
use sha2::{Digest, Sha256};

use crate::jobs;
use crate::lifecycle::Lifecycle;
use crate::secrets::{SecretsKey, io_key_purpose};
use email::{Envelope, Mailer, SendError};
use io::{IoClient, IoError, Recipient};
use links::Links;

/// Messages claimed and sent at once, each on its own pooled SMTP
/// connection (lettre's pool keeps up to 10). Sending one at a time caps a
/// worker at about 22 mails a second: lettre 0.11.23 leaves Nagle's
/// algorithm on, and every message's last write waits 40 ms for the peer's
/// delayed ACK (lettre PR #1159 sets TCP_NODELAY, not yet released); a slow
/// relay costs the same way. In parallel the waits overlap
/// (bench/RESULTS.md, "Notifications").
const SENT_AT_ONCE: u64 = 10;

/// App IO, when the installation can hold bodies' keys.
#[derive(Clone)]
pub struct IoSending {
    pub client: IoClient,
    pub secrets: SecretsKey,
}

/// The worker and what it needs.
pub struct Worker {
    pub db: DatabaseConnection,
    /// E-mail, when an SMTP server is configured.
    pub mailer: Option<Mailer>,
    pub io: Option<IoSending>,
    pub links: Links,
    pub public_url: String,
    /// Pratiche closed longer ago than this are no longer public: nothing
    /// is sent about them.
    pub retention: chrono::Duration,
    pub coalesce: Duration,
}

/// How one delivery ended.
enum Outcome {
    /// Delivered; the channel's id for the message, if it gives one.
    Sent(Option<String>),
    /// Never to be sent, and why.
    Dropped(&'static str),
    Failed(Failure),
}

/// A failed try, as the outbox writes it down.
struct Failure {
    reason: String,
    /// Trying again cannot help.
    permanent: bool,
    /// The channel asked to wait this long (HTTP 429).
    wait: Option<Duration>,
}

impl From<SendError> for Failure {
    fn from(error: SendError) -> Self {
        Self {
            permanent: error.is_permanent(),
            reason: error.to_string(),
            wait: None,
        }
    }
}

impl From<IoError> for Failure {
    fn from(error: IoError) -> Self {
        Self {
            permanent: error.is_permanent(),
            wait: error.retry_after(),
            reason: error.to_string(),
        }
    }
}

impl Failure {
    fn permanent(reason: impl ToString) -> Self {
        Self {
            reason: reason.to_string(),
            permanent: true,
            wait: None,
        }
    }
}

impl Worker {
    /// Runs until the instance stops.
    pub fn spawn(self, lifecycle: &Lifecycle) {
        let worker = Arc::new(self);
        jobs::spawn_outbox(lifecycle, "messages to citizens", move || {
            let worker = Arc::clone(&worker);
            async move { worker.run_once().await }
        });
    }

    /// The channels this worker can deliver.
    fn channels(&self) -> Vec<Channel> {
        let mut channels = Vec::new();
        if self.mailer.is_some() {
            channels.push(Channel::Email);
        }
        if self.io.is_some() {
            channels.push(Channel::Io);
        }
        channels
    }

    /// Claims one batch and delivers it, all at once, then tells admins of
    /// disabled webhook endpoints; how many messages it took.
    pub async fn run_once(self: &Arc<Self>) -> Result<usize, pratiche_db::DbErr> {
        let channels = self.channels();
        let claim = Claim {
            channels: &channels,
            batch: SENT_AT_ONCE,
            lease: chrono::Duration::minutes(5),
            coalesce: chrono::Duration::from_std(self.coalesce).unwrap_or(chrono::Duration::MAX),
        };
        let claimed = notifications::claim_due(&self.db, claim, Utc::now()).await?;
        let delivered = jobs::deliver_all(claimed, |item| {
            let worker = Arc::clone(self);
            async move { worker.deliver(item).await }
        })
        .await?;
        let told = match &self.mailer {
            Some(mailer) => self.tell_admins(mailer).await?,
            None => 0,
        };
        Ok(delivered + told)
    }

    async fn deliver(&self, item: Claimed) -> Result<(), pratiche_db::DbErr> {
        let id = item.notification.id;
        let attempts = item.notification.attempts;
        let channel = item.notification.channel;
        let outcome = self.try_delivery(item).await?;
        match outcome {
            Outcome::Sent(external_id) => {
                notifications::mark_sent(&self.db, id, Utc::now(), external_id.as_deref()).await
            }
            Outcome::Dropped(reason) => notifications::mark_dropped(&self.db, id, reason).await,
            Outcome::Failed(failure) => {
                metrics::counter!(crate::metrics::DELIVERIES_FAILED, "channel" => channel.to_value())
                    .increment(1);
                self.failed(id, attempts, failure).await
            }
        }
    }

    async fn try_delivery(&self, item: Claimed) -> Result<Outcome, pratiche_db::DbErr> {
        let Claimed {
            notification,
            subscription,
            code,
            body_id,
        } = item;
        let now = Utc::now();
        let public = find_case(&self.db, code, now - self.retention).await?;
        let (Some(case), None) = (public, subscription.unsubscribed_at) else {
            return Ok(Outcome::Dropped(
                "unsubscribed, or the pratica is no longer public",
            ));
        };
        let i18n = I18n::negotiate(Some(&subscription.language), None);
        let stop_url = self.links.stop_url(subscription.id, now);
        let case_url = format!("{}{}", self.public_url, paths::case_page(code));
        let by_mail = subscription.channel == Channel::Email;
        let links = mail::Links {
            case: &case_url,
            stop: by_mail.then_some(stop_url.as_str()),
        };
        let today = rome_date(now);
        let letter = match notification.kind {
            Kind::Confirmation => {
                let issued = subscription.confirmation_sent_at.unwrap_or(now);
                let url = self.links.confirm_url(subscription.id, issued);
                mail::confirmation(&i18n, &case, &url)
            }
            Kind::Update => {
                let told = notifications::told_events(&self.db, notification.id).await?;
                mail::update(&i18n, &case, &told, today, links)
            }
            Kind::Reminder => {
                let told = notifications::told_events(&self.db, notification.id).await?;
                let Some(request) = told.first() else {
                    return Ok(Outcome::Dropped("the request reminded of is gone"));
                };
                mail::reminder(&i18n, &case, request, links)
            }
            Kind::Overdue => mail::overdue(&i18n, &case, links),
            Kind::Welcome => mail::welcome(&i18n, &case, today, links),
        };
        let reference = reference(&notification.dedupe_key);
        let outcome = match (subscription.channel, &self.mailer, &self.io) {
            (Channel::Email, Some(mailer), _) => {
                // Only a subscriber can stop: the confirmation needs no stop link.
                let unsubscribe = (notification.kind != Kind::Confirmation).then_some(stop_url);
                let envelope = Envelope {
                    to: std::slice::from_ref(&subscription.recipient),
                    message_id: self.message_id(&reference),
                    language: &subscription.language,
                    unsubscribe,
                };
                match mailer.send(envelope, &letter.mail()).await {
                    Ok(()) => Outcome::Sent(None),
                    Err(error) => Outcome::Failed(error.into()),
                }
            }
            (Channel::Io, _, Some(io)) => {
                let Ok(code) = FiscalCode::parse(&subscription.recipient) else {
                    return Ok(Outcome::Failed(Failure::permanent("not a codice fiscale")));
                };
                let content = match letter.io(&i18n, &reference) {
                    Ok(content) => content,
                    Err(problem) => return Ok(Outcome::Failed(Failure::permanent(problem))),
                };
                let due = case
                    .clock
                    .as_ref()
                    .and_then(|clock| ClockStatus::at(clock, today).next_date())
                    .map(rome_day_end);
                self.send_io(io, body_id, &code, &content, due).await?
            }
            // Claimed only for the channels this worker delivers.
            _ => Outcome::Failed(Failure::permanent("channel not configured")),
        };
        Ok(outcome)
    }

    /// Asks App IO whether the citizen takes the body's messages, and if
    /// so sends this one.
    async fn send_io(
        &self,
        io: &IoSending,
        body_id: i32,
        code: &FiscalCode,
        content: &IoContent,
        due: Option<chrono::DateTime<Utc>>,
    ) -> Result<Outcome, pratiche_db::DbErr> {
        let Some(sealed) = bodies::sealed_io_key(&self.db, body_id).await? else {
            return Ok(Outcome::Dropped("the body no longer sends through App IO"));
        };
        let Ok(key) = io.secrets.open(&sealed, &io_key_purpose(body_id)) else {
            return Ok(Outcome::Failed(Failure {
                reason: "the body's App IO key does not open with PRATICHE_SECRETS_KEY".into(),
                permanent: false,
                wait: None,
            }));
        };
        let outcome = match io.client.recipient(&key, code).await {
            Ok(Recipient::Allowed) => match io.client.submit(&key, code, content, due).await {
                Ok(id) => Outcome::Sent(Some(id)),
                Err(error) => Outcome::Failed(error.into()),
            },
            Ok(Recipient::NotOnIo) => Outcome::Dropped("the citizen does not use App IO"),
            Ok(Recipient::ServiceOff) => {
                Outcome::Dropped("the citizen turned the body's service off in App IO")
            }
            Err(error) => Outcome::Failed(error.into()),
        };
        Ok(outcome)
    }

    /// Writes down a failed try, and when (if ever) to try again: when
    /// the channel asked (HTTP 429's `Retry-After`), else after the retry
    /// policy's delay.
    async fn failed(
        &self,
        id: i64,
        attempts: i32,
        failure: Failure,
    ) -> Result<(), pratiche_db::DbErr> {
        let tried = u32::try_from(attempts).unwrap_or(u32::MAX);
        let delay = if failure.permanent {
            None
        } else {
            // The channel's own word on when to come back (Retry-After)
            // beats the policy's guess; the policy still counts the tries.
            RetryPolicy::MAIL
                .after_failure(tried, rand::random::<f64>())
                .map(|delay| failure.wait.unwrap_or(delay))
        };
        let retry_at = delay.and_then(|delay| {
            chrono::Duration::from_std(delay)
                .ok()
                .map(|delay| Utc::now() + delay)
        });
        let Failure { reason, .. } = failure;
        tracing::warn!(notification = id, attempts, %reason, retry = retry_at.is_some(), "a message was not sent");
        notifications::mark_failed_try(&self.db, id, &reason, retry_at).await
    }

    /// The mail's `Message-ID`: the message's reference at the public
    /// host.
    fn message_id(&self, reference: &str) -> String {
        let host = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, rest)| rest)
            .split(['/', ':'])
            .next()
            .unwrap_or("pratiche.invalid");
        format!("<{reference}@{host}>")
    }
}

/// A message's stable reference from the outbox row's unique key: a resend
/// after a crash mid-delivery carries the same one (as the mail's
/// `Message-ID`, at the foot of the App IO message), so it can be
/// recognised.
fn reference(dedupe_key: &str) -> String {
    let digest = Sha256::digest(dedupe_key.as_bytes());
    digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
