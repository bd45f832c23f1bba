//! What the processing times' open data files hold (CSV and JSON): their
//! licence and their columns, listed once for the files (the server writes
//! them, and a test checks its header against this list) and for the pages
//! that document them.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::paths;

pub const LICENCE: &str = "CC BY 4.0";
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/deed.it";

/// Each column, in order, with the message that says what it holds. One
/// row per body, procedure type and period.
pub const COLUMNS: [(&str, &str); 16] = [
    ("ente", "column-body"),
    ("ente_nome", "column-body-name"),
    ("procedimento_id", "column-procedure-id"),
    ("procedimento", "column-procedure"),
    ("termine_giorni", "column-term-days"),
    ("periodo", "column-period"),
    ("periodo_inizio", "column-period-start"),
    ("periodo_fine", "column-period-end"),
    ("avviate", "column-started"),
    ("concluse", "column-concluded"),
    ("misurate", "column-measured"),
    ("entro_termine_percento", "column-in-time"),
    ("mediana_giorni", "column-median"),
    ("p90_giorni", "column-p90"),
    ("aperte_oggi", "column-open"),
    ("aperte_oltre_termine_oggi", "column-open-past-due"),
];

/// The download links, the licence and the documented columns. `slug`
/// names a body; without it, the files hold every body.
#[component]
pub fn OpenData(#[prop(optional)] slug: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (csv, json) = match &slug {
        Some(slug) => (
            paths::fill(paths::BODY_TIMES_CSV, &[slug]),
            paths::fill(paths::BODY_TIMES_JSON, &[slug]),
        ),
        None => (paths::TIMES_CSV.to_owned(), paths::TIMES_JSON.to_owned()),
    };
    let columns = COLUMNS
        .iter()
        .map(|(name, key)| {
            view! {
                <dt><code>{*name}</code></dt>
                <dd>{i18n.t(key)}</dd>
            }
        })
        .collect_view();
    view! {
        <section class="card open-data" aria-labelledby="open-data-title">
            <h2 id="open-data-title">{i18n.t("open-data-title")}</h2>
            <ul class="open-data-links">
                <li><a href=csv download="">{i18n.t("open-data-csv")}</a></li>
                <li><a href=json download="">{i18n.t("open-data-json")}</a></li>
            </ul>
            <p>
                {i18n.t("open-data-licence")}" "
                <a href=LICENCE_URL rel="license">{LICENCE}</a>"."
            </p>
            <details>
                <summary>{i18n.t("open-data-columns")}</summary>
                <dl class="details">{columns}</dl>
            </details>
        </section>
    }
}
