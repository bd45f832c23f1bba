//! Argon2id hashing (19 MiB, 2 iterations, 1 lane), off the async threads
//! and at most two at once, so sign-in storms cannot starve the server.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use pratiche_domain::account::{NewPassword, normalise_password};
use tokio::sync::Semaphore;

/// Hashes running at once.
const CONCURRENT_HASHES: usize = 2;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A hash of nothing, verified when the user does not exist, so both
    /// answers take the same time.
    decoy: Arc<str>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl Passwords {
    pub fn new() -> Self {
        let decoy = argon2()
            .hash_password(b"decoy password for unknown users")
            .expect("hashing works")
            .to_string();
        Self {
            permits: Arc::new(Semaphore::new(CONCURRENT_HASHES)),
            decoy: decoy.into(),
        }
    }

    /// The PHC string of a new password.
    pub async fn hash(&self, password: &NewPassword) -> String {
        let password = password.expose().to_owned();
        self.blocking(move || {
            argon2()
                .hash_password(password.as_bytes())
                .expect("hashing works")
                .to_string()
        })
        .await
    }

    /// Whether `typed` matches the stored hash; with no hash (unknown user)
    /// the decoy is checked and the answer is no.
    pub async fn verify(&self, typed: &str, stored: Option<&str>) -> bool {
        let typed = normalise_password(typed);
        let exists = stored.is_some();
        let hash = stored.unwrap_or(&self.decoy).to_owned();
        let matches = self
            .blocking(move || {
                PasswordHash::new(&hash)
                    .is_ok_and(|hash| argon2().verify_password(typed.as_bytes(), &hash).is_ok())
            })
            .await;
        exists && matches
    }

    async fn blocking<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> T {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(work)
            .await
            .expect("hashing does not panic")
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}
