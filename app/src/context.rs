//! What the server hands the pages: the database and installation settings.

use std::num::NonZeroU32;
use std::sync::Arc;

use leptos::prelude::use_context;
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
    /// Whether mail to citizens is configured: the case page offers e-mail
    /// alerts only then.
    pub alerts_by_mail: bool,
    /// Whether the installation can hold bodies' App IO keys (it has a
    /// key to seal them with).
    pub app_io: bool,
    /// Pratiche closed longer ago than this answer like unknown codes.
    pub retention: chrono::Duration,
    /// The per-client limit on reading pratiche by code; `None` when turned
    /// off.
    pub lookups: Option<Arc<dyn LookupLimit>>,
    /// Each body's processing times, computed once in a while, not per view.
    pub processing_times: pratiche_db::transparency::ProcessingTimesCache,
}

/// The per-client limit on lookups, implemented by the server. It is charged
/// where a pratica is read by code ([`charge_lookups`]), not by matching
/// paths: whatever route or fallback renders a page that reads a pratica,
/// the read is counted.
pub trait LookupLimit: Send + Sync + std::fmt::Debug {
    /// Takes `lookups` from the limit of the client that sent `request`
    /// (asynchronously: the limit may live in the shared database).
    fn charge<'a>(
        &'a self,
        request: &'a http::request::Parts,
        lookups: NonZeroU32,
    ) -> LookupCharge<'a>;
}

/// What [`LookupLimit::charge`] answers, once it has: boxed, so the trait
/// stays usable as `dyn` (a trait's `async fn` is not).
pub type LookupCharge<'a> =
    std::pin::Pin<Box<dyn Future<Output = Result<(), LookupThrottled>> + Send + 'a>>;

/// A lookup over the limit: the page answers 429 without reading the
/// database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LookupThrottled {
    pub retry_after_secs: u64,
}

impl AppContext {
    /// Charges `count` lookups of pratiche by code to the client that sent
    /// `request`; nothing to read (0) is free, and no limit lets all pass.
    /// For handlers outside a page (the citizen's forms and feeds).
    pub async fn charge_lookups(
        &self,
        request: &http::request::Parts,
        count: usize,
    ) -> Result<(), LookupThrottled> {
        let Some(count) = NonZeroU32::new(u32::try_from(count).unwrap_or(u32::MAX)) else {
            return Ok(());
        };
        match &self.lookups {
            Some(limit) => limit.charge(request, count).await,
            None => Ok(()),
        }
    }
}

/// Charges `count` lookups of pratiche by code to the client of the request
/// being rendered; every read of a pratica by code without signing in comes
/// right after it. Nothing to read (0) is free. The context is taken now,
/// while rendering; the charge is awaited where the page reads.
pub fn charge_lookups(
    count: usize,
) -> impl Future<Output = Result<(), LookupThrottled>> + Send + 'static {
    let context = use_context::<AppContext>();
    let parts = use_context::<http::request::Parts>();
    async move {
        let Some(context) = context else {
            return Ok(());
        };
        match parts {
            Some(parts) => context.charge_lookups(&parts, count).await,
            // Every page render carries its request; without one, refuse.
            None if context.lookups.is_some() && count > 0 => Err(LookupThrottled {
                retry_after_secs: 60,
            }),
            None => Ok(()),
        }
    }
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
