//! The outbox's worker (docs/rules.md, Notifications): takes the messages
//! that are due ([`pratiche_db::notifications::claim_due`]), renders each
//! in its recipient's language from the pratica's public view, sends it,
//! and writes down how it went. Every instance runs one; on PostgreSQL
//! they share the rows, each taking its own.

pub mod email;
pub mod links;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use pratiche_app::i18n::I18n;
use pratiche_app::{mail, paths};
use pratiche_db::DatabaseConnection;
use pratiche_db::clock::rome_date;
use pratiche_db::notifications::{self, Claim, Claimed, Kind};
use pratiche_db::public::find_case;
use pratiche_domain::notify::RetryPolicy;
use sha2::{Digest, Sha256};

use email::{Envelope, Mailer, SendError};
use links::Links;

/// How often an idle worker looks for due messages.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// Messages claimed and sent at once, each on its own pooled SMTP
/// connection (lettre's pool keeps up to 10). Sending one at a time caps a
/// worker at about 22 mails a second: lettre 0.11.23 leaves Nagle's
/// algorithm on, and every message's last write waits 40 ms for the peer's
/// delayed ACK (lettre PR #1159 sets TCP_NODELAY, not yet released); a slow
/// relay costs the same way. In parallel the waits overlap
/// (bench/RESULTS.md, "Notifications").
const SENT_AT_ONCE: u64 = 10;

/// The worker and what it needs.
pub struct Worker {
    pub db: DatabaseConnection,
    pub mailer: Mailer,
    pub links: Links,
    pub public_url: String,
    /// Pratiche closed longer ago than this are no longer public: nothing
    /// is sent about them.
    pub retention: chrono::Duration,
    pub coalesce: Duration,
}

impl Worker {
    /// Runs for as long as the server does.
    pub fn spawn(self) {
        let worker = Arc::new(self);
        tokio::spawn(async move {
            loop {
                let worked = match worker.run_once().await {
                    Ok(worked) => worked,
                    Err(error) => {
                        tracing::error!(%error, "cannot read the outbox");
                        0
                    }
                };
                if worked == 0 {
                    tokio::time::sleep(POLL_EVERY).await;
                }
            }
        });
    }

    /// Claims one batch and delivers it, all at once; how many messages it
    /// took.
    pub async fn run_once(self: &Arc<Self>) -> Result<usize, pratiche_db::DbErr> {
        let claim = Claim {
            batch: SENT_AT_ONCE,
            lease: chrono::Duration::minutes(5),
            coalesce: chrono::Duration::from_std(self.coalesce).unwrap_or(chrono::Duration::MAX),
        };
        let claimed = notifications::claim_due(&self.db, claim, Utc::now()).await?;
        let count = claimed.len();
        let mut sending = tokio::task::JoinSet::new();
        for item in claimed {
            let worker = Arc::clone(self);
            sending.spawn(async move { worker.deliver(item).await });
        }
        // Every delivery ends before the next claim; a row whose outcome
        // could not be written is tried again when its lease ends.
        let mut outcome = Ok(count);
        while let Some(delivered) = sending.join_next().await {
            if let Ok(Err(error)) = delivered {
                outcome = Err(error);
            }
        }
        outcome
    }

    async fn deliver(&self, item: Claimed) -> Result<(), pratiche_db::DbErr> {
        let Claimed {
            notification,
            subscription,
            code,
        } = item;
        let now = Utc::now();
        let public = find_case(&self.db, code, now - self.retention).await?;
        let (Some(case), None) = (public, subscription.unsubscribed_at) else {
            return notifications::mark_dropped(&self.db, notification.id).await;
        };
        let i18n = I18n::negotiate(Some(&subscription.language), None);
        let stop_url = self.links.stop_url(subscription.id, now);
        let case_url = format!("{}{}", self.public_url, paths::case_page(code));
        let links = mail::Links {
            case: &case_url,
            stop: &stop_url,
        };
        let today = rome_date(now);
        let mail = match notification.kind {
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
                    return notifications::mark_dropped(&self.db, notification.id).await;
                };
                mail::reminder(&i18n, &case, request, links)
            }
            Kind::Overdue => mail::overdue(&i18n, &case, links),
            Kind::Welcome => mail::welcome(&i18n, &case, today, links),
        };
        // Only a subscriber can stop: the confirmation needs no stop link.
        let unsubscribe = (notification.kind != Kind::Confirmation).then_some(stop_url.clone());
        let envelope = Envelope {
            to: &subscription.recipient,
            message_id: self.message_id(&notification.dedupe_key),
            language: &subscription.language,
            unsubscribe,
        };
        match self.mailer.send(envelope, &mail).await {
            Ok(()) => notifications::mark_sent(&self.db, notification.id, Utc::now()).await,
            Err(error) => {
                self.failed(notification.id, notification.attempts, &error)
                    .await
            }
        }
    }

    /// Writes down a failed try, and when (if ever) to try again.
    async fn failed(
        &self,
        id: i64,
        attempts: i32,
        error: &SendError,
    ) -> Result<(), pratiche_db::DbErr> {
        let tried = u32::try_from(attempts).unwrap_or(u32::MAX);
        let delay = if error.is_permanent() {
            None
        } else {
            RetryPolicy::MAIL.after_failure(tried, rand::random::<f64>())
        };
        let retry_at = delay.and_then(|delay| {
            chrono::Duration::from_std(delay)
                .ok()
                .map(|delay| Utc::now() + delay)
        });
        tracing::warn!(notification = id, attempts, %error, retry = retry_at.is_some(), "a mail was not sent");
        notifications::mark_failed_try(&self.db, id, &error.to_string(), retry_at).await
    }

    /// A stable `Message-ID` from the outbox row's unique key: a resend
    /// after a crash mid-delivery carries the same one, so mail software
    /// can recognise it.
    fn message_id(&self, dedupe_key: &str) -> String {
        let digest = Sha256::digest(dedupe_key.as_bytes());
        let hex: String = digest[..16]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let host = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, rest)| rest)
            .split(['/', ':'])
            .next()
            .unwrap_or("pratiche.invalid");
        format!("<{hex}@{host}>")
    }
}
