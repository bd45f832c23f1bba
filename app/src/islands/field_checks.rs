//! The registration form's checks as the clerk leaves each field: the draft
//! goes to the registration's check (`registration_check`), and each field
//! the clerk has left shows its problem, or none, in the server's words,
//! where the server's answer to the posted form would. A lazy island: its
//! code is fetched on the pages that have it, so the citizens' pages do not
//! carry it. Without JavaScript the form is checked when posted.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys::{Document, Element, FocusEvent, HtmlFormElement};

use super::{LatestAsk, url_encoded, with_form};
use crate::registration_check::{FieldProblem, check_registration};

/// Checks the form `form_id` as each of its fields is left, and says the
/// problem of the field just left in a polite live region (the message is
/// also tied to its field, as the server's would be).
#[island(lazy)]
pub fn FieldChecks(
    /// The id of the form checked.
    form_id: String,
) -> impl IntoView {
    let (said, set_said) = signal(String::new());
    with_form(form_id, move |form| {
        check_on_leaving(form, move |text| set_said.set(text))
    });
    view! { <p class="visually-hidden" aria-live="polite">{said}</p> }
}

/// Listens for the fields of `form` losing focus. Only the latest answer is
/// shown: an earlier one arriving late is dropped.
fn check_on_leaving(form: HtmlFormElement, say: impl Fn(String) + Clone + 'static) {
    let left = Rc::new(RefCell::new(BTreeSet::<String>::new()));
    let asked = LatestAsk::default();
    let on_focus_out = Closure::<dyn Fn(FocusEvent)>::new({
        let form = form.clone();
        move |event: FocusEvent| {
            let Some(name) = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|field| field.get_attribute("name"))
            else {
                return;
            };
            left.borrow_mut().insert(name.clone());
            let Some(posted) = url_encoded(&form) else {
                return;
            };
            let this_ask = asked.next();
            let (left, asked, say) = (left.clone(), asked.clone(), say.clone());
            leptos::task::spawn_local(async move {
                // Unanswered (network, session ended): the form still posts.
                let Ok(problems) = check_registration(posted).await else {
                    return;
                };
                if !asked.is_latest(this_ask) {
                    return;
                }
                let document = document();
                for field in left.borrow().iter() {
                    let message = problems
                        .iter()
                        .find(|problem| &problem.field == field)
                        .map(|FieldProblem { message, .. }| message.as_str());
                    show_problem(&document, field, message);
                }
                let just_left = problems.iter().find(|problem| problem.field == name);
                say(just_left.map_or_else(String::new, |problem| problem.message.clone()));
            });
        }
    });
    let _ =
        form.add_event_listener_with_callback("focusout", on_focus_out.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_focus_out.forget();
}

/// Shows `message` as the problem of the field `name`, as the server renders
/// it (a `{name}-error` paragraph before the field, named by its
/// `aria-describedby`, the field marked invalid), or clears it.
fn show_problem(document: &Document, name: &str, message: Option<&str>) {
    let Some(field) = document.get_element_by_id(name) else {
        return;
    };
    let error_id = format!("{name}-error");
    let existing = document.get_element_by_id(&error_id);
    let described_by = field.get_attribute("aria-describedby").unwrap_or_default();
    let others = described_by
        .split_whitespace()
        .filter(|id| *id != error_id)
        .collect::<Vec<_>>();
    match message {
        Some(message) => {
            let paragraph = existing.or_else(|| {
                let paragraph = document.create_element("p").ok()?;
                paragraph.set_id(&error_id);
                paragraph.set_class_name("field-message field-message-error");
                // A checkbox sits in its label: the message goes before both.
                let anchor = field
                    .closest("label")
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| field.clone());
                anchor.before_with_node_1(&paragraph).ok()?;
                Some(paragraph)
            });
            if let Some(paragraph) = paragraph {
                paragraph.set_text_content(Some(message));
            }
            let described_by = others
                .into_iter()
                .chain([error_id.as_str()])
                .collect::<Vec<_>>();
            let _ = field.set_attribute("aria-describedby", &described_by.join(" "));
            let _ = field.set_attribute("aria-invalid", "true");
        }
        None => {
            if let Some(paragraph) = existing {
                paragraph.remove();
            }
            let _ = field.set_attribute("aria-describedby", &others.join(" "));
            let _ = field.set_attribute("aria-invalid", "false");
        }
    }
}
