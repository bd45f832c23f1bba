//! The body's webhook endpoints and their deliveries, as its software reads
//! and changes them: the same lists and actions as the back office's API
//! page, through the same service ([`crate::webhooks::endpoints`]). Every
//! write carries an `Idempotency-Key`. A signing secret is in the first
//! answer only: a replay says `"secret": null` (the database keeps no
//! secret in the clear, so a lost secret is rotated).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use pratiche_db::ActiveEnum;
use pratiche_db::entity::webhook_endpoint;
use pratiche_db::webhooks::{self, deliveries_of, endpoints_of, event_types, own_endpoint};
use pratiche_domain::webhook::{EndpointField, EndpointProblem, NewEndpoint, resend_range};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Api;
use super::auth::ApiClient;
use super::idempotency::{self, Answer};
use super::input::{MAX_REQUEST_BYTES, expect_json, parse_json, parse_value, read_body};
use super::problem::{ApiError, FieldError, json_response};
use crate::secrets::SecretsKey;
use crate::webhooks::{Unreachable, check_endpoint, endpoints, new_secret};

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

impl WebhookView {
    fn of(endpoint: webhook_endpoint::Model) -> Self {
        Self {
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
        }
    }
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
        .map(WebhookView::of)
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// At least one of `pratica.registered`, `pratica.event_recorded`,
    /// `pratica.corrected`, `notification.failed`.
    pub event_types: Vec<String>,
}

/// An endpoint with its signing secret, in the first answer only.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// `whsec_…`: verify deliveries with it. `null` when the answer is a
    /// replay (the secret is never shown twice: rotate it if it was lost).
    pub secret: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    /// `false` stops deliveries (they wait); `true` starts them again.
    pub enabled: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    /// One delivery, sent again with the same `webhook-id`, whatever its
    /// status; or else
    #[serde(default)]
    pub delivery_id: Option<i64>,
    /// every failed delivery created from the start of this day (Rome)
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// to the end of this one.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Queued {
    /// Deliveries queued to go at once.
    pub queued: u64,
}

/// The problems of a new endpoint, at their members.
fn refused(problems: Vec<(EndpointField, EndpointProblem)>) -> ApiError {
    ApiError::Invalid(
        problems
            .into_iter()
            .map(|(field, problem)| {
                let (pointer, code) = match (field, &problem) {
                    (EndpointField::Url, EndpointProblem::NotHttps) => ("/url", "not_https"),
                    (EndpointField::Url, _) => ("/url", "invalid_url"),
                    (EndpointField::Description, _) => ("/description", "too_long"),
                    (EndpointField::EventTypes, EndpointProblem::NoEventType) => {
                        ("/event_types", "required")
                    }
                    (EndpointField::EventTypes, _) => ("/event_types", "unknown_event_type"),
                };
                FieldError::new(pointer, code, problem.to_string())
            })
            .collect(),
    )
}

/// The installation's key for secrets; without it there are no webhooks
/// to change.
fn sealing(api: &Api) -> Result<&SecretsKey, ApiError> {
    api.secrets.as_ref().ok_or(ApiError::NotFound)
}

/// One of the body's endpoints, by the id in the path.
async fn own(api: &Api, client: &ApiClient, id: &str) -> Result<webhook_endpoint::Model, ApiError> {
    let id = id.parse::<i32>().map_err(|_| ApiError::NotFound)?;
    own_endpoint(&api.db, client.body_id, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// A JSON write's idempotency key, its content (whose fingerprint goes
/// with the key) and the request it parses to.
async fn json_write<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<(String, serde_json::Value, T), ApiError> {
    let bytes = read_body(headers, body, MAX_REQUEST_BYTES).await?;
    expect_json(headers)?;
    let key = idempotency::header_key(headers)?;
    let content: serde_json::Value = parse_json(&bytes, "")?;
    let request = parse_value(content.clone(), "")?;
    Ok((key, content, request))
}

/// The answer with the new `secret` in it, unless it is a replay.
fn with_secret(mut answer: Answer, secret: &str) -> Answer {
    if answer.replayed || !answer.status.is_success() {
        return answer;
    }
    if let Ok(mut document) = serde_json::from_str::<serde_json::Value>(&answer.body) {
        document["secret"] = secret.into();
        answer.body = document.to_string();
    }
    answer
}

/// Adds an endpoint: checked like the back office's form (https, known
/// event types, a host that answers and is not on a private network).
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    request_body(content = CreateWebhook, example = json!({
        "url": "https://protocollo.valdoria.it/pratiche/webhook",
        "description": "Protocollo informatico",
        "event_types": ["pratica.registered", "pratica.event_recorded"]
    })),
    params(("Idempotency-Key" = String, Header, description = "1-255 visible ASCII characters; a retry with the same key and request gets the same answer (without the secret)", example = "gestionale-webhook-1")),
    responses(
        (status = 201, description = "Added; the secret is shown this once", body = WebhookWithSecret),
        (status = 400, description = "Missing Idempotency-Key or malformed JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "This installation has no webhooks (no secrets key)", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request too large", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A wrong URL or event type, an unreachable or private host, or the key reused with another request; nothing stored", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(api): State<Api>,
    client: ApiClient,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let secrets = sealing(&api)?;
    let (key, content, request) = json_write::<CreateWebhook>(&headers, body).await?;
    let new = NewEndpoint::check(
        &request.url,
        &request.description,
        request.event_types.iter().map(String::as_str),
        api.outbound,
    )
    .map_err(refused)?;
    let fingerprint = idempotency::fingerprint("/webhooks", &content);
    if let Some(previous) =
        idempotency::previous_answer(&api.db, client.id, &key, &fingerprint).await?
    {
        return Ok(previous.into_response());
    }
    // Outside the transaction (it takes the network), and not stored as
    // the key's answer: the host may answer on a retry.
    check_endpoint(&new.url, api.outbound)
        .await
        .map_err(|unreachable| {
            let (code, detail) = match unreachable {
                Unreachable::NoAnswer => ("unreachable", "the host does not answer"),
                Unreachable::Private => (
                    "private_address",
                    "the host resolves to a private, loopback or link-local address",
                ),
            };
            ApiError::field("/url", code, detail)
        })?;
    let secret = new_secret();
    let (secrets, sealed) = (secrets.clone(), secret.clone());
    let answer = idempotency::run_once(
        &api.db,
        &api.writes,
        client.id,
        &key,
        &fingerprint,
        move |txn| {
            Box::pin(async move {
                let endpoint = endpoints::add(
                    txn,
                    &secrets,
                    &client.actor,
                    client.body_id,
                    &new,
                    &sealed,
                    Utc::now(),
                )
                .await?;
                Ok(Answer::json(
                    StatusCode::CREATED,
                    &WebhookWithSecret {
                        webhook: WebhookView::of(endpoint),
                        secret: None,
                    },
                ))
            })
        },
    )
    .await?;
    Ok(with_secret(answer, &secret).into_response())
}

/// Turns an endpoint off or on.
#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    request_body(content = UpdateWebhook, example = json!({"enabled": true})),
    params(
        ("id" = String, Path, description = "The endpoint's id", example = "1"),
        ("Idempotency-Key" = String, Header, description = "1-255 visible ASCII characters", example = "gestionale-webhook-1-on"),
    ),
    responses(
        (status = 200, description = "The endpoint as it is now", body = WebhookView),
        (status = 400, description = "Missing Idempotency-Key or malformed JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no endpoint with this id", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request too large", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request, or the key reused with another request", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update(
    State(api): State<Api>,
    client: ApiClient,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    sealing(&api)?;
    let endpoint = own(&api, &client, &id).await?;
    let (key, content, request) = json_write::<UpdateWebhook>(&headers, body).await?;
    let fingerprint = idempotency::fingerprint(&format!("/webhooks/{}", endpoint.id), &content);
    let answer = idempotency::run_once(
        &api.db,
        &api.writes,
        client.id,
        &key,
        &fingerprint,
        move |txn| {
            Box::pin(async move {
                endpoints::turn(txn, &client.actor, &endpoint, request.enabled, Utc::now()).await?;
                let now = own_endpoint(txn, client.body_id, endpoint.id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                Ok(Answer::json(StatusCode::OK, &WebhookView::of(now)))
            })
        },
    )
    .await?;
    Ok(answer.into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedSecret {
    /// The new `whsec_…`; `null` on a replay.
    pub secret: Option<String>,
    /// The old secret signs beside the new one until then.
    pub previous_valid_until: Option<DateTime<Utc>>,
}

/// Makes a new signing secret; the old one keeps signing beside it for 24
/// hours, so receivers can switch without losing a delivery.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/secret",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "The endpoint's id", example = "1"),
        ("Idempotency-Key" = String, Header, description = "1-255 visible ASCII characters", example = "gestionale-webhook-1-rotate"),
    ),
    responses(
        (status = 200, description = "The new secret, shown this once", body = RotatedSecret),
        (status = 400, description = "Missing Idempotency-Key", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no endpoint with this id", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The key reused with another request", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn rotate_secret(
    State(api): State<Api>,
    client: ApiClient,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let secrets = sealing(&api)?;
    let endpoint = own(&api, &client, &id).await?;
    let key = idempotency::header_key(&headers)?;
    let target = format!("/webhooks/{}/secret", endpoint.id);
    let fingerprint = idempotency::fingerprint(&target, &serde_json::Value::Null);
    let secret = new_secret();
    let (secrets, sealed) = (secrets.clone(), secret.clone());
    let answer = idempotency::run_once(
        &api.db,
        &api.writes,
        client.id,
        &key,
        &fingerprint,
        move |txn| {
            Box::pin(async move {
                endpoints::rotate(txn, &secrets, &client.actor, &endpoint, &sealed, Utc::now())
                    .await?;
                let rotated = own_endpoint(txn, client.body_id, endpoint.id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                Ok(Answer::json(
                    StatusCode::OK,
                    &RotatedSecret {
                        secret: None,
                        previous_valid_until: rotated.previous_until,
                    },
                ))
            })
        },
    )
    .await?;
    Ok(with_secret(answer, &secret).into_response())
}

/// Sends a `webhook.test` event to the endpoint, whatever it subscribed to.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/test",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "The endpoint's id", example = "1"),
        ("Idempotency-Key" = String, Header, description = "1-255 visible ASCII characters", example = "gestionale-webhook-1-test"),
    ),
    responses(
        (status = 202, description = "Queued", body = Queued),
        (status = 400, description = "Missing Idempotency-Key", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no endpoint with this id", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The key reused with another request", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn send_test(
    State(api): State<Api>,
    client: ApiClient,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    sealing(&api)?;
    let endpoint = own(&api, &client, &id).await?;
    let key = idempotency::header_key(&headers)?;
    let target = format!("/webhooks/{}/test", endpoint.id);
    let fingerprint = idempotency::fingerprint(&target, &serde_json::Value::Null);
    let answer = idempotency::run_once(
        &api.db,
        &api.writes,
        client.id,
        &key,
        &fingerprint,
        move |txn| {
            Box::pin(async move {
                webhooks::queue_test(txn, endpoint.id, Utc::now()).await?;
                Ok(Answer::json(StatusCode::ACCEPTED, &Queued { queued: 1 }))
            })
        },
    )
    .await?;
    Ok(answer.into_response())
}

/// Sends deliveries again, at once: one (by id, whatever its status), or
/// every failed one created between two days.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/deliveries/resend",
    tag = "webhooks",
    request_body(content = ResendRequest, example = json!({"delivery_id": 1})),
    params(
        ("id" = String, Path, description = "The endpoint's id", example = "1"),
        ("Idempotency-Key" = String, Header, description = "1-255 visible ASCII characters", example = "gestionale-webhook-1-resend"),
    ),
    responses(
        (status = 202, description = "Queued", body = Queued),
        (status = 400, description = "Missing Idempotency-Key or malformed JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no such endpoint or delivery", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request too large", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a delivery nor a range of days (or both), a range ending before it starts, or the key reused", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn resend(
    State(api): State<Api>,
    client: ApiClient,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    sealing(&api)?;
    let endpoint = own(&api, &client, &id).await?;
    let (key, content, request) = json_write::<ResendRequest>(&headers, body).await?;
    let which = match (request.delivery_id, request.from, request.to) {
        (Some(delivery), None, None) => Ok(delivery),
        (None, Some(from), Some(to)) => Err(resend_range(from, to).ok_or_else(|| {
            ApiError::field("/to", "before_from", "the last day comes before the first")
        })?),
        _ => {
            return Err(ApiError::field(
                "",
                "one_of",
                "give either delivery_id, or both from and to",
            ));
        }
    };
    let target = format!("/webhooks/{}/deliveries/resend", endpoint.id);
    let fingerprint = idempotency::fingerprint(&target, &content);
    let answer = idempotency::run_once(
        &api.db,
        &api.writes,
        client.id,
        &key,
        &fingerprint,
        move |txn| {
            Box::pin(async move {
                let now = Utc::now();
                let queued = match which {
                    Ok(delivery) => {
                        if !webhooks::resend_one(txn, endpoint.id, delivery, now).await? {
                            return Err(ApiError::NotFound);
                        }
                        1
                    }
                    Err(range) => webhooks::resend_failed(txn, endpoint.id, range, now).await?,
                };
                Ok(Answer::json(StatusCode::ACCEPTED, &Queued { queued }))
            })
        },
    )
    .await?;
    Ok(answer.into_response())
}
