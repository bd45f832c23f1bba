//! The province admin's bodies: create a body and its admins. Statistics
//! are read by the pages.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::audit::{self, Change, Entry};
use pratiche_db::bodies::{NewBody, body_by_id, create_body};
use pratiche_domain::account::Role;

use super::staff::{create_account, parse_account};
use super::{Fields, ProvinceAdmin, RawForm, done, draft, is_unique_violation};
use crate::office::FieldErrors;
use crate::office::{BackOffice, WebError};
use pratiche_app::AdminNotice;

const KINDS: [&str; 2] = ["comune", "unione_comuni"];

/// Checks the new-body form. The slug names the body in addresses: 2 to 60
/// of `a-z 0-9 -`.
pub fn parse_body(raw: &RawForm) -> Result<NewBody, FieldErrors> {
    let mut fields = Fields::new(raw);
    let slug = fields.raw(admin_fields::SLUG).to_lowercase();
    let slug_ok = (2..=60).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        fields.error(admin_fields::SLUG, "admin-error-slug");
    }
    let name = fields.required(admin_fields::NAME, 200);
    let kind = fields.raw(admin_fields::KIND).to_owned();
    if !KINDS.contains(&kind.as_str()) {
        fields.error(admin_fields::KIND, "admin-error-kind");
    }
    let contact_office = fields.required(admin_fields::CONTACT_OFFICE, 200);
    fields.finish(|| {
        Some(NewBody {
            slug,
            name,
            kind,
            contact_office,
        })
    })
}

pub async fn create_new_body(
    State(office): State<BackOffice>,
    admin: ProvinceAdmin,
    headers: HeaderMap,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let show = |errors| {
        office.render_page(
            paths::BODIES,
            &headers,
            Some(admin.user.clone()),
            draft("create", &raw, errors),
        )
    };
    let new = match parse_body(&raw) {
        Ok(new) => new,
        Err(errors) => return Ok(show(errors).await),
    };
    let result = async {
        let now = Utc::now();
        let txn = pratiche_db::begin_write(&office.sessions.db).await?;
        let body = match create_body(&txn, new, now).await {
            Ok(body) => body,
            Err(error) if is_unique_violation(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        let entry = Entry {
            body_id: Some(body.id),
            entity: "body",
            entity_id: body.slug.clone(),
            action: "create",
            changes: vec![
                Change::set("name", body.name),
                Change::set("kind", body.kind),
                Change::set("contact_office", body.contact_office),
            ],
        };
        audit::record(&txn, &admin.actor, entry, now).await?;
        txn.commit().await.map(Some)
    };
    Ok(match result.await? {
        Some(()) => done(paths::BODIES, AdminNotice::BodyCreated),
        None => show(vec![(admin_fields::SLUG, "admin-error-slug-taken")]).await,
    })
}

pub async fn create_body_admin(
    State(office): State<BackOffice>,
    admin: ProvinceAdmin,
    headers: HeaderMap,
    Path(body_id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let path = format!("{}/{body_id}", paths::BODIES);
    body_by_id(&office.sessions.db, body_id)
        .await?
        .ok_or_else(WebError::not_found)?;
    let mut with_role = raw.clone();
    with_role.push((admin_fields::ROLE.into(), Role::BodyAdmin.as_str().into()));
    let show = |errors| {
        office.render_page(
            &path,
            &headers,
            Some(admin.user.clone()),
            draft("admin", &raw, errors),
        )
    };
    let account = match parse_account(&with_role, &[Role::BodyAdmin]) {
        Ok(account) => account,
        Err(errors) => return Ok(show(errors).await),
    };
    Ok(
        match create_account(&office, &admin.actor, Some(body_id), account).await? {
            Some(()) => done(&path, AdminNotice::AdminCreated),
            None => show(vec![(admin_fields::USERNAME, "admin-error-username-taken")]).await,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::tests::raw_form;

    #[test]
    fn parses_a_new_body() {
        let body = parse_body(&raw_form(&[
            ("slug", "Monteverde"),
            ("name", "Comune di Monteverde"),
            ("kind", "comune"),
            ("contact_office", "URP"),
        ]))
        .unwrap();
        assert_eq!(body.slug, "monteverde");
        assert_eq!(
            parse_body(&raw_form(&[("slug", "a b"), ("kind", "provincia")])).unwrap_err(),
            [
                ("slug", "admin-error-slug"),
                ("name", "reg-error-required"),
                ("kind", "admin-error-kind"),
                ("contact_office", "reg-error-required"),
            ]
        );
    }
}
