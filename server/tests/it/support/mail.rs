//! A real SMTP server for the tests: `aiosmtpd` from PyPI (installed by
//! `scripts/test.sh`), started on a free loopback port and stopped when
//! dropped. The messages it received are read back with `mail-parser`.

use std::process::Child;
use std::time::{Duration, Instant};

use super::python;

pub struct MailSink {
    process: Child,
    pub port: u16,
    folder: tempfile::TempDir,
}

/// One message as the SMTP server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    headers: Vec<(String, String)>,
}

impl Received {
    /// The raw value of the header `name` (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with(prefix))
            .unwrap_or_else(|| panic!("a link {prefix}… in:\n{}", self.text))
            .to_owned()
    }
}

impl MailSink {
    pub fn start() -> Self {
        let folder = tempfile::tempdir().expect("a folder for the mails");
        let folder_arg = folder.path().to_str().expect("a UTF-8 path");
        let (process, port) = python::start("smtp_sink.py", &[folder_arg], "the SMTP server");
        Self {
            process,
            port,
            folder,
        }
    }

    /// The server's environment to send through this SMTP server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PRATICHE_SMTP_HOST", "127.0.0.1".into()),
            ("PRATICHE_SMTP_PORT", self.port.to_string()),
            ("PRATICHE_SMTP_TLS", "none".into()),
            (
                "PRATICHE_MAIL_FROM",
                "Pratiche Valdoria <avvisi@pratiche.example.it>".into(),
            ),
        ]
    }

    /// Every message received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<_> = std::fs::read_dir(self.folder.path())
            .expect("the mail folder")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| parse(&std::fs::read(path).expect("a message")))
            .collect()
    }

    /// Waits (at most `within`) until `count` messages have arrived.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                start.elapsed() < within,
                "{count} mails expected within {within:?}, {} arrived: {:#?}",
                received.len(),
                received
                    .iter()
                    .map(|mail| &mail.subject)
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn parse(raw: &[u8]) -> Received {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a parsable message");
    let headers = message
        .headers_raw()
        .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
        .collect();
    Received {
        to: message
            .to()
            .and_then(|to| to.first())
            .and_then(|to| to.address())
            .unwrap_or_default()
            .to_owned(),
        subject: message.subject().unwrap_or_default().to_owned(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        html: message.body_html(0).unwrap_or_default().into_owned(),
        headers,
    }
}
