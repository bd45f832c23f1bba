//! The dashboard's live filtering: what its island asks as the clerk types a
//! search or chooses a filter (`islands::dashboard_live`). Without
//! JavaScript the filter form is a plain GET of the dashboard, rendered by
//! the same component (`pages::backoffice::filter_in_place`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The dashboard for the filters asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardUpdate {
    /// The dashboard's address with these filters, for the browser's bar:
    /// a reload, back or a shared link gives the same list.
    pub address: String,
    /// How many pratiche match, as the page says it.
    pub total: String,
    /// The list and its pager, as the page renders them (HTML).
    pub results: String,
}

/// `POST /area-riservata/filtra-pratiche` (JSON `{"posted": …}`, where
/// `posted` is the filter form URL-encoded, as the browser sends it).
#[server(prefix = "/area-riservata", endpoint = "filtra-pratiche", input = server_fn::codec::Json)]
pub async fn filter_dashboard(posted: String) -> Result<DashboardUpdate, ServerFnError> {
    crate::pages::backoffice::filter_in_place(&posted).await
}
