//! Spawns the real server binary on an ephemeral port, against SQLite (a file
//! in a temporary folder) or PostgreSQL (a fresh database per test, dropped
//! afterwards), and keeps everything it logs.
//!
//! Long because it is every helper the integration tests share: the server's
//! process, its databases, its HTTP clients.

pub mod api;
pub mod app_io;
pub mod mail;
pub mod nginx;
pub mod python;
pub mod webhooks;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};

/// Starts the server binary with exactly `env`; returns it, its log (kept
/// as it is written) and the address it listens on.
fn launch(env: &[(String, String)]) -> (Child, Arc<Mutex<Vec<String>>>, String) {
    let mut process = Command::new(env!("CARGO_BIN_EXE_pratiche-server"))
        .env_clear()
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let log = Arc::new(Mutex::new(Vec::new()));
    let (address_tx, address_rx) = mpsc::channel();
    let stdout = process.stdout.take().expect("piped stdout");
    let stderr = process.stderr.take().expect("piped stderr");
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let log = Arc::clone(&log);
        let address_tx = address_tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some((_, address)) = line.split_once("listening on ") {
                    // The address ends the text line, or its JSON string.
                    let address = address.split(['"', ' ']).next().unwrap_or_default();
                    let _ = address_tx.send(address.trim().to_owned());
                }
                log.lock().unwrap().push(line);
            }
        });
    }
    match address_rx.recv_timeout(Duration::from_secs(30)) {
        Ok(address) => (process, log, address),
        Err(_) => {
            let _ = process.kill();
            panic!(
                "the server did not start:\n{}",
                log.lock().unwrap().join("\n")
            );
        }
    }
}

/// Where the tests find PostgreSQL; `PRATICHE_TEST_POSTGRES` overrides.
fn postgres_admin_url() -> String {
    std::env::var("PRATICHE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub address: String,
    pub client: reqwest::Client,
    /// The database the server uses, for tests that reach into it.
    pub database_url: String,
    /// The environment the server was started with.
    env: Vec<(String, String)>,
    process: Child,
    log: Arc<Mutex<Vec<String>>>,
    _data_dir: tempfile::TempDir,
    postgres_database: Option<String>,
}

impl TestServer {
    /// Starts a server whose lookup limit lets a client `burst` lookups,
    /// then one a minute, and which believes `X-Forwarded-For` from
    /// loopback, so that one test can be many clients.
    pub async fn start_with_lookup_burst(backend: Backend, burst: u32) -> Option<Self> {
        let burst = burst.to_string();
        let limits = [
            ("PRATICHE_LOOKUP_PER_MINUTE", "1"),
            ("PRATICHE_LOOKUP_BURST", burst.as_str()),
            ("PRATICHE_TRUSTED_PROXIES", "127.0.0.1"),
        ];
        Self::start(backend, &limits).await
    }

    /// Starts a server in demo mode with `env` on top; `None` when the
    /// backend is PostgreSQL and `PRATICHE_SKIP_POSTGRES=1` skips it.
    pub async fn start(backend: Backend, env: &[(&str, &str)]) -> Option<Self> {
        let data_dir = tempfile::tempdir().expect("a temporary folder");
        let mut server_env: Vec<(String, String)> = [
            ("PATH", std::env::var("PATH").unwrap_or_default()),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0".into()),
            ("PRATICHE_DATA_DIR", data_dir.path().display().to_string()),
            ("PRATICHE_DEMO", "1".into()),
            ("RUST_LOG", "info".into()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
        let mut postgres_database = None;
        let database_url = if backend == Backend::Postgres {
            let name = create_postgres_database().await?;
            let url = postgres_url(&name);
            server_env.push(("DATABASE_URL".into(), url.clone()));
            // PostgreSQL needs a configured signing key (SQLite makes its own).
            server_env.push((
                "PRATICHE_SIGNING_KEY".into(),
                "a-test-signing-key-for-postgresql-runs".into(),
            ));
            postgres_database = Some(name);
            url
        } else {
            format!(
                "sqlite://{}/pratiche.db?mode=rwc",
                data_dir.path().display()
            )
        };
        server_env.extend(
            env.iter()
                .map(|(name, value)| (name.to_string(), value.to_string())),
        );
        let (process, log, address) = launch(&server_env);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Some(Self {
            address,
            client,
            database_url,
            env: server_env,
            process,
            log,
            _data_dir: data_dir,
            postgres_database,
        })
    }

    /// Kills the server (SIGKILL: no graceful stop) and starts it again on
    /// the same database and environment; it listens on a new port.
    pub fn kill_and_restart(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let (process, log, address) = launch(&self.env);
        self.process = process;
        self.log = log;
        self.address = address;
    }

    /// A second instance of the server on the same database, with its
    /// own data folder and `env` on top (the database stays this one's to
    /// drop).
    pub fn another_instance(&self, env: &[(&str, &str)]) -> TestServer {
        let data_dir = tempfile::tempdir().expect("a temporary folder");
        let mut server_env = self.env.clone();
        server_env.push((
            "PRATICHE_DATA_DIR".into(),
            data_dir.path().display().to_string(),
        ));
        server_env.extend(
            env.iter()
                .map(|(name, value)| (name.to_string(), value.to_string())),
        );
        let (process, log, address) = launch(&server_env);
        TestServer {
            address,
            client: self.client.clone(),
            database_url: self.database_url.clone(),
            env: server_env,
            process,
            log,
            _data_dir: data_dir,
            postgres_database: None,
        }
    }

    /// Sends SIGTERM, as systemd does to stop the service.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.process.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM sent");
    }

    /// Stops the server as systemd does (SIGTERM, then waits for it to
    /// exit cleanly) and starts it again on the same address, as a
    /// rolling restart does.
    pub async fn restart_in_place(&mut self) {
        self.terminate();
        let status = self.exited(Duration::from_secs(30)).await;
        assert!(status.success(), "a clean stop: {status:?}");
        let address = self.address.trim_start_matches("http://").to_owned();
        let mut env = self.env.clone();
        env.push(("LEPTOS_SITE_ADDR".into(), address));
        let (process, log, address) = launch(&env);
        self.process = process;
        self.log = log;
        self.address = address;
    }

    /// Waits (at most `within`) for the server to exit; how it did.
    pub async fn exited(&mut self, within: Duration) -> std::process::ExitStatus {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.process.try_wait().expect("the child can be waited on") {
                return status;
            }
            assert!(
                start.elapsed() < within,
                "the server stopped within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The server binary with this server's environment (and so its
    /// database), to run one of its commands.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pratiche-server"));
        command
            .env_clear()
            .envs(self.env.iter().map(|(name, value)| (name, value)));
        command
    }

    /// Runs a command of the server binary against the same database.
    pub fn run_command(&self, command: &str) -> std::process::Output {
        self.command()
            .arg(command)
            .output()
            .expect("the server binary runs")
    }

    /// Starts the server binary again on the same database with `env` on
    /// top, and waits (at most 20 s) for it to exit: for start-up refusals.
    pub fn start_expecting_exit(&self, env: &[(&str, &str)]) -> std::process::Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pratiche-server"))
            .env_clear()
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        for _ in 0..200 {
            if child
                .try_wait()
                .expect("the child can be waited on")
                .is_some()
            {
                return child.wait_with_output().expect("its output");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        panic!(
            "the server did not exit: {:?}",
            child
                .wait_with_output()
                .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        );
    }

    /// Runs a command of the server binary with `env` on top and `input` on
    /// its standard input.
    pub fn run_command_with(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        input: &str,
    ) -> std::process::Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_pratiche-server"))
            .args(args)
            .env_clear()
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary runs");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("input written");
        child.wait_with_output().expect("its output")
    }

    /// The key the server signs tokens with.
    pub fn signing_key(&self) -> Vec<u8> {
        match self
            .env
            .iter()
            .find(|(name, _)| name == "PRATICHE_SIGNING_KEY")
        {
            Some((_, key)) => key.clone().into_bytes(),
            None => std::fs::read_to_string(self.data_dir().join("signing-key"))
                .expect("SQLite runs keep their key in the data folder")
                .trim()
                .as_bytes()
                .to_vec(),
        }
    }

    /// The server's data folder.
    pub fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    /// A connection to the server's database.
    pub async fn database(&self) -> pratiche_db::DatabaseConnection {
        pratiche_db::connect(&self.database_url)
            .await
            .expect("the test database opens")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    /// Posts a form as the site's own pages do (`Sec-Fetch-Site:
    /// same-origin`), with `cookie` (may be empty).
    pub async fn post_form(
        &self,
        path: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("sec-fetch-site", "same-origin")
            .header(reqwest::header::COOKIE, cookie)
            .form(form)
            .send()
            .await
            .expect("the server answers")
    }

    /// Signs a demo account in; returns its session cookie (`name=value`).
    /// Calls the server function at `path` with JSON `arguments`, as
    /// `cookie` from `site` (a `Sec-Fetch-Site` value): its status and body.
    pub async fn call_server_function(
        &self,
        path: &str,
        cookie: &str,
        site: &str,
        arguments: &serde_json::Value,
    ) -> (reqwest::StatusCode, String) {
        let response = self
            .client
            .post(self.url(path))
            .header("sec-fetch-site", site)
            .header(reqwest::header::COOKIE, cookie)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(arguments.to_string())
            .send()
            .await
            .expect("the server answers");
        (response.status(), response.text().await.unwrap())
    }

    pub async fn sign_in_demo(&self, username: &str) -> String {
        self.sign_in(username, pratiche_db::demo::DEMO_PASSWORD)
            .await
    }

    /// Signs an account in; returns its session cookie (`name=value`).
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let response = self
            .post_form(
                "/area-riservata/accedi",
                "",
                &[("username", username), ("password", password)],
            )
            .await;
        assert_eq!(
            response.status(),
            reqwest::StatusCode::SEE_OTHER,
            "{username} signs in"
        );
        session_cookie(&response)
    }

    /// A page as the holder of `cookie` sees it: status and body.
    pub async fn page(&self, cookie: &str, path: &str) -> (reqwest::StatusCode, String) {
        let response = self
            .client
            .get(self.url(path))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .expect("the server answers");
        (response.status(), response.text().await.unwrap())
    }

    /// A GET of `path` exactly as written, with `headers`, over HTTP/1.0:
    /// HTTP clients normalise `.`, `..` and `%2e` segments away before
    /// sending, and a hostile client does not. Returns the status and the
    /// body.
    pub async fn raw_get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.address.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host)
            .await
            .expect("the server accepts a connection");
        let mut request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .expect("an answer, never a reset");
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|status| status.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map_or(String::new(), |(_, body)| body.to_owned());
        (status, body)
    }

    /// Everything the server logged up to a sentinel request's own access
    /// line: what the requests answered before it logged is all there, so
    /// a check that the log lacks something cannot pass before it is
    /// written.
    pub async fn settled_log(&self) -> String {
        let sentinel = format!("sentinel-{:016x}", rand::random::<u64>());
        self.client
            .get(self.url("/healthz"))
            .header("x-request-id", &sentinel)
            .send()
            .await
            .expect("the server answers");
        let start = std::time::Instant::now();
        loop {
            let log = self.log();
            if log.lines().any(|line| {
                line.contains(&sentinel) && line.contains("finished processing request")
            }) {
                return log;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the sentinel's access line:\n{log}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Drops the PostgreSQL database under the running server.
    pub async fn drop_postgres_database(&self) {
        let name = self
            .postgres_database
            .as_deref()
            .expect("a PostgreSQL server");
        drop_postgres_database(name).await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        if let Some(name) = self.postgres_database.take() {
            // Drop runs inside the test's runtime: use a thread with its own.
            std::thread::spawn(move || {
                tokio::runtime::Runtime::new()
                    .expect("a runtime")
                    .block_on(drop_postgres_database(&name))
            })
            .join()
            .expect("the database is dropped");
        }
    }
}

fn postgres_url(name: &str) -> String {
    let admin = postgres_admin_url();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// PostgreSQL tests skipped so far (only with `PRATICHE_SKIP_POSTGRES=1`).
static SKIPPED_ON_POSTGRES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A fresh database, or `None` when the PostgreSQL half is skipped on
/// purpose (`PRATICHE_SKIP_POSTGRES=1`, counted aloud). An unreachable
/// PostgreSQL otherwise fails the test: a skipped half must never pass
/// unnoticed.
async fn create_postgres_database() -> Option<String> {
    if std::env::var("PRATICHE_SKIP_POSTGRES").as_deref() == Ok("1") {
        let skipped = SKIPPED_ON_POSTGRES.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        eprintln!("NOTICE: PRATICHE_SKIP_POSTGRES=1: {skipped} PostgreSQL test(s) skipped so far");
        return None;
    }
    let admin = match Database::connect(postgres_admin_url()).await {
        Ok(admin) => admin,
        Err(error) => panic!(
            "PostgreSQL is unreachable at {} ({error}): start it, or set PRATICHE_SKIP_POSTGRES=1 to skip the PostgreSQL half knowingly",
            postgres_admin_url()
        ),
    };
    let name = format!("pratiche_test_{:016x}", rand::random::<u64>());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("a fresh database");
    Some(name)
}

async fn drop_postgres_database(name: &str) {
    let admin = Database::connect(postgres_admin_url())
        .await
        .expect("PostgreSQL answers");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("the database is dropped");
}

/// Runs each listed test once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test($crate::support::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test($crate::support::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// A page with `code` taken out: echoed as typed, and percent-encoded in
/// the language switch's return address. Two answers that differ only by
/// their code compare equal.
pub fn without_code(page: &str, code: &str) -> String {
    let encoded = code
        .replace('$', "%24")
        .replace('=', "%3D")
        .replace('~', "%7E");
    page.replace(code, "CODE").replace(&encoded, "CODE")
}

/// The session cookie (`name=value`) an answer that signed someone in
/// sets.
pub fn session_cookie(answer: &reqwest::Response) -> String {
    answer.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// The version the record's form carries.
pub fn version_in(page: &str) -> String {
    let start = page
        .find("name=\"versione\" value=\"")
        .expect("the form's version")
        + 23;
    page[start..].split('"').next().unwrap().to_owned()
}
