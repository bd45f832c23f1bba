//! Short-lived session tokens: JWTs signed with HS256 (the one algorithm
//! accepted), with `exp`, `iat`, `iss`, `aud` and `sub` required and at most
//! 5 s of leeway. A token names its session; the session decides whether it
//! still counts.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::keys::SigningKey;

pub(crate) const ISSUER: &str = "pratiche";
/// Back-office sessions; API clients get another audience.
pub const SESSION_AUDIENCE: &str = "pratiche-backoffice";
const LEEWAY_SECS: u64 = 5;

/// The keys and the validation of one audience's tokens. What every token
/// of ours must be: HS256 only, with `exp`, `iat`, `iss`, `aud` and `sub`,
/// at most 5 s of leeway. Tokens of another audience (a session on the API,
/// an API token in the back office) are refused. Shared, because axum
/// clones a handler's or middleware's state on every request.
#[derive(Clone)]
pub(crate) struct AudienceKeys(Arc<Keys>);

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl AudienceKeys {
    pub(crate) fn new(key: &SigningKey, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECS;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        Self(Arc::new(Keys {
            encoding: EncodingKey::from_secret(&key.0),
            decoding: DecodingKey::from_secret(&key.0),
            validation,
        }))
    }

    pub(crate) fn sign(&self, claims: &impl Serialize) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.0.encoding)
            .expect("HS256 signing does not fail")
    }

    /// The claims of a valid, unexpired token of this audience.
    pub(crate) fn verify<C: DeserializeOwned>(&self, token: &str) -> Option<C> {
        jsonwebtoken::decode::<C>(token, &self.0.decoding, &self.0.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The user's id.
    pub sub: String,
    /// The session's id.
    pub sid: String,
    /// Not optional: jsonwebtoken only checks `iat` if the claims need it.
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

#[derive(Clone)]
pub struct TokenSigner(AudienceKeys);

impl TokenSigner {
    pub fn new(key: &SigningKey) -> Self {
        Self(AudienceKeys::new(key, SESSION_AUDIENCE))
    }

    pub fn issue(
        &self,
        user_id: i32,
        session_id: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> String {
        let claims = SessionClaims {
            sub: user_id.to_string(),
            sid: session_id.to_owned(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
            iss: ISSUER.into(),
            aud: SESSION_AUDIENCE.into(),
        };
        self.0.sign(&claims)
    }

    /// The claims of a valid, unexpired token of ours.
    pub fn verify(&self, token: &str) -> Option<SessionClaims> {
        self.0.verify(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn signer(secret: &str) -> TokenSigner {
        TokenSigner::new(&SigningKey(secret.as_bytes().to_vec()))
    }

    #[test]
    fn accepts_its_own_tokens_only() {
        let signer = signer("k".repeat(40).as_str());
        let now = Utc::now();
        let token = signer.issue(7, "abc", now, now + chrono::Duration::minutes(30));
        let claims = signer.verify(&token).expect("valid");
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("7", "abc"));

        assert!(
            self::signer("x".repeat(40).as_str())
                .verify(&token)
                .is_none(),
            "another key"
        );
        let expired = signer.issue(
            7,
            "abc",
            now - chrono::Duration::hours(1),
            now - chrono::Duration::seconds(10),
        );
        assert!(
            signer.verify(&expired).is_none(),
            "expired beyond the leeway"
        );

        // alg=none with the same claims.
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = token.split('.').nth(1).unwrap();
        let unsigned = format!(
            "{}.{payload}.",
            engine.encode(r#"{"alg":"none","typ":"JWT"}"#)
        );
        assert!(signer.verify(&unsigned).is_none(), "alg=none");
        // A tampered payload.
        let mut claims: serde_json::Value =
            serde_json::from_slice(&engine.decode(payload).unwrap()).unwrap();
        claims["sub"] = "1".into();
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            engine.encode(claims.to_string()),
            parts[2]
        );
        assert!(signer.verify(&tampered).is_none(), "tampered");
    }
}
