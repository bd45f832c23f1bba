//! The body's changes feed: every status event recorded for its pratiche
//! (registrations included), in commit order, after a cursor. Positions are
//! taken in commit order (see `pratiche_db::feed`), so following
//! `next_cursor` never skips an event.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use pratiche_db::feed::changes_after;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Api;
use super::auth::ApiClient;
use super::problem::{ApiError, json_response};

const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 1_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The `next_cursor` of the previous page; from the start when absent.
    #[param(example = "0")]
    pub after: Option<String>,
    /// At most this many changes (1 to 1,000; default 100).
    #[param(example = 100)]
    pub limit: Option<String>,
}

/// One recorded event.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    /// Increasing in commit order, with gaps.
    pub position: i64,
    pub code: String,
    pub own_reference: Option<String>,
    pub state_id: i32,
    pub state: String,
    pub phase: String,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// `backoffice`, `api` or `demo`.
    pub source: String,
    pub correction_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedPage {
    pub changes: Vec<ChangeView>,
    /// Pass as `after` for the next page (the same cursor when nothing new).
    pub next_cursor: String,
    /// More changes are waiting beyond this page.
    pub has_more: bool,
}

/// What changed in the body's pratiche after a cursor.
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    tag = "changes",
    params(FeedQuery),
    responses(
        (status = 200, description = "A page of changes, oldest first", body = FeedPage),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn feed(
    State(api): State<Api>,
    client: ApiClient,
    Query(query): Query<FeedQuery>,
) -> Result<Response, ApiError> {
    let after = match query.after.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(cursor) => cursor
            .parse::<i64>()
            .ok()
            .filter(|after| *after >= 0)
            .ok_or_else(|| {
                ApiError::field("/after", "invalid_cursor", "not a cursor of this feed")
            })?,
    };
    let limit = match query.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(limit) => limit
            .parse::<u64>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| ApiError::field("/limit", "out_of_range", "from 1 to 1000"))?,
    };
    let (changes, has_more) = changes_after(&api.db, client.body_id, after, limit).await?;
    let next = changes.last().map_or(after, |change| change.feed_position);
    let page = FeedPage {
        changes: changes
            .into_iter()
            .map(|change| ChangeView {
                position: change.feed_position,
                code: change.code.to_string(),
                own_reference: change.own_reference,
                state_id: change.state_id,
                state: change.state_name,
                phase: change.public_phase.to_string(),
                public_note: change.public_note,
                internal_note: change.internal_note,
                occurred_at: change.occurred_at,
                recorded_at: change.recorded_at,
                source: change.source,
                correction_reason: change.correction_reason,
            })
            .collect(),
        next_cursor: next.to_string(),
        has_more,
    };
    Ok(json_response(StatusCode::OK, &page, "application/json"))
}
