//! Registering a pratica from the back office's form: an adapter over the
//! rules of [`pratiche_domain::intake::registration`] and the service
//! [`pratiche_db::cases::service::register`].

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pratiche_app::RegistrationDraft;
use pratiche_db::cases::service::{RegisterError, register};
use pratiche_db::clock::today_in_rome;
use pratiche_domain::CaseCode;
use pratiche_domain::intake::registration::{self, Field, RegistrationInput, RegistrationProblem};
use pratiche_domain::intake::{Kind, Number};
use serde::Deserialize;

use crate::office::{BackOffice, FieldErrors, Staff, WebError};
use crate::responses::see_other;

const REGISTRATION_PATH: &str = "/area-riservata/registra";

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    tipo: String,
    #[serde(default)]
    oggetto: String,
    #[serde(default)]
    protocollo: String,
    #[serde(default)]
    presentata_il: String,
    #[serde(default)]
    ufficio: String,
    #[serde(default)]
    responsabile: String,
    #[serde(default)]
    contatto: String,
}

impl RegistrationForm {
    /// What was typed, as the rules of a registration read it.
    fn input(&self) -> RegistrationInput<'_> {
        RegistrationInput {
            procedure_type: Number::Typed(&self.tipo),
            subject: &self.oggetto,
            own_reference: &self.protocollo,
            own_reference_required: false,
            submitted_on: &self.presentata_il,
            office: &self.ufficio,
            responsible: &self.responsabile,
            contact: &self.contatto,
        }
    }
}

/// Where the form shows a problem: its field and the message key.
fn form_error(problem: &RegistrationProblem) -> (&'static str, &'static str) {
    let field = match problem.field {
        Field::ProcedureType => "tipo",
        Field::Subject => "oggetto",
        Field::OwnReference => "protocollo",
        Field::SubmittedOn => "presentata_il",
        Field::Office => "ufficio",
        Field::Responsible => "responsabile",
        Field::Contact => "contatto",
    };
    let key = match (&problem.kind, problem.field) {
        (_, Field::ProcedureType) => "reg-error-type",
        (_, Field::SubmittedOn) => "reg-error-date",
        (Kind::ReferenceTaken, _) => "reg-error-reference-taken",
        (Kind::TooLong { .. }, _) => "reg-error-too-long",
        (Kind::ControlCharacters, _) => "form-error-control-characters",
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
            procedure_type_id: form.tipo.clone(),
            subject: form.oggetto.clone(),
            reference: form.protocollo.clone(),
            submitted_on: form.presentata_il.clone(),
            office: form.ufficio.clone(),
            responsible: form.responsabile.clone(),
            contact: form.contatto.clone(),
            errors,
        };
        office.render_page(REGISTRATION_PATH, &headers, Some(user.clone()), draft)
    };
    let valid = match registration::check(&form.input(), today) {
        Ok(valid) => valid,
        Err(problems) => return Ok(refuse(problems.iter().map(form_error).collect()).await),
    };
    match register(db, &actor, body_id, &valid).await {
        Ok(case) => {
            let code = CaseCode::parse(&case.code).expect("stored codes are valid");
            tracing::info!(code = %code.redacted(), username = %user.username, "pratica registered");
            Ok(see_other(
                &format!("/area-riservata/pratiche/{code}/ricevuta"),
                None,
            ))
        }
        Err(RegisterError::Invalid(problem)) => Ok(refuse(vec![form_error(&problem)]).await),
        Err(RegisterError::Database(error)) => Err(error.into()),
    }
}
