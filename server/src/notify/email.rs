//! Mail over SMTP with `lettre`: the message as citizens get it (both
//! parts, a stable `Message-ID`, the one-click unsubscribe headers of RFC
//! 8058) and its delivery.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use pratiche_app::mail::Mail;

use crate::config::{MailSettings, SmtpTls};

/// Sends mail through the configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The address or a header cannot make a message: never worth a retry.
    #[error("cannot build the message: {0}")]
    Message(String),
    #[error("{0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl SendError {
    /// Whether trying again later cannot help (a bad address, a mailbox
    /// the server says does not exist).
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Message(_) => true,
            Self::Smtp(error) => error.is_permanent(),
        }
    }
}

/// What one mail carries besides its text.
pub struct Envelope<'a> {
    /// One mail to all of them (a notice to a body's admins is one
    /// message: sent once, or tried again for all).
    pub to: &'a [String],
    /// `<…@host>`, derived from the outbox row's key.
    pub message_id: String,
    /// The language tag, for `Content-Language`.
    pub language: &'a str,
    /// The one-click unsubscribe URL, for mails to a subscriber.
    pub unsubscribe: Option<String>,
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Self, lettre::transport::smtp::Error> {
        let host = settings.host.as_str();
        let builder = match settings.tls {
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder
            .port(settings.port)
            .timeout(Some(std::time::Duration::from_secs(30)));
        if settings.tls == SmtpTls::None {
            builder = builder.tls(Tls::None);
        } else if settings.tls == SmtpTls::Tls {
            builder = builder.tls(Tls::Wrapper(TlsParameters::new(host.to_owned())?));
        }
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from: settings.from.clone(),
        })
    }

    pub async fn send(&self, envelope: Envelope<'_>, mail: &Mail) -> Result<(), SendError> {
        let message = build(&self.from, envelope, mail)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// The message: `multipart/alternative` with the plain text first.
fn build(from: &Mailbox, envelope: Envelope<'_>, mail: &Mail) -> Result<Message, SendError> {
    let invalid = |error: &dyn std::fmt::Display| SendError::Message(error.to_string());
    let mut builder = Message::builder().from(from.clone());
    for to in envelope.to {
        let to: Mailbox = to.parse().map_err(|error| invalid(&error))?;
        builder = builder.to(to);
    }
    let mut builder = builder
        .subject(&mail.subject)
        .message_id(Some(envelope.message_id))
        .date_now();
    let mut raw = vec![
        // RFC 3834: a machine wrote it; no auto-replies, please.
        ("Auto-Submitted", "auto-generated".to_owned()),
        ("Content-Language", envelope.language.to_owned()),
    ];
    if let Some(url) = envelope.unsubscribe {
        raw.push(("List-Unsubscribe", format!("<{url}>")));
        raw.push((
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".to_owned(),
        ));
    }
    for (name, value) in raw {
        let name = HeaderName::new_from_ascii_str(name);
        builder = builder.raw_header(HeaderValue::new(name, value));
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .map_err(|error| invalid(&error))
}
