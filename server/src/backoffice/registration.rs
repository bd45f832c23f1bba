//! Registering a pratica from the back office's form: an adapter over the
//! rules of [`pratiche_domain::intake::registration`] and the service
//! [`pratiche_db::cases::service::register`].

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pratiche_app::RegistrationDraft;
use pratiche_app::forms::RegistrationForm;
use pratiche_app::i18n::I18n;
use pratiche_app::paths;
use pratiche_db::cases::service::{RegisterError, register};
use pratiche_db::clock::today_in_rome;
use pratiche_domain::intake::registration::{self, Field, RegistrationInput, RegistrationProblem};
use pratiche_domain::intake::{Kind, Number};

use crate::office::{BackOffice, FieldErrors, Staff, WebError};
use crate::responses::see_other;

/// What was typed, as the rules of a registration read it.
fn input(form: &RegistrationForm) -> RegistrationInput<'_> {
    RegistrationInput {
        procedure_type: Number::Typed(&form.procedure_type),
        subject: &form.subject,
        own_reference: &form.own_reference,
        own_reference_required: false,
        submitted_on: &form.submitted_on,
        office: &form.office,
        responsible: &form.responsible,
        contact: &form.contact,
        applicant_email: &form.applicant_email,
        email_consent: form.has_email_consent(),
        applicant_fiscal_code: &form.applicant_fiscal_code,
    }
}

/// Where the form shows a problem: its field and the message key.
fn form_error(problem: &RegistrationProblem) -> (&'static str, &'static str) {
    let field = match problem.field {
        Field::ProcedureType => RegistrationForm::PROCEDURE_TYPE,
        Field::Subject => RegistrationForm::SUBJECT,
        Field::OwnReference => RegistrationForm::OWN_REFERENCE,
        Field::SubmittedOn => RegistrationForm::SUBMITTED_ON,
        Field::Office => RegistrationForm::OFFICE,
        Field::Responsible => RegistrationForm::RESPONSIBLE,
        Field::Contact => RegistrationForm::CONTACT,
        Field::ApplicantEmail => RegistrationForm::APPLICANT_EMAIL,
        Field::EmailConsent => RegistrationForm::EMAIL_CONSENT,
        Field::ApplicantFiscalCode => RegistrationForm::APPLICANT_FISCAL_CODE,
    };
    let key = match (&problem.kind, problem.field) {
        (_, Field::ProcedureType) => "reg-error-type",
        (_, Field::SubmittedOn) => "reg-error-date",
        (Kind::ReferenceTaken, _) => "reg-error-reference-taken",
        (Kind::TooLong { .. }, _) => "reg-error-too-long",
        (Kind::ControlCharacters, _) => "form-error-control-characters",
        (Kind::InvalidEmail, _) => "alerts-invalid",
        (Kind::ConsentMissing, _) => "reg-error-consent",
        (Kind::InvalidFiscalCode, _) => "reg-error-fiscal-code",
        (Kind::IoNotConfigured, _) => "reg-error-io-off",
        _ => "reg-error-required",
    };
    (field, key)
}

pub async fn register_pratica(
    State(office): State<BackOffice>,
    Staff {
        user,
        body_id,
        actor,
    }: Staff,
    headers: HeaderMap,
    Form(form): Form<RegistrationForm>,
) -> Result<Response, WebError> {
    let db = &office.sessions.db;
    let today = today_in_rome();
    let refuse = |errors: FieldErrors| {
        let draft = RegistrationDraft {
            form: form.clone(),
            errors,
        };
        office.render_page(paths::REGISTRATION, &headers, Some(user.clone()), draft)
    };
    let valid = match registration::check(&input(&form), today) {
        Ok(valid) => valid,
        Err(problems) => return Ok(refuse(problems.iter().map(form_error).collect()).await),
    };
    // The form offers only our languages; anything else gets the default.
    let language = I18n::supported_or_default(&form.applicant_language);
    match register(db, &actor, body_id, &valid, &language).await {
        Ok(case) => {
            let code = *case.code;
            tracing::info!(code = %code.redacted(), username = %user.username, "pratica registered");
            Ok(see_other(&paths::receipt(code), None))
        }
        Err(RegisterError::Invalid(problem)) => Ok(refuse(vec![form_error(&problem)]).await),
        Err(RegisterError::Database(error)) => Err(error.into()),
    }
}
