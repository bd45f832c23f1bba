//! Registration's checks as the clerk leaves each field: what the
//! registration form's island asks (`islands::field_checks`). Without
//! JavaScript the form is posted whole and the server answers with the same
//! messages (`pages::registration::check_draft` shares their rules).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A field's problem, as the form shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field's posted name (its element's id).
    pub field: String,
    pub message: String,
}

/// `POST /area-riservata/registra/controlla` (JSON `{"posted": …}`, where
/// `posted` is the form as the browser would post it, URL-encoded): every
/// problem of the draft, for the signed-in clerk's body.
#[server(prefix = "/area-riservata", endpoint = "registra/controlla", input = server_fn::codec::Json)]
pub async fn check_registration(posted: String) -> Result<Vec<FieldProblem>, ServerFnError> {
    crate::pages::registration::check_draft(&posted).await
}
