//! Device cookies (OWASP, "Slow down online guessing attacks with device
//! cookies"): a browser that signed in to an account before carries a signed
//! cookie naming that account. Its sign-in attempts are counted against the
//! device alone, so a stranger who knows a username and hammers it, and so
//! locks the account for untrusted clients, cannot keep its owner out.

use chrono::{DateTime, Duration, Utc};
use pratiche_domain::account::Username;
use serde::{Deserialize, Serialize};

use super::keys::SigningKey;
use super::tokens::{AudienceKeys, ISSUER};
use crate::responses::{SameSite, SecureCookies};

pub const DEVICE_AUDIENCE: &str = "pratiche-device";
/// How long a browser stays known after its last successful sign-in.
pub const DEVICE_LIFETIME: Duration = Duration::days(180);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceClaims {
    /// The username the browser signed in as.
    pub sub: String,
    /// The device's random id, the key of its own failure counter.
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Issues and checks device cookies.
#[derive(Clone)]
pub struct Devices {
    keys: AudienceKeys,
    secure: SecureCookies,
}

impl Devices {
    pub fn new(key: &SigningKey, secure: SecureCookies) -> Self {
        Self {
            keys: AudienceKeys::new(key, DEVICE_AUDIENCE),
            secure,
        }
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure.0 {
            "__Host-pratiche_device"
        } else {
            "pratiche_device"
        }
    }

    /// The `Set-Cookie` value that makes this browser known for `username`.
    pub fn cookie_for(&self, username: &str, now: DateTime<Utc>) -> axum::http::HeaderValue {
        let claims = DeviceClaims {
            sub: username.to_owned(),
            jti: format!("{:032x}", rand::random::<u128>()),
            iat: now.timestamp(),
            exp: (now + DEVICE_LIFETIME).timestamp(),
            iss: ISSUER.into(),
            aud: DEVICE_AUDIENCE.into(),
        };
        self.secure.cookie(
            self.cookie_name(),
            &self.keys.sign(&claims),
            DEVICE_LIFETIME.num_seconds(),
            SameSite::Strict,
        )
    }

    /// The device id of a valid device cookie in `headers` issued for
    /// `username`; `None` for a stranger.
    pub fn known_for(
        &self,
        headers: &axum::http::HeaderMap,
        username: &Username,
    ) -> Option<String> {
        let token = pratiche_app::cookies::read(headers, self.cookie_name())?;
        self.keys
            .verify::<DeviceClaims>(&token)
            .filter(|claims| claims.sub == username.as_str())
            .map(|claims| claims.jti)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> axum::http::HeaderMap {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, cookie.parse().unwrap());
        headers
    }

    /// The `name=value` of a `Set-Cookie` value.
    fn cookie_pair(set_cookie: &axum::http::HeaderValue) -> String {
        let value = set_cookie.to_str().unwrap();
        value.split(';').next().unwrap().to_owned()
    }

    #[test]
    fn a_device_is_known_only_for_its_own_account_and_key() {
        let devices = Devices::new(&SigningKey(vec![7; 32]), SecureCookies(false));
        let set_cookie = devices.cookie_for("mario.rossi", Utc::now());
        let pair = cookie_pair(&set_cookie);
        let mario = Username::parse("mario.rossi").unwrap();
        let anna = Username::parse("anna.bianchi").unwrap();
        assert!(devices.known_for(&headers(&pair), &mario).is_some());
        assert_eq!(devices.known_for(&headers(&pair), &anna), None);
        let other_key = Devices::new(&SigningKey(vec![8; 32]), SecureCookies(false));
        assert_eq!(other_key.known_for(&headers(&pair), &mario), None);
        let expired = devices.cookie_for(
            "mario.rossi",
            Utc::now() - DEVICE_LIFETIME - Duration::minutes(1),
        );
        let pair = cookie_pair(&expired);
        assert_eq!(devices.known_for(&headers(&pair), &mario), None);
        assert!(
            set_cookie
                .to_str()
                .unwrap()
                .contains("HttpOnly; SameSite=Strict")
        );
    }
}
