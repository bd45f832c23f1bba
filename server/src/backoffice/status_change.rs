//! Recording a status change (or a correction) on a pratica from its
//! record's form: an adapter over the rules of
//! [`pratiche_domain::intake::event`] and the service
//! [`pratiche_db::cases::service::record_event`]. A public note that looks
//! like it holds personal data waits for the clerk's confirmation;
//! "anteprima" runs the real write path and rolls it back to show the effect
//! on the due date; saving is guarded by the version the clerk's form was
//! built from.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use pratiche_app::forms::StatusChangeForm;
use pratiche_app::paths;
use pratiche_app::{DraftOutcome, StatusChangeDraft};
use pratiche_db::cases::record::own_case;
use pratiche_db::cases::service::{EventError, record_event};
use pratiche_domain::CaseCode;
use pratiche_domain::intake::event::{self, EventFacts, EventInput, EventProblem, When};
use pratiche_domain::intake::{Kind, Number};
use pratiche_domain::personal_data::PersonalData;

use crate::office::{BackOffice, FieldErrors, Staff, WebError};
use crate::responses::see_other;

/// What was typed, as the rules of a status event read it.
fn input(form: &StatusChangeForm) -> EventInput<'_> {
    EventInput {
        state: Number::Typed(&form.state),
        public_note: &form.public_note,
        internal_note: &form.internal_note,
        when: When::RomeDay {
            date: &form.date,
            time: &form.time,
        },
        reply_by: &form.reply_by,
        extension_days: Number::Typed(&form.extension_days),
        extension_basis: &form.extension_basis,
        observations_on: &form.observations_on,
        correction_reason: form.is_correction().then_some(form.reason.as_str()),
        personal_data_confirmed: form.confirm_personal_data == "1",
    }
}

/// What was typed, to show again with `errors`.
fn draft(form: &StatusChangeForm, errors: FieldErrors) -> StatusChangeDraft {
    StatusChangeDraft {
        form: form.clone(),
        errors,
        personal_data: Vec::new(),
        outcome: None,
    }
}

/// Where the form shows a problem: its field and the message key.
fn form_error(problem: &EventProblem) -> (&'static str, &'static str) {
    use event::Field;
    let field = match problem.field {
        Field::State => StatusChangeForm::STATE,
        Field::PublicNote => StatusChangeForm::PUBLIC_NOTE,
        Field::InternalNote => StatusChangeForm::INTERNAL_NOTE,
        Field::OccurredAt => StatusChangeForm::DATE,
        Field::OccurredTime => StatusChangeForm::TIME,
        Field::ReplyBy => StatusChangeForm::REPLY_BY,
        Field::ExtensionDays => StatusChangeForm::EXTENSION_DAYS,
        Field::ExtensionBasis => StatusChangeForm::EXTENSION_BASIS,
        Field::ObservationsOn => StatusChangeForm::OBSERVATIONS_ON,
        Field::CorrectionReason => StatusChangeForm::REASON,
    };
    let key = match (&problem.kind, problem.field) {
        (Kind::TooLong { .. }, _) => "reg-error-too-long",
        (Kind::ControlCharacters, _) => "form-error-control-characters",
        (Kind::Required, Field::CorrectionReason) => "change-error-reason",
        (Kind::Required, Field::ExtensionBasis) => "change-error-extension-basis",
        (_, Field::ExtensionDays) => "change-error-extension",
        (_, Field::State) if problem.kind == Kind::TransitionNotAllowed => {
            "change-error-transition"
        }
        (_, Field::State) => "change-error-state",
        (Kind::InvalidTime, _) => "change-error-time",
        (Kind::BeforeSubmission | Kind::BeforeRegistration, _) => "change-error-before-submission",
        (Kind::InFuture, _) => "change-error-future",
        (Kind::BreaksLaterEvent, _) => "change-error-breaks-later",
        (Kind::BeforeEvent, _) => "change-error-reply-by",
        (Kind::ReplyByNeedsRequest, _) => "change-error-reply-by-not-request",
        (Kind::OutOfRange, Field::ObservationsOn) => "change-error-observations",
        _ => "change-error-date",
    };
    (field, key)
}

/// The message key of each kind of personal data.
fn personal_data_keys(found: &[PersonalData]) -> Vec<&'static str> {
    found
        .iter()
        .map(|kind| match kind {
            PersonalData::TaxCode => "change-pd-tax_code",
            PersonalData::Email => "change-pd-email",
            PersonalData::Phone => "change-pd-phone",
            PersonalData::Iban => "change-pd-iban",
        })
        .collect()
}

/// The problems as the form shows them: the fields' errors, or, when a
/// public note that seems to hold personal data is all that is wrong, the
/// request to confirm it.
fn refused_draft(form: &StatusChangeForm, problems: Vec<EventProblem>) -> StatusChangeDraft {
    let personal_data = problems.iter().find_map(|problem| match &problem.kind {
        Kind::PersonalData(found) => Some(personal_data_keys(found)),
        _ => None,
    });
    let errors: FieldErrors = problems
        .iter()
        .filter(|problem| !matches!(problem.kind, Kind::PersonalData(_)))
        .map(form_error)
        .collect();
    let mut draft = draft(form, errors);
    if draft.errors.is_empty() {
        draft.personal_data = personal_data.unwrap_or_default();
    }
    draft
}

const NOT_FOUND: WebError = WebError::NotFound(
    "Nessuna pratica del suo ente ha questo codice. / No application of your body has this code.",
);

pub async fn record_status_change(
    State(office): State<BackOffice>,
    Staff {
        user,
        body_id,
        actor,
    }: Staff,
    Path(typed_code): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StatusChangeForm>,
) -> Result<Response, WebError> {
    let code = CaseCode::parse(&typed_code).map_err(|_| NOT_FOUND)?;
    let db = &office.sessions.db;
    let case = own_case(db, body_id, code).await?.ok_or(NOT_FOUND)?;
    let page = paths::case_record(code);
    let show =
        |draft: StatusChangeDraft| office.render_page(&page, &headers, Some(user.clone()), draft);

    let now = Utc::now();
    let facts = EventFacts {
        submitted_on: case.submitted_on,
        now,
    };
    let valid = match event::check(&input(&form), facts) {
        Ok(valid) => valid,
        Err(problems) => return Ok(show(refused_draft(&form, problems)).await),
    };
    let Ok(expected_version) = form.version.trim().parse::<i32>() else {
        let mut draft = draft(&form, Vec::new());
        draft.outcome = Some(DraftOutcome::Conflict);
        return Ok(show(draft).await);
    };
    let preview = form.action == StatusChangeForm::PREVIEW;
    let txn = pratiche_db::begin_write(db).await?;
    let recorded = record_event(&txn, &actor, &case, valid, Some(expected_version), now).await;
    let finished = match (&recorded, preview) {
        (Ok(_), false) => txn.commit().await,
        _ => txn.rollback().await,
    };
    finished?;
    match recorded {
        Ok(recorded) if preview => {
            let mut draft = draft(&form, Vec::new());
            draft.outcome = Some(DraftOutcome::Preview {
                due_before: case.due_date,
                after: recorded.explanation,
                warnings: recorded.warnings,
            });
            Ok(show(draft).await)
        }
        Ok(recorded) => {
            tracing::info!(code = %code.redacted(), username = %user.username, "status change recorded");
            let warning = if recorded.warnings.is_empty() {
                ""
            } else {
                "&avviso=richiesta-ripetuta"
            };
            Ok(see_other(&format!("{page}?registrato=1{warning}"), None))
        }
        Err(EventError::Conflict) => {
            let mut draft = draft(&form, Vec::new());
            draft.outcome = Some(DraftOutcome::Conflict);
            Ok(show(draft).await)
        }
        Err(EventError::Invalid(problem)) => Ok(show(refused_draft(&form, vec![problem])).await),
        Err(EventError::CaseNotFound) => Err(NOT_FOUND),
        Err(EventError::Database(error)) => Err(error.into()),
    }
}
