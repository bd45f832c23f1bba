//! A body admin's API clients: create one (its secret is shown once, only
//! its hash is stored), disable or enable it (at once: every API request
//! reads the client).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use pratiche_app::NewApiClient;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::api_clients::{self, NewClient};
use pratiche_db::audit::{self, Change, Entry};

use super::{BodyAdmin, Fields, RawForm, done, draft};
use crate::api::auth::{Credentials, hash_secret};
use crate::office::{BackOffice, WebError};
use pratiche_app::AdminNotice;

pub async fn create_client(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let mut fields = Fields::new(&raw);
    let name = fields.required(admin_fields::NAME, 120);
    if !fields.errors.is_empty() {
        let shown = draft("create", &raw, fields.errors);
        return Ok(office
            .render_page(
                paths::API_CLIENTS,
                &headers,
                Some(admin.user.clone()),
                shown,
            )
            .await);
    }
    let credentials = Credentials::generate();
    let result = async {
        let now = Utc::now();
        let txn = pratiche_db::begin_write(&office.sessions.db).await?;
        let new = NewClient {
            body_id: admin.body_id,
            client_id: credentials.client_id.clone(),
            name: name.clone(),
            secret_hash: hash_secret(&credentials.secret),
        };
        api_clients::create(&txn, new, now).await?;
        let entry = Entry {
            body_id: Some(admin.body_id),
            entity: "api_client",
            entity_id: credentials.client_id.clone(),
            action: "create",
            changes: vec![Change::set("name", name.clone())],
        };
        audit::record(&txn, &admin.actor, entry, now).await?;
        txn.commit().await
    };
    result.await?;
    let created = NewApiClient {
        client_id: credentials.client_id,
        secret: credentials.secret,
    };
    Ok(office
        .render_page(
            paths::API_CLIENTS,
            &headers,
            Some(admin.user.clone()),
            created,
        )
        .await)
}

pub async fn set_client_disabled(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    Path(id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let disabled = Fields::new(&raw).raw(admin_fields::DISABLED) == "1";
    let now = Utc::now();
    let txn = pratiche_db::begin_write(&office.sessions.db).await?;
    let client = api_clients::own_client(&txn, admin.body_id, id)
        .await?
        .ok_or_else(WebError::not_found)?;
    api_clients::set_disabled(&txn, client.id, disabled).await?;
    let entry = Entry {
        body_id: Some(admin.body_id),
        entity: "api_client",
        entity_id: client.client_id,
        action: if disabled { "disable" } else { "enable" },
        changes: vec![Change::new("disabled", client.disabled, disabled)],
    };
    audit::record(&txn, &admin.actor, entry, now).await?;
    txn.commit().await?;
    office.api_client_rows.forget(client.id);
    Ok(done(
        paths::API_CLIENTS,
        if disabled {
            AdminNotice::ClientDisabled
        } else {
            AdminNotice::ClientEnabled
        },
    ))
}
