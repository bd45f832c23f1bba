//! The HTML shell and the router of the citizen pages.

use leptos::prelude::*;
use std::sync::OnceLock;

use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::i18n::I18n;
use crate::pages::about::{AccessibilityPage, PrivacyPage};
use crate::pages::admin::api_clients::ApiClientsPage;
use crate::pages::admin::audit::AuditPage;
use crate::pages::admin::bodies::{BodiesPage, BodyStatisticsPage};
use crate::pages::admin::body::BodySettingsPage;
use crate::pages::admin::procedures::{ProcedurePage, ProceduresPage};
use crate::pages::admin::staff::StaffPage;
use crate::pages::admin::webhooks::WebhookDeliveriesPage;
use crate::pages::alerts::{AlertsConfirmPage, AlertsOutcomePage, AlertsStopPage};
use crate::pages::backoffice::{CaseRecordPage, DashboardPage};
use crate::pages::case::CasePage;
use crate::pages::home::HomePage;
use crate::pages::lookup::LookupPage;
use crate::pages::not_found::PageNotFound;
use crate::pages::registration::{ReceiptPage, RegistrationPage};
use crate::pages::staff::{AccountPage, SignInPage};
use crate::pages::transparency::{BodiesPublicPage, BodyPublicPage, ProcedureSheetPage};
use crate::paths;

/// Pages that carry an island. Only these load the hydration scripts: the
/// `<head>` is rendered before the page, so the choice is made by path, and
/// every other page downloads no JavaScript or WebAssembly at all.
pub fn has_islands(path: &str) -> bool {
    [
        paths::HOME,
        paths::LOOKUP,
        paths::DASHBOARD,
        paths::REGISTRATION,
    ]
    .contains(&path)
        || paths::is_case_record_or_events(path)
}

/// The document around every page: language, head and the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let parts = use_context::<http::request::Parts>();
    let i18n = parts
        .as_ref()
        .map(I18n::from_request)
        .unwrap_or_else(|| I18n::negotiate(None, None));
    let with_islands = parts
        .as_ref()
        .is_some_and(|parts| has_islands(parts.uri.path()));
    let language = i18n.tag();
    provide_context(i18n);
    view! {
        <!DOCTYPE html>
        <html lang=language>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=stylesheet_href(&options)/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {with_islands.then(|| view! { <HydrationScripts options=options.clone() islands=true/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet's address: `/pkg/{output name}[.{hash}].css`, the hash
/// being the `css:` line of the hash file beside the executable when built
/// with hashes (as leptos_meta's `HashedStylesheet` finds it). Found once:
/// `HashedStylesheet` reads the file on every page.
fn stylesheet_href(options: &LeptosOptions) -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        let hash_file = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())));
        let hash = options
            .hash_files
            .then(|| std::fs::read_to_string(hash_file?).ok())
            .flatten()
            .and_then(|hashes| {
                hashes.lines().find_map(|line| {
                    let (file, hash) = line.split_once(':')?;
                    (file.trim() == "css").then(|| format!(".{}", hash.trim()))
                })
            })
            .unwrap_or_default();
        format!(
            "/{}/{}{hash}.css",
            options.site_pkg_dir, options.output_name
        )
    })
}

/// Routes whose page waits for data (a `Suspense`) render with
/// `SsrMode::Async`: the whole page is ready before the first byte, so it can
/// set its status and headers, and the server may drop Leptos's trailing
/// hydration scripts from pages without islands without losing content.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=PageNotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/cerca") view=LookupPage ssr=SsrMode::Async/>
                <Route path=path!("/p/:code") view=CasePage ssr=SsrMode::Async/>
                <Route path=path!("/avvisi/conferma") view=AlertsConfirmPage/>
                <Route path=path!("/avvisi/annulla") view=AlertsStopPage/>
                <Route path=path!("/avvisi/esito") view=AlertsOutcomePage/>
                <Route path=path!("/enti") view=BodiesPublicPage ssr=SsrMode::Async/>
                <Route path=path!("/enti/:slug") view=BodyPublicPage ssr=SsrMode::Async/>
                <Route path=path!("/enti/:slug/procedimenti/:id") view=ProcedureSheetPage ssr=SsrMode::Async/>
                <Route path=path!("/accessibilita") view=AccessibilityPage/>
                <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata") view=SignInPage/>
                <Route path=path!("/area-riservata/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/pratiche") view=DashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/pratiche/:code") view=CaseRecordPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/pratiche/:code/ricevuta") view=ReceiptPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/registra") view=RegistrationPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/utenti") view=StaffPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/ente") view=BodySettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/procedimenti") view=ProceduresPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/procedimenti/:id") view=ProcedurePage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/enti") view=BodiesPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/enti/:id") view=BodyStatisticsPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/registro") view=AuditPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/api") view=ApiClientsPage ssr=SsrMode::Async/>
                <Route path=path!("/area-riservata/api/webhook/:id") view=WebhookDeliveriesPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
