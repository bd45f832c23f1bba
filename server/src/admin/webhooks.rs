//! A body admin's webhook endpoints: add one (checked: https, known event
//! types, a host that answers and is not on a private network; its secret
//! sealed and shown once), rotate its secret, disable or enable it, send a
//! test event, resend deliveries. Changes to an endpoint are audited;
//! sending (tests, resends) is in the deliveries' own log.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use pratiche_app::NewWebhookSecret;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::audit::{self, Change, Entry};
use pratiche_db::webhooks::{self, NewEndpoint};
use pratiche_domain::clock::rome_day_start;
use pratiche_domain::webhook::{
    EndpointProblem, EndpointUrl, EventType, OutboundPolicy, parse_event_types,
};

use super::{BodyAdmin, Fields, RawForm, done, draft};
use crate::office::{BackOffice, FieldErrors, WebError};
use crate::secrets::SecretsKey;
use crate::webhooks::{Unreachable, check_endpoint, new_secret, secret_purpose};

/// An endpoint as the form gives it, checked.
pub struct EndpointForm {
    pub url: EndpointUrl,
    pub description: String,
    pub event_types: Vec<EventType>,
}

/// Checks the new-endpoint form (not yet the host: see
/// [`check_endpoint`]).
pub fn parse_endpoint(raw: &RawForm, policy: OutboundPolicy) -> Result<EndpointForm, FieldErrors> {
    let mut fields = Fields::new(raw);
    let url = EndpointUrl::parse(fields.raw(admin_fields::URL), policy)
        .inspect_err(|_| fields.error(admin_fields::URL, "webhook-error-url"))
        .ok();
    let description = fields
        .optional(admin_fields::DESCRIPTION, 200)
        .unwrap_or_default();
    let event_types = parse_event_types(fields.all(admin_fields::EVENT_TYPES))
        .inspect_err(|problem| {
            let key = match problem {
                EndpointProblem::NoEventType => "webhook-error-events",
                _ => "webhook-error-event-unknown",
            };
            fields.error(admin_fields::EVENT_TYPES, key);
        })
        .ok();
    fields.finish(|| {
        Some(EndpointForm {
            url: url?,
            description,
            event_types: event_types?,
        })
    })
}

/// The installation's key for secrets, or 404 when it has none (the page
/// offers no form then).
fn sealing(office: &BackOffice) -> Result<&SecretsKey, WebError> {
    office.secrets.as_ref().ok_or_else(WebError::not_found)
}

pub async fn create_webhook(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let secrets = sealing(&office)?;
    let show_errors = |errors| {
        office.render_page(
            paths::API_CLIENTS,
            &headers,
            Some(admin.user.clone()),
            draft("webhook", &raw, errors),
        )
    };
    let form = match parse_endpoint(&raw, office.outbound) {
        Ok(form) => form,
        Err(errors) => return Ok(show_errors(errors).await),
    };
    if let Err(unreachable) = check_endpoint(&form.url, office.outbound).await {
        let key = match unreachable {
            Unreachable::NoAnswer => "webhook-error-unreachable",
            Unreachable::Private => "webhook-error-private",
        };
        return Ok(show_errors(vec![(admin_fields::URL, key)]).await);
    }
    let secret = new_secret();
    let now = Utc::now();
    let txn = pratiche_db::begin_write(&office.sessions.db).await?;
    let endpoint = webhooks::create_endpoint(
        &*txn,
        NewEndpoint {
            body_id: admin.body_id,
            url: form.url.as_str().to_owned(),
            description: form.description.clone(),
            event_types: form.event_types.clone(),
            sealed_secret: secrets.seal(&secret, &secret_purpose(admin.body_id)),
        },
        now,
    )
    .await?;
    let entry = Entry {
        body_id: Some(admin.body_id),
        entity: "webhook",
        entity_id: endpoint.id.to_string(),
        action: "create",
        changes: vec![
            Change::set("url", endpoint.url.clone()),
            Change::set("description", endpoint.description.clone()),
            Change::set("event_types", endpoint.event_types.clone()),
        ],
    };
    audit::record(&*txn, &admin.actor, entry, now).await?;
    txn.commit().await?;
    let shown = NewWebhookSecret {
        url: endpoint.url,
        secret,
    };
    Ok(office
        .render_page(
            paths::API_CLIENTS,
            &headers,
            Some(admin.user.clone()),
            shown,
        )
        .await)
}

/// What one of an endpoint's buttons asks.
pub async fn webhook_action(
    State(office): State<BackOffice>,
    admin: BodyAdmin,
    headers: HeaderMap,
    Path(id): Path<i32>,
    Form(raw): Form<RawForm>,
) -> Result<Response, WebError> {
    let secrets = sealing(&office)?;
    let db = &office.sessions.db;
    let endpoint = webhooks::own_endpoint(db, admin.body_id, id)
        .await?
        .ok_or_else(WebError::not_found)?;
    let fields = Fields::new(&raw);
    let page = paths::fill(paths::WEBHOOK, &[&endpoint.id]);
    let now = Utc::now();
    let audited = |action: &'static str, changes: Vec<Change>| Entry {
        body_id: Some(admin.body_id),
        entity: "webhook",
        entity_id: endpoint.id.to_string(),
        action,
        changes,
    };
    match fields.raw(admin_fields::ACTION) {
        "rotate" => {
            let secret = new_secret();
            let txn = pratiche_db::begin_write(db).await?;
            let sealed = secrets.seal(&secret, &secret_purpose(admin.body_id));
            webhooks::rotate_secret(&*txn, &endpoint, sealed, now).await?;
            audit::record(&*txn, &admin.actor, audited("rotate_secret", vec![]), now).await?;
            txn.commit().await?;
            let shown = NewWebhookSecret {
                url: endpoint.url,
                secret,
            };
            Ok(office
                .render_page(
                    paths::API_CLIENTS,
                    &headers,
                    Some(admin.user.clone()),
                    shown,
                )
                .await)
        }
        toggle @ ("disable" | "enable") => {
            let disable = toggle == "disable";
            let txn = pratiche_db::begin_write(db).await?;
            let reason = disable.then_some("disabled by an admin");
            webhooks::set_disabled(&*txn, endpoint.id, reason, now).await?;
            let change = Change::new("disabled", endpoint.disabled_at.is_some(), disable);
            let action = if disable { "disable" } else { "enable" };
            audit::record(&*txn, &admin.actor, audited(action, vec![change]), now).await?;
            txn.commit().await?;
            Ok(done(
                paths::API_CLIENTS,
                if disable {
                    "webhook-disattivato"
                } else {
                    "webhook-riattivato"
                },
            ))
        }
        "test" => {
            webhooks::queue_test(db, endpoint.id, now).await?;
            Ok(done(&page, "webhook-prova"))
        }
        "resend" => {
            let delivery = fields
                .raw(admin_fields::DELIVERY)
                .parse::<i64>()
                .map_err(|_| WebError::not_found())?;
            let txn = pratiche_db::begin_write(db).await?;
            if !webhooks::resend_one(&*txn, endpoint.id, delivery, now).await? {
                return Err(WebError::not_found());
            }
            txn.commit().await?;
            Ok(done(&page, "webhook-reinvio"))
        }
        "resend_failed" => {
            let day = |name| fields.raw(name).parse::<NaiveDate>().ok();
            let range = day(admin_fields::FROM)
                .zip(day(admin_fields::TO))
                .filter(|(from, to)| from <= to)
                .and_then(|(from, to)| Some((from, to.succ_opt()?)));
            let Some((from, to)) = range else {
                return Ok(office
                    .render_page(
                        &page,
                        &headers,
                        Some(admin.user.clone()),
                        draft(
                            "resend",
                            &raw,
                            vec![(admin_fields::FROM, "webhook-error-days")],
                        ),
                    )
                    .await);
            };
            let (from, to) = (rome_day_start(from), rome_day_start(to));
            let txn = pratiche_db::begin_write(db).await?;
            webhooks::resend_failed(&*txn, endpoint.id, (from, to), now).await?;
            txn.commit().await?;
            Ok(done(&page, "webhook-reinvio"))
        }
        _ => Err(WebError::not_found()),
    }
}
