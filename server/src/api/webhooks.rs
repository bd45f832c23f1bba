//! The body's webhook endpoints and their deliveries, as its software reads
//! them: the same lists the back office's API page shows (endpoints are
//! added there, where the secret is shown once).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use pratiche_db::ActiveEnum;
use pratiche_db::webhooks::{deliveries_of, endpoints_of, event_types, own_endpoint};
use serde::Serialize;
use utoipa::ToSchema;

use super::Api;
use super::auth::ApiClient;
use super::problem::{ApiError, json_response};

/// Deliveries listed at most, newest first.
const DELIVERIES_LISTED: u64 = 100;

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i32,
    pub url: String,
    pub description: String,
    /// `pratica.registered`, `pratica.event_recorded`, `pratica.corrected`,
    /// `notification.failed`.
    pub event_types: Vec<String>,
    /// Set when disabled (by an admin, a 410, or three days of failures).
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    /// The first failure since the last success.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// The `webhook-id` header: the same on every retry.
    pub webhook_id: String,
    pub event_type: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    /// The last answer's status, time and first bytes.
    pub response_status: Option<i32>,
    pub response_ms: Option<i32>,
    pub response_excerpt: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The body's webhook endpoints.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    responses(
        (status = 200, description = "The body's endpoints, oldest first", body = Vec<WebhookView>),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list(State(api): State<Api>, client: ApiClient) -> Result<Response, ApiError> {
    let endpoints: Vec<WebhookView> = endpoints_of(&api.db, client.body_id)
        .await?
        .into_iter()
        .map(|endpoint| WebhookView {
            event_types: event_types(&endpoint)
                .into_iter()
                .map(|kind| kind.as_str().to_owned())
                .collect(),
            id: endpoint.id,
            url: endpoint.url,
            description: endpoint.description,
            disabled_at: endpoint.disabled_at,
            disabled_reason: endpoint.disabled_reason,
            failing_since: endpoint.failing_since,
            created_at: endpoint.created_at,
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &endpoints,
        "application/json",
    ))
}

/// An endpoint's latest deliveries.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    params(("id" = String, Path, description = "The endpoint's id", example = "1")),
    responses(
        (status = 200, description = "Its latest 100 deliveries, newest first", body = Vec<DeliveryView>),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no endpoint with this id", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn deliveries(
    State(api): State<Api>,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id.parse::<i32>().map_err(|_| ApiError::NotFound)?;
    let endpoint = own_endpoint(&api.db, client.body_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let deliveries: Vec<DeliveryView> = deliveries_of(&api.db, endpoint.id, DELIVERIES_LISTED)
        .await?
        .into_iter()
        .map(|delivery| DeliveryView {
            status: delivery.status.to_value(),
            id: delivery.id,
            webhook_id: delivery.webhook_id,
            event_type: delivery.event_type,
            attempts: delivery.attempts,
            response_status: delivery.response_status,
            response_ms: delivery.response_ms,
            response_excerpt: delivery.response_excerpt,
            last_error: delivery.last_error,
            created_at: delivery.created_at,
            delivered_at: delivery.delivered_at,
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &deliveries,
        "application/json",
    ))
}
