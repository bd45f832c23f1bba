//! Configuration from the environment, read once at start. Every variable is
//! documented in the README with its default. Values are parsed into typed
//! settings here, so the rest of the server never sees a raw string.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::str::FromStr;

use ipnet::IpNet;
use leptos::config::{Env, LeptosOptions};

use crate::auth::keys::SigningKey;
use crate::responses::SecureCookies;
use crate::secrets::SecretsKey;
use pratiche_domain::webhook::OutboundPolicy;

/// Name of the WebAssembly/CSS bundle that cargo-leptos builds.
const OUTPUT_NAME: &str = "pratiche";

#[derive(Clone, Debug)]
pub struct Settings {
    pub leptos: LeptosOptions,
    pub database: DatabaseSettings,
    pub demo: bool,
    /// Demo mode only: the instant this process's clock starts at
    /// (`PRATICHE_CLOCK_START`, RFC 3339), for tests and demonstrations
    /// whose dates must not depend on the day they run.
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
    /// Without a trailing slash, e.g. `https://pratiche.provincia.example.it`.
    pub public_url: String,
    pub installation_name: String,
    /// The service centre's address for accessibility and privacy requests.
    pub installation_email: String,
    pub retention_days: u32,
    /// `None` when turned off (a limit of 0).
    pub lookup_limit: Option<RateLimit>,
    /// Per API client; `None` when turned off (a limit of 0).
    pub api_limit: Option<RateLimit>,
    /// Where the lookup and API limits are counted.
    pub limit_store: LimitStore,
    /// How long API idempotency keys (and their answers) are kept.
    pub idempotency_retention_hours: u32,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// The key signing session tokens; see [`crate::auth::keys`].
    pub signing_key: Option<SigningKey>,
    /// Mail to citizens; `None` when no SMTP server is configured (then
    /// the case page offers no e-mail alerts).
    pub mail: Option<MailSettings>,
    /// An update waits this long for later ones to join it in one mail.
    pub coalesce: std::time::Duration,
    /// Seals secrets at rest (bodies' App IO keys); without it App IO
    /// cannot be set up.
    pub secrets_key: Option<SecretsKey>,
    /// App IO's API for services, e.g. `https://api.io.pagopa.it/api/v1`.
    pub io_url: String,
    /// What webhook endpoints may be: https and public addresses unless
    /// relaxed.
    pub outbound: OutboundPolicy,
    /// Where `/metrics` is served (Prometheus text format); none when
    /// unset. Keep it off the public network.
    pub metrics_addr: Option<SocketAddr>,
    /// How long a stopping instance answers `/healthz` with 503 before it
    /// closes its listener (the load balancer's check interval or more).
    pub drain: std::time::Duration,
}

/// The SMTP server mail to citizens goes through.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// The sender, `Name <address>` or a bare address.
    pub from: lettre::message::Mailbox,
}

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// STARTTLS on a plain connection (port 587), required.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// None: only for a server on this machine (tests, a local relay).
    None,
}

#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    pub url: String,
    /// Where the default SQLite file lives; created at start.
    pub data_dir: PathBuf,
}

impl DatabaseSettings {
    /// The database's file, when it is SQLite (`sqlite://PATH?…`).
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        let rest = self
            .url
            .strip_prefix("sqlite://")
            .or_else(|| self.url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: NonZeroU32,
    pub burst: NonZeroU32,
}

impl RateLimit {
    /// `None` (no limit) when either number is 0.
    fn new(per_minute: u32, burst: u32) -> Option<Self> {
        NonZeroU32::new(per_minute)
            .zip(NonZeroU32::new(burst))
            .map(|(per_minute, burst)| Self { per_minute, burst })
    }
}

/// Where rate limits are counted: in each instance's memory (one instance,
/// the SQLite default), or in the database all instances share (the
/// PostgreSQL default: a client gets the limit once however many instances
/// serve it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitStore {
    Memory,
    Database,
}

impl FromStr for LimitStore {
    type Err = &'static str;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "memory" => Ok(Self::Memory),
            "database" => Ok(Self::Database),
            _ => Err("use memory or database"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}={value:?} is not valid: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "PRATICHE_DEMO=1 runs only on this machine: the demo accounts' password is published, \
         so LEPTOS_SITE_ADDR ({site_addr}) and PRATICHE_PUBLIC_URL ({public_url}) must both be \
         loopback addresses (127.0.0.1, ::1 or localhost)"
    )]
    DemoNotLoopback {
        site_addr: SocketAddr,
        public_url: String,
    },
}

impl Settings {
    /// Cookies get `Secure` exactly when the public URL is https.
    pub fn secure_cookies(&self) -> SecureCookies {
        SecureCookies(self.public_url.starts_with("https://"))
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads settings through `get`, which answers a variable's value.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let read =
            |name: &'static str, default: &str| get(name).unwrap_or_else(|| default.to_owned());

        let env = match read("LEPTOS_ENV", "PROD").to_ascii_uppercase().as_str() {
            "PROD" | "PRODUCTION" => Env::PROD,
            "DEV" | "DEVELOPMENT" => Env::DEV,
            other => return Err(invalid("LEPTOS_ENV", other, "use PROD or DEV")),
        };
        let site_addr: SocketAddr = parse_var(
            "LEPTOS_SITE_ADDR",
            read("LEPTOS_SITE_ADDR", "127.0.0.1:3000"),
        )?;
        // cargo-leptos writes the bundle's hashes beside the release binary.
        let hash_files = match get("LEPTOS_HASH_FILES") {
            Some(value) => parse_var("LEPTOS_HASH_FILES", value)?,
            None => hash_file_beside_binary(),
        };
        let leptos = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .hash_files(hash_files)
            .site_root(read("LEPTOS_SITE_ROOT", "target/site"))
            .site_pkg_dir(read("LEPTOS_SITE_PKG_DIR", "pkg"))
            .site_addr(site_addr)
            .env(env)
            .build();

        let data_dir = PathBuf::from(read("PRATICHE_DATA_DIR", "data"));
        let explicit_url = get("DATABASE_URL");
        // Off unless asked for: demo accounts have a published password.
        let demo = match get("PRATICHE_DEMO").as_deref() {
            None | Some("0" | "false" | "off") => false,
            Some("1" | "true" | "on") => true,
            Some(other) => return Err(invalid("PRATICHE_DEMO", other, "use 1 or 0")),
        };
        let url = explicit_url.unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("pratiche.db").display()
            )
        });
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "DATABASE_URL",
                "(hidden)",
                "use sqlite:… or postgres://…",
            ));
        }

        let public_url = read("PRATICHE_PUBLIC_URL", "http://127.0.0.1:3000");
        let public_url = public_url.trim_end_matches('/').to_owned();
        let is_http = public_url.starts_with("http://") || public_url.starts_with("https://");
        if !is_http || public_url.contains(['?', '#', ' ']) {
            return Err(invalid(
                "PRATICHE_PUBLIC_URL",
                &public_url,
                "use an http:// or https:// address",
            ));
        }

        let clock_start = match get("PRATICHE_CLOCK_START") {
            None => None,
            Some(_) if !demo => {
                return Err(invalid(
                    "PRATICHE_CLOCK_START",
                    "(set)",
                    "a chosen clock is for demo mode only (PRATICHE_DEMO=1)",
                ));
            }
            Some(start) => Some(
                chrono::DateTime::parse_from_rfc3339(&start)
                    .map_err(|_| {
                        invalid("PRATICHE_CLOCK_START", &start, "use an RFC 3339 instant")
                    })?
                    .to_utc(),
            ),
        };
        if demo && !(site_addr.ip().is_loopback() && is_loopback_url(&public_url)) {
            return Err(ConfigError::DemoNotLoopback {
                site_addr,
                public_url,
            });
        }

        let per_minute: u32 = parse_var(
            "PRATICHE_LOOKUP_PER_MINUTE",
            read("PRATICHE_LOOKUP_PER_MINUTE", "10"),
        )?;
        let burst: u32 = parse_var("PRATICHE_LOOKUP_BURST", read("PRATICHE_LOOKUP_BURST", "20"))?;
        let lookup_limit = RateLimit::new(per_minute, burst);
        let api_limit = RateLimit::new(
            parse_var(
                "PRATICHE_API_PER_MINUTE",
                read("PRATICHE_API_PER_MINUTE", "1200"),
            )?,
            parse_var("PRATICHE_API_BURST", read("PRATICHE_API_BURST", "200"))?,
        );
        let limit_store = match get("PRATICHE_RATE_LIMIT_STORE") {
            Some(value) => parse_var("PRATICHE_RATE_LIMIT_STORE", value)?,
            None if url.starts_with("sqlite:") => LimitStore::Memory,
            None => LimitStore::Database,
        };
        let idempotency_retention_hours: u32 = parse_var(
            "PRATICHE_IDEMPOTENCY_HOURS",
            read("PRATICHE_IDEMPOTENCY_HOURS", "24"),
        )?;
        if idempotency_retention_hours == 0 {
            return Err(invalid(
                "PRATICHE_IDEMPOTENCY_HOURS",
                "0",
                "keys must be kept at least one hour",
            ));
        }

        let trusted_proxies = read("PRATICHE_TRUSTED_PROXIES", "")
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                parse_network(entry).ok_or_else(|| {
                    invalid(
                        "PRATICHE_TRUSTED_PROXIES",
                        entry,
                        "use IP addresses or networks (CIDR)",
                    )
                })
            })
            .collect::<Result<_, _>>()?;

        let mail = mail_settings(&get)?;
        let coalesce_secs: u64 = parse_var(
            "PRATICHE_NOTIFY_COALESCE_SECS",
            read("PRATICHE_NOTIFY_COALESCE_SECS", "600"),
        )?;

        let secrets_key = get("PRATICHE_SECRETS_KEY")
            .map(|text| {
                SecretsKey::from_base64(&text).ok_or_else(|| {
                    invalid(
                        "PRATICHE_SECRETS_KEY",
                        "(hidden)",
                        "use 32 random bytes in base64, e.g. `openssl rand -base64 32`",
                    )
                })
            })
            .transpose()?;
        let io_url = read("PRATICHE_IO_URL", "https://api.io.pagopa.it/api/v1")
            .trim_end_matches('/')
            .to_owned();
        let io_url_ok = reqwest::Url::parse(&io_url).is_ok_and(|url| match url.scheme() {
            "https" => true,
            "http" => url.host_str().is_some_and(is_loopback_host),
            _ => false,
        });
        if !io_url_ok {
            return Err(invalid(
                "PRATICHE_IO_URL",
                &io_url,
                "use an https:// address (http:// only to this machine)",
            ));
        }

        let switch = |name: &'static str| match get(name).as_deref() {
            None | Some("0" | "false" | "off") => Ok(false),
            Some("1" | "true" | "on") => Ok(true),
            Some(other) => Err(invalid(name, other, "use 1 or 0")),
        };
        let outbound = OutboundPolicy {
            allow_http: switch("PRATICHE_WEBHOOK_ALLOW_HTTP")?,
            allow_loopback: switch("PRATICHE_WEBHOOK_ALLOW_LOOPBACK")?,
        };

        let metrics_addr = get("PRATICHE_METRICS_ADDR")
            .map(|value| parse_var("PRATICHE_METRICS_ADDR", value))
            .transpose()?;

        let drain_secs: u64 = parse_var(
            "PRATICHE_DRAIN_SECONDS",
            read("PRATICHE_DRAIN_SECONDS", "5"),
        )?;

        Ok(Self {
            drain: std::time::Duration::from_secs(drain_secs),
            metrics_addr,
            outbound,
            secrets_key,
            io_url,
            mail,
            coalesce: std::time::Duration::from_secs(coalesce_secs),
            leptos,
            database: DatabaseSettings { url, data_dir },
            demo,
            clock_start,
            public_url,
            installation_name: read(
                "PRATICHE_INSTALLATION_NAME",
                "Centro servizi della Provincia",
            ),
            installation_email: read(
                "PRATICHE_INSTALLATION_EMAIL",
                "servizi@provincia.example.it",
            ),
            retention_days: parse_var(
                "PRATICHE_RETENTION_DAYS",
                read("PRATICHE_RETENTION_DAYS", "365"),
            )?,
            lookup_limit,
            api_limit,
            limit_store,
            idempotency_retention_hours,
            trusted_proxies,
            signing_key: get("PRATICHE_SIGNING_KEY").map(|key| SigningKey(key.into_bytes())),
        })
    }
}

/// The SMTP settings, if `PRATICHE_SMTP_HOST` is set.
fn mail_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<MailSettings>, ConfigError> {
    let Some(host) = get("PRATICHE_SMTP_HOST") else {
        return Ok(None);
    };
    let tls = match get("PRATICHE_SMTP_TLS").as_deref().unwrap_or("starttls") {
        "starttls" => SmtpTls::StartTls,
        "tls" => SmtpTls::Tls,
        "none" => SmtpTls::None,
        other => {
            return Err(invalid(
                "PRATICHE_SMTP_TLS",
                other,
                "use starttls, tls or none",
            ));
        }
    };
    if tls == SmtpTls::None && !is_loopback_host(&host) {
        return Err(invalid(
            "PRATICHE_SMTP_TLS",
            "none",
            "an unencrypted connection is allowed only to a server on this machine",
        ));
    }
    let default_port = match tls {
        SmtpTls::Tls => "465",
        SmtpTls::StartTls | SmtpTls::None => "587",
    };
    let port = parse_var(
        "PRATICHE_SMTP_PORT",
        get("PRATICHE_SMTP_PORT").unwrap_or_else(|| default_port.to_owned()),
    )?;
    let credentials = get("PRATICHE_SMTP_USERNAME").zip(get("PRATICHE_SMTP_PASSWORD"));
    let from = get("PRATICHE_MAIL_FROM").ok_or_else(|| {
        invalid(
            "PRATICHE_MAIL_FROM",
            "",
            "set the sender of mail to citizens with PRATICHE_SMTP_HOST",
        )
    })?;
    let from = parse_var("PRATICHE_MAIL_FROM", from)?;
    Ok(Some(MailSettings {
        host,
        port,
        tls,
        credentials,
        from,
    }))
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

fn parse_var<T: FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|error: T::Err| invalid(name, &value, &error.to_string()))
}

/// Whether the URL's host is a loopback address or `localhost`.
fn is_loopback_url(url: &str) -> bool {
    url.parse::<axum::http::Uri>()
        .ok()
        .and_then(|uri| uri.host().map(is_loopback_host))
        .unwrap_or(false)
}

fn hash_file_beside_binary() -> bool {
    std::env::current_exe().is_ok_and(|binary| binary.with_file_name("hash.txt").exists())
}

fn parse_network(entry: &str) -> Option<IpNet> {
    entry
        .parse::<IpNet>()
        .ok()
        .or_else(|| entry.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

fn invalid(name: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        name,
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_to_sqlite_in_data_with_demo_off() {
        let settings = settings(&[]).unwrap();
        assert_eq!(settings.database.url, "sqlite://data/pratiche.db?mode=rwc");
        assert!(!settings.demo);
        assert_eq!(settings.public_url, "http://127.0.0.1:3000");
        assert_eq!(settings.retention_days, 365);
        let limit = settings.lookup_limit.unwrap();
        assert_eq!((limit.per_minute.get(), limit.burst.get()), (10, 20));
        let limit = settings.api_limit.unwrap();
        assert_eq!((limit.per_minute.get(), limit.burst.get()), (1200, 200));
        assert_eq!(settings.idempotency_retention_hours, 24);
        assert_eq!(settings.limit_store, LimitStore::Memory);
    }

    #[test]
    fn limits_are_shared_on_postgresql_unless_asked_otherwise() {
        let url = ("DATABASE_URL", "postgres://postgres@127.0.0.1/pratiche");
        assert_eq!(settings(&[url]).unwrap().limit_store, LimitStore::Database);
        let memory = ("PRATICHE_RATE_LIMIT_STORE", "memory");
        assert_eq!(
            settings(&[url, memory]).unwrap().limit_store,
            LimitStore::Memory
        );
        let database = ("PRATICHE_RATE_LIMIT_STORE", "database");
        assert_eq!(
            settings(&[database]).unwrap().limit_store,
            LimitStore::Database
        );
    }

    #[test]
    fn demo_only_when_asked() {
        let url = ("DATABASE_URL", "postgres://postgres@127.0.0.1/pratiche");
        assert!(!settings(&[url]).unwrap().demo);
        assert!(settings(&[url, ("PRATICHE_DEMO", "1")]).unwrap().demo);
        assert!(settings(&[("PRATICHE_DEMO", "1")]).unwrap().demo);
        assert!(!settings(&[("PRATICHE_DEMO", "0")]).unwrap().demo);
    }

    #[test]
    fn a_chosen_clock_only_in_demo_mode() {
        let start = ("PRATICHE_CLOCK_START", "2026-06-15T21:59:40Z");
        let demo = ("PRATICHE_DEMO", "1");
        assert_eq!(
            settings(&[demo, start])
                .unwrap()
                .clock_start
                .map(|start| start.to_rfc3339()),
            Some("2026-06-15T21:59:40+00:00".into())
        );
        assert!(settings(&[demo]).unwrap().clock_start.is_none());
        let outside = settings(&[start]).unwrap_err().to_string();
        assert!(outside.contains("demo mode only"), "{outside}");
        let malformed = settings(&[demo, ("PRATICHE_CLOCK_START", "15/06/2026")])
            .unwrap_err()
            .to_string();
        assert!(malformed.contains("RFC 3339"), "{malformed}");
    }

    #[test]
    fn demo_only_on_loopback() {
        let demo = ("PRATICHE_DEMO", "1");
        for (name, value) in [
            ("LEPTOS_SITE_ADDR", "0.0.0.0:3000"),
            ("LEPTOS_SITE_ADDR", "[::]:3000"),
            ("LEPTOS_SITE_ADDR", "192.0.2.10:3000"),
            (
                "PRATICHE_PUBLIC_URL",
                "https://pratiche.provincia.example.it",
            ),
            ("PRATICHE_PUBLIC_URL", "http://192.0.2.10:3000"),
            ("PRATICHE_PUBLIC_URL", "http://127.0.0.1.example.it"),
        ] {
            let error = settings(&[demo, (name, value)]).unwrap_err().to_string();
            assert!(
                error.contains("loopback") && error.contains(value),
                "{error}"
            );
            // The same address without demo mode is fine.
            assert!(settings(&[(name, value)]).is_ok());
        }
        for (name, value) in [
            ("LEPTOS_SITE_ADDR", "[::1]:0"),
            ("PRATICHE_PUBLIC_URL", "http://localhost:3000"),
            ("PRATICHE_PUBLIC_URL", "http://[::1]:3000/"),
            ("PRATICHE_PUBLIC_URL", "http://127.0.0.2:8080"),
        ] {
            assert!(settings(&[demo, (name, value)]).is_ok(), "{name}={value}");
        }
    }

    #[test]
    fn zero_turns_the_lookup_limit_off() {
        assert!(
            settings(&[("PRATICHE_LOOKUP_PER_MINUTE", "0")])
                .unwrap()
                .lookup_limit
                .is_none()
        );
        assert!(
            settings(&[("PRATICHE_LOOKUP_BURST", "0")])
                .unwrap()
                .lookup_limit
                .is_none()
        );
    }

    #[test]
    fn rejects_bad_values_with_their_name() {
        for (name, value) in [
            ("PRATICHE_DEMO", "maybe"),
            ("PRATICHE_PUBLIC_URL", "ftp://x"),
            ("PRATICHE_LOOKUP_PER_MINUTE", "-1"),
            ("PRATICHE_API_BURST", "many"),
            ("PRATICHE_RATE_LIMIT_STORE", "redis"),
            ("PRATICHE_IDEMPOTENCY_HOURS", "0"),
            ("PRATICHE_TRUSTED_PROXIES", "10.0.0.1,not-an-ip"),
            ("LEPTOS_SITE_ADDR", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
        ] {
            let error = settings(&[(name, value)]).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }

    #[test]
    fn trims_the_public_url_and_reads_proxies() {
        let settings = settings(&[
            ("PRATICHE_PUBLIC_URL", "https://pratiche.example.it/"),
            ("PRATICHE_TRUSTED_PROXIES", "10.0.0.1, 2001:db8::/48"),
        ])
        .unwrap();
        assert_eq!(settings.public_url, "https://pratiche.example.it");
        assert_eq!(settings.trusted_proxies.len(), 2);
    }

    #[test]
    fn app_io_needs_https_and_a_32_byte_key() {
        let defaults = settings(&[]).unwrap();
        assert!(defaults.secrets_key.is_none());
        assert_eq!(defaults.io_url, "https://api.io.pagopa.it/api/v1");
        let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        assert!(
            settings(&[("PRATICHE_SECRETS_KEY", key)])
                .unwrap()
                .secrets_key
                .is_some()
        );
        assert!(settings(&[("PRATICHE_SECRETS_KEY", "c2hvcnQ=")]).is_err());
        assert!(settings(&[("PRATICHE_IO_URL", "http://io.example.it/api/v1")]).is_err());
        assert_eq!(
            settings(&[("PRATICHE_IO_URL", "http://127.0.0.1:9000/api/v1/")])
                .unwrap()
                .io_url,
            "http://127.0.0.1:9000/api/v1"
        );
    }

    #[test]
    fn mail_is_off_without_a_host_and_checked_with_one() {
        assert!(settings(&[]).unwrap().mail.is_none());
        let mail = settings(&[
            ("PRATICHE_SMTP_HOST", "smtp.provincia.example.it"),
            (
                "PRATICHE_MAIL_FROM",
                "Pratiche <avvisi@provincia.example.it>",
            ),
        ])
        .unwrap()
        .mail
        .unwrap();
        assert_eq!((mail.port, mail.tls), (587, SmtpTls::StartTls));
        assert_eq!(mail.from.email.to_string(), "avvisi@provincia.example.it");
        for (vars, name) in [
            (
                vec![("PRATICHE_SMTP_HOST", "smtp.example.it")],
                "PRATICHE_MAIL_FROM",
            ),
            (
                vec![
                    ("PRATICHE_SMTP_HOST", "smtp.example.it"),
                    ("PRATICHE_MAIL_FROM", "avvisi@example.it"),
                    ("PRATICHE_SMTP_TLS", "none"),
                ],
                "PRATICHE_SMTP_TLS",
            ),
            (
                vec![
                    ("PRATICHE_SMTP_HOST", "127.0.0.1"),
                    ("PRATICHE_MAIL_FROM", "not an address"),
                ],
                "PRATICHE_MAIL_FROM",
            ),
        ] {
            let error = settings(&vars).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }
}
