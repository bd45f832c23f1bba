//! What the server hands the pages: the database and installation settings.

use std::num::NonZeroU32;
use std::sync::Arc;

use leptos::prelude::use_context;
use pratiche_db::DatabaseConnection;
use pratiche_domain::CaseCode;

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
    /// Proofs that a lookup was already charged, from the search to the
    /// case page it leads to.
    pub receipts: LookupReceipts,
}

/// What the citizen's search hands the browser with a found code, so that
/// the case page it goes to next does not charge the same lookup twice: one
/// lookup, one token, whichever way it travels. A cookie signed (HMAC, the
/// `cookie` crate's signed jar) with a key made at start-up, sent only to
/// that pratica's page, for a minute. Another instance, or a restarted one,
/// does not know the key: the page then charges as usual, never less.
#[derive(Clone)]
pub struct LookupReceipts {
    key: cookie::Key,
    /// Whether the site is served over https (the cookie is `Secure`).
    secure: bool,
}

impl std::fmt::Debug for LookupReceipts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LookupReceipts(…)")
    }
}

/// The receipt's cookie.
const RECEIPT_COOKIE: &str = "lookup_paid";

/// How long a receipt pays for its pratica's page: long enough to load it,
/// and a reload or two.
const RECEIPT_LIFETIME: chrono::Duration = chrono::Duration::seconds(60);

impl LookupReceipts {
    pub fn new(secure: bool) -> Self {
        Self {
            key: cookie::Key::generate(),
            secure,
        }
    }

    /// The `Set-Cookie` value of a receipt for `code`, charged `now`.
    pub fn issue(&self, code: CaseCode, now: chrono::DateTime<chrono::Utc>) -> String {
        let expires = now + RECEIPT_LIFETIME;
        let receipt =
            cookie::Cookie::build((RECEIPT_COOKIE, format!("{code}.{}", expires.timestamp())))
                .path(crate::paths::case_page(code))
                .max_age(cookie::time::Duration::seconds(
                    RECEIPT_LIFETIME.num_seconds(),
                ))
                .http_only(true)
                .secure(self.secure)
                .same_site(cookie::SameSite::Strict);
        let mut jar = cookie::CookieJar::new();
        jar.signed_mut(&self.key).add(receipt);
        jar.get(RECEIPT_COOKIE)
            .expect("the receipt was just added")
            .encoded()
            .to_string()
    }

    /// Whether `headers` carry an unexpired receipt of this key for `code`.
    pub fn paid_for(
        &self,
        headers: &http::HeaderMap,
        code: CaseCode,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        let Some(sent) = crate::cookies::read(headers, RECEIPT_COOKIE) else {
            return false;
        };
        let mut jar = cookie::CookieJar::new();
        jar.add_original(cookie::Cookie::new(RECEIPT_COOKIE, sent));
        let Some(receipt) = jar.signed(&self.key).get(RECEIPT_COOKIE) else {
            return false;
        };
        receipt
            .value()
            .split_once('.')
            .is_some_and(|(paid_code, expires)| {
                paid_code == code.to_string()
                    && expires
                        .parse::<i64>()
                        .is_ok_and(|expires| now.timestamp() < expires)
            })
    }
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
    /// The public view of the pratica `code`, unless it is unknown or was
    /// closed longer ago than the retention period (the two answer alike).
    pub async fn find_public_case(
        &self,
        code: CaseCode,
    ) -> Result<Option<pratiche_db::public::PublicCase>, pratiche_db::DbErr> {
        let closed_after = chrono::Utc::now() - self.retention;
        pratiche_db::public::find_case(&self.db, code, closed_after).await
    }

    /// Charges the lookup of `code` to the client that sent `request`, unless
    /// the request carries the receipt the search gave for it (that lookup
    /// was charged there).
    pub async fn charge_lookup_of(
        &self,
        request: &http::request::Parts,
        code: CaseCode,
    ) -> Result<(), LookupThrottled> {
        let paid = self
            .receipts
            .paid_for(&request.headers, code, chrono::Utc::now());
        self.charge_lookups(request, usize::from(!paid)).await
    }

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

/// The address a request came from, as the server reads it behind its
/// trusted proxies, provided to every page and server function: what the
/// audit log records of a server function's write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

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

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    /// The `Cookie` header a browser sends back for a `Set-Cookie` value.
    fn sent(set_cookie: &str) -> http::HeaderMap {
        let pair = set_cookie.split(';').next().unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::COOKIE, pair.parse().unwrap());
        headers
    }

    #[test]
    fn a_receipt_pays_for_its_own_code_for_a_minute_and_only_under_its_key() {
        let receipts = LookupReceipts::new(true);
        let code = CaseCode::from_value(0x0123_4567_89ab);
        let other = CaseCode::from_value(0x0fed_cba9_8765);
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let receipt = receipts.issue(code, at);
        assert!(receipt.contains(&format!("Path=/p/{code}")), "{receipt}");
        assert!(receipt.contains("Secure") && receipt.contains("HttpOnly"));

        let headers = sent(&receipt);
        assert!(receipts.paid_for(&headers, code, at));
        assert!(receipts.paid_for(&headers, code, at + chrono::Duration::seconds(59)));
        assert!(!receipts.paid_for(&headers, code, at + chrono::Duration::seconds(60)));
        assert!(!receipts.paid_for(&headers, other, at));
        assert!(!LookupReceipts::new(true).paid_for(&headers, code, at));

        let renamed = sent(&receipt.replace(&code.to_string(), &other.to_string()));
        assert!(!receipts.paid_for(&renamed, other, at));
        assert!(!receipts.paid_for(&http::HeaderMap::new(), code, at));
    }
}
