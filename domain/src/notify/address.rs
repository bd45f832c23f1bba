//! An e-mail address a citizen typed, parsed once (RFC 5322 by the
//! `email_address` crate) and narrowed to what a mail to a citizen needs.

use std::fmt;
use std::str::FromStr;

/// Longest address accepted (RFC 5321's path limit).
const MAX_LENGTH: usize = 254;

/// A citizen's address: a plain `local@domain` with a dotted domain, all in
/// lower case (RFC 5321 lets a server tell `Mario@` from `mario@`; no mail
/// provider does, and one citizen typing it twice is one address). No display name, no quoted local part, no
/// address literal: nobody types those into a form, and mail software
/// handles them badly.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// Why a typed address was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailProblem {
    #[error("no address")]
    Missing,
    #[error("too long")]
    TooLong,
    #[error("not an e-mail address")]
    Malformed,
}

impl EmailAddress {
    pub fn parse(typed: &str) -> Result<Self, EmailProblem> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Err(EmailProblem::Missing);
        }
        if typed.len() > MAX_LENGTH {
            return Err(EmailProblem::TooLong);
        }
        let parsed =
            email_address::EmailAddress::from_str(typed).map_err(|_| EmailProblem::Malformed)?;
        let (local, domain) = (parsed.local_part(), parsed.domain());
        let plain_local = !local.contains(['"', '\\', ' ']);
        let dotted_domain = domain.contains('.')
            && !domain.starts_with(['[', '.'])
            && !domain.ends_with('.')
            && !domain.contains("..");
        if parsed.display_part() != "" || !plain_local || !dotted_domain {
            return Err(EmailProblem::Malformed);
        }
        Ok(Self(format!("{local}@{domain}").to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address with most of it hidden, for the clerks' pages and logs:
    /// `m•••@c•••.it`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// `m•••@c•••.it` for a stored address (see [`EmailAddress::masked`]).
pub fn mask(address: &str) -> String {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    let first = |part: &str| part.chars().next().map(String::from).unwrap_or_default();
    let top = domain.rsplit_once('.').map(|(_, top)| top).unwrap_or("");
    format!("{}•••@{}•••.{top}", first(local), first(domain))
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_addresses_pass_in_lower_case() {
        let address = EmailAddress::parse("  Mario.Rossi+pratiche@Comune.Example.IT ").unwrap();
        assert_eq!(address.as_str(), "mario.rossi+pratiche@comune.example.it");
        assert_eq!(address.masked(), "m•••@c•••.it");
    }

    #[test]
    fn what_nobody_types_into_a_form_is_refused() {
        for typed in [
            "mario",
            "mario@",
            "@example.it",
            "mario@localhost",
            "Mario <mario@example.it>",
            "\"mario rossi\"@example.it",
            "mario@[127.0.0.1]",
            "mario@example..it",
            "mario@example.it.",
            "mario@example.it\r\nBcc: x@y.it",
        ] {
            assert_eq!(
                EmailAddress::parse(typed),
                Err(EmailProblem::Malformed),
                "{typed:?}"
            );
        }
        assert_eq!(EmailAddress::parse("  "), Err(EmailProblem::Missing));
        let long = format!("{}@example.it", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailProblem::TooLong));
    }

    proptest! {
        #[test]
        fn whatever_is_typed_a_parsed_address_is_one_line_and_parses_again(typed in ".{0,80}") {
            if let Ok(address) = EmailAddress::parse(&typed) {
                prop_assert!(!address.as_str().contains(['\r', '\n', '<', '>', ' ']));
                prop_assert_eq!(EmailAddress::parse(address.as_str()), Ok(address.clone()));
            }
        }
    }
}
