//! A body's webhook receiver for the tests: `scripts/webhook_receiver.py`,
//! which verifies every delivery with the official `standardwebhooks`
//! library from PyPI. Started on a free loopback port, stopped when
//! dropped.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::python;

pub struct Receiver {
    process: Child,
    pub port: u16,
    folder: tempfile::TempDir,
}

impl Receiver {
    pub fn start() -> Self {
        let folder = tempfile::tempdir().expect("a folder for the deliveries");
        let folder_arg = folder.path().to_str().expect("a UTF-8 path");
        let (process, port) = python::start(
            "webhook_receiver.py",
            &["serve", folder_arg],
            "the webhook receiver",
        );
        Self {
            process,
            port,
            folder,
        }
    }

    /// The receiver's URL at `path` (its answer depends on it).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The secrets the receiver verifies with, by name.
    pub fn verify_with(&self, secrets: &[(&str, &str)]) {
        let map: serde_json::Map<String, Value> = secrets
            .iter()
            .map(|(name, secret)| ((*name).to_owned(), Value::from(*secret)))
            .collect();
        std::fs::write(
            self.folder.path().join("secrets.json"),
            Value::Object(map).to_string(),
        )
        .expect("the secrets file");
    }

    /// Every request received, in order.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(self.folder.path().join("received.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// Waits (at most `within`) until `count` requests arrived.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                start.elapsed() < within,
                "{count} deliveries expected within {within:?}: {received:#?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the official library says of `delivery` verified with `secret`
    /// `later` seconds from now: "ok" or its error's name.
    pub fn verify_later(&self, delivery: &Value, secret: &str, later: u64) -> String {
        let script = format!(
            "{}/../scripts/webhook_receiver.py",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut child = Command::new(python::test_python())
            .args([script.as_str(), "verify", secret, &later.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the verifier starts");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(delivery.to_string().as_bytes())
            .expect("the delivery is written");
        let output = child.wait_with_output().expect("the verifier ends");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
