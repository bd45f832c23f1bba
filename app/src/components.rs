//! Building blocks shared by the pages: layout, breadcrumb, phase badge and
//! the lookup form.

use http::header::{CACHE_CONTROL, HeaderValue};
use http::{HeaderName, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_meta::{Meta, Title};
use pratiche_domain::{CaseCode, CodeError, PublicPhase};

use crate::context::AppContext;
use crate::i18n::{I18n, use_i18n};
use crate::islands::{CodeField, CodeMessages};
use crate::paths;

/// An example code for hints: fixed, and it passes its check symbol.
pub const EXAMPLE_CODE: &str = "7K3M-Q9XR-2HDP-C";

/// A step of the breadcrumb after Home; the last one is the current page.
#[derive(Clone, Debug)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// Sets the status and marks the response as private to the one citizen who
/// holds the code: not indexed, not stored by any cache.
pub fn answer_privately(status: StatusCode) {
    let response = expect_context::<ResponseOptions>();
    response.set_status(status);
    response.insert_header(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// The frame of every citizen page: skip link, header with the body's name
/// (or the installation's) and the language switch, breadcrumb, main content
/// and footer.
#[component]
pub fn PageLayout(
    /// The page's own title; the site's name follows it in `<title>`.
    title: String,
    /// The body the page belongs to, if any.
    #[prop(optional)]
    body_name: Option<String>,
    /// The body's slug, so the footer links its own privacy notice.
    #[prop(optional)]
    body_slug: Option<String>,
    #[prop(optional)] crumbs: Vec<Crumb>,
    /// Adds `noindex` for pages about one pratica or one lookup.
    #[prop(optional)]
    private: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let installation = expect_context::<AppContext>().installation_name;
    let header_name = body_name
        .clone()
        .unwrap_or_else(|| installation.to_string());
    // leptos_meta 0.8 writes a title's text into `<title>` as it is: a
    // subject or a name must not end the title and add markup.
    let full_title = html_escape::encode_text(&format!("{title} — {header_name}")).into_owned();
    let privacy_href = match body_slug {
        Some(slug) => format!("/privacy#ente-{slug}"),
        None => "/privacy".to_owned(),
    };
    view! {
        <Title text=full_title/>
        {private.then(|| view! { <Meta name="robots" content="noindex"/> })}
        <a class="skip-link" href="#main">{i18n.t("skip-to-content")}</a>
        <header class="site-header">
            <div class="slim-header">
                <div class="container slim-header-row">
                    <span>{installation.to_string()}</span>
                    <LanguageSwitch/>
                </div>
            </div>
            <div class="center-header">
                <div class="container">
                    <p class="site-name">{header_name}</p>
                    <p class="site-tagline">{i18n.t("site-tagline")}</p>
                </div>
            </div>
        </header>
        <div class="container">
            <Breadcrumb crumbs/>
        </div>
        <main id="main" class="container" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container">
                <p class="footer-name">{installation.to_string()}</p>
                <ul class="footer-links">
                    <li><a href=paths::BODIES_PUBLIC>{i18n.t("footer-bodies")}</a></li>
                    <li><a href="/accessibilita" data-element="accessibility-link">{i18n.t("footer-accessibility")}</a></li>
                    <li><a href=privacy_href data-element="privacy-policy-link">{i18n.t("footer-privacy")}</a></li>
                    <li><a href=paths::SIGN_IN>{i18n.t("footer-staff")}</a></li>
                </ul>
            </div>
        </footer>
    }
}

/// Plain links to the other languages: each sets the language cookie and
/// comes back here, with or without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let here = use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .uri
                .path_and_query()
                .map(|path| path.as_str().to_owned())
        })
        .unwrap_or_else(|| "/".to_owned());
    let back: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    view! {
        <nav class="language-switch" aria-label=i18n.t("language-switch-label")>
            <ul>
            {i18n
                .alternatives()
                .into_iter()
                .map(|(tag, name)| {
                    let href = format!("{}?torna={back}", paths::fill(paths::LANGUAGE, &[&tag]));
                    view! { <li><a href=href hreflang=tag.clone() lang=tag>{name}</a></li> }
                })
                .collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn Breadcrumb(crumbs: Vec<Crumb>) -> impl IntoView {
    let i18n = use_i18n();
    let home_is_current = crumbs.is_empty();
    view! {
        <nav class="breadcrumb" aria-label=i18n.t("breadcrumb-label")>
            <ol>
                <li>
                    {if home_is_current {
                        view! { <span aria-current="page">{i18n.t("breadcrumb-home")}</span> }.into_any()
                    } else {
                        view! { <a href="/">{i18n.t("breadcrumb-home")}</a> }.into_any()
                    }}
                </li>
                {crumbs
                    .into_iter()
                    .map(|crumb| match crumb.href {
                        Some(href) => view! { <li><a href=href>{crumb.label}</a></li> }.into_any(),
                        None => view! { <li><span aria-current="page">{crumb.label}</span></li> }.into_any(),
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// A public phase as icon + text, never colour alone.
#[component]
pub fn PhaseBadge(phase: PublicPhase) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("phase phase-{}", phase.as_str())>
            <svg class="phase-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path d=phase_icon(phase)/>
            </svg>
            <span>{i18n.t(&format!("phase-{}", phase.as_str()))}</span>
        </span>
    }
}

/// Stroke paths (24×24) for each phase's icon.
fn phase_icon(phase: PublicPhase) -> &'static str {
    match phase {
        // An inbox tray.
        PublicPhase::Submitted => "M3 13h5l1.5 3h5L16 13h5M5 5h14l2 8v6H3v-6z",
        // A magnifying glass.
        PublicPhase::InReview => "M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM15.5 15.5 21 21",
        // A document with a plus: something to add.
        PublicPhase::DocumentsRequested => "M6 3h8l4 4v14H6zM14 3v4h4M12 10v7M8.5 13.5h7",
        // A warning triangle.
        PublicPhase::RejectionNotice => "M12 3 2 20h20zM12 9v5M12 16.5v1",
        // A tick in a circle.
        PublicPhase::Approved => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM7.5 12.5l3 3 6-6.5",
        // A cross in a circle.
        PublicPhase::Rejected => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM8.5 8.5l7 7M15.5 8.5l-7 7",
        // An archive box.
        PublicPhase::Closed => "M3 4h18v4H3zM5 8v12h14V8M10 12h4",
    }
}

/// The translated messages of the code field.
pub fn code_messages(i18n: &I18n) -> CodeMessages {
    CodeMessages {
        empty: i18n.t("code-empty"),
        incomplete: i18n.t_with("code-incomplete", &[("found", "{found}".into())]),
        too_long: i18n.t_with("code-too-long", &[("found", "{found}".into())]),
        invalid_symbol: i18n.t_with("code-invalid-symbol", &[("symbol", "{symbol}".into())]),
        wrong_check: i18n.t("code-wrong-check"),
        ok: i18n.t("code-ok"),
    }
}

/// The lookup form: a plain GET form that works without JavaScript; the code
/// field is an island that checks the code as the citizen types.
#[component]
pub fn LookupForm(
    /// What the citizen typed, echoed back.
    #[prop(optional)]
    value: String,
    /// The server's verdict on `value`, if it was wrong.
    #[prop(optional)]
    error: Option<CodeError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let messages = code_messages(&i18n);
    let message = error
        .map(|error| messages.describe(Err::<CaseCode, _>(error)))
        .unwrap_or_default();
    view! {
        <form class="lookup-form" method="get" action=paths::LOOKUP novalidate>
            <label class="field-label" for="codice">{i18n.t("lookup-label")}</label>
            <p id="codice-hint" class="hint">
                {i18n.t_with("lookup-hint", &[("example", EXAMPLE_CODE.into())])}
            </p>
            <CodeField
                id="codice".to_owned()
                value
                hint_id="codice-hint".to_owned()
                message
                invalid=error.is_some()
                messages
            />
            <button class="button" type="submit">{i18n.t("lookup-submit")}</button>
        </form>
    }
}

/// A page that only says one thing: not found, too many requests, unavailable.
#[component]
pub fn MessagePage(
    title: String,
    text: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }] private=true>
            <h1>{title}</h1>
            <p class="lead">{text}</p>
            {children.map(|children| children())}
        </PageLayout>
    }
}

/// The translated error of `field` among a form's errors (field, message key).
pub fn field_error(
    i18n: &I18n,
    errors: &[(&'static str, &'static str)],
    field: &str,
) -> Option<String> {
    errors
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, key)| i18n.t(key))
}

/// A labelled form field with its error beside it (tied by
/// `aria-describedby`), for the back office's plain forms. `kind` is the
/// input type, or `textarea`.
#[component]
pub fn FormField(
    name: &'static str,
    label: String,
    value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = None)] hint: Option<String>,
    #[prop(default = None)] error: Option<String>,
    /// Distinguishes fields of the same name in two forms of one page.
    #[prop(optional, into)]
    id_prefix: String,
) -> impl IntoView {
    let id = format!("{id_prefix}{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described = (!described.is_empty()).then_some(described);
    let invalid = if error.is_some() { "true" } else { "false" };
    let input = if kind == "textarea" {
        view! {
            <textarea id=id.clone() name=name rows="3" aria-invalid=invalid aria-describedby=described>{value}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type=kind value=value autocomplete=autocomplete
                aria-invalid=invalid aria-describedby=described/>
        }
        .into_any()
    };
    view! {
        <label class="field-label" for=id>{label}</label>
        {hint.map(|hint| view! { <p class="field-message" id=hint_id>{hint}</p> })}
        {error.map(|message| view! { <p class="field-message field-message-error" id=error_id>{message}</p> })}
        {input}
    }
}
