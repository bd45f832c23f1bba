//! The links in mails: confirm a subscription, stop it. Each carries a
//! token signed with the installation's key (a JWT of its own audience, as
//! sessions and device cookies are), so nothing secret is stored for it and
//! a link cannot be made for someone else's subscription.

use chrono::{DateTime, Duration, Utc};
use pratiche_app::paths;
use pratiche_domain::notify::CONFIRMATION_VALID_HOURS;
use serde::{Deserialize, Serialize};

use crate::auth::keys::SigningKey;
use crate::auth::tokens::{AudienceKeys, ISSUER};

const CONFIRM_AUDIENCE: &str = "pratiche-alerts-confirm";
const STOP_AUDIENCE: &str = "pratiche-alerts-stop";
/// A stop link works for as long as any pratica is kept.
const STOP_LINK_LIFETIME: Duration = Duration::days(5 * 366);

#[derive(Serialize, Deserialize)]
struct LinkClaims {
    /// The subscription's id.
    sub: String,
    /// For a confirmation: when its mail was queued, which the
    /// subscription must still remember (a newer mail voids older links).
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

/// Makes and reads the links' tokens.
#[derive(Clone)]
pub struct Links {
    public_url: std::sync::Arc<str>,
    confirm: AudienceKeys,
    stop: AudienceKeys,
}

/// A confirmation link that checked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfirmToken {
    pub subscription_id: i32,
    pub issued_at: DateTime<Utc>,
}

impl Links {
    pub fn new(key: &SigningKey, public_url: &str) -> Self {
        Self {
            public_url: public_url.into(),
            confirm: AudienceKeys::new(key, CONFIRM_AUDIENCE),
            stop: AudienceKeys::new(key, STOP_AUDIENCE),
        }
    }

    /// The absolute confirmation link for the mail queued at `issued_at`.
    pub fn confirm_url(&self, subscription_id: i32, issued_at: DateTime<Utc>) -> String {
        let token = self.confirm.sign(&LinkClaims {
            sub: subscription_id.to_string(),
            iat: issued_at.timestamp(),
            exp: (issued_at + Duration::hours(CONFIRMATION_VALID_HOURS)).timestamp(),
            iss: ISSUER.into(),
            aud: CONFIRM_AUDIENCE.into(),
        });
        format!("{}{}?t={token}", self.public_url, paths::ALERTS_CONFIRM)
    }

    /// The absolute stop link (also the `List-Unsubscribe` one-click URL).
    pub fn stop_url(&self, subscription_id: i32, now: DateTime<Utc>) -> String {
        let token = self.stop.sign(&LinkClaims {
            sub: subscription_id.to_string(),
            iat: now.timestamp(),
            exp: (now + STOP_LINK_LIFETIME).timestamp(),
            iss: ISSUER.into(),
            aud: STOP_AUDIENCE.into(),
        });
        format!("{}{}?t={token}", self.public_url, paths::ALERTS_STOP)
    }

    pub fn read_confirm(&self, token: &str) -> Option<ConfirmToken> {
        let claims: LinkClaims = self.confirm.verify(token)?;
        Some(ConfirmToken {
            subscription_id: claims.sub.parse().ok()?,
            issued_at: DateTime::from_timestamp(claims.iat, 0)?,
        })
    }

    /// The subscription a stop link names.
    pub fn read_stop(&self, token: &str) -> Option<i32> {
        let claims: LinkClaims = self.stop.verify(token)?;
        claims.sub.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links::new(&SigningKey(vec![7; 32]), "https://pratiche.example.it")
    }

    fn token_of(url: &str) -> &str {
        url.split_once("?t=").unwrap().1
    }

    #[test]
    fn a_link_reads_back_and_only_as_what_it_was_made_for() {
        let links = links();
        let issued = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        let confirm = links.confirm_url(42, issued);
        assert!(confirm.starts_with("https://pratiche.example.it/avvisi/conferma?t="));
        assert_eq!(
            links.read_confirm(token_of(&confirm)),
            Some(ConfirmToken {
                subscription_id: 42,
                issued_at: issued
            })
        );
        assert_eq!(links.read_stop(token_of(&confirm)), None);
        let stop = links.stop_url(42, issued);
        assert_eq!(links.read_stop(token_of(&stop)), Some(42));
        assert_eq!(links.read_confirm(token_of(&stop)), None);
        let other_key = Links::new(&SigningKey(vec![8; 32]), "https://pratiche.example.it");
        assert_eq!(other_key.read_stop(token_of(&stop)), None);
    }

    #[test]
    fn a_confirmation_link_expires_after_48_hours() {
        let links = links();
        let issued = Utc::now() - Duration::hours(49);
        assert_eq!(
            links.read_confirm(token_of(&links.confirm_url(1, issued))),
            None
        );
    }
}
