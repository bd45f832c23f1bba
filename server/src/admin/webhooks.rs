//! A body admin's webhook endpoints: add one (checked: https, known event
//! types, a host that answers and is not on a private network; its secret
//! sealed and shown once), rotate its secret, disable or enable it, send a
//! test event, resend deliveries: form adapters over
//! [`crate::webhooks::endpoints`], which the API shares.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use pratiche_app::NewWebhookSecret;
use pratiche_app::forms::admin_fields;
use pratiche_app::paths;
use pratiche_db::webhooks;
use pratiche_domain::webhook::{
    EndpointField, EndpointProblem, NewEndpoint, OutboundPolicy, resend_range,
};

use super::{BodyAdmin, Fields, RawForm, done, draft};
use crate::office::{BackOffice, FieldErrors, WebError};
use crate::secrets::SecretsKey;
use crate::webhooks::{Unreachable, check_endpoint, endpoints, new_secret};
use pratiche_app::AdminNotice;

/// Checks the new-endpoint form (not yet the host: see
/// [`check_endpoint`]).
pub fn parse_endpoint(raw: &RawForm, policy: OutboundPolicy) -> Result<NewEndpoint, FieldErrors> {
    let fields = Fields::new(raw);
    NewEndpoint::check(
        fields.raw(admin_fields::URL),
        fields.raw(admin_fields::DESCRIPTION),
        fields.all(admin_fields::EVENT_TYPES),
        policy,
    )
    .map_err(|problems| {
        problems
            .into_iter()
            .map(|(field, problem)| match (field, problem) {
                (EndpointField::Url, _) => (admin_fields::URL, "webhook-error-url"),
                (EndpointField::Description, _) => {
                    (admin_fields::DESCRIPTION, "reg-error-too-long")
                }
                (EndpointField::EventTypes, EndpointProblem::NoEventType) => {
                    (admin_fields::EVENT_TYPES, "webhook-error-events")
                }
                (EndpointField::EventTypes, _) => {
                    (admin_fields::EVENT_TYPES, "webhook-error-event-unknown")
                }
            })
            .collect()
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
    let txn = pratiche_db::begin_write(&office.sessions.db).await?;
    let endpoint = endpoints::add(
        &*txn,
        secrets,
        &admin.actor,
        admin.body_id,
        &form,
        &secret,
        Utc::now(),
    )
    .await?;
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
    match fields.raw(admin_fields::ACTION) {
        "rotate" => {
            let secret = new_secret();
            let txn = pratiche_db::begin_write(db).await?;
            endpoints::rotate(&*txn, secrets, &admin.actor, &endpoint, &secret, now).await?;
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
            endpoints::turn(&*txn, &admin.actor, &endpoint, !disable, now).await?;
            txn.commit().await?;
            Ok(done(
                paths::API_CLIENTS,
                if disable {
                    AdminNotice::WebhookDisabled
                } else {
                    AdminNotice::WebhookEnabled
                },
            ))
        }
        "test" => {
            let txn = pratiche_db::begin_write(db).await?;
            webhooks::queue_test(&*txn, endpoint.id, now).await?;
            txn.commit().await?;
            Ok(done(&page, AdminNotice::WebhookTest))
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
            Ok(done(&page, AdminNotice::WebhookRedelivery))
        }
        "resend_failed" => {
            let day = |name| fields.raw(name).parse::<NaiveDate>().ok();
            let range = day(admin_fields::FROM)
                .zip(day(admin_fields::TO))
                .and_then(|(from, to)| resend_range(from, to));
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
            let txn = pratiche_db::begin_write(db).await?;
            webhooks::resend_failed(&*txn, endpoint.id, (from, to), now).await?;
            txn.commit().await?;
            Ok(done(&page, AdminNotice::WebhookRedelivery))
        }
        _ => Err(WebError::not_found()),
    }
}
