//! Status events through the API: one at a time with an `Idempotency-Key`
//! header, or a batch of up to 1,000 (a JSON array or NDJSON) where each
//! item carries its own key and succeeds or fails alone. A late event is
//! filed at its place in the history by the write path, which refuses it if
//! the state in effect then does not allow it or if it would make a later
//! event an illegal transition.
//!
//! About a third of its length is the OpenAPI annotations and examples, and a
//! third its tests.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use pratiche_db::DatabaseTransaction;
use pratiche_db::audit::Actor;
use pratiche_db::cases::record::{CaseKey, own_case};
use pratiche_db::cases::service::{EventError, record_event};
use pratiche_db::clock::rome_date;
use pratiche_db::entity::case;
use pratiche_domain::CaseCode;
use pratiche_domain::intake::Number;
use pratiche_domain::intake::event::{self, EventFacts, EventInput, Field, ValidEvent, When};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Api;
use super::auth::ApiClient;
use super::cases::ClockView;
use super::idempotency::{self, Answer, QueuedWrite};
use super::input::{
    MAX_BATCH_BYTES, MAX_REQUEST_BYTES, invalid, media_type, parse_json, parse_value, read_body,
};
use super::problem::{ApiError, json_response};

/// Most items in a batch.
pub const MAX_BATCH_ITEMS: usize = 1_000;

/// A status event to record.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    /// An internal state of the pratica's procedure type
    /// (`GET /api/v1/procedure-types`), allowed from the state in effect
    /// when the event happened.
    pub state_id: i32,
    /// Shown to the citizen: at most 2,000 characters, no personal data.
    pub public_note: Option<String>,
    /// For colleagues only: at most 4,000 characters.
    pub internal_note: Option<String>,
    /// When it happened: RFC 3339 with an offset, not before the submission
    /// day, not in the future.
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// With a request for documents: when the citizen must reply by
    /// (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub reply_by: Option<String>,
    /// An extension (proroga) of the term, 1 to 180 days, with its legal basis.
    pub extension_days: Option<i64>,
    pub extension_basis: Option<String>,
    /// When the citizen's observations on a preavviso di diniego arrived
    /// (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub observations_on: Option<String>,
    /// A correction (rettifica) may set any state; its reason stays internal.
    pub correction_reason: Option<String>,
    /// Confirms a public note that looks like it holds personal data (a tax
    /// code, an e-mail address, a phone number, an IBAN).
    #[serde(default)]
    pub confirm_personal_data: bool,
}

/// What the event did.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventRecorded {
    pub code: String,
    /// The pratica's current state and phase: changed only if the event is
    /// the newest in its history.
    pub state_id: i32,
    pub phase: String,
    pub clock: ClockView,
    /// Effects its author may not expect, e.g. `repeated_documents_request`
    /// (a second request for documents suspends nothing).
    pub warnings: Vec<String>,
}

impl EventRequest {
    /// The request as the rules of a status event read it.
    fn input(&self) -> EventInput<'_> {
        fn text(value: &Option<String>) -> &str {
            value.as_deref().unwrap_or("")
        }
        EventInput {
            state: Number::Given(self.state_id.into()),
            public_note: text(&self.public_note),
            internal_note: text(&self.internal_note),
            when: When::Instant(&self.occurred_at),
            reply_by: text(&self.reply_by),
            extension_days: self.extension_days.map_or(Number::Absent, Number::Given),
            extension_basis: text(&self.extension_basis),
            observations_on: text(&self.observations_on),
            correction_reason: self.correction_reason.as_deref(),
            personal_data_confirmed: self.confirm_personal_data,
        }
    }
}

/// A field of a status event as [`EventRequest`] names it.
fn member(field: Field) -> &'static str {
    match field {
        Field::State => "state_id",
        Field::PublicNote => "public_note",
        Field::InternalNote => "internal_note",
        Field::OccurredAt | Field::OccurredTime => "occurred_at",
        Field::ReplyBy => "reply_by",
        Field::ExtensionDays => "extension_days",
        Field::ExtensionBasis => "extension_basis",
        Field::ObservationsOn => "observations_on",
        Field::CorrectionReason => "correction_reason",
    }
}

/// Checks an event against the pratica's dates; `base` prefixes pointers.
pub fn check_event(
    request: &EventRequest,
    submitted_on: NaiveDate,
    now: DateTime<Utc>,
    base: &str,
) -> Result<ValidEvent, ApiError> {
    event::check(&request.input(), EventFacts { submitted_on, now })
        .map_err(|problems| invalid(&problems, base, member))
}

/// Records one checked event in the idempotency protocol's transaction.
async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    case: &case::Model,
    valid: ValidEvent,
    base: &str,
) -> Result<Answer, ApiError> {
    let now = Utc::now();
    let recorded = record_event(txn, actor, case, valid, None, now)
        .await
        .map_err(|error| match error {
            EventError::Database(error) => ApiError::Unavailable(error),
            EventError::Invalid(problem) => invalid(&[problem], base, member),
            EventError::CaseNotFound => ApiError::NotFound,
            EventError::Conflict => {
                ApiError::Conflict("The pratica changed meanwhile; retry with the same key.")
            }
        })?;
    let warnings = recorded
        .warnings
        .iter()
        .filter_map(|warning| serde_json::to_value(warning).ok())
        .filter_map(|value| value.as_str().map(str::to_owned))
        .collect();
    Ok(Answer::json(
        StatusCode::CREATED,
        &EventRecorded {
            code: case.code.to_string(),
            state_id: recorded.case.current_state_id,
            phase: recorded.case.current_phase.to_string(),
            clock: ClockView::of(&recorded.explanation, rome_date(now)),
            warnings,
        },
    ))
}

/// Records a status event on one of the body's pratiche.
#[utoipa::path(
    post,
    path = "/api/v1/pratiche/{code}/events",
    tag = "events",
    params(
        ("code" = String, Path, description = "The pratica's code", example = "JYRH-CM4Q-3DY4-B"),
        ("Idempotency-Key" = String, Header, description = "Unique per request (1 to 255 visible ASCII characters); the same key and body return the first answer again", example = "protocollo-2026-0042-evento-7"),
    ),
    request_body(content = EventRequest, example = json!({
        "state_id": 4,
        "public_note": "Serve la relazione geologica firmata: la carichi dallo sportello online.",
        "internal_note": "Sollecitato dal geom. Neri",
        "occurred_at": "2026-11-20T10:30:00+01:00",
        "reply_by": "2026-12-20"
    })),
    responses(
        (status = 201, description = "Recorded (or the first answer again, with `Idempotent-Replayed: true`)", body = EventRecorded),
        (status = 400, description = "Malformed JSON or no Idempotency-Key", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no pratica with this code", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 KiB", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, a transition the workflow refuses, or the key reused with another body", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn push(
    State(api): State<Api>,
    client: ApiClient,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let code = CaseCode::parse(&code).map_err(|_| ApiError::NotFound)?;
    let case = own_case(&api.db, client.body_id, code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = read_body(&headers, body, MAX_REQUEST_BYTES).await?;
    if media_type(&headers) != "application/json" {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let key = idempotency::header_key(&headers)?;
    let content: serde_json::Value = parse_json(&bytes, "")?;
    let request: EventRequest = parse_value(content.clone(), "")?;
    let fingerprint = idempotency::fingerprint(&format!("/pratiche/{code}/events"), &content);
    let answer = queue_checked(&api, &client, &case, &key, &fingerprint, &request, "")
        .await?
        .answer(&api.db, &api.writes)
        .await?;
    Ok(answer.into_response())
}

/// Checks an event, then queues it to be recorded once under its key.
async fn queue_checked(
    api: &Api,
    client: &ApiClient,
    case: &case::Model,
    key: &str,
    fingerprint: &str,
    request: &EventRequest,
    base: &str,
) -> Result<QueuedWrite, ApiError> {
    let valid = check_event(request, case.submitted_on, Utc::now(), base)?;
    let (actor, case, base) = (client.actor.clone(), case.clone(), base.to_owned());
    idempotency::queue_once(
        &api.db,
        &api.writes,
        client.id,
        key,
        fingerprint,
        move |txn| Box::pin(async move { record(txn, &actor, &case, valid, &base).await }),
    )
    .await
}

/// One item of a batch: the pratica (by code or by own reference), the
/// item's own idempotency key and the event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    pub idempotency_key: String,
    pub code: Option<String>,
    pub own_reference: Option<String>,
    pub event: EventRequest,
}

/// What became of one item.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// The item's place in the batch, from 0.
    pub index: usize,
    pub idempotency_key: Option<String>,
    /// The status the item would have had alone.
    pub status: u16,
    /// An [`EventRecorded`] on success, else a problem document.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub succeeded: usize,
    pub failed: usize,
    /// One per item, in order.
    pub results: Vec<BatchResult>,
}

/// The items of a batch body: a JSON array, or one JSON document per line
/// (NDJSON). A line that is not JSON fails alone.
pub fn batch_items(
    bytes: &[u8],
    ndjson: bool,
) -> Result<Vec<Result<serde_json::Value, ApiError>>, ApiError> {
    let items: Vec<Result<serde_json::Value, ApiError>> = if ndjson {
        bytes
            .split(|byte| *byte == b'\n')
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
            .map(|line| parse_json(line, ""))
            .collect()
    } else {
        parse_json::<Vec<serde_json::Value>>(bytes, "")?
            .into_iter()
            .map(Ok)
            .collect()
    };
    if items.len() > MAX_BATCH_ITEMS {
        return Err(ApiError::TooLarge {
            limit: MAX_BATCH_ITEMS,
        });
    }
    Ok(items)
}

/// Records a batch of status events, each with its own idempotency key.
#[utoipa::path(
    post,
    path = "/api/v1/events/batch",
    tag = "events",
    request_body(
        content(
            (Vec<BatchItem> = "application/json", example = json!([
                {"idempotency_key": "protocollo-2026-0042-evento-8", "code": "JYRH-CM4Q-3DY4-B",
                 "event": {"state_id": 3, "public_note": "Documenti ricevuti, l'istruttoria riprende.", "occurred_at": "2026-11-25T09:00:00+01:00"}},
                {"idempotency_key": "protocollo-2026-0042-evento-9", "own_reference": "2026/0042 prot. gen.",
                 "event": {"state_id": 3, "internal_note": "Verifica conformità urbanistica", "occurred_at": "2026-11-26T09:00:00+01:00"}}
            ])),
            (BatchItem = "application/x-ndjson"),
        ),
        description = "Up to 1,000 items and 4 MiB: a JSON array, or NDJSON"
    ),
    responses(
        (status = 200, description = "One result per item: a bad item fails alone and the rest apply", body = BatchResponse),
        (status = 400, description = "Not a JSON array", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "More than 4 MiB or 1,000 items", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor NDJSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an array of items", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn batch(
    State(api): State<Api>,
    client: ApiClient,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_body(&headers, body, MAX_BATCH_BYTES).await?;
    let ndjson = match media_type(&headers).as_str() {
        "application/json" => false,
        "application/x-ndjson" | "application/jsonl" => true,
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json or application/x-ndjson",
            });
        }
    };
    // Every item is queued first, in order, so that they share commits and
    // items on the same pratica apply in the batch's order; then answered.
    let mut queued = Vec::new();
    for (index, item) in batch_items(&bytes, ndjson)?.into_iter().enumerate() {
        let key = item
            .as_ref()
            .ok()
            .and_then(|item| item.get("idempotency_key"))
            .and_then(|key| key.as_str())
            .map(str::to_owned);
        let write = match item {
            Ok(item) => batch_item(&api, &client, index, item).await,
            Err(error) => Err(error),
        };
        queued.push((index, key, write));
    }
    let mut results = Vec::new();
    for (index, key, write) in queued {
        let outcome = match write {
            Ok(write) => write.answer(&api.db, &api.writes).await,
            Err(error) => Err(error),
        };
        let (status, result) = match outcome {
            Ok(answer) => (
                answer.status.as_u16(),
                serde_json::from_str(&answer.body).unwrap_or_default(),
            ),
            Err(error) => (
                error.status().as_u16(),
                serde_json::to_value(error.problem()).unwrap_or_default(),
            ),
        };
        results.push(BatchResult {
            index,
            idempotency_key: key,
            status,
            result,
        });
    }
    let succeeded = results
        .iter()
        .filter(|result| (200..300).contains(&result.status))
        .count();
    let response = BatchResponse {
        succeeded,
        failed: results.len() - succeeded,
        results,
    };
    Ok(json_response(StatusCode::OK, &response, "application/json"))
}

async fn batch_item(
    api: &Api,
    client: &ApiClient,
    index: usize,
    item: serde_json::Value,
) -> Result<QueuedWrite, ApiError> {
    let base = format!("/{index}");
    let parsed: BatchItem = parse_value(item.clone(), &base)?;
    let key = idempotency::parse_key(&parsed.idempotency_key).ok_or_else(|| {
        ApiError::field(
            format!("{base}/idempotency_key"),
            "invalid_key",
            "1 to 255 visible ASCII characters",
        )
    })?;
    let case_key = match (&parsed.code, &parsed.own_reference) {
        (Some(code), None) => CaseKey::Code(CaseCode::parse(code).map_err(|_| ApiError::NotFound)?),
        (None, Some(reference)) => CaseKey::OwnReference(reference.trim()),
        _ => {
            return Err(ApiError::field(
                base,
                "pratica_required",
                "give either code or own_reference",
            ));
        }
    };
    let case = own_case(&api.db, client.body_id, case_key)
        .await?
        .ok_or(ApiError::NotFound)?;
    let code = *case.code;
    let fingerprint = idempotency::fingerprint(&format!("/pratiche/{code}/events"), &item["event"]);
    let event_base = format!("{base}/event");
    queue_checked(
        api,
        client,
        &case,
        key,
        &fingerprint,
        &parsed.event,
        &event_base,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::input::shaped_json::{Presence, Shape, assert_bodies_reach_the_checks, object};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn request() -> EventRequest {
        EventRequest {
            state_id: 4,
            public_note: Some(" Serve la relazione geologica. ".into()),
            internal_note: None,
            occurred_at: "2026-11-20T10:30:00+01:00".into(),
            reply_by: Some("2026-12-20".into()),
            extension_days: None,
            extension_basis: None,
            observations_on: None,
            correction_reason: None,
            confirm_personal_data: false,
        }
    }

    fn submitted() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap()
    }

    fn pointers(result: Result<ValidEvent, ApiError>) -> Vec<(String, String)> {
        match result {
            Err(ApiError::Invalid(errors)) => errors
                .into_iter()
                .map(|error| (error.pointer, error.code))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn accepts_a_well_formed_event() {
        let valid = check_event(&request(), submitted(), now(), "").unwrap();
        assert_eq!(
            valid.public_note.as_deref(),
            Some("Serve la relazione geologica.")
        );
        assert_eq!(
            valid.occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap()
        );
    }

    #[test]
    fn refuses_bad_fields_at_their_pointers() {
        let wrong = EventRequest {
            occurred_at: "2026-11-28T10:00:00+01:00".into(),
            reply_by: Some("20/12/2026".into()),
            extension_days: Some(181),
            extension_basis: Some("L. 241/1990".into()),
            public_note: Some("Scriva a mario.rossi@example.it".into()),
            ..request()
        };
        assert_eq!(
            pointers(check_event(&wrong, submitted(), now(), "/3/event")),
            [
                ("/3/event/occurred_at".to_owned(), "in_future".to_owned()),
                ("/3/event/reply_by".to_owned(), "invalid_date".to_owned()),
                (
                    "/3/event/extension_days".to_owned(),
                    "out_of_range".to_owned()
                ),
                (
                    "/3/event/public_note".to_owned(),
                    "personal_data".to_owned()
                ),
            ]
        );
        let confirmed = EventRequest {
            public_note: Some("Scriva a mario.rossi@example.it".into()),
            confirm_personal_data: true,
            ..request()
        };
        assert!(check_event(&confirmed, submitted(), now(), "").is_ok());
        let early = EventRequest {
            occurred_at: "2026-11-01T10:00:00+01:00".into(),
            ..request()
        };
        assert_eq!(
            pointers(check_event(&early, submitted(), now(), "")),
            [("/occurred_at".to_owned(), "before_submission".to_owned())]
        );
    }

    #[test]
    fn splits_json_arrays_and_ndjson() {
        assert_eq!(batch_items(b"[{}, {}]", false).unwrap().len(), 2);
        let lines = batch_items(b"{}\n\n not json\n{}\n", true).unwrap();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].is_err());
        assert!(batch_items(b"{}", false).is_err());
        let many = format!("[{}]", vec!["{}"; MAX_BATCH_ITEMS + 1].join(","));
        assert!(matches!(
            batch_items(many.as_bytes(), false),
            Err(ApiError::TooLarge { .. })
        ));
    }

    proptest! {
        #[test]
        fn event_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(request) = parse_json::<EventRequest>(&bytes, "") {
                let _ = check_event(&request, submitted(), now(), "");
            }
        }

        #[test]
        fn event_fields_never_panic(
            occurred_at in "\\PC{0,40}",
            reply_by in proptest::option::of("\\PC{0,12}"),
            extension_days in proptest::option::of(any::<i64>()),
            note in proptest::option::of("\\PC{0,60}"),
        ) {
            let request = EventRequest { occurred_at, reply_by, extension_days, public_note: note, ..request() };
            let _ = check_event(&request, submitted(), now(), "");
        }

        #[test]
        fn batch_splitting_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), ndjson: bool) {
            let _ = batch_items(&bytes, ndjson);
        }

        #[test]
        fn shaped_events_are_checked_without_panicking(body in object(&EVENT)) {
            event_outcome(&body);
        }

        #[test]
        fn shaped_batches_split_without_panicking(
            items in proptest::collection::vec(object(&EVENT), 0..6),
            ndjson: bool,
        ) {
            let bytes = if ndjson {
                items.iter().map(|item| item.to_string()).collect::<Vec<_>>().join("\n").into_bytes()
            } else {
                serde_json::to_vec(&items).unwrap()
            };
            let split = batch_items(&bytes, ndjson).unwrap();
            prop_assert_eq!(split.len(), items.len());
            for item in split {
                event_outcome(&item.unwrap());
            }
        }
    }

    const EVENT: [(&str, Shape, Presence); 10] = [
        ("state_id", Shape::Integer, Presence::Required),
        ("public_note", Shape::Text, Presence::Optional),
        ("internal_note", Shape::Text, Presence::Optional),
        ("occurred_at", Shape::Instant, Presence::Required),
        ("reply_by", Shape::Date, Presence::Optional),
        ("extension_days", Shape::Integer, Presence::Optional),
        ("extension_basis", Shape::Text, Presence::Optional),
        ("observations_on", Shape::Date, Presence::Optional),
        ("correction_reason", Shape::Text, Presence::Optional),
        ("confirm_personal_data", Shape::Flag, Presence::Optional),
    ];

    /// What became of a body: not parsed, refused by the checks, accepted.
    fn event_outcome(body: &serde_json::Value) -> Option<bool> {
        let bytes = serde_json::to_vec(body).unwrap();
        let request = parse_json::<EventRequest>(&bytes, "").ok()?;
        Some(check_event(&request, submitted(), now(), "").is_ok())
    }

    #[test]
    fn shaped_events_mostly_reach_the_checks() {
        assert_bodies_reach_the_checks(object(&EVENT), event_outcome);
    }
}
