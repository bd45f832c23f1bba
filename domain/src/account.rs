//! Back-office accounts: roles, the password policy and the sign-in
//! lock-out schedule. Pure rules; hashing and storage live elsewhere.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use unicode_normalization::UnicodeNormalization;

/// What a user may do. A user belongs to one body, except province admins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The service centre: manages bodies and their admins.
    ProvinceAdmin,
    /// Manages one body's clerks, procedure types and settings.
    BodyAdmin,
    /// Registers and updates one body's pratiche.
    Clerk,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProvinceAdmin => "province_admin",
            Self::BodyAdmin => "body_admin",
            Self::Clerk => "clerk",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(stored: &str) -> Result<Self, Self::Err> {
        [Self::ProvinceAdmin, Self::BodyAdmin, Self::Clerk]
            .into_iter()
            .find(|role| role.as_str() == stored)
            .ok_or_else(|| UnknownRole(stored.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fewest characters in a username.
pub const USERNAME_MIN_CHARS: usize = 3;
/// Most characters in a username: longer input is refused before any
/// database access.
pub const USERNAME_MAX_CHARS: usize = 64;

/// A username: 3 to 64 of `a-z 0-9 . _ -`, typed in any case and with
/// surrounding spaces, kept in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "a username has {USERNAME_MIN_CHARS} to {USERNAME_MAX_CHARS} characters among a-z, 0-9, '.', '_' and '-'"
)]
pub struct InvalidUsername;

impl Username {
    pub fn parse(typed: &str) -> Result<Self, InvalidUsername> {
        let trimmed = typed.trim();
        // Checked on the raw length first: nothing long is ever lowercased.
        if !(USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&trimmed.len()) {
            return Err(InvalidUsername);
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if !trimmed.chars().all(allowed) {
            return Err(InvalidUsername);
        }
        Ok(Self(trimmed.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// At most this many characters of what was typed as a username go into a
/// log line.
pub const LOGGED_USERNAME_CHARS: usize = 32;

/// What a log line may say of a typed username: at most
/// [`LOGGED_USERNAME_CHARS`] characters, control characters dropped, an
/// ellipsis when cut.
pub fn username_for_log(typed: &str) -> String {
    let mut shown: String = typed
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(LOGGED_USERNAME_CHARS + 1)
        .collect();
    if shown.chars().count() > LOGGED_USERNAME_CHARS {
        shown = shown.chars().take(LOGGED_USERNAME_CHARS).collect();
        shown.push('…');
    }
    shown
}

/// Fewest characters in a password.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Most characters in a password (at least 128, as the brief asks).
pub const PASSWORD_MAX_CHARS: usize = 256;

/// A new password that meets the policy: 12 to 256 characters once
/// normalised to NFC; spaces and any Unicode allowed. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password has at least {PASSWORD_MIN_CHARS} characters")]
    TooShort,
    #[error("a password has at most {PASSWORD_MAX_CHARS} characters")]
    TooLong,
}

impl NewPassword {
    pub fn parse(typed: &str) -> Result<Self, PasswordError> {
        let normalised = normalise_password(typed);
        match normalised.chars().count() {
            n if n < PASSWORD_MIN_CHARS => Err(PasswordError::TooShort),
            n if n > PASSWORD_MAX_CHARS => Err(PasswordError::TooLong),
            _ => Ok(Self(normalised)),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// The form in which passwords are hashed and compared: Unicode NFC, so the
/// same password typed on different keyboards matches.
pub fn normalise_password(typed: &str) -> String {
    typed.nfc().collect()
}

/// Failures tolerated before a lock-out.
pub const FAILURES_BEFORE_LOCKOUT: u32 = 5;
/// The longest lock-out.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(60 * 60);

/// Failures counted at most: enough for the longest lock-out, and small
/// enough that a hammered counter decays within a few hours.
pub const MAX_COUNTED_FAILURES: u32 = FAILURES_BEFORE_LOCKOUT + 7;
/// Counters decay: one failure is forgotten for each of these periods
/// without a new one.
pub const FAILURE_DECAY: Duration = Duration::from_secs(10 * 60);

/// The failures still counted `quiet` after the last one: one fewer for
/// every [`FAILURE_DECAY`] that passed, never below zero.
pub fn decayed_failures(failures: u32, quiet: Duration) -> u32 {
    let periods = quiet.as_secs() / FAILURE_DECAY.as_secs();
    failures.saturating_sub(u32::try_from(periods).unwrap_or(u32::MAX))
}

/// The count after one more attempt, `quiet` after the last failure.
pub fn failures_after_attempt(failures: u32, quiet: Duration) -> u32 {
    (decayed_failures(failures, quiet) + 1).min(MAX_COUNTED_FAILURES)
}

/// How long sign-in stays locked after `failures` consecutive failures:
/// nothing for the first few, then 1, 2, 4 … minutes, at most an hour.
pub fn lockout_after(failures: u32) -> Option<Duration> {
    let beyond = failures.checked_sub(FAILURES_BEFORE_LOCKOUT)?;
    let minutes = 1u64.checked_shl(beyond).unwrap_or(u64::MAX);
    Some(Duration::from_secs(minutes.saturating_mul(60)).min(MAX_LOCKOUT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn roles_round_trip() {
        for role in [Role::ProvinceAdmin, Role::BodyAdmin, Role::Clerk] {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn passwords_are_counted_in_characters_after_nfc() {
        assert_eq!(NewPassword::parse("short"), Err(PasswordError::TooShort));
        assert!(NewPassword::parse("correct horse battery").is_ok());
        // "è" typed as e + combining grave is one character once normalised.
        let decomposed = "pa\u{0065}\u{0300}ssword123";
        assert_eq!(
            NewPassword::parse(decomposed).unwrap().expose(),
            "pa\u{00e8}ssword123"
        );
        assert_eq!(NewPassword::parse(&"é".repeat(12)).map(|_| ()), Ok(()));
        assert_eq!(
            NewPassword::parse(&"x".repeat(257)),
            Err(PasswordError::TooLong)
        );
        assert!(NewPassword::parse(&"🔑".repeat(128)).is_ok());
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse battery").unwrap()),
            "NewPassword(…)"
        );
    }

    #[test]
    fn lockouts_double_up_to_an_hour() {
        let minutes = |failures| lockout_after(failures).map(|d| d.as_secs() / 60);
        assert_eq!(minutes(4), None);
        assert_eq!(minutes(5), Some(1));
        assert_eq!(minutes(6), Some(2));
        assert_eq!(minutes(7), Some(4));
        assert_eq!(minutes(11), Some(60));
        assert_eq!(minutes(1000), Some(60));
    }

    #[test]
    fn usernames_are_short_plain_and_lower_case() {
        assert_eq!(
            Username::parse(" Mario.Rossi ").unwrap().as_str(),
            "mario.rossi"
        );
        assert!(Username::parse("m r").is_err());
        assert!(Username::parse("mr").is_err());
        assert!(Username::parse(&"a".repeat(64)).is_ok());
        assert!(Username::parse(&"a".repeat(65)).is_err());
        assert!(Username::parse("màrio").is_err());
        assert!(Username::parse(&"é".repeat(40)).is_err());
    }

    #[test]
    fn logged_usernames_are_cut_short() {
        assert_eq!(username_for_log(" mario "), "mario");
        let long = username_for_log(&"x".repeat(10_000));
        assert_eq!(long.chars().count(), LOGGED_USERNAME_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(username_for_log("a\nb"), "ab");
    }

    #[test]
    fn failures_decay_one_per_period() {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        assert_eq!(decayed_failures(5, minutes(9)), 5);
        assert_eq!(decayed_failures(5, minutes(10)), 4);
        assert_eq!(decayed_failures(5, minutes(60)), 0);
        assert_eq!(failures_after_attempt(4, minutes(0)), 5);
        assert_eq!(failures_after_attempt(5, minutes(25)), 4);
        assert_eq!(
            failures_after_attempt(MAX_COUNTED_FAILURES, minutes(0)),
            MAX_COUNTED_FAILURES
        );
        // The cap still reaches the longest lock-out.
        assert_eq!(lockout_after(MAX_COUNTED_FAILURES), Some(MAX_LOCKOUT));
    }

    proptest! {
        #[test]
        fn lockouts_never_shrink(failures in 0u32..200) {
            prop_assert!(lockout_after(failures) <= lockout_after(failures + 1));
        }

        #[test]
        fn decay_never_grows_and_ends(failures in 0u32..1000, seconds in 0u64..10_000_000) {
            let quiet = Duration::from_secs(seconds);
            prop_assert!(decayed_failures(failures, quiet) <= failures);
            let later = Duration::from_secs(seconds + FAILURE_DECAY.as_secs());
            prop_assert!(decayed_failures(failures, later) <= decayed_failures(failures, quiet));
            let attempt = failures_after_attempt(failures, quiet);
            prop_assert!((1..=MAX_COUNTED_FAILURES).contains(&attempt));
        }

        #[test]
        fn username_parsing_never_panics(typed in "\\PC{0,200}") {
            if let Ok(username) = Username::parse(&typed) {
                prop_assert!(username.as_str().len() <= USERNAME_MAX_CHARS);
                prop_assert_eq!(Username::parse(username.as_str()), Ok(username.clone()));
            }
            prop_assert!(username_for_log(&typed).chars().count() <= LOGGED_USERNAME_CHARS + 1);
        }

        #[test]
        fn password_parsing_never_panics(typed in "\\PC{0,300}") {
            if let Ok(password) = NewPassword::parse(&typed) {
                let count = password.expose().chars().count();
                prop_assert!((PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&count));
            }
        }
    }
}
