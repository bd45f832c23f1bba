//! The citizen's search as a server function: what the lookup form's island
//! asks when the citizen sends a well-formed code with JavaScript on, so that
//! an unknown code is answered in place. Without JavaScript the same form is
//! a plain GET of `/cerca` (`pages::lookup`); the answers share their rules
//! and messages (`pages::lookup::answer_in_place`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The search's answer to one code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupAnswer {
    /// The pratica exists: the address of its page, where the browser goes.
    Found { address: String },
    /// What the field's live region says instead: the code is mistyped or
    /// unknown, too many lookups came from this client, or the pratiche
    /// cannot be read now.
    Refused { message: String },
}

/// `POST /cerca` (JSON `{"codice": …}`, the lighter encoding in the island's
/// WebAssembly), beside the form's `GET /cerca`.
/// One lookup charges one token of the client's limit, as the case page
/// does; a found code's receipt spares the case page a second charge.
#[server(prefix = "", endpoint = "cerca", input = server_fn::codec::Json)]
pub async fn look_up(codice: String) -> Result<LookupAnswer, ServerFnError> {
    Ok(crate::pages::lookup::answer_in_place(&codice).await)
}
