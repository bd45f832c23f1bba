//! The case-code field of the lookup form: checks the code as the citizen
//! types and says what is wrong, and answers the form in place: a mistyped
//! code is told so without sending anything, a well-formed one is asked of
//! the search server function, which tells an unknown code in the same live
//! region or sends the browser to the pratica's page. Without JavaScript the
//! form is a plain GET, and the server answers alike.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys::{HtmlInputElement, SubmitEvent};
use pratiche_domain::code::{CODE_LEN, CaseCode, CodeError, symbol_count};
use serde::{Deserialize, Serialize};

use crate::search::{LookupAnswer, look_up};

/// The field's messages, translated on the server. `{found}` and `{symbol}`
/// are filled in by the island.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeMessages {
    pub empty: String,
    pub incomplete: String,
    pub too_long: String,
    pub invalid_symbol: String,
    pub wrong_check: String,
    pub ok: String,
}

impl CodeMessages {
    /// The message for the result of reading a code.
    pub fn describe(&self, result: Result<CaseCode, CodeError>) -> String {
        match result {
            Ok(_) => self.ok.clone(),
            Err(CodeError::Empty) => self.empty.clone(),
            Err(CodeError::Incomplete { found }) => {
                self.incomplete.replace("{found}", &found.to_string())
            }
            Err(CodeError::TooLong { found }) => {
                self.too_long.replace("{found}", &found.to_string())
            }
            Err(CodeError::InvalidSymbol { symbol, .. }) => {
                self.invalid_symbol.replace("{symbol}", &symbol.to_string())
            }
            Err(CodeError::WrongCheck) => self.wrong_check.clone(),
        }
    }
}

/// The code input and its one live region. Server-rendered with the server's
/// own verdict (`message`, `invalid`), then kept up to date as the citizen
/// types: once 13 symbols are typed, or on leaving the field. A code typed
/// before the island woke up (a slow phone) is checked as soon as it does.
/// Once awake, it answers its form's submission in place
/// ([`answer_submissions`]).
#[island]
pub fn CodeField(
    /// `id` and `name` of the input.
    id: String,
    value: String,
    /// Ids of other elements describing the field (e.g. the hint).
    hint_id: String,
    message: String,
    invalid: bool,
    messages: CodeMessages,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    let described_by = format!("{hint_id} {message_id}");
    let (message, set_message) = signal(message);
    let (invalid, set_invalid) = signal(invalid);
    let messages_on_submit = messages.clone();
    let check = move |input: String, leaving: bool| {
        let speak =
            leaving || symbol_count(&input) >= CODE_LEN || !message.get_untracked().is_empty();
        if !speak || (leaving && input.trim().is_empty()) {
            set_message.set(String::new());
            set_invalid.set(false);
            return;
        }
        let result = CaseCode::parse(&input);
        set_invalid.set(result.is_err());
        set_message.set(messages.describe(result));
    };
    let check_on_input = check.clone();
    let check_on_wake = check.clone();
    let input = NodeRef::<leptos::html::Input>::new();
    // Effects run only in the browser, once the island is hydrated.
    Effect::new(move |_| {
        if let Some(field) = input.get() {
            let typed = field.value();
            if !typed.is_empty() {
                check_on_wake(typed, false);
            }
            let say = move |text: String| {
                set_message.set(text);
                set_invalid.set(true);
            };
            answer_submissions(field, messages_on_submit.clone(), say);
        }
    });
    view! {
        <input
            node_ref=input
            id=id.clone()
            name=id
            type="text"
            inputmode="text"
            autocomplete="off"
            autocapitalize="characters"
            // Not in Leptos's typed attributes: Safari's autocorrection.
            {leptos::tachys::html::attribute::custom::custom_attribute("autocorrect", "off")}
            spellcheck="false"
            maxlength="40"
            value=value
            aria-describedby=described_by
            aria-invalid=move || if invalid.get() { "true" } else { "false" }
            on:focus=move |_| {
                let _ = lazy_preload!(ask_search);
            }
            on:input=move |event| check_on_input(event_target_value(&event), false)
            on:blur=move |event| check(event_target_value(&event), true)
        />
        <p id=message_id class="field-message" class:field-message-error=invalid aria-live="polite">
            {message}
        </p>
    }
}

/// Asks the search server function. Its client (the request, the codecs)
/// is split from the islands' WebAssembly at build (`cargo leptos build
/// --split`) and fetched when the field first gets focus, ahead of the
/// submission: the home page loads without it.
#[lazy]
async fn ask_search(typed: String) -> Result<LookupAnswer, ServerFnError> {
    look_up(typed).await
}

/// Takes over the submission of `field`'s form: a mistyped (or empty) code
/// is told at once in the server's words (`messages`), nothing sent; a
/// well-formed one goes to the search server function, whose refusal is
/// said in place (`say`) and whose found pratica the browser opens. Should
/// the server function not answer, the form is sent as it would be without
/// JavaScript.
fn answer_submissions(
    field: HtmlInputElement,
    messages: CodeMessages,
    say: impl Fn(String) + Copy + 'static,
) {
    let Some(form) = field.form() else {
        return;
    };
    let asking = StoredValue::new(false);
    let on_submit = Closure::<dyn Fn(SubmitEvent)>::new({
        let form = form.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let typed = field.value();
            if let Err(error) = CaseCode::parse(&typed) {
                say(messages.describe(Err(error)));
                let _ = field.focus();
                return;
            }
            if asking.get_value() {
                return;
            }
            asking.set_value(true);
            let (field, form) = (field.clone(), form.clone());
            leptos::task::spawn_local(async move {
                match ask_search(typed).await {
                    Ok(LookupAnswer::Found { address }) => {
                        let _ = window().location().set_href(&address);
                    }
                    Ok(LookupAnswer::Refused { message }) => {
                        say(message);
                        let _ = field.focus();
                        asking.set_value(false);
                    }
                    // Sent as without the island (`submit()` fires no event).
                    Err(_) => {
                        let _ = form.submit();
                    }
                }
            });
        }
    });
    let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_submit.forget();
}
