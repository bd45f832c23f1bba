//! A pratica's record in place, on each of its status-change forms: as the
//! clerk fills the form in (after a pause in typing, or at once for a
//! choice) the effect on the due date, its warnings, what is wrong or the
//! personal data the note seems to hold appear in the form's live region;
//! on the change form the states offered follow the day and time typed (a
//! late event); "Salva" saves without leaving the record, whose summary,
//! history and forms then show the pratica as it now is. Without
//! JavaScript the form's buttons post it and the record is rendered again.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys::{
    Element, Event, HtmlElement, HtmlFormElement, HtmlInputElement, SubmitEvent,
};

use super::{LatestAsk, url_encoded, with_form};
use crate::status_change_in_place::{
    RecordPlaces, SaveAnswer, SavedRecord, preview_status_change, save_status_change, states_at,
};

/// The pause after the last keystroke before the preview follows.
const TYPING_PAUSE: Duration = Duration::from_millis(500);

/// Serves the form `places.form` of the record of `places.code`.
#[island(lazy)]
pub fn ChangeInPlace(places: RecordPlaces) -> impl IntoView {
    with_form(places.form.clone(), move |form| {
        let record = Record {
            form,
            places: Rc::new(places.clone()),
            asked: LatestAsk::default(),
            pending: Rc::new(Cell::new(None)),
            saving: Rc::new(Cell::new(false)),
        };
        record.preview_on_change();
        record.save_on_submit();
    });
}

/// One form of the record, and the page around it.
#[derive(Clone)]
struct Record {
    form: HtmlFormElement,
    places: Rc<RecordPlaces>,
    /// Only the latest answer is shown: a preview arriving after a save,
    /// or after a later preview, is dropped.
    asked: LatestAsk,
    /// The preview waiting for a pause in typing.
    pending: Rc<Cell<Option<TimeoutHandle>>>,
    /// A save is under way: the form is not sent twice.
    saving: Rc<Cell<bool>>,
}

fn element(id: &str) -> Option<Element> {
    document().get_element_by_id(id)
}

impl Record {
    /// Asks the preview (after the states, when the day or time changed),
    /// and shows it in the region. An unanswered question (network, session
    /// ended) leaves the page as it was: the buttons still post the form.
    fn ask_preview(&self, dated: bool) {
        let this_ask = self.asked.next();
        let record = self.clone();
        leptos::task::spawn_local(async move {
            let places = &record.places;
            if dated && places.states_follow_date {
                let Some(posted) = url_encoded(&record.form) else {
                    return;
                };
                if let Ok(options) = states_at(places.code.clone(), posted).await
                    && record.asked.is_latest(this_ask)
                    && let Some(select) = element(&places.states)
                {
                    select.set_inner_html(&options);
                }
            }
            // Read again: the state chosen may no longer be offered.
            let Some(posted) = url_encoded(&record.form) else {
                return;
            };
            if let Ok(preview) = preview_status_change(places.code.clone(), posted).await
                && record.asked.is_latest(this_ask)
                && let Some(region) = element(&places.region)
            {
                region.set_inner_html(&preview);
            }
        });
    }

    /// Forgets the preview waiting for a pause in typing.
    fn cancel_pending(&self) {
        if let Some(handle) = self.pending.take() {
            handle.clear();
        }
    }

    fn preview_on_change(&self) {
        let record = self.clone();
        let on_event = Closure::<dyn Fn(Event)>::new(move |event: Event| {
            record.cancel_pending();
            let dated = event
                .target()
                .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
                .is_some_and(|field| record.places.when_fields.contains(&field.name()));
            let pause = if event.type_() == "input" {
                TYPING_PAUSE
            } else {
                Duration::ZERO
            };
            let later = record.clone();
            let handle = set_timeout_with_handle(move || later.ask_preview(dated), pause).ok();
            record.pending.set(handle);
        });
        for kind in ["input", "change"] {
            let _ = self
                .form
                .add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        // The listener lives as long as the page.
        on_event.forget();
    }

    /// "Anteprima" previews in place and "Salva" saves in place; a save
    /// that needs the form's own page (personal data to confirm) or is not
    /// answered posts the form as without JavaScript.
    fn save_on_submit(&self) {
        let record = self.clone();
        let posting = Rc::new(Cell::new(false));
        let on_submit = Closure::<dyn Fn(SubmitEvent)>::new(move |event: SubmitEvent| {
            if posting.take() {
                return;
            }
            event.prevent_default();
            let Some(button) = event
                .submitter()
                .and_then(|button| button.dyn_into::<HtmlElement>().ok())
            else {
                return;
            };
            if button.get_attribute("value").as_deref() != Some(&record.places.save_action) {
                record.ask_preview(false);
                return;
            }
            if record.saving.replace(true) {
                return;
            }
            let Some(posted) = url_encoded(&record.form) else {
                record.saving.set(false);
                return;
            };
            // No preview asked before the save may overwrite its answer,
            // nor the notice of an earlier save stand for it.
            record.cancel_pending();
            let this_ask = record.asked.next();
            if let Some(region) = element(&record.places.region) {
                region.set_inner_html("");
            }
            let (record, posting) = (record.clone(), posting.clone());
            leptos::task::spawn_local(async move {
                let answer = save_status_change(record.places.code.clone(), posted).await;
                record.saving.set(false);
                let shown_in = element(&record.places.region);
                match (answer, shown_in) {
                    (Ok(SaveAnswer::Saved(saved)), _) => record.show_saved(*saved),
                    (Ok(SaveAnswer::Refused { problems }), Some(region))
                        if record.asked.is_latest(this_ask) =>
                    {
                        region.set_inner_html(&problems);
                    }
                    (Ok(SaveAnswer::Refused { .. }), _) => {}
                    _ => {
                        posting.set(true);
                        let _ = record.form.request_submit_with_submitter(Some(&button));
                    }
                }
            });
        });
        let _ = self
            .form
            .add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();
    }

    /// The record as the save left it: its summary, history, versions and
    /// states, the form emptied and the notice in its region. When the
    /// forms themselves change (no state may follow now), or the page shows
    /// a form the server sent back, the record's page is loaded, as after
    /// the form's post.
    fn show_saved(&self, saved: SavedRecord) {
        let places = &self.places;
        let in_place = saved
            .states
            .zip(element(&places.states))
            .filter(|_| !places.sent_back);
        let Some((states, select)) = in_place else {
            let _ = window().location().assign(&saved.address);
            return;
        };
        select.set_inner_html(&states);
        for (id, html) in [
            (&places.summary, &saved.summary),
            (&places.history, &saved.history),
        ] {
            if let Some(part) = element(id) {
                part.set_inner_html(html);
            }
        }
        let version = saved.version.to_string();
        if let Ok(fields) =
            document().query_selector_all(&format!("input[name=\"{}\"]", places.version_field))
        {
            for index in 0..fields.length() {
                if let Some(field) = fields
                    .get(index)
                    .and_then(|node| node.dyn_into::<HtmlInputElement>().ok())
                {
                    field.set_value(&version);
                }
            }
        }
        self.form.reset();
        if let Some(region) = element(&places.region) {
            region.set_inner_html(&saved.notice);
        }
    }
}
