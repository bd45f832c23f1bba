//! A procedure type's public sheet (D.Lgs. 33/2013 art. 35 c. 1): the parts
//! a body admin writes for citizens that are more than free text.

use url::Url;

/// How the law lets the procedure end without an express decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SilenceRule {
    /// Silenzio-assenso (L. 241/1990 art. 20): silence past the term is
    /// consent.
    Assent,
    /// SCIA (L. 241/1990 art. 19): the activity may start on filing; the
    /// body may forbid it within the term.
    Scia,
}

impl SilenceRule {
    pub const ALL: [Self; 2] = [Self::Assent, Self::Scia];

    /// As stored and posted.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assent => "silenzio_assenso",
            Self::Scia => "scia",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|rule| rule.as_str() == stored)
    }
}

/// The address of the body's online service for the procedure: an http(s)
/// URL with a host, which the public sheet links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnlineService(Url);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a web address (https://…)")]
pub struct NotAWebAddress;

impl OnlineService {
    pub fn parse(text: &str) -> Result<Self, NotAWebAddress> {
        let url = Url::parse(text.trim()).map_err(|_| NotAWebAddress)?;
        let web = matches!(url.scheme(), "https" | "http") && url.host_str().is_some();
        let no_credentials = url.username().is_empty() && url.password().is_none();
        if web && no_credentials {
            Ok(Self(url))
        } else {
            Err(NotAWebAddress)
        }
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// How clear a citizen found a procedure's sheet, from 1 to 5 (the
/// "valutazione dell'esperienza" of the model sites for Comuni). Anonymous:
/// nothing but the number and the day is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SheetRating(u8);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a rating is a whole number from 1 to 5")]
pub struct NotARating;

impl SheetRating {
    pub const ALL: [u8; 5] = [1, 2, 3, 4, 5];

    pub fn parse(text: &str) -> Result<Self, NotARating> {
        match text.trim().parse::<u8>() {
            Ok(value @ 1..=5) => Ok(Self(value)),
            _ => Err(NotARating),
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_rating_is_one_to_five_and_nothing_else(text in ".{0,6}") {
            let expected = match text.trim().parse::<u8>() {
                Ok(value) if (1..=5).contains(&value) => Ok(value),
                _ => Err(NotARating),
            };
            prop_assert_eq!(SheetRating::parse(&text).map(SheetRating::value), expected);
        }
    }

    #[test]
    fn ratings_at_the_edges() {
        assert_eq!(SheetRating::parse("1").map(SheetRating::value), Ok(1));
        assert_eq!(SheetRating::parse(" 5 ").map(SheetRating::value), Ok(5));
        for refused in ["0", "6", "-1", "4.5", "", "cinque", "255", "256"] {
            assert_eq!(SheetRating::parse(refused), Err(NotARating), "{refused}");
        }
    }

    #[test]
    fn silence_rules_read_back_what_they_store() {
        for rule in SilenceRule::ALL {
            assert_eq!(SilenceRule::parse(rule.as_str()), Some(rule));
        }
        assert_eq!(SilenceRule::parse("Scia"), None);
        assert_eq!(SilenceRule::parse(""), None);
    }

    #[test]
    fn an_online_service_is_a_web_address() {
        assert_eq!(
            OnlineService::parse(" https://servizi.comune.example.it/suap ")
                .unwrap()
                .as_str(),
            "https://servizi.comune.example.it/suap"
        );
        for refused in [
            "javascript:alert(1)",
            "servizi.comune.example.it",
            "ftp://example.it/x",
            "https://user:secret@example.it/",
            "data:text/html,hi",
            "",
        ] {
            assert_eq!(
                OnlineService::parse(refused),
                Err(NotAWebAddress),
                "{refused}"
            );
        }
    }
}
