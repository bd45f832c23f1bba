//! The dashboard's filters, live: as the clerk types a search (after a
//! pause) or chooses a filter, the list, its count and the address in the
//! browser's bar follow, without a page load. Without JavaScript the filter
//! form is sent with its button, and the page answers alike.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys::{Event, HtmlFormElement};

use super::{LatestAsk, url_encoded, with_form};
use crate::dashboard_live::{DashboardUpdate, filter_dashboard};

/// The pause after the last keystroke before the list follows the search.
const TYPING_PAUSE: Duration = Duration::from_millis(300);

/// Follows the filter form `form_id`: its list goes in `results_id`, its
/// count (a status region) in `total_id`.
#[island(lazy)]
pub fn DashboardLive(form_id: String, total_id: String, results_id: String) -> impl IntoView {
    with_form(form_id, move |form| {
        follow(form, total_id.clone(), results_id.clone())
    });
}

/// Listens to `form`: typing waits for a pause, a choice or the button asks
/// at once. Only the latest answer is shown.
fn follow(form: HtmlFormElement, total_id: String, results_id: String) {
    let asked = LatestAsk::default();
    let pending = Rc::new(Cell::new(None::<TimeoutHandle>));
    let ask = {
        let form = form.clone();
        move |send_on_failure: bool| {
            let Some(posted) = url_encoded(&form) else {
                return;
            };
            let this_ask = asked.next();
            let (asked, form) = (asked.clone(), form.clone());
            let (total_id, results_id) = (total_id.clone(), results_id.clone());
            leptos::task::spawn_local(async move {
                match filter_dashboard(posted).await {
                    Ok(update) if asked.is_latest(this_ask) => {
                        show(&update, &total_id, &results_id)
                    }
                    Ok(_) => {}
                    // The button's submission goes as without JavaScript.
                    Err(_) if send_on_failure => {
                        let _ = form.submit();
                    }
                    Err(_) => {}
                }
            });
        }
    };
    let on_event = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        if let Some(handle) = pending.take() {
            handle.clear();
        }
        match event.type_().as_str() {
            "submit" => {
                event.prevent_default();
                ask(true);
            }
            "input" if is_text(&event) => {
                let ask = ask.clone();
                pending.set(set_timeout_with_handle(move || ask(false), TYPING_PAUSE).ok());
            }
            "change" if !is_text(&event) => ask(false),
            _ => {}
        }
    });
    for kind in ["submit", "input", "change"] {
        let _ = form.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    on_event.forget();
}

/// Whether the event came from a typed field (the search) rather than a
/// choice.
fn is_text(event: &Event) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        .is_some()
}

/// Puts the answer in the page and the browser's bar (replacing the entry:
/// back leaves the dashboard, as it would have before the typing).
fn show(update: &DashboardUpdate, total_id: &str, results_id: &str) {
    let document = document();
    if let Some(results) = document.get_element_by_id(results_id) {
        results.set_inner_html(&update.results);
    }
    if let Some(total) = document.get_element_by_id(total_id) {
        total.set_text_content(Some(&update.total));
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &leptos::wasm_bindgen::JsValue::NULL,
            "",
            Some(&update.address),
        );
    }
}
