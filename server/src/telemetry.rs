//! Logging with `tracing`. The access log names paths with case codes cut
//! short, and never the query string, so logs never hold a whole code.

use axum::http::Request;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnResponse, MakeSpan, TraceLayer};
use tracing::{Level, Span};
use tracing_subscriber::EnvFilter;

/// Logs to standard error; `RUST_LOG` filters (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colours)
        .init();
}

/// One span per request with the method and the redacted path.
#[derive(Clone, Copy, Debug)]
pub struct RedactedSpan;

impl<B> MakeSpan<B> for RedactedSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        tracing::info_span!("request", method = %request.method(), path = %redact_path(request.uri().path()))
    }
}

/// The access log layer.
pub fn access_log() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RedactedSpan> {
    TraceLayer::new_for_http()
        .make_span_with(RedactedSpan)
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

/// `/p/JYRH-CM4Q-3DY4-B` becomes `/p/JYRH…`, and the API's
/// `/api/v1/pratiche/JYRH-CM4Q-3DY4-B/events` becomes
/// `/api/v1/pratiche/JYRH…/events`; other paths are kept.
pub fn redact_path(path: &str) -> String {
    for prefix in ["/p/", "/api/v1/pratiche/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let (code, tail) = rest
                .split_once('/')
                .map_or((rest, ""), |(code, _)| (code, &rest[code.len()..]));
            return format!(
                "{prefix}{}…{tail}",
                code.chars().take(4).collect::<String>()
            );
        }
    }
    path.to_owned()
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn cuts_codes_short() {
        assert_eq!(redact_path("/p/JYRH-CM4Q-3DY4-B"), "/p/JYRH…");
        assert_eq!(redact_path("/p/"), "/p/…");
        assert_eq!(redact_path("/cerca"), "/cerca");
        assert_eq!(
            redact_path("/api/v1/pratiche/JYRH-CM4Q-3DY4-B/events"),
            "/api/v1/pratiche/JYRH…/events"
        );
        assert_eq!(redact_path("/api/v1/pratiche"), "/api/v1/pratiche");
    }
}
