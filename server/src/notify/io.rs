//! App IO's API for services (`pagopa/io-functions-services`, its
//! published OpenAPI): `POST /profiles` to learn whether a citizen's app
//! lets the service write to them, `POST /messages` to write. The codice
//! fiscale travels in the request bodies, never in a URL, so no access log
//! on either side holds it; nothing here logs a body.

use std::time::Duration;

use chrono::{DateTime, Utc};
use pratiche_domain::notify::{FiscalCode, IoContent};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde::{Deserialize, Serialize};

/// The header App IO reads the service's key from.
const KEY_HEADER: &str = "Ocp-Apim-Subscription-Key";

/// A code of IO's shape that is nobody's (day 00), for trying a key.
const NOBODYS_CODE: &str = "AAAAAA00A00A000A";

/// App IO's API for one installation.
#[derive(Clone)]
pub struct IoClient {
    http: reqwest::Client,
    base: String,
}

/// What App IO says of a citizen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// Their app takes the service's messages.
    Allowed,
    /// Not a user of App IO.
    NotOnIo,
    /// They turned the body's service off in their app.
    ServiceOff,
}

/// Why a call to App IO did not do its work.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The request itself is wrong: trying it again cannot help.
    #[error("App IO refused the message ({status}): {title}")]
    Refused { status: u16, title: String },
    #[error("App IO did not take the body's service key ({0})")]
    KeyRefused(u16),
    #[error("App IO asked to slow down (429)")]
    TooMany { retry_after: Option<Duration> },
    #[error("App IO did not answer: {0}")]
    Unavailable(String),
}

impl IoError {
    /// Whether trying again later cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Refused { .. })
    }

    /// How long App IO asked to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::TooMany { retry_after } => *retry_after,
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct FiscalCodePayload<'a> {
    fiscal_code: &'a str,
}

#[derive(Deserialize)]
struct LimitedProfile {
    sender_allowed: bool,
}

#[derive(Serialize)]
struct NewMessage<'a> {
    fiscal_code: &'a str,
    content: MessageContent<'a>,
}

#[derive(Serialize)]
struct MessageContent<'a> {
    subject: &'a str,
    markdown: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_date: Option<String>,
}

#[derive(Deserialize)]
struct CreatedMessage {
    id: String,
}

/// The part of a problem document worth keeping (never its `detail`,
/// which may repeat what was sent).
#[derive(Deserialize)]
struct ProblemJson {
    title: Option<String>,
}

impl IoClient {
    /// `base` like `https://api.io.pagopa.it/api/v1`. Requests time out
    /// after 15 seconds and follow no redirect.
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("pratiche/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend is compiled in");
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// Whether the citizen's app takes the service's messages.
    pub async fn recipient(&self, key: &str, code: &FiscalCode) -> Result<Recipient, IoError> {
        let answer = self.profile(key, code.as_str()).await?;
        match answer.status() {
            StatusCode::OK => {
                let profile: LimitedProfile = answer
                    .json()
                    .await
                    .map_err(|error| IoError::Unavailable(error.to_string()))?;
                Ok(if profile.sender_allowed {
                    Recipient::Allowed
                } else {
                    Recipient::ServiceOff
                })
            }
            StatusCode::NOT_FOUND => Ok(Recipient::NotOnIo),
            _ => Err(failure(answer).await),
        }
    }

    /// Whether App IO takes `key`: it answers a profile request for
    /// nobody's code with 404 (or 200) when it does, 401 or 403 when not.
    pub async fn check_key(&self, key: &str) -> Result<bool, IoError> {
        let answer = self.profile(key, NOBODYS_CODE).await?;
        match answer.status() {
            StatusCode::OK | StatusCode::NOT_FOUND => Ok(true),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Ok(false),
            _ => Err(failure(answer).await),
        }
    }

    /// Sends a message; the id App IO gave it.
    pub async fn submit(
        &self,
        key: &str,
        code: &FiscalCode,
        content: &IoContent,
        due: Option<DateTime<Utc>>,
    ) -> Result<String, IoError> {
        let message = NewMessage {
            fiscal_code: code.as_str(),
            content: MessageContent {
                subject: content.subject(),
                markdown: content.markdown(),
                // `UTCISODateFromString`, as the schema's example writes it.
                due_date: due.map(|due| due.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
            },
        };
        let answer = self
            .http
            .post(format!("{}/messages", self.base))
            .header(KEY_HEADER, key)
            .json(&message)
            .send()
            .await
            .map_err(unreachable)?;
        if answer.status() != StatusCode::CREATED {
            return Err(failure(answer).await);
        }
        let created: CreatedMessage = answer
            .json()
            .await
            .map_err(|error| IoError::Unavailable(error.to_string()))?;
        Ok(created.id)
    }

    async fn profile(&self, key: &str, code: &str) -> Result<reqwest::Response, IoError> {
        self.http
            .post(format!("{}/profiles", self.base))
            .header(KEY_HEADER, key)
            .json(&FiscalCodePayload { fiscal_code: code })
            .send()
            .await
            .map_err(unreachable)
    }
}

/// A network failure, without the URL (which holds nothing personal, but
/// says nothing useful either).
fn unreachable(error: reqwest::Error) -> IoError {
    IoError::Unavailable(error.without_url().to_string())
}

/// An answer that is not the expected one, as an error.
async fn failure(answer: reqwest::Response) -> IoError {
    let status = answer.status();
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => IoError::KeyRefused(status.as_u16()),
        StatusCode::TOO_MANY_REQUESTS => IoError::TooMany {
            retry_after: answer
                .headers()
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(retry_after),
        },
        status if status.is_client_error() => {
            let title = answer
                .json::<ProblemJson>()
                .await
                .ok()
                .and_then(|problem| problem.title)
                .unwrap_or_default();
            IoError::Refused {
                status: status.as_u16(),
                title: title.chars().take(200).collect(),
            }
        }
        status => IoError::Unavailable(format!("HTTP {}", status.as_u16())),
    }
}

/// `Retry-After` in seconds or as an HTTP date (RFC 9110).
fn retry_after(value: &str) -> Option<Duration> {
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value.trim()).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_after_in_both_forms() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }
}
