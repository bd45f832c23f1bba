//! Logging with `tracing`, as text or (`PRATICHE_LOG_FORMAT=json`) one JSON
//! object per line (`tracing-subscriber`'s JSON layer). Every request has
//! an id (`x-request-id`: the proxy's, if it is a plain token, or a new
//! UUID), on each line logged while it runs and in its answer. The access
//! log names paths with case codes cut short, and never the query string,
//! so logs never hold a whole code. A panic is logged with its place, and
//! its message only when the message is fixed text (a formatted one may
//! quote what a user typed).

use std::collections::HashSet;
use std::sync::Arc;

use axum::http::{HeaderName, Request};
use percent_encoding::percent_decode_str;
use pratiche_domain::code::looks_like_code;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, MakeSpan, TraceLayer};
use tracing::{Level, Span};
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    /// One JSON object per line, with the request's span (its id) on each.
    Json,
}

impl LogFormat {
    /// `PRATICHE_LOG_FORMAT`: `text` (the default) or `json`.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("PRATICHE_LOG_FORMAT").as_deref() {
            Err(_) | Ok("" | "text") => Ok(Self::Text),
            Ok("json") => Ok(Self::Json),
            Ok(other) => Err(format!(
                "PRATICHE_LOG_FORMAT must be text or json, not {other:?}"
            )),
        }
    }
}

/// Logs to standard error; `RUST_LOG` filters (default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    std::panic::set_hook(Box::new(|panic| {
        let location = panic
            .location()
            .map(|location| format!("{}:{}", location.file(), location.line()))
            .unwrap_or_default();
        let message = panic
            .payload()
            .downcast_ref::<&'static str>()
            .copied()
            .unwrap_or("(message withheld: it may quote input)");
        tracing::error!(%location, message, "panic");
    }));
}

/// Cuts case codes out of paths for the logs. Any segment that looks like a
/// code (or most of one: [`looks_like_code`]), once percent-decoded, keeps
/// its first four characters; the literal words of the app's own routes
/// (some of which would pass for codes, like `area-riservata`) and static
/// files are kept whole.
#[derive(Clone, Debug, Default)]
pub struct PathRedactor {
    route_words: Arc<HashSet<String>>,
}

impl PathRedactor {
    /// Learns the literal segments of `route_paths` (`{param}` and `:param`
    /// segments are not literal).
    pub fn new<'a>(route_paths: impl IntoIterator<Item = &'a str>) -> Self {
        let route_words = route_paths
            .into_iter()
            .flat_map(|path| path.split('/'))
            .filter(|segment| !segment.is_empty() && !segment.starts_with(['{', ':', '*']))
            .map(str::to_owned)
            .collect();
        Self {
            route_words: Arc::new(route_words),
        }
    }

    pub fn redact(&self, path: &str) -> String {
        if crate::path_spelling::is_static(path) {
            return path.to_owned();
        }
        path.split('/')
            .map(|segment| {
                let decoded = percent_decode_str(segment).decode_utf8_lossy();
                if self.route_words.contains(segment) || !looks_like_code(&decoded) {
                    segment.to_owned()
                } else {
                    format!("{}…", decoded.chars().take(4).collect::<String>())
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// One span per request with its id, the method and the redacted path.
#[derive(Clone, Debug)]
pub struct RedactedSpan(pub PathRedactor);

impl<B> MakeSpan<B> for RedactedSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!("request", id, method = %request.method(), path = %self.0.redact(request.uri().path()))
    }
}

/// The request id's header.
pub const REQUEST_ID: &str = "x-request-id";

/// Longest request id taken from a proxy.
const MAX_REQUEST_ID: usize = 64;

/// Drops an incoming request id that is not a plain token (letters,
/// digits, `-`, `_`, `.`; at most 64), so a client cannot write into the
/// logs; [`SetRequestIdLayer`] then gives the request a new UUID.
pub fn keep_plain_request_id<B>(mut request: Request<B>) -> Request<B> {
    let plain = request.headers().get(REQUEST_ID).is_some_and(|value| {
        let bytes = value.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= MAX_REQUEST_ID
            && bytes
                .iter()
                .all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(byte))
    });
    if !plain {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// Gives each request an id (kept if a proxy set a plain one).
pub fn request_id() -> SetRequestIdLayer<MakeRequestUuid> {
    SetRequestIdLayer::new(HeaderName::from_static(REQUEST_ID), MakeRequestUuid)
}

/// Copies the request's id into its answer.
pub fn answer_request_id() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::new(HeaderName::from_static(REQUEST_ID))
}

/// The access log layer.
pub fn access_log(
    redactor: PathRedactor,
) -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RedactedSpan> {
    TraceLayer::new_for_http()
        .make_span_with(RedactedSpan(redactor))
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

#[cfg(test)]
mod tests {
    use super::PathRedactor;

    #[test]
    fn cuts_codes_short_wherever_they_are() {
        let redactor = PathRedactor::new([
            "/p/{code}",
            "/area-riservata/pratiche/{code}/eventi",
            "/api/v1/pratiche/{code}/events",
            "/accessibilita",
        ]);
        let redact = |path| redactor.redact(path);
        assert_eq!(redact("/p/JYRH-CM4Q-3DY4-B"), "/p/JYRH…");
        assert_eq!(redact("/p/"), "/p/");
        assert_eq!(redact("/cerca"), "/cerca");
        assert_eq!(
            redact("/api/v1/pratiche/JYRH-CM4Q-3DY4-B/events"),
            "/api/v1/pratiche/JYRH…/events"
        );
        assert_eq!(
            redact("/area-riservata/pratiche/JYRHCM4Q3DY4B/eventi"),
            "/area-riservata/pratiche/JYRH…/eventi"
        );
        assert_eq!(redact("/accessibilita"), "/accessibilita");
        // Mistyped, cut short, percent-encoded or in an unknown place.
        assert_eq!(redact("/p/JYRH-CM4Q-3DY4-Z"), "/p/JYRH…");
        assert_eq!(redact("/x/JYRH%2DCM4Q%2D3DY4%2DB/y"), "/x/JYRH…/y");
        assert_eq!(redact("/p/JYRH%20CM4Q%203DY4"), "/p/JYRH…");
        assert_eq!(
            redact("/pkg/pratiche.0a1b2c3d4e.js"),
            "/pkg/pratiche.0a1b2c3d4e.js"
        );
        assert_eq!(redact("/api/v1/pratiche"), "/api/v1/pratiche");
    }
}
