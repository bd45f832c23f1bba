//! What the server hands the pages: the database and installation settings.

use std::sync::Arc;

use pratiche_db::DatabaseConnection;

/// Shared by every render; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppContext {
    pub db: DatabaseConnection,
    /// The service centre's name, on pages not tied to one pratica.
    pub installation_name: Arc<str>,
    /// The configured public URL, without a trailing slash: every absolute
    /// URL is built from it, never from the Host header.
    pub public_url: Arc<str>,
    /// Where citizens write about accessibility and data protection.
    pub installation_email: Arc<str>,
    /// Pratiche closed longer ago than this answer like unknown codes.
    pub retention: chrono::Duration,
}

/// Put into a request's extensions by the rate limiter when a lookup is over
/// the limit; the page then answers 429 without touching the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LookupThrottled {
    pub retry_after_secs: u64,
}

/// The back-office user of a request, put into its extensions by the
/// server's session middleware once the session token checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: i32,
    pub session_id: String,
    pub username: String,
    pub display_name: String,
    /// A [`pratiche_domain::account::Role`] as stored.
    pub role: String,
    pub body_id: Option<i32>,
}
