//! The status change's preview, in place: as the clerk fills in a record's
//! form (after a pause in typing, or at once for a choice), the effect on
//! the due date, its warnings, what is wrong or the personal data the note
//! seems to hold appear in the form's live region, without a page load.
//! Without JavaScript the form's "Anteprima" button shows the same.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys::{Event, HtmlFormElement};

use super::{LatestAsk, url_encoded, with_form};
use crate::status_change_preview::preview_status_change;

/// The pause after the last keystroke before the preview follows.
const TYPING_PAUSE: Duration = Duration::from_millis(500);

/// Previews the form `form_id` of the pratica `code` in `region_id`.
#[island(lazy)]
pub fn ChangePreview(code: String, form_id: String, region_id: String) -> impl IntoView {
    with_form(form_id, move |form| {
        preview_on_change(form, code.clone(), region_id.clone())
    });
}

/// Listens to `form`'s fields; only the latest answer is shown, and an
/// unanswered one (network, session ended) leaves the region as it was:
/// the buttons still post the form.
fn preview_on_change(form: HtmlFormElement, code: String, region_id: String) {
    let asked = LatestAsk::default();
    let pending = Rc::new(Cell::new(None::<TimeoutHandle>));
    let ask = {
        let form = form.clone();
        move || {
            let Some(posted) = url_encoded(&form) else {
                return;
            };
            let this_ask = asked.next();
            let (asked, code, region_id) = (asked.clone(), code.clone(), region_id.clone());
            leptos::task::spawn_local(async move {
                if let Ok(preview) = preview_status_change(code, posted).await
                    && asked.is_latest(this_ask)
                    && let Some(region) = document().get_element_by_id(&region_id)
                {
                    region.set_inner_html(&preview);
                }
            });
        }
    };
    let on_event = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        if let Some(handle) = pending.take() {
            handle.clear();
        }
        let ask = ask.clone();
        let pause = if event.type_() == "input" {
            TYPING_PAUSE
        } else {
            Duration::ZERO
        };
        pending.set(set_timeout_with_handle(ask, pause).ok());
    });
    for kind in ["input", "change"] {
        let _ = form.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    on_event.forget();
}
