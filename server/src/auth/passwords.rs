//! Argon2id hashing (19 MiB, 2 iterations, 1 lane), off the async threads
//! and at most two at once, so sign-in storms cannot starve the server. The
//! queue in front of them is bounded: a password check that finds it full is
//! turned away at once ([`Busy`]) instead of waiting without end.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use pratiche_domain::account::{NewPassword, normalise_password};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Hashes running at once.
const CONCURRENT_HASHES: usize = 2;
/// Password checks admitted at once, running or waiting: at about 50 ms a
/// hash, the last one waits a quarter of a second.
const ADMITTED_CHECKS: usize = CONCURRENT_HASHES + 8;
/// What a turned-away client is told to wait, in seconds.
pub const BUSY_RETRY_AFTER_SECS: u64 = 2;

/// The queue of password checks is full: answer 503 with `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

/// A place in the queue of password checks, taken before anything is
/// counted or read; [`Passwords::verify`] needs one.
pub struct Admission {
    _place: OwnedSemaphorePermit,
}

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    admissions: Arc<Semaphore>,
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
            admissions: Arc::new(Semaphore::new(ADMITTED_CHECKS)),
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

    /// A place in the queue of password checks, or [`Busy`] at once when it
    /// is full.
    pub fn admit(&self) -> Result<Admission, Busy> {
        Arc::clone(&self.admissions)
            .try_acquire_owned()
            .map(|place| Admission { _place: place })
            .map_err(|_| Busy)
    }

    /// Whether `typed` matches the stored hash; with no hash (unknown user)
    /// the decoy is checked and the answer is no.
    pub async fn verify(&self, _admitted: &Admission, typed: &str, stored: Option<&str>) -> bool {
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
