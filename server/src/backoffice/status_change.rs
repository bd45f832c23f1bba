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
use pratiche_app::{DraftOutcome, StatusChangeDraft};
use pratiche_db::backoffice::own_case;
use pratiche_db::cases::service::{EventError, record_event};
use pratiche_domain::CaseCode;
use pratiche_domain::intake::event::{self, EventFacts, EventInput, EventProblem, When};
use pratiche_domain::intake::{Kind, Number};
use pratiche_domain::personal_data::PersonalData;
use serde::Deserialize;

use crate::office::{BackOffice, FieldErrors, Staff, WebError};
use crate::responses::see_other;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct StatusChangeForm {
    #[serde(default)]
    versione: String,
    #[serde(default)]
    stato: String,
    #[serde(default)]
    nota_pubblica: String,
    #[serde(default)]
    nota_interna: String,
    #[serde(default)]
    data: String,
    #[serde(default)]
    ora: String,
    #[serde(default)]
    risposta_entro: String,
    #[serde(default)]
    proroga_giorni: String,
    #[serde(default)]
    proroga_base: String,
    #[serde(default)]
    osservazioni_il: String,
    #[serde(default)]
    motivo: String,
    #[serde(default)]
    rettifica: String,
    #[serde(default)]
    conferma_dati: String,
    #[serde(default)]
    azione: String,
}

impl StatusChangeForm {
    fn is_correction(&self) -> bool {
        self.rettifica == "1"
    }

    /// What was typed, as the rules of a status event read it.
    fn input(&self) -> EventInput<'_> {
        EventInput {
            state: Number::Typed(&self.stato),
            public_note: &self.nota_pubblica,
            internal_note: &self.nota_interna,
            when: When::RomeDay {
                date: &self.data,
                time: &self.ora,
            },
            reply_by: &self.risposta_entro,
            extension_days: Number::Typed(&self.proroga_giorni),
            extension_basis: &self.proroga_base,
            observations_on: &self.osservazioni_il,
            correction_reason: self.is_correction().then_some(self.motivo.as_str()),
            personal_data_confirmed: self.conferma_dati == "1",
        }
    }

    /// What was typed, to show again.
    fn draft(&self, errors: FieldErrors) -> StatusChangeDraft {
        StatusChangeDraft {
            correction: self.is_correction(),
            state_id: self.stato.clone(),
            public_note: self.nota_pubblica.clone(),
            internal_note: self.nota_interna.clone(),
            date: self.data.clone(),
            time: self.ora.clone(),
            reply_by: self.risposta_entro.clone(),
            extension_days: self.proroga_giorni.clone(),
            extension_basis: self.proroga_base.clone(),
            observations_on: self.osservazioni_il.clone(),
            reason: self.motivo.clone(),
            errors,
            personal_data: Vec::new(),
            outcome: None,
        }
    }
}

/// Where the form shows a problem: its field and the message key.
fn form_error(problem: &EventProblem) -> (&'static str, &'static str) {
    use event::Field;
    let field = match problem.field {
        Field::State => "stato",
        Field::PublicNote => "nota_pubblica",
        Field::InternalNote => "nota_interna",
        Field::OccurredAt => "data",
        Field::OccurredTime => "ora",
        Field::ReplyBy => "risposta_entro",
        Field::ExtensionDays => "proroga_giorni",
        Field::ExtensionBasis => "proroga_base",
        Field::ObservationsOn => "osservazioni_il",
        Field::CorrectionReason => "motivo",
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
    let mut draft = form.draft(errors);
    if draft.errors.is_empty() {
        draft.personal_data = personal_data.unwrap_or_default();
    }
    draft
}

const NOT_FOUND: WebError = WebError::NotFound(
    "Nessuna pratica del suo ente ha questo codice. / No application of your body has this code.",
);

fn record_path(code: CaseCode) -> String {
    format!("/area-riservata/pratiche/{code}")
}

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
    let page = record_path(code);
    let show =
        |draft: StatusChangeDraft| office.render_page(&page, &headers, Some(user.clone()), draft);

    let now = Utc::now();
    let facts = EventFacts {
        submitted_on: case.submitted_on,
        now,
    };
    let valid = match event::check(&form.input(), facts) {
        Ok(valid) => valid,
        Err(problems) => return Ok(show(refused_draft(&form, problems)).await),
    };
    let Ok(expected_version) = form.versione.trim().parse::<i32>() else {
        let mut draft = form.draft(Vec::new());
        draft.outcome = Some(DraftOutcome::Conflict);
        return Ok(show(draft).await);
    };
    let preview = form.azione == "anteprima";
    let txn = pratiche_db::begin_write(db).await?;
    let recorded = record_event(&txn, &actor, &case, valid, Some(expected_version), now).await;
    let finished = match (&recorded, preview) {
        (Ok(_), false) => txn.commit().await,
        _ => txn.rollback().await,
    };
    finished?;
    match recorded {
        Ok(recorded) if preview => {
            let mut draft = form.draft(Vec::new());
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
            let mut draft = form.draft(Vec::new());
            draft.outcome = Some(DraftOutcome::Conflict);
            Ok(show(draft).await)
        }
        Err(EventError::Invalid(problem)) => Ok(show(refused_draft(&form, vec![problem])).await),
        Err(EventError::CaseNotFound) => Err(NOT_FOUND),
        Err(EventError::Database(error)) => Err(error.into()),
    }
}
