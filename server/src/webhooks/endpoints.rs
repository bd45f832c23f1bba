//! What a body does to its webhook endpoints, the same from the back
//! office's forms and from the API: add one (its secret sealed for the
//! body), rotate its secret, turn it off or on. Each change is audited in
//! the caller's transaction (the API's runs inside its idempotency
//! protocol). Sending (tests, resends) is in the deliveries' own log, not
//! audited.

use chrono::{DateTime, Utc};
use pratiche_db::audit::{self, Actor, Change, Entry};
use pratiche_db::entity::webhook_endpoint;
use pratiche_db::webhooks::{self, Switch};
use pratiche_db::{ConnectionTrait, DbErr};
use pratiche_domain::webhook::NewEndpoint;

use super::secret_purpose;
use crate::secrets::SecretsKey;

fn entry(endpoint: &webhook_endpoint::Model, action: &'static str, changes: Vec<Change>) -> Entry {
    Entry {
        body_id: Some(endpoint.body_id),
        entity: "webhook",
        entity_id: endpoint.id.to_string(),
        action,
        changes,
    }
}

/// Adds `new` to the body's endpoints, signing with `secret` (from
/// [`super::new_secret`], shown to the caller once).
pub async fn add<C: ConnectionTrait>(
    conn: &C,
    secrets: &SecretsKey,
    actor: &Actor,
    body_id: i32,
    new: &NewEndpoint,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<webhook_endpoint::Model, DbErr> {
    let endpoint = webhooks::create_endpoint(
        conn,
        webhooks::NewEndpoint {
            body_id,
            url: new.url.as_str().to_owned(),
            description: new.description.clone(),
            event_types: new.event_types.clone(),
            sealed_secret: secrets.seal(secret, &secret_purpose(body_id)),
        },
        now,
    )
    .await?;
    let changes = vec![
        Change::set("url", endpoint.url.clone()),
        Change::set("description", endpoint.description.clone()),
        Change::set("event_types", endpoint.event_types.clone()),
    ];
    audit::record(conn, actor, entry(&endpoint, "create", changes), now).await?;
    Ok(endpoint)
}

/// Signs with `secret` from now on, and with the old one beside it for a
/// day.
pub async fn rotate<C: ConnectionTrait>(
    conn: &C,
    secrets: &SecretsKey,
    actor: &Actor,
    endpoint: &webhook_endpoint::Model,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let sealed = secrets.seal(secret, &secret_purpose(endpoint.body_id));
    webhooks::rotate_secret(conn, endpoint, sealed, now).await?;
    audit::record(conn, actor, entry(endpoint, "rotate_secret", vec![]), now).await
}

/// Turns the endpoint on or off by hand; whether it changed.
pub async fn turn<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    endpoint: &webhook_endpoint::Model,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let switch = if enabled {
        Switch::Enable
    } else {
        Switch::DisableByAdmin
    };
    let changed = webhooks::set_disabled(conn, endpoint.id, switch, now).await?;
    if changed {
        let change = Change::new("disabled", enabled, !enabled);
        let action = if enabled { "enable" } else { "disable" };
        audit::record(conn, actor, entry(endpoint, action, vec![change]), now).await?;
    }
    Ok(changed)
}
