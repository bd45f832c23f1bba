//! The status change's preview in place: what the record's forms' island
//! asks as the clerk fills them in (`islands::change_preview`). Without
//! JavaScript the form's "Anteprima" button asks the same of the form's
//! handler (`pages::status_change::run_status_change` runs both).

use leptos::prelude::*;

/// `POST /area-riservata/anteprima-stato` (JSON `{"code": …, "posted": …}`,
/// where `posted` is the record's form URL-encoded, as the browser would
/// post it): the preview as HTML, rendered by the record's own components.
#[server(prefix = "/area-riservata", endpoint = "anteprima-stato", input = server_fn::codec::Json)]
pub async fn preview_status_change(code: String, posted: String) -> Result<String, ServerFnError> {
    crate::pages::status_change::preview_in_place(&code, &posted).await
}
