//! Pratiche's Leptos app in islands mode. Pages are rendered on the server and
//! work as plain HTML; only [`islands`] reach the browser as WebAssembly.

pub mod dashboard_live;
pub mod islands;
pub mod registration_check;
pub mod search;
pub mod status_change_in_place;

#[cfg(feature = "ssr")]
mod components;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod csp;
#[cfg(feature = "ssr")]
pub mod forms;
#[cfg(feature = "ssr")]
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
mod pages;
#[cfg(feature = "ssr")]
pub mod paths;
#[cfg(feature = "ssr")]
pub mod remembered;
#[cfg(feature = "ssr")]
mod routes;

#[cfg(feature = "ssr")]
pub use pages::admin::api_clients::NewApiClient;
#[cfg(feature = "ssr")]
pub use pages::admin::webhooks::NewWebhookSecret;
#[cfg(feature = "ssr")]
pub use pages::admin::{AdminDraft, AdminNotice};
#[cfg(feature = "ssr")]
pub use pages::alerts as alert_pages;
#[cfg(feature = "ssr")]
pub use pages::case::alerts::{AlertsDraft, SENT_FLAG as ALERTS_SENT_FLAG};
#[cfg(feature = "ssr")]
pub use pages::case::{CaseAnswer, found_content};
#[cfg(feature = "ssr")]
pub use pages::registration::RegistrationDraft;
#[cfg(feature = "ssr")]
pub use pages::staff::{NOT_OWN_PRATICA, ONLY_BODY_STAFF, SignInProblem};
#[cfg(feature = "ssr")]
pub use pages::status_change;
#[cfg(feature = "ssr")]
pub use pages::status_change::{DraftOutcome, StatusChangeDraft};
#[cfg(feature = "ssr")]
pub use pages::transparency::{feedback as sheet_feedback, open_data};
#[cfg(feature = "ssr")]
pub use routes::{App, has_islands, shell};

/// The WebAssembly entry point: hydrates the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console while developing; the release bundle
    // goes without (half a kilobyte of the islands' 85 KB budget): a panic
    // there still shows as an error, and the page works without its island.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
