//! The interactive parts of the pages. Only these are compiled to WebAssembly;
//! they receive every text already translated, as props. The back office's
//! are lazy: their code is fetched on the pages that have them.

mod change_in_place;
mod code_field;
mod dashboard_live;
mod field_checks;

pub use change_in_place::ChangeInPlace;
pub use code_field::{CodeField, CodeMessages};
pub use dashboard_live::DashboardLive;
pub use field_checks::FieldChecks;

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement, UrlSearchParams};

/// Once the island is awake (effects run only in the browser, after
/// hydration), hands `attach` the page's form `form_id`.
fn with_form(form_id: String, attach: impl Fn(HtmlFormElement) + 'static) {
    Effect::new(move |_| {
        let form = document()
            .get_element_by_id(&form_id)
            .and_then(|form| form.dyn_into::<HtmlFormElement>().ok());
        if let Some(form) = form {
            attach(form);
        }
    });
}

/// Numbers an island's questions to the server, so that only the latest
/// answer is shown: an earlier one arriving late is dropped.
#[derive(Clone, Default)]
struct LatestAsk(Rc<Cell<u64>>);

impl LatestAsk {
    /// A new question's number.
    fn next(&self) -> u64 {
        self.0.set(self.0.get() + 1);
        self.0.get()
    }

    fn is_latest(&self, ask: u64) -> bool {
        self.0.get() == ask
    }
}

/// The form's values URL-encoded, as the browser would send it: what the
/// back office's server functions read, with the form handler's own struct.
fn url_encoded(form: &HtmlFormElement) -> Option<String> {
    let data = FormData::new_with_form(form).ok()?;
    let encoded = UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(encoded.to_string().into())
}
