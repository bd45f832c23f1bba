//! A body admin's App IO service key: entered once (sealed at once with the
//! installation's secrets key, never shown again, audited without its
//! value), tried against App IO on request, or removed.

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::audit::{self, Change, Entry};
use pratiche_db::bodies::{body_by_id, sealed_io_key, set_io_key, set_io_key_checked};

use super::{BodyAdmin, Fields, RawForm, done, draft};
use crate::notify::IoSending;
use crate::office::{BackOffice, FieldErrors, WebError};
use crate::secrets::io_key_purpose;
use pratiche_app::AdminNotice;

/// The form's `io_action` that removes the key.
const REMOVE: &str = "remove";

/// Checks a typed key: App IO's keys (Azure API Management subscription
/// keys) are 32 hexadecimal characters; anything of 16 to 128 letters and
/// digits is taken, in case IO changes their form.
pub fn parse_io_key(raw: &RawForm) -> Result<String, FieldErrors> {
    let mut fields = Fields::new(raw);
    let key = fields.raw(admin_fields::IO_KEY).trim().to_owned();
    let plausible =
        (16..=128).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric());
    if !plausible {
        fields.error(admin_fields::IO_KEY, "admin-error-io-key");
    }
    fields.finish(|| Some(key))
}

/// The installation's App IO, or 404 when it cannot hold keys (the page
/// offers no form then).
fn app_io(office: &BackOffice) -> Result<&IoSending, WebError> {
    office.io.as_ref().ok_or_else(WebError::not_found)
}

pub async fn save_io_key(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let io = app_io(&office)?;
    let remove = Fields::new(&raw).raw(admin_fields::IO_ACTION) == REMOVE;
    let sealed = if remove {
        None
    } else {
        match parse_io_key(&raw) {
            Ok(key) => Some(io.secrets.seal(&key, &io_key_purpose(admin.body_id))),
            Err(errors) => {
                return Ok(office
                    .render_page(
                        paths::BODY,
                        &headers,
                        Some(admin.user.clone()),
                        draft("io", &raw, errors),
                    )
                    .await);
            }
        }
    };
    let now = Utc::now();
    let txn = pratiche_db::begin_write(&office.sessions.db).await?;
    let body = body_by_id(&*txn, admin.body_id)
        .await?
        .ok_or_else(WebError::not_found)?;
    let had_key = body.io_api_key.is_some();
    set_io_key(&*txn, admin.body_id, sealed.clone(), now).await?;
    // The key's value never enters the audit log: only that it changed.
    let entry = Entry {
        body_id: Some(admin.body_id),
        entity: "body",
        entity_id: body.slug,
        action: if remove {
            "io_key_remove"
        } else {
            "io_key_set"
        },
        changes: vec![Change::new("io_key", had_key, sealed.is_some())],
    };
    audit::record(&*txn, &admin.actor, entry, now).await?;
    txn.commit().await?;
    Ok(done(
        paths::BODY,
        if remove {
            AdminNotice::IoKeyRemoved
        } else {
            AdminNotice::IoKeySaved
        },
    ))
}

/// Tries the stored key against App IO and writes down the answer.
pub async fn check_io_key(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
) -> Result<Response, WebError> {
    let io = app_io(&office)?;
    let db = &office.sessions.db;
    let Some(sealed) = sealed_io_key(db, admin.body_id).await? else {
        return Ok(done(paths::BODY, AdminNotice::IoKeyMissing));
    };
    let Ok(key) = io.secrets.open(&sealed, &io_key_purpose(admin.body_id)) else {
        return Ok(done(paths::BODY, AdminNotice::IoKeyUnreadable));
    };
    let accepted = match io.client.check_key(&key).await {
        Ok(accepted) => accepted,
        Err(error) => {
            tracing::warn!(body = admin.body_id, %error, "App IO did not answer a key check");
            return Ok(done(paths::BODY, AdminNotice::IoUnreachable));
        }
    };
    let txn = pratiche_db::begin_write(db).await?;
    set_io_key_checked(&*txn, admin.body_id, accepted, Utc::now()).await?;
    txn.commit().await?;
    Ok(done(
        paths::BODY,
        if accepted {
            AdminNotice::IoKeyAccepted
        } else {
            AdminNotice::IoKeyRefused
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::tests::raw_form;

    #[test]
    fn takes_a_key_of_io_s_form_and_refuses_others() {
        let key = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            parse_io_key(&raw_form(&[("io_key", &format!(" {key} "))])).unwrap(),
            key
        );
        for wrong in [
            "",
            "short",
            "0123456789abcdef 0123456789abcdef",
            "chiave-con-trattini-1234",
        ] {
            assert_eq!(
                parse_io_key(&raw_form(&[("io_key", wrong)])).unwrap_err(),
                [("io_key", "admin-error-io-key")]
            );
        }
    }
}
