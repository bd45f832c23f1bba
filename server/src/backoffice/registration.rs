//! Registering a pratica: the form is checked here; the write goes through
//! [`pratiche_db::cases::register`] with its audit entry.

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use pratiche_app::RegistrationDraft;
use pratiche_db::audit::{self, Actor, Change, Entry};
use pratiche_db::backoffice::{reference_taken, starting_state};
use pratiche_db::cases::{self, NewCase, NewEvent, WriteError};
use pratiche_db::clock::today_in_rome;
use pratiche_db::entity::case;
use pratiche_db::{DatabaseConnection, DbErr};
use pratiche_domain::CaseCode;
use serde::Deserialize;

use super::{FieldErrors, Staff, is_unique_violation};
use crate::auth::handlers::{BackOffice, unavailable};
use crate::responses::see_other;

const REGISTRATION_PATH: &str = "/area-riservata/registra";
/// New codes tried when one is, against all odds, taken.
const CODE_ATTEMPTS: usize = 5;

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

/// A registration that passed the form's checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRegistration {
    pub procedure_type_id: i32,
    pub subject: String,
    pub reference: Option<String>,
    pub submitted_on: NaiveDate,
    pub office: String,
    pub responsible: String,
    pub contact: String,
}

/// Checks the form: required fields, lengths, a date not in the future.
pub fn validate(
    form: &RegistrationForm,
    today: NaiveDate,
) -> Result<ValidRegistration, FieldErrors> {
    let mut errors = Vec::new();
    let mut text = |field: &'static str, value: &str, max: usize, required: bool| {
        let value = value.trim();
        if required && value.is_empty() {
            errors.push((field, "reg-error-required"));
        } else if value.chars().count() > max {
            errors.push((field, "reg-error-too-long"));
        }
        value.to_owned()
    };
    let subject = text("oggetto", &form.oggetto, 500, true);
    let reference = text("protocollo", &form.protocollo, 120, false);
    let office = text("ufficio", &form.ufficio, 200, true);
    let responsible = text("responsabile", &form.responsabile, 200, true);
    let contact = text("contatto", &form.contatto, 200, true);
    let procedure_type_id = form.tipo.trim().parse::<i32>().ok();
    if procedure_type_id.is_none() {
        errors.push(("tipo", "reg-error-type"));
    }
    let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a valid date");
    let submitted_on = NaiveDate::parse_from_str(form.presentata_il.trim(), "%Y-%m-%d")
        .ok()
        .filter(|date| (earliest..=today).contains(date));
    if submitted_on.is_none() {
        errors.push(("presentata_il", "reg-error-date"));
    }
    match (procedure_type_id, submitted_on) {
        (Some(procedure_type_id), Some(submitted_on)) if errors.is_empty() => {
            Ok(ValidRegistration {
                procedure_type_id,
                subject,
                reference: Some(reference).filter(|reference| !reference.is_empty()),
                submitted_on,
                office,
                responsible,
                contact,
            })
        }
        _ => Err(errors),
    }
}

pub async fn register(
    State(office): State<BackOffice>,
    Staff {
        user,
        body_id,
        actor,
    }: Staff,
    headers: HeaderMap,
    Form(form): Form<RegistrationForm>,
) -> Response {
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
    let valid = match validate(&form, today) {
        Ok(valid) => valid,
        Err(errors) => return refuse(errors).await,
    };
    let state_id = match starting_state(db, body_id, valid.procedure_type_id).await {
        Ok(Some(state_id)) => state_id,
        Ok(None) => return refuse(vec![("tipo", "reg-error-type")]).await,
        Err(error) => return unavailable(error),
    };
    if let Some(reference) = &valid.reference {
        match reference_taken(db, body_id, reference).await {
            Ok(true) => return refuse(vec![("protocollo", "reg-error-reference-taken")]).await,
            Ok(false) => {}
            Err(error) => return unavailable(error),
        }
    }
    match register_with_new_code(&office.sessions.db, &actor, body_id, state_id, &valid).await {
        Ok(case) => {
            let code = CaseCode::parse(&case.code).expect("stored codes are valid");
            tracing::info!(code = %code.redacted(), username = %user.username, "pratica registered");
            see_other(&format!("/area-riservata/pratiche/{code}/ricevuta"), None)
        }
        Err(WriteError::Database(error)) => unavailable(error),
        Err(other) => {
            tracing::error!(%other, "registration refused by the write path");
            refuse(vec![("tipo", "reg-error-type")]).await
        }
    }
}

/// Registers a pratica under a fresh code (another one if the code is, against
/// all odds, taken), with its audit entry, in one transaction. The first
/// event's source follows the actor's (back office or API).
pub async fn register_with_new_code(
    db: &DatabaseConnection,
    actor: &Actor,
    body_id: i32,
    state_id: i32,
    valid: &ValidRegistration,
) -> Result<case::Model, WriteError> {
    for _ in 0..CODE_ATTEMPTS {
        match register_once(db, actor, body_id, state_id, valid, CaseCode::generate()).await {
            Err(WriteError::Database(error)) if is_code_collision(&error) => continue,
            other => return other,
        }
    }
    Err(WriteError::Database(DbErr::Custom(
        "no free code after several attempts".into(),
    )))
}

/// A unique violation on the code (not on the own reference, which the
/// caller checked and which a concurrent writer may have just taken).
fn is_code_collision(error: &DbErr) -> bool {
    is_unique_violation(error) && !error.to_string().contains("own_reference")
}

/// When the submission event happened: midday UTC, which falls on the
/// submission's calendar day in Rome, but never later than `now`, so that a
/// pratica submitted today can take its next event in the morning.
fn submission_instant(submitted_on: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let midday = submitted_on
        .and_hms_opt(12, 0, 0)
        .expect("a time of day")
        .and_utc();
    midday.min(now)
}

async fn register_once(
    db: &DatabaseConnection,
    actor: &Actor,
    body_id: i32,
    state_id: i32,
    valid: &ValidRegistration,
    code: CaseCode,
) -> Result<case::Model, WriteError> {
    let now = Utc::now();
    let new_case = NewCase {
        code,
        body_id,
        procedure_type_id: valid.procedure_type_id,
        subject: valid.subject.clone(),
        own_reference: valid.reference.clone(),
        submitted_on: valid.submitted_on,
        office_name: valid.office.clone(),
        responsible_name: valid.responsible.clone(),
        responsible_contact: valid.contact.clone(),
    };
    let first = NewEvent {
        state_id,
        public_note: None,
        internal_note: None,
        occurred_at: submission_instant(valid.submitted_on, now),
        recorded_by: actor.user_id,
        source: actor.source.into(),
        extension: None,
        observations_on: None,
        reply_by: None,
        correction_reason: None,
    };
    let txn = pratiche_db::begin_write(db).await?;
    let case = cases::register(&txn, new_case, first, now).await?;
    let entry = Entry {
        body_id: Some(body_id),
        entity: "case",
        entity_id: code.to_string(),
        action: "register",
        changes: vec![
            Change::set("procedure_type_id", case.procedure_type_id),
            Change::set("subject", case.subject.clone()),
            Change::set("own_reference", case.own_reference.clone()),
            Change::set("submitted_on", case.submitted_on.to_string()),
            Change::set("office_name", case.office_name.clone()),
            Change::set("responsible_name", case.responsible_name.clone()),
            Change::set("responsible_contact", case.responsible_contact.clone()),
            Change::set("due_date", case.due_date.map(|date| date.to_string())),
        ],
    };
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(case)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RegistrationForm {
        RegistrationForm {
            tipo: "3".into(),
            oggetto: " Ampliamento di un capannone ".into(),
            protocollo: "".into(),
            presentata_il: "2026-11-20".into(),
            ufficio: "SUE".into(),
            responsabile: "Arch. Rossi".into(),
            contatto: "sue@example.it".into(),
        }
    }

    #[test]
    fn accepts_a_complete_form() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let valid = validate(&form(), today).unwrap();
        assert_eq!(valid.subject, "Ampliamento di un capannone");
        assert_eq!(valid.reference, None);
        assert_eq!(valid.procedure_type_id, 3);
    }

    #[test]
    fn names_every_wrong_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let wrong = RegistrationForm {
            tipo: "x".into(),
            oggetto: "  ".into(),
            presentata_il: "2026-11-28".into(),
            protocollo: "p".repeat(121),
            ..form()
        };
        let errors = validate(&wrong, today).unwrap_err();
        for field in ["tipo", "oggetto", "presentata_il", "protocollo"] {
            assert!(
                errors.iter().any(|(name, _)| *name == field),
                "{field}: {errors:?}"
            );
        }
        assert!(
            validate(
                &RegistrationForm {
                    presentata_il: "27/11/2026".into(),
                    ..form()
                },
                today
            )
            .is_err()
        );
    }

    #[test]
    fn a_submission_of_today_never_happens_after_now() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let morning = today.and_hms_opt(0, 11, 0).unwrap().and_utc();
        let evening = today.and_hms_opt(22, 0, 0).unwrap().and_utc();
        let midday = today.and_hms_opt(12, 0, 0).unwrap().and_utc();
        assert_eq!(submission_instant(today, morning), morning);
        assert_eq!(submission_instant(today, evening), midday);
        let earlier = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            submission_instant(earlier, morning),
            earlier.and_hms_opt(12, 0, 0).unwrap().and_utc()
        );
    }
}
