//! A body admin's staff: create accounts (clerks or admins of the same
//! body), disable and enable them (disabling signs them out at once), and
//! set a new password (which revokes their sessions).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::accounts::{self, NewUser};
use pratiche_db::accounts::{member_of, set_disabled};
use pratiche_db::audit::{self, Actor, Change, Entry};
use pratiche_domain::account::{NewPassword, PasswordError, Role, Username};

use super::{BodyAdmin, Fields, RawForm, done, draft, is_unique_violation};
use crate::auth::handlers::audited_password_change;
use crate::office::FieldErrors;
use crate::office::{BackOffice, WebError};
use pratiche_app::AdminNotice;

/// A new account that passed the form's checks.
#[derive(Debug)]
pub struct ValidAccount {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub password: NewPassword,
}

/// A username by the rule of [`Username`], or its field's error.
fn username(fields: &mut Fields) -> Option<Username> {
    let username = Username::parse(fields.raw(admin_fields::USERNAME)).ok();
    if username.is_none() {
        fields.error(admin_fields::USERNAME, "admin-error-username");
    }
    username
}

fn password(fields: &mut Fields) -> Option<NewPassword> {
    match NewPassword::parse(fields.raw(admin_fields::PASSWORD)) {
        Ok(password) => Some(password),
        Err(PasswordError::TooShort) => {
            fields.error(admin_fields::PASSWORD, "admin-error-password-short");
            None
        }
        Err(PasswordError::TooLong) => {
            fields.error(admin_fields::PASSWORD, "admin-error-password-long");
            None
        }
    }
}

/// Checks the new-account form; `roles` are those the admin may grant.
pub fn parse_account(raw: &RawForm, roles: &[Role]) -> Result<ValidAccount, FieldErrors> {
    let mut fields = Fields::new(raw);
    let username = username(&mut fields);
    let display_name = fields.required(admin_fields::DISPLAY_NAME, 120);
    let role = roles
        .iter()
        .copied()
        .find(|role| role.as_str() == fields.raw(admin_fields::ROLE));
    if role.is_none() {
        fields.error(admin_fields::ROLE, "admin-error-role");
    }
    let password = password(&mut fields);
    fields.finish(|| {
        Some(ValidAccount {
            username: username?,
            display_name,
            role: role?,
            password: password?,
        })
    })
}

/// Creates an account of `body_id` with its audit entry. `Ok(None)` when
/// the username is taken.
pub async fn create_account(
    office: &BackOffice,
    actor: &Actor,
    body_id: Option<i32>,
    account: ValidAccount,
) -> Result<Option<()>, pratiche_db::DbErr> {
    let hash = office.passwords.hash(&account.password).await;
    let now = Utc::now();
    let txn = pratiche_db::begin_write(&office.sessions.db).await?;
    let new = NewUser {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: account.role,
        body_id,
        password_hash: hash,
        demo: false,
    };
    match accounts::create_user(&txn, new, now).await {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => return Ok(None),
        Err(error) => return Err(error),
    }
    let entry = Entry {
        body_id,
        entity: "user",
        entity_id: account.username.into_string(),
        action: "create",
        changes: vec![
            Change::set("display_name", account.display_name),
            Change::set("role", account.role.as_str()),
        ],
    };
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await.map(Some)
}

pub async fn create_member(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let show = |errors| {
        office.render_page(
            paths::STAFF,
            &headers,
            Some(admin.user.clone()),
            draft("create", &raw, errors),
        )
    };
    let account = match parse_account(&raw, &[Role::Clerk, Role::BodyAdmin]) {
        Ok(account) => account,
        Err(errors) => return Ok(show(errors).await),
    };
    Ok(
        match create_account(&office, &admin.actor, Some(admin.body_id), account).await? {
            Some(()) => done(paths::STAFF, AdminNotice::UserCreated),
            None => show(vec![(admin_fields::USERNAME, "admin-error-username-taken")]).await,
        },
    )
}

pub async fn set_member_disabled(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    Path(user_id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let disabled = Fields::new(&raw).raw(admin_fields::DISABLED) == "1";
    if user_id == admin.user.user_id {
        return Ok(done(paths::STAFF, AdminNotice::NotYourself));
    }
    let db = &office.sessions.db;
    let result = async {
        let now = Utc::now();
        let txn = pratiche_db::begin_write(db).await?;
        let Some(member) = member_of(&txn, admin.body_id, user_id).await? else {
            return Ok(None);
        };
        set_disabled(&txn, member.id, disabled, now).await?;
        let entry = Entry {
            body_id: Some(admin.body_id),
            entity: "user",
            entity_id: member.username,
            action: if disabled { "disable" } else { "enable" },
            changes: vec![Change::new("disabled", member.disabled, disabled)],
        };
        audit::record(&txn, &admin.actor, entry, now).await?;
        txn.commit().await.map(Some)
    };
    match result.await {
        Ok(Some(())) => Ok(done(
            paths::STAFF,
            if disabled {
                AdminNotice::UserDisabled
            } else {
                AdminNotice::UserEnabled
            },
        )),
        Ok(None) => Err(WebError::not_found()),
        Err(error) => Err(error.into()),
    }
}

pub async fn reset_member_password(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Path(user_id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let db = &office.sessions.db;
    let member = member_of(db, admin.body_id, user_id)
        .await?
        .ok_or_else(WebError::not_found)?;
    let mut fields = Fields::new(&raw);
    let Some(password) = password(&mut fields) else {
        let mut shown = draft("password", &raw, fields.errors);
        shown
            .values
            .push((admin_fields::USER_ID.into(), user_id.to_string()));
        return Ok(office
            .render_page(paths::STAFF, &headers, Some(admin.user.clone()), shown)
            .await);
    };
    let hash = office.passwords.hash(&password).await;
    audited_password_change(db, &admin.actor, &member, hash).await?;
    Ok(done(paths::STAFF, AdminNotice::PasswordSet))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::tests::raw_form as form;

    #[test]
    fn parses_a_new_account() {
        let valid = parse_account(
            &form(&[
                ("username", " Mario.Rossi "),
                ("display_name", "Mario Rossi"),
                ("role", "clerk"),
                ("password", "una frase lunga e sicura"),
            ]),
            &[Role::Clerk, Role::BodyAdmin],
        )
        .unwrap();
        assert_eq!(valid.username.as_str(), "mario.rossi");
        assert_eq!(valid.role, Role::Clerk);
    }

    #[test]
    fn names_every_wrong_field() {
        let errors = parse_account(
            &form(&[
                ("username", "m r"),
                ("role", "province_admin"),
                ("password", "corta"),
            ]),
            &[Role::Clerk, Role::BodyAdmin],
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                ("username", "admin-error-username"),
                ("display_name", "reg-error-required"),
                ("role", "admin-error-role"),
                ("password", "admin-error-password-short"),
            ]
        );
    }
}
