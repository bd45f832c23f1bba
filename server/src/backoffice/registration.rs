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
use pratiche_domain::intake::registration;

use crate::office::{BackOffice, FieldErrors, Staff, WebError};
use crate::responses::see_other;

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
    let valid = match registration::check(&form.input(), today) {
        Ok(valid) => valid,
        Err(problems) => {
            return Ok(refuse(problems.iter().map(RegistrationForm::error_of).collect()).await);
        }
    };
    // The form offers only our languages; anything else gets the default.
    let language = I18n::supported_or_default(&form.applicant_language);
    match register(db, &actor, body_id, &valid, &language).await {
        Ok(case) => {
            let code = *case.code;
            tracing::info!(code = %code.redacted(), username = %user.username, "pratica registered");
            Ok(see_other(&paths::receipt(code), None))
        }
        Err(RegisterError::Invalid(problem)) => {
            Ok(refuse(vec![RegistrationForm::error_of(&problem)]).await)
        }
        Err(RegisterError::Database(error)) => Err(error.into()),
    }
}
