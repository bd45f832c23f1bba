//! A local App IO for the tests: `scripts/app_io/stub.py`, which checks
//! every request against App IO's published OpenAPI (with `jsonschema`
//! from PyPI) and keeps what it received. Started on a free loopback port,
//! stopped when dropped.

use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::python;

/// The key the stub takes, 32 hexadecimal characters like IO's.
pub const IO_KEY: &str = "5f1e0b7c2a9d4e8f8c3b6a1d0e2f4a7b";

/// A `PRATICHE_SECRETS_KEY`: 32 bytes in base64.
pub const SECRETS_KEY: &str = "c2VjcmV0cyBvZiB0aGUgaW50ZWdyYXRpb24gdGVzdHM=";

pub struct IoStub {
    process: Child,
    pub port: u16,
    folder: tempfile::TempDir,
}

/// Who the stub knows: codes whose app takes the service's messages,
/// codes that turned it off; and how many messages get 429 first.
pub struct Profiles<'a> {
    pub allowed: &'a [&'a str],
    pub service_off: &'a [&'a str],
    pub throttle: u32,
}

impl IoStub {
    pub fn start(profiles: Profiles) -> Self {
        let folder = tempfile::tempdir().expect("a folder for the stub's log");
        let (allowed, service_off) = (profiles.allowed.join(","), profiles.service_off.join(","));
        let throttle = profiles.throttle.to_string();
        let args = [
            folder.path().to_str().expect("a UTF-8 path"),
            "--key",
            IO_KEY,
            "--allowed",
            &allowed,
            "--service-off",
            &service_off,
            "--throttle",
            &throttle,
        ];
        let (process, port) = python::start("app_io/stub.py", &args, "the App IO stub");
        Self {
            process,
            port,
            folder,
        }
    }

    /// The server's environment to send through this stub.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "PRATICHE_IO_URL",
                format!("http://127.0.0.1:{}/api/v1", self.port),
            ),
            ("PRATICHE_SECRETS_KEY", SECRETS_KEY.into()),
        ]
    }

    fn lines(&self, name: &str) -> Vec<Value> {
        std::fs::read_to_string(self.folder.path().join(name))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// The requests that passed the schema, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.lines("requests.jsonl")
    }

    /// The messages that passed the schema and were taken.
    pub fn messages(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|request| request["path"] == "/messages")
            .collect()
    }

    /// Requests the schema refused, with why.
    pub fn violations(&self) -> Vec<Value> {
        self.lines("violations.jsonl")
    }

    /// Messages answered 429.
    pub fn throttled(&self) -> usize {
        self.lines("throttled.jsonl").len()
    }

    /// Waits (at most `within`) until `count` messages were taken.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                start.elapsed() < within,
                "{count} App IO messages expected within {within:?}: {messages:#?}, refused: {:#?}",
                self.violations()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for IoStub {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
