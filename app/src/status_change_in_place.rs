//! A pratica's record in place: what the record forms' island
//! (`islands::change_in_place`) asks as the clerk fills them in and saves.
//! Each takes the pratica's code and the form URL-encoded, as the browser
//! would post it, and runs what the form's handler runs
//! (`pages::status_change::run_status_change`, `db::cases::state_offer`).
//! Without JavaScript the form's buttons post it to the handler.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// `POST /area-riservata/anteprima-stato`: the preview as HTML, rendered by
/// the record's own components.
#[server(prefix = "/area-riservata", endpoint = "anteprima-stato", input = server_fn::codec::Json)]
pub async fn preview_status_change(code: String, posted: String) -> Result<String, ServerFnError> {
    crate::pages::status_change::preview_in_place(&code, &posted).await
}

/// `POST /area-riservata/stati-ammessi`: the change form's state options
/// for the day and time typed, as HTML `<option>`s.
#[server(prefix = "/area-riservata", endpoint = "stati-ammessi", input = server_fn::codec::Json)]
pub async fn states_at(code: String, posted: String) -> Result<String, ServerFnError> {
    crate::pages::status_change::states_in_place(&code, &posted).await
}

/// `POST /area-riservata/salva-stato`: saves the form, as its "Salva"
/// button would.
#[server(prefix = "/area-riservata", endpoint = "salva-stato", input = server_fn::codec::Json)]
pub async fn save_status_change(code: String, posted: String) -> Result<SaveAnswer, ServerFnError> {
    crate::pages::status_change::save_in_place(&code, &posted).await
}

/// What a save in place came to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveAnswer {
    /// Saved: the record's parts as they now are.
    Saved(Box<SavedRecord>),
    /// Nothing saved: what is wrong (or the conflict), for the form's live
    /// region.
    Refused { problems: String },
    /// The public note seems to hold personal data: the form's own page
    /// asks the clerk to confirm it (the form is posted as without
    /// JavaScript).
    ConfirmOnForm,
}

/// A saved record's parts, rendered by the record page's components.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRecord {
    /// "Saved", and the clock's warnings.
    pub notice: String,
    /// The pratica's phase, due date and its explanation.
    pub summary: String,
    /// The history, newest first.
    pub history: String,
    /// The pratica's version now: the next save is checked against it.
    pub version: i32,
    /// The change form's state options now; none when no state may follow
    /// (the record's forms change: the island loads the record's page).
    pub states: Option<String>,
    /// The record's address after a save, as the form's handler redirects.
    pub address: String,
}

/// Where the record forms' island finds, on the record's page, what it
/// reads and updates: the ids of the page's parts and the forms' names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordPlaces {
    /// The pratica's code.
    pub code: String,
    /// The form this island serves, and its live region.
    pub form: String,
    pub region: String,
    /// The change form's state select; on the change form (not the
    /// correction's, which offers every state) its options follow the
    /// day and time typed.
    pub states: String,
    pub states_follow_date: bool,
    /// The names of the fields saying when the event happened.
    pub when_fields: Vec<String>,
    /// The name of the forms' version field.
    pub version_field: String,
    /// The value of the save button.
    pub save_action: String,
    /// The record's summary and its history.
    pub summary: String,
    pub history: String,
    /// The page shows a form the server sent back (a post's problems, or
    /// personal data to confirm): its values are the forms' defaults and its
    /// messages stand beside them, so after a save the record's page is
    /// loaded rather than updated in place.
    pub sent_back: bool,
}
