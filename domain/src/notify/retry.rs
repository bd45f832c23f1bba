//! When a failed delivery is tried again: exponential backoff with jitter,
//! capped, and a last attempt after which the notification is "failed".

use std::time::Duration;

/// Delays double from `first` up to `cap`; after `attempts` tries in all
/// the notification is given up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first: Duration,
    pub cap: Duration,
    pub attempts: u32,
}

impl RetryPolicy {
    /// For mail: 30 s, 1 min, 2 min… up to 6 hours, 12 tries (about a day
    /// and a half of an unreachable mail server).
    pub const MAIL: Self = Self {
        first: Duration::from_secs(30),
        cap: Duration::from_secs(6 * 60 * 60),
        attempts: 12,
    };

    /// The delay before the next try after `tried` failed tries (1 after the
    /// first), or `None` when none is left. `jitter` in `[0, 1)` spreads
    /// retries of many notifications over the second half of the delay
    /// ("equal jitter"), so a mail server that comes back is not hit by all
    /// of them at once.
    pub fn after_failure(&self, tried: u32, jitter: f64) -> Option<Duration> {
        if tried >= self.attempts {
            return None;
        }
        let exponent = tried.saturating_sub(1).min(32);
        let full = self
            .first
            .checked_mul(1 << exponent.min(31))
            .unwrap_or(self.cap)
            .min(self.cap);
        let jitter = jitter.clamp(0.0, 1.0);
        Some(full / 2 + full.mul_f64(jitter / 2.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn delays_double_then_stop_at_the_cap_then_give_up() {
        let policy = RetryPolicy::MAIL;
        assert_eq!(policy.after_failure(1, 0.0), Some(Duration::from_secs(15)));
        assert_eq!(policy.after_failure(2, 0.0), Some(Duration::from_secs(30)));
        assert_eq!(
            policy.after_failure(3, 0.999_999).map(|d| d.as_secs()),
            Some(119)
        );
        assert_eq!(
            policy.after_failure(11, 0.0),
            Some(Duration::from_secs(3 * 60 * 60))
        );
        assert_eq!(policy.after_failure(12, 0.5), None);
    }

    proptest! {
        #[test]
        fn a_delay_is_within_half_and_all_of_its_capped_step(
            tried in 1u32..40,
            jitter in 0.0f64..1.0,
            first in 1u64..600,
            cap in 1u64..100_000,
        ) {
            let policy = RetryPolicy {
                first: Duration::from_secs(first),
                cap: Duration::from_secs(cap),
                attempts: 50,
            };
            let delay = policy.after_failure(tried, jitter).expect("attempts left");
            let step = Duration::from_secs(first)
                .saturating_mul(2u32.saturating_pow(tried - 1))
                .min(Duration::from_secs(cap));
            prop_assert!(delay <= step);
            prop_assert!(delay >= step / 2);
            let later = policy.after_failure(tried + 1, 0.0).unwrap();
            prop_assert!(later >= step / 2, "the next step is never shorter");
        }
    }
}
