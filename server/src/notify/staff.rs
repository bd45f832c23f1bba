//! Notices to a body's admins: a webhook endpoint the outbox disabled
//! (`pratiche_db::webhooks::claim_notices`). One mail to every admin who
//! gave an address, sent once: the endpoint's flag is cleared only after
//! the SMTP server took it, and a failed try waits before the next.

use chrono::Utc;
use pratiche_app::mail::{self, DisabledEndpoint};
use pratiche_app::paths;
use pratiche_db::webhooks::{self, GONE, Notice};

use super::Worker;
use super::email::{Envelope, Mailer};

/// How long an instance holds a notice while sending it.
const LEASE_MINUTES: i64 = 5;
/// The wait after a failed try.
const RETRY_MINUTES: i64 = 15;

impl Worker {
    /// Tells the admins of every endpoint disabled since the last look;
    /// how many notices it took.
    pub(super) async fn tell_admins(&self, mailer: &Mailer) -> Result<usize, pratiche_db::DbErr> {
        let now = Utc::now();
        let notices =
            webhooks::claim_notices(&self.db, chrono::Duration::minutes(LEASE_MINUTES), now)
                .await?;
        let count = notices.len();
        for notice in notices {
            self.tell(mailer, notice).await?;
        }
        Ok(count)
    }

    async fn tell(&self, mailer: &Mailer, notice: Notice) -> Result<(), pratiche_db::DbErr> {
        let Notice {
            endpoint,
            body_name,
            recipients,
        } = notice;
        if recipients.is_empty() {
            tracing::warn!(
                endpoint = endpoint.id,
                body = endpoint.body_id,
                "a webhook endpoint was disabled and no admin of its body has an e-mail address"
            );
            return webhooks::notice_done(&self.db, endpoint.id, None).await;
        }
        let page = format!(
            "{}{}",
            self.public_url,
            paths::fill(paths::WEBHOOK, &[&endpoint.id])
        );
        let disabled_at = endpoint.disabled_at.unwrap_or_else(Utc::now);
        let letter = mail::endpoint_disabled(&DisabledEndpoint {
            body: &body_name,
            url: &endpoint.url,
            description: &endpoint.description,
            gone: endpoint.disabled_reason.as_deref() == Some(GONE),
            disabled_at,
            page: &page,
        });
        let key = format!(
            "webhook-disabled:{}:{}",
            endpoint.id,
            disabled_at.timestamp()
        );
        let envelope = Envelope {
            to: &recipients,
            message_id: self.message_id(&super::reference(&key)),
            language: "it, en",
            unsubscribe: None,
        };
        match mailer.send(envelope, &letter.mail()).await {
            Ok(()) => {
                tracing::info!(
                    endpoint = endpoint.id,
                    admins = recipients.len(),
                    "admins told of a disabled webhook endpoint"
                );
                webhooks::notice_done(&self.db, endpoint.id, Some(Utc::now())).await
            }
            Err(error) if error.is_permanent() => {
                tracing::error!(endpoint = endpoint.id, %error, "cannot tell the admins of a disabled webhook endpoint");
                webhooks::notice_done(&self.db, endpoint.id, None).await
            }
            Err(error) => {
                tracing::warn!(endpoint = endpoint.id, %error, "admins of a disabled webhook endpoint not told yet");
                let retry_at = Utc::now() + chrono::Duration::minutes(RETRY_MINUTES);
                webhooks::postpone_notice(&self.db, endpoint.id, retry_at).await
            }
        }
    }
}
