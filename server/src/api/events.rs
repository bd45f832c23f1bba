//! Status events through the API: one at a time with an `Idempotency-Key`
//! header, or a batch of up to 1,000 (a JSON array or NDJSON) where each
//! item carries its own key and succeeds or fails alone. A late event is
//! filed at its place in the history by the write path, which refuses it if
//! the state in effect then does not allow it or if it would make a later
//! event an illegal transition.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pratiche_db::DatabaseTransaction;
use pratiche_db::backoffice::{CaseKey, StateChoice, own_case, state_choices};
use pratiche_db::cases::WriteError;
use pratiche_db::clock::rome_date;
use pratiche_db::entity::case;
use pratiche_domain::CaseCode;
use pratiche_domain::clock::Extension;
use pratiche_domain::personal_data::personal_data_in;
use pratiche_domain::workflow::TransitionError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Api;
use super::auth::ApiClient;
use super::cases::ClockView;
use super::idempotency::{self, Answer};
use super::input::{
    Checked, MAX_BATCH_BYTES, MAX_REQUEST_BYTES, media_type, parse_json, parse_value, read_body,
};
use super::problem::{ApiError, json_response, raw_json_response};
use crate::backoffice::status_change::{
    StateProblem, ValidChange, record_audited, state_of_change,
};

/// Most items in a batch.
pub const MAX_BATCH_ITEMS: usize = 1_000;
/// Clocks of the body's software may run this much ahead of ours.
const CLOCK_SKEW: Duration = Duration::minutes(5);

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

/// Checks an event against the pratica's dates; `base` prefixes pointers.
pub fn check_event(
    request: &EventRequest,
    submitted_on: NaiveDate,
    now: DateTime<Utc>,
    base: &str,
) -> Result<ValidChange, ApiError> {
    let mut checked = Checked::new(base);
    let public_note = checked.optional_text("public_note", request.public_note.as_deref(), 2_000);
    let internal_note =
        checked.optional_text("internal_note", request.internal_note.as_deref(), 4_000);
    let correction_reason = checked.optional_text(
        "correction_reason",
        request.correction_reason.as_deref(),
        500,
    );
    let occurred_at = checked.instant("occurred_at", &request.occurred_at);
    let occurred_on = occurred_at.map(rome_date);
    if let Some(instant) = occurred_at {
        if rome_date(instant) < submitted_on {
            checked.error(
                "occurred_at",
                "before_submission",
                "before the pratica was submitted",
            );
        } else if instant > now + CLOCK_SKEW {
            checked.error("occurred_at", "in_future", "in the future");
        }
    }
    let mut optional_date = |field: &str, value: &Option<String>| {
        value
            .as_deref()
            .and_then(|value| checked.date(field, value))
    };
    let reply_by = optional_date("reply_by", &request.reply_by);
    let observations_on = optional_date("observations_on", &request.observations_on);
    if reply_by
        .zip(occurred_on)
        .is_some_and(|(reply_by, on)| reply_by < on)
    {
        checked.error("reply_by", "before_event", "before the event");
    }
    if observations_on
        .is_some_and(|on| on < submitted_on || occurred_on.is_some_and(|event| on > event))
    {
        checked.error(
            "observations_on",
            "out_of_range",
            "must be between the submission and the event",
        );
    }
    let basis = checked.optional_text("extension_basis", request.extension_basis.as_deref(), 300);
    let extension = match (request.extension_days, basis) {
        (None, None) => None,
        (Some(days @ 1..=180), Some(legal_basis)) => Some(Extension {
            days: days as u32,
            legal_basis,
        }),
        (Some(1..=180), None) => {
            checked.error(
                "extension_basis",
                "required",
                "an extension needs its legal basis",
            );
            None
        }
        (None, Some(_)) => {
            checked.error(
                "extension_days",
                "required",
                "a legal basis needs the extension's days",
            );
            None
        }
        (Some(_), _) => {
            checked.error("extension_days", "out_of_range", "from 1 to 180 days");
            None
        }
    };
    if !request.confirm_personal_data {
        let found = personal_data_in(public_note.as_deref().unwrap_or(""));
        if !found.is_empty() {
            let kinds: Vec<String> = found
                .iter()
                .map(|kind| format!("{kind:?}").to_lowercase())
                .collect();
            checked.error(
                "public_note",
                "personal_data",
                format!(
                    "the public note seems to hold personal data ({}); remove it, or send confirm_personal_data: true",
                    kinds.join(", ")
                ),
            );
        }
    }
    checked.finish(|| {
        Some(ValidChange {
            state_id: request.state_id,
            public_note,
            internal_note,
            occurred_at: occurred_at?,
            reply_by,
            extension,
            observations_on,
            correction_reason,
        })
    })
}

fn unknown_state(base: &str) -> ApiError {
    ApiError::field(
        format!("{base}/state_id"),
        "unknown_state",
        "not a state of the pratica's procedure type",
    )
}

/// The state checks of the back office, at their pointers.
fn check_state_at(valid: &ValidChange, states: &[StateChoice], base: &str) -> Result<(), ApiError> {
    match state_of_change(valid, states) {
        Ok(_) => Ok(()),
        Err(StateProblem::UnknownState) => Err(unknown_state(base)),
        Err(StateProblem::ReplyByWithoutRequest) => Err(ApiError::field(
            format!("{base}/reply_by"),
            "reply_by_needs_request",
            "a reply-by date goes only with a request for documents",
        )),
    }
}

/// Records one checked event in the idempotency protocol's transaction.
async fn record(
    txn: &DatabaseTransaction,
    client: &ApiClient,
    case: &case::Model,
    states: &[StateChoice],
    valid: ValidChange,
    base: &str,
) -> Result<Answer, ApiError> {
    let now = Utc::now();
    let state_name = |id: i32| {
        states
            .iter()
            .find(|state| state.id == id)
            .map(|state| state.name.clone())
    };
    let recorded = record_audited(txn, &client.actor, case, state_name, None, valid, now)
        .await
        .map_err(|error| write_refusal(error, base))?;
    let warnings = recorded
        .warnings
        .iter()
        .filter_map(|warning| serde_json::to_value(warning).ok())
        .filter_map(|value| value.as_str().map(str::to_owned))
        .collect();
    Ok(Answer::json(
        StatusCode::CREATED,
        &EventRecorded {
            code: CaseCode::parse(&case.code)
                .map(|code| code.to_string())
                .unwrap_or_else(|_| case.code.clone()),
            state_id: recorded.case.current_state_id,
            phase: recorded.case.current_phase.clone(),
            clock: ClockView::of(&recorded.explanation, rome_date(now)),
            warnings,
        },
    ))
}

fn write_refusal(error: WriteError, base: &str) -> ApiError {
    match error {
        WriteError::Database(error) => ApiError::Unavailable(error),
        WriteError::Transition(TransitionError::NotAllowed { .. }) => ApiError::field(
            format!("{base}/state_id"),
            "transition_not_allowed",
            "the procedure type does not allow this state after the one in effect when the event happened",
        ),
        WriteError::Transition(TransitionError::BreaksLater { .. }) => ApiError::field(
            format!("{base}/occurred_at"),
            "breaks_later_event",
            "filed at this time, the event would make a later event an illegal transition",
        ),
        WriteError::Transition(TransitionError::BeforeRegistration) => ApiError::field(
            format!("{base}/occurred_at"),
            "before_registration",
            "before the pratica's first event",
        ),
        WriteError::ForeignState => unknown_state(base),
        WriteError::CaseNotFound => ApiError::NotFound,
        WriteError::Conflict => {
            ApiError::Conflict("The pratica changed meanwhile; retry with the same key.")
        }
    }
}

/// Sends an answer of the idempotency protocol.
fn send(answer: Answer) -> Response {
    let content_type = if answer.status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut response = raw_json_response(answer.status, answer.body, content_type);
    if answer.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
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
    let answer = run_checked(&api, &client, &case, &key, &fingerprint, &request, "").await?;
    Ok(send(answer))
}

/// Checks an event, then records it once under its key.
async fn run_checked(
    api: &Api,
    client: &ApiClient,
    case: &case::Model,
    key: &str,
    fingerprint: &str,
    request: &EventRequest,
    base: &str,
) -> Result<Answer, ApiError> {
    let valid = check_event(request, case.submitted_on, Utc::now(), base)?;
    let states = state_choices(&api.db, case.procedure_type_id).await?;
    check_state_at(&valid, &states, base)?;
    idempotency::run_once(&api.db, client.id, key, fingerprint, async move |txn| {
        record(txn, client, case, &states, valid, base).await
    })
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
    let mut results = Vec::new();
    for (index, item) in batch_items(&bytes, ndjson)?.into_iter().enumerate() {
        let key = item
            .as_ref()
            .ok()
            .and_then(|item| item.get("idempotency_key"))
            .and_then(|key| key.as_str())
            .map(str::to_owned);
        let outcome = match item {
            Ok(item) => batch_item(&api, &client, index, item).await,
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
) -> Result<Answer, ApiError> {
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
    let code = CaseCode::parse(&case.code).expect("stored codes are valid");
    let fingerprint = idempotency::fingerprint(&format!("/pratiche/{code}/events"), &item["event"]);
    let event_base = format!("{base}/event");
    run_checked(
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

    fn pointers(result: Result<ValidChange, ApiError>) -> Vec<(String, String)> {
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
    }
}
