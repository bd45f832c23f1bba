//! Secrets the server must be able to use again, sealed at rest: a body's
//! App IO service key. AES-256-GCM (RustCrypto's `aes-gcm`) under the key
//! in `PRATICHE_SECRETS_KEY`, which lives in the environment and never in
//! the database, so a stolen dump or backup holds no usable key. Each
//! sealed value is bound to what it belongs to (the associated data, e.g.
//! `body:7:io`): copied onto another body's row it does not open.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// What a sealed value starts with: the scheme's version, so a later
/// scheme can be told apart.
const PREFIX: &str = "v1:";

/// GCM's nonce: 96 bits, random per value.
const NONCE_BYTES: usize = 12;

/// The key sealing secrets at rest.
#[derive(Clone)]
pub struct SecretsKey(Key<Aes256Gcm>);

impl std::fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretsKey(…)")
    }
}

/// Why a sealed value did not open.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("not a sealed value")]
    Malformed,
    /// Sealed with another key, for something else, or altered.
    #[error("the sealed value does not open with this key for this use")]
    Rejected,
}

impl SecretsKey {
    /// The key from its base64 text (32 bytes), as `PRATICHE_SECRETS_KEY`
    /// holds it.
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text.trim()).ok()?;
        let key: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(key.into()))
    }

    /// Seals `secret` for the use `purpose` names.
    pub fn seal(&self, secret: &str, purpose: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: purpose.as_bytes(),
        };
        let sealed = Aes256Gcm::new(&self.0)
            .encrypt(&nonce, payload)
            .expect("AES-GCM seals any message shorter than 64 GiB");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{PREFIX}{}", STANDARD.encode(bytes))
    }

    /// Opens what [`Self::seal`] sealed for `purpose`.
    pub fn open(&self, sealed: &str, purpose: &str) -> Result<String, SecretError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|encoded| STANDARD.decode(encoded).ok())
            .filter(|bytes| bytes.len() > NONCE_BYTES)
            .ok_or(SecretError::Malformed)?;
        let (nonce, message) = bytes.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: message,
            aad: purpose.as_bytes(),
        };
        let opened = Aes256Gcm::new(&self.0)
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| SecretError::Rejected)?;
        String::from_utf8(opened).map_err(|_| SecretError::Rejected)
    }
}

/// What a body's App IO key is sealed for.
pub fn io_key_purpose(body_id: i32) -> String {
    format!("body:{body_id}:io")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretsKey {
        SecretsKey::from_base64(&STANDARD.encode([byte; 32])).unwrap()
    }

    #[test]
    fn opens_what_it_sealed_and_nothing_else() {
        let sealed = key(1).seal("0123456789abcdef", "body:1:io");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("0123456789abcdef"));
        assert_eq!(
            key(1).open(&sealed, "body:1:io").unwrap(),
            "0123456789abcdef"
        );
        // Another key, another body, an altered value, a value never sealed.
        assert_eq!(
            key(2).open(&sealed, "body:1:io"),
            Err(SecretError::Rejected)
        );
        assert_eq!(
            key(1).open(&sealed, "body:2:io"),
            Err(SecretError::Rejected)
        );
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            key(1).open(&altered, "body:1:io"),
            Err(SecretError::Rejected)
        );
        assert_eq!(key(1).open("v1:", "body:1:io"), Err(SecretError::Malformed));
        assert_eq!(
            key(1).open("0123456789abcdef", "body:1:io"),
            Err(SecretError::Malformed)
        );
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        assert_ne!(key(1).seal("k", "p"), key(1).seal("k", "p"));
    }

    #[test]
    fn only_a_32_byte_key_is_taken() {
        assert!(SecretsKey::from_base64(&STANDARD.encode([0u8; 16])).is_none());
        assert!(SecretsKey::from_base64("not base64!").is_none());
    }
}
