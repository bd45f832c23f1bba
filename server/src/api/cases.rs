//! Pratiche through the API: create one (idempotent by the body's own
//! reference), read one by code or by own reference with its whole history,
//! due date, days left and the clock's explanation.
//!
//! About a third of its length is the OpenAPI annotations and examples the
//! document is generated from.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use pratiche_app::i18n::I18n;
use pratiche_db::cases::record::{CaseFieldsWithHistory, CaseKey, case_fields, own_case};
use pratiche_db::cases::service::{RegisterError, register};
use pratiche_db::clock::today_in_rome;
use pratiche_db::entity::case;
use pratiche_domain::CaseCode;
use pratiche_domain::clock::{ClockStatus, Explanation};
use pratiche_domain::intake::registration::{self, Field, RegistrationInput, ValidRegistration};
use pratiche_domain::intake::{Kind, Number};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Api;
use super::auth::ApiClient;
use super::input::{MAX_REQUEST_BYTES, expect_json, invalid, parse_json, read_body};
use super::problem::{ApiError, FieldError, json_response};

/// A pratica to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    /// The body's own reference (protocol number, external id): required
    /// here, unique in the body; may contain `/`, spaces and dots.
    pub own_reference: String,
    /// One of the body's procedure types (`GET /api/v1/procedure-types`).
    pub procedure_type_id: i32,
    /// Public: no personal data.
    pub subject: String,
    /// `YYYY-MM-DD`, not in the future.
    pub submitted_on: String,
    pub office: String,
    pub responsible: String,
    pub responsible_contact: String,
    /// The applicant's e-mail address, for the alerts: subscribed at once
    /// (no confirmation mail), and sent a first mail with the code and the
    /// link. Never shown on a public page.
    #[serde(default)]
    pub applicant_email: Option<String>,
    /// Must be `true` with `applicant_email`: the applicant agreed to be
    /// written to.
    #[serde(default)]
    pub email_consent: bool,
    /// The applicant's codice fiscale, for messages in App IO (only if the
    /// body has set up its IO service): each update goes to their app if
    /// it takes the body's messages. Never shown on a public page or
    /// logged; erased with the addresses.
    #[serde(default)]
    #[schema(example = "RSSMRA80A01H501U")]
    pub applicant_fiscal_code: Option<String>,
    /// The language of the applicant's mails: `it` (default) or `en`.
    #[serde(default)]
    #[schema(example = "it")]
    pub applicant_language: Option<String>,
}

/// Where the clock stands today.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    /// `running`, `awaiting_documents`, `awaiting_observations` or `concluded`.
    pub status: String,
    pub due_on: NaiveDate,
    /// Days from today (Europe/Rome) to the due date, negative once past;
    /// only while the clock runs.
    pub days_left: Option<i64>,
    pub suspended_days: u32,
    pub extension_days: u32,
    /// How the due date was computed: term, suspensions, extensions and the
    /// holidays skipped.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

impl ClockView {
    pub fn of(explanation: &Explanation, today: NaiveDate) -> Self {
        let status = ClockStatus::at(explanation, today);
        let (name, days_left) = match status {
            ClockStatus::Running { days_left, .. } => ("running", Some(days_left)),
            ClockStatus::AwaitingDocuments { .. } => ("awaiting_documents", None),
            ClockStatus::AwaitingObservations { .. } => ("awaiting_observations", None),
            ClockStatus::Concluded { .. } => ("concluded", None),
        };
        Self {
            status: name.into(),
            due_on: explanation.due_on,
            days_left,
            suspended_days: explanation.suspended_days(),
            extension_days: explanation.extension_days(),
            explanation: serde_json::to_value(explanation).expect("explanations serialise"),
        }
    }
}

/// One entry of the history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub state_id: i32,
    pub state: String,
    /// The public phase the citizen sees.
    pub phase: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    /// `backoffice`, `api` or `demo`.
    pub source: String,
    pub reply_by: Option<NaiveDate>,
    pub extension_days: Option<i32>,
    pub extension_basis: Option<String>,
    pub observations_on: Option<NaiveDate>,
    /// Set on a correction (rettifica).
    pub correction_reason: Option<String>,
}

/// A pratica as its body's software sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    /// The code the citizen holds.
    #[schema(example = "JYRH-CM4Q-3DY4-B")]
    pub code: String,
    /// The citizen's page.
    pub public_url: String,
    pub own_reference: Option<String>,
    pub procedure_type_id: i32,
    pub procedure_type: String,
    pub subject: String,
    pub submitted_on: NaiveDate,
    pub office: String,
    pub responsible: String,
    pub responsible_contact: String,
    pub state_id: i32,
    pub phase: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub clock: Option<ClockView>,
    /// Oldest first, in history order (when it happened, when it was
    /// recorded).
    pub history: Vec<EventView>,
}

impl CaseView {
    pub fn of(api: &Api, detail: CaseFieldsWithHistory) -> Self {
        let case = detail.case;
        let code = *case.code;
        Self {
            code: code.to_string(),
            public_url: api.public_page(code),
            own_reference: case.own_reference,
            procedure_type_id: case.procedure_type_id,
            procedure_type: case.procedure_name,
            subject: case.subject,
            submitted_on: case.submitted_on,
            office: case.office_name,
            responsible: case.responsible_name,
            responsible_contact: case.responsible_contact,
            state_id: case.current_state_id,
            phase: case.current_phase.to_string(),
            closed_at: case.closed_at,
            clock: detail
                .clock
                .as_ref()
                .map(|clock| ClockView::of(clock, today_in_rome())),
            history: detail
                .events
                .into_iter()
                .map(|event| EventView {
                    state_id: event.state_id,
                    state: event.state_name,
                    phase: event.public_phase.to_string(),
                    occurred_at: event.occurred_at,
                    recorded_at: event.recorded_at,
                    public_note: event.public_note,
                    internal_note: event.internal_note,
                    source: event.source,
                    reply_by: event.reply_by,
                    extension_days: event.extension_days,
                    extension_basis: event.extension_basis,
                    observations_on: event.observations_on,
                    correction_reason: event.correction_reason,
                })
                .collect(),
        }
    }
}

impl CreateCase {
    /// The request as the rules of a registration read it.
    fn input(&self) -> RegistrationInput<'_> {
        RegistrationInput {
            procedure_type: Number::Given(self.procedure_type_id.into()),
            subject: &self.subject,
            own_reference: &self.own_reference,
            own_reference_required: true,
            submitted_on: &self.submitted_on,
            office: &self.office,
            responsible: &self.responsible,
            contact: &self.responsible_contact,
            applicant_email: self.applicant_email.as_deref().unwrap_or(""),
            email_consent: self.email_consent,
            applicant_fiscal_code: self.applicant_fiscal_code.as_deref().unwrap_or(""),
        }
    }

    /// The language of the applicant's mails, if it is one of ours.
    fn language(&self) -> Result<String, ApiError> {
        match self.applicant_language.as_deref() {
            None => Ok(I18n::default_tag()),
            Some(tag) if I18n::is_supported(tag) => Ok(tag.to_owned()),
            Some(_) => Err(ApiError::Invalid(vec![FieldError::new(
                "/applicant_language",
                "unsupported_language",
                format!("one of {}", I18n::tags().join(", ")),
            )])),
        }
    }
}

/// A field of a registration as [`CreateCase`] names it.
fn member(field: Field) -> &'static str {
    match field {
        Field::ProcedureType => "procedure_type_id",
        Field::Subject => "subject",
        Field::OwnReference => "own_reference",
        Field::SubmittedOn => "submitted_on",
        Field::Office => "office",
        Field::Responsible => "responsible",
        Field::Contact => "responsible_contact",
        Field::ApplicantEmail => "applicant_email",
        Field::EmailConsent => "email_consent",
        Field::ApplicantFiscalCode => "applicant_fiscal_code",
    }
}

/// Checks a creation request.
pub fn check_create(request: &CreateCase, today: NaiveDate) -> Result<ValidRegistration, ApiError> {
    registration::check(&request.input(), today).map_err(|problems| invalid(&problems, "", member))
}

/// Whether an existing pratica holds what the request asks for.
fn same_content(case: &case::Model, valid: &ValidRegistration) -> bool {
    case.procedure_type_id == valid.procedure_type_id
        && case.subject == valid.subject
        && case.submitted_on == valid.submitted_on
        && case.office_name == valid.office
        && case.responsible_name == valid.responsible
        && case.responsible_contact == valid.contact
}

/// Creates a pratica; the same own reference again returns it.
#[utoipa::path(
    post,
    path = "/api/v1/pratiche",
    tag = "pratiche",
    request_body(content = CreateCase, example = json!({
        "own_reference": "2026/0042 prot. gen.",
        "procedure_type_id": 1,
        "subject": "Permesso di costruire: ampliamento di un capannone",
        "submitted_on": "2026-11-02",
        "office": "Sportello unico per l'edilizia",
        "responsible": "Arch. Laura Bianchi",
        "responsible_contact": "edilizia@comune.valdoria.example.it"
    })),
    responses(
        (status = 201, description = "Created; `Location` names it", body = CaseView),
        (status = 200, description = "A pratica with this own reference and the same content existed: it is returned", body = CaseView),
        (status = 400, description = "Malformed JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The own reference belongs to a pratica with other content", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 KiB", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each with its JSON Pointer", body = super::problem::Problem, content_type = "application/problem+json"),
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
    let bytes = read_body(&headers, body, MAX_REQUEST_BYTES).await?;
    expect_json(&headers)?;
    let request: CreateCase = parse_json(&bytes, "")?;
    let valid = check_create(&request, today_in_rome())?;
    let language = request.language()?;
    let reference = valid.own_reference.clone().unwrap_or_default();
    // Twice: a concurrent request with the same reference may win the race.
    for _ in 0..2 {
        if let Some(existing) =
            own_case(&api.db, client.body_id, CaseKey::OwnReference(&reference)).await?
        {
            if !same_content(&existing, &valid) {
                return Err(ApiError::Conflict(
                    "A pratica with this own reference exists with other content; nothing was written.",
                ));
            }
            return answer_case(
                &api,
                client.body_id,
                CaseKey::OwnReference(&reference),
                StatusCode::OK,
            )
            .await;
        }
        match register(&api.db, &client.actor, client.body_id, &valid, &language).await {
            Ok(case) => {
                let code = *case.code;
                tracing::info!(code = %code.redacted(), client = %client.name, "pratica created through the API");
                return answer_case(
                    &api,
                    client.body_id,
                    CaseKey::Code(code),
                    StatusCode::CREATED,
                )
                .await;
            }
            Err(RegisterError::Invalid(problem)) if problem.kind == Kind::ReferenceTaken => {
                continue;
            }
            Err(RegisterError::Invalid(problem)) => return Err(invalid(&[problem], "", member)),
            Err(RegisterError::Database(error)) => return Err(error.into()),
        }
    }
    Err(ApiError::Conflict(
        "Another request is creating a pratica with this own reference; retry.",
    ))
}

async fn answer_case(
    api: &Api,
    body_id: i32,
    key: CaseKey<'_>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let detail = case_fields(&api.db, body_id, key)
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = CaseView::of(api, detail);
    let mut response = json_response(status, &view, "application/json");
    if status == StatusCode::CREATED {
        let location = format!("/api/v1/pratiche/{}", view.code);
        response.headers_mut().insert(
            header::LOCATION,
            HeaderValue::from_str(&location).expect("codes are plain ASCII"),
        );
    }
    Ok(response)
}

/// A pratica of the body by code, with its history.
#[utoipa::path(
    get,
    path = "/api/v1/pratiche/{code}",
    tag = "pratiche",
    params(("code" = String, Path, description = "The pratica's code, in any form the citizen may type it", example = "JYRH-CM4Q-3DY4-B")),
    responses(
        (status = 200, description = "The pratica", body = CaseView),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no pratica with this code", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn by_code(
    State(api): State<Api>,
    client: ApiClient,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let code = CaseCode::parse(&code).map_err(|_| ApiError::NotFound)?;
    answer_case(&api, client.body_id, CaseKey::Code(code), StatusCode::OK).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferenceQuery {
    /// The body's own reference, URL-encoded (it may hold `/`, spaces, dots).
    #[param(example = "2026/0042 prot. gen.")]
    pub own_reference: Option<String>,
}

/// A pratica of the body by its own reference, with its history.
#[utoipa::path(
    get,
    path = "/api/v1/pratiche",
    tag = "pratiche",
    params(ReferenceQuery),
    responses(
        (status = 200, description = "The pratica", body = CaseView),
        (status = 401, description = "No valid access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Your body has no pratica with this own reference", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "own_reference is missing", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limit", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn by_reference(
    State(api): State<Api>,
    client: ApiClient,
    Query(query): Query<ReferenceQuery>,
) -> Result<Response, ApiError> {
    let reference = query
        .own_reference
        .as_deref()
        .map(str::trim)
        .filter(|reference| !reference.is_empty())
        .ok_or_else(|| {
            ApiError::field(
                "/own_reference",
                "required",
                "the own_reference query parameter is required",
            )
        })?;
    answer_case(
        &api,
        client.body_id,
        CaseKey::OwnReference(reference),
        StatusCode::OK,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::input::shaped_json::{Presence, Shape, assert_bodies_reach_the_checks, object};
    use proptest::prelude::*;

    fn request() -> CreateCase {
        CreateCase {
            own_reference: " 2026/0042 prot. gen. ".into(),
            procedure_type_id: 1,
            subject: "Ampliamento".into(),
            submitted_on: "2026-11-02".into(),
            office: "SUE".into(),
            responsible: "Arch. Bianchi".into(),
            responsible_contact: "sue@example.it".into(),
            applicant_email: None,
            email_consent: false,
            applicant_fiscal_code: None,
            applicant_language: None,
        }
    }

    #[test]
    fn checks_a_creation_with_pointers() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let valid = check_create(&request(), today).unwrap();
        assert_eq!(valid.own_reference.as_deref(), Some("2026/0042 prot. gen."));
        let wrong = CreateCase {
            own_reference: " ".into(),
            submitted_on: "2026-11-28".into(),
            subject: "s".repeat(501),
            ..request()
        };
        let Err(ApiError::Invalid(errors)) = check_create(&wrong, today) else {
            panic!("refused")
        };
        let pointers: Vec<&str> = errors.iter().map(|error| error.pointer.as_str()).collect();
        assert_eq!(pointers, ["/subject", "/own_reference", "/submitted_on"]);
    }

    const CREATION: [(&str, Shape, Presence); 11] = [
        ("own_reference", Shape::Text, Presence::Required),
        ("procedure_type_id", Shape::Integer, Presence::Required),
        ("subject", Shape::Text, Presence::Required),
        ("submitted_on", Shape::Date, Presence::Required),
        ("office", Shape::Text, Presence::Required),
        ("responsible", Shape::Text, Presence::Required),
        ("responsible_contact", Shape::Email, Presence::Required),
        ("applicant_email", Shape::Email, Presence::Optional),
        ("email_consent", Shape::Flag, Presence::Optional),
        ("applicant_fiscal_code", Shape::Text, Presence::Optional),
        ("applicant_language", Shape::Text, Presence::Optional),
    ];

    /// What became of a body: not parsed, refused by the checks, accepted.
    fn creation_outcome(body: &serde_json::Value) -> Option<bool> {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let bytes = serde_json::to_vec(body).unwrap();
        let request = parse_json::<CreateCase>(&bytes, "").ok()?;
        Some(check_create(&request, today).is_ok())
    }

    #[test]
    fn shaped_creations_mostly_reach_the_checks() {
        assert_bodies_reach_the_checks(object(&CREATION), creation_outcome);
    }

    proptest! {
        #[test]
        fn creation_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
            if let Ok(request) = parse_json::<CreateCase>(&bytes, "") {
                let _ = check_create(&request, today);
            }
        }

        #[test]
        fn shaped_creations_are_checked_without_panicking(body in object(&CREATION)) {
            creation_outcome(&body);
        }
    }
}
