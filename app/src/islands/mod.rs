//! The interactive parts of the pages. Only these are compiled to WebAssembly;
//! they receive every text already translated, as props. The back office's
//! are lazy: their code is fetched on the pages that have them.

mod change_preview;
mod code_field;
mod dashboard_live;
mod field_checks;

pub use change_preview::ChangePreview;
pub use code_field::{CodeField, CodeMessages};
pub use dashboard_live::DashboardLive;
pub use field_checks::FieldChecks;

use leptos::web_sys::{FormData, HtmlFormElement, UrlSearchParams};

/// The form's values URL-encoded, as the browser would send it: what the
/// back office's server functions read, with the form handler's own struct.
fn url_encoded(form: &HtmlFormElement) -> Option<String> {
    let data = FormData::new_with_form(form).ok()?;
    let encoded = UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(encoded.to_string().into())
}
