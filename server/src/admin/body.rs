//! A body admin's details of the body: contacts and office hours, the
//! substitute official (potere sostitutivo) and the patron saint day, which
//! moves due dates (they are recomputed in the same transaction).

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::audit::{self, Change, Entry, changed};
use pratiche_db::bodies::set_patron_day;
use pratiche_db::bodies::{BodyDetails, body_by_id, set_body_details};
use pratiche_domain::clock::PatronDay;

use super::{BodyAdmin, Fields, RawForm, done, draft};
use crate::office::FieldErrors;
use crate::office::{BackOffice, WebError};
use pratiche_app::AdminNotice;

/// Checks the details form. The patron day is `MM-DD`, or empty for none.
pub fn parse_details(raw: &RawForm) -> Result<(BodyDetails, Option<PatronDay>), FieldErrors> {
    let mut fields = Fields::new(raw);
    let details = BodyDetails {
        name: fields.required(admin_fields::NAME, 200),
        contact_office: fields.required(admin_fields::CONTACT_OFFICE, 200),
        contact_phone: fields.optional(admin_fields::CONTACT_PHONE, 60),
        contact_email: fields.optional(admin_fields::CONTACT_EMAIL, 200),
        contact_address: fields.optional(admin_fields::CONTACT_ADDRESS, 300),
        contact_hours: fields.optional(admin_fields::CONTACT_HOURS, 300),
        substitute_name: fields.optional(admin_fields::SUBSTITUTE_NAME, 200),
        substitute_office: fields.optional(admin_fields::SUBSTITUTE_OFFICE, 200),
        substitute_contact: fields.optional(admin_fields::SUBSTITUTE_CONTACT, 300),
    };
    if details
        .contact_email
        .as_deref()
        .is_some_and(|email| !email.contains('@'))
    {
        fields.error(admin_fields::CONTACT_EMAIL, "admin-error-email");
    }
    let patron = match fields.raw(admin_fields::PATRON_DAY) {
        "" => Ok(None),
        typed => typed
            .split_once('-')
            .and_then(|(month, day)| Some((month.parse().ok()?, day.parse().ok()?)))
            .and_then(|(month, day)| PatronDay::new(month, day).ok())
            .map(Some)
            .ok_or(()),
    };
    if patron.is_err() {
        fields.error(admin_fields::PATRON_DAY, "admin-error-patron");
    }
    fields.finish(|| Some((details, patron.ok()?)))
}

fn patron_text(patron: Option<PatronDay>) -> Option<String> {
    patron.map(|day| format!("{:02}-{:02}", day.month(), day.day()))
}

pub async fn update_body(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let (details, patron) = match parse_details(&raw) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return Ok(office
                .render_page(
                    paths::BODY,
                    &headers,
                    Some(admin.user.clone()),
                    draft("details", &raw, errors),
                )
                .await);
        }
    };
    let result = async {
        let now = Utc::now();
        let txn = pratiche_db::begin_write(&office.sessions.db).await?;
        let Some(body) = body_by_id(&txn, admin.body_id).await? else {
            return Ok(None);
        };
        let old = BodyDetails::of(&body);
        let old_patron = body
            .patron_month
            .zip(body.patron_day)
            .map(|(month, day)| format!("{month:02}-{day:02}"));
        let mut changes = vec![
            Change::new("name", old.name, details.name.clone()),
            Change::new(
                "contact_office",
                old.contact_office,
                details.contact_office.clone(),
            ),
            Change::new(
                "contact_phone",
                old.contact_phone,
                details.contact_phone.clone(),
            ),
            Change::new(
                "contact_email",
                old.contact_email,
                details.contact_email.clone(),
            ),
            Change::new(
                "contact_address",
                old.contact_address,
                details.contact_address.clone(),
            ),
            Change::new(
                "contact_hours",
                old.contact_hours,
                details.contact_hours.clone(),
            ),
            Change::new(
                "substitute_name",
                old.substitute_name,
                details.substitute_name.clone(),
            ),
            Change::new(
                "substitute_office",
                old.substitute_office,
                details.substitute_office.clone(),
            ),
            Change::new(
                "substitute_contact",
                old.substitute_contact,
                details.substitute_contact.clone(),
            ),
            Change::new("patron_day", old_patron.clone(), patron_text(patron)),
        ];
        set_body_details(&txn, admin.body_id, details).await?;
        if old_patron != patron_text(patron) {
            let moved = set_patron_day(&txn, admin.body_id, patron).await?;
            changes.push(Change::new("due_dates_recomputed", 0, moved));
        }
        let entry = Entry {
            body_id: Some(admin.body_id),
            entity: "body",
            entity_id: body.slug,
            action: "update",
            changes: changed(changes),
        };
        audit::record(&txn, &admin.actor, entry, now).await?;
        txn.commit().await.map(Some)
    };
    match result.await? {
        Some(()) => Ok(done(paths::BODY, AdminNotice::BodySaved)),
        None => Err(WebError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::tests::raw_form as form;

    #[test]
    fn parses_details_and_the_patron_day() {
        let (details, patron) = parse_details(&form(&[
            ("name", "Comune di Prova"),
            ("contact_office", "URP"),
            ("contact_email", "urp@example.it"),
            ("patron_day", "06-24"),
        ]))
        .unwrap();
        assert_eq!(details.contact_office, "URP");
        assert_eq!(details.contact_phone, None);
        assert_eq!(patron, Some(PatronDay::new(6, 24).unwrap()));
        let errors = parse_details(&form(&[
            ("contact_email", "not an address"),
            ("patron_day", "02-30"),
        ]))
        .unwrap_err();
        assert_eq!(
            errors,
            [
                ("name", "reg-error-required"),
                ("contact_office", "reg-error-required"),
                ("contact_email", "admin-error-email"),
                ("patron_day", "admin-error-patron"),
            ]
        );
    }
}
