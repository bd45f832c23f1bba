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

    proptest! {
        #[test]
        fn lockouts_never_shrink(failures in 0u32..200) {
            prop_assert!(lockout_after(failures) <= lockout_after(failures + 1));
        }
    }
}
