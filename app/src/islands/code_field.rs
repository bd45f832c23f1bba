//! The case-code field of the lookup form: checks the code as the citizen
//! types and says what is wrong. It warns; it never blocks submitting, and the
//! server checks again.

use leptos::prelude::*;
use pratiche_domain::code::{CODE_LEN, CaseCode, CodeError, symbol_count};
use serde::{Deserialize, Serialize};

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
            on:input=move |event| check_on_input(event_target_value(&event), false)
            on:blur=move |event| check(event_target_value(&event), true)
        />
        <p id=message_id class="field-message" class:field-message-error=invalid aria-live="polite">
            {message}
        </p>
    }
}
