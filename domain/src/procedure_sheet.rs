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

#[cfg(test)]
mod tests {
    use super::*;

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
