//! A body admin's webhooks, under "Accesso API": the endpoints (with the
//! form that adds one, and each one's actions) and, per endpoint, its
//! deliveries with resend and a test event. The signing secret is shown
//! once, right after creation or rotation.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pratiche_db::ActiveEnum;
use pratiche_db::accounts::admin_addresses;
use pratiche_db::entity::webhook_endpoint;
use pratiche_db::webhooks::{deliveries_of, endpoints_of, event_types, own_endpoint};
use pratiche_domain::account::Role;
use pratiche_domain::webhook::EventType;

use super::{AdminLayout, admin_error, admin_field, admin_with, draft_of};
use crate::components::answer_privately;
use crate::context::AppContext;
use crate::forms::admin_fields;
use crate::i18n::use_i18n;
use crate::pages::staff::rome_time;
use crate::paths;

/// A signing secret just made, shown on this answer only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWebhookSecret {
    pub url: String,
    pub secret: String,
}

/// Deliveries listed per endpoint.
const DELIVERIES_SHOWN: u64 = 100;

/// The webhooks part of the API page.
#[component]
pub fn WebhooksSection(body_id: i32) -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<AppContext>();
    if !context.app_io {
        return view! {
            <h2>{i18n.t("webhook-title")}</h2>
            <p class="hint">{i18n.t("webhook-unavailable")}</p>
        }
        .into_any();
    }
    let created = use_context::<NewWebhookSecret>().map(|created| {
        view! {
            <div class="callout" role="status">
                <h3>{i18n.t("webhook-secret-title")}</h3>
                <p>{i18n.t_with("webhook-secret-once", &[("url", created.url.into())])}</p>
                <p><code class="secret">{created.secret}</code></p>
            </div>
        }
    });
    let db = context.db;
    let list = Suspend::new(async move {
        let i18n = use_i18n();
        let endpoints = endpoints_of(&db, body_id).await.unwrap_or_default();
        if endpoints.is_empty() {
            return view! { <p>{i18n.t("webhook-none")}</p> }.into_any();
        }
        let told = admin_addresses(&db, body_id)
            .await
            .unwrap_or_default()
            .len();
        let notices = if told == 0 {
            i18n.t("webhook-notices-nobody")
        } else {
            i18n.t_with("webhook-notices", &[("count", told.into())])
        };
        let rows = endpoints
            .into_iter()
            .map(|endpoint| view! { <EndpointRow endpoint/> })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="cases">
                    <thead><tr>
                        <th scope="col">{i18n.t("webhook-url")}</th>
                        <th scope="col">{i18n.t("webhook-events")}</th>
                        <th scope="col">{i18n.t("admin-status")}</th>
                        <th scope="col">{i18n.t("admin-actions")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="hint">{notices}" "<a href=paths::ACCOUNT>{i18n.t("bo-nav-account")}</a></p>
        }
        .into_any()
    });
    let boxes = EventType::ALL
        .into_iter()
        .map(|kind| {
            let checked = draft_of("webhook").is_some_and(|draft| {
                draft
                    .values
                    .iter()
                    .any(|(name, value)| name == admin_fields::EVENT_TYPES && value == kind.as_str())
            });
            view! {
                <label class="checkbox">
                    <input type="checkbox" name=admin_fields::EVENT_TYPES value=kind.as_str() checked=checked/>
                    <code>{kind.as_str()}</code>
                </label>
            }
        })
        .collect_view();
    view! {
        <h2 id="webhook">{i18n.t("webhook-title")}</h2>
        <p>{i18n.t("webhook-intro")}</p>
        {created}
        <Suspense fallback=|| ()>{list}</Suspense>
        <h3>{i18n.t("webhook-create")}</h3>
        <form class="staff-form" method="post" action=paths::WEBHOOKS>
            {admin_field("webhook", admin_fields::URL, "webhook-url", None, "url")}
            {admin_field("webhook", admin_fields::DESCRIPTION, "webhook-description", None, "text")}
            <fieldset>
                <legend>{i18n.t("webhook-events")}</legend>
                {admin_error("webhook", admin_fields::EVENT_TYPES)}
                {boxes}
            </fieldset>
            <button class="button" type="submit">{i18n.t("admin-create")}</button>
        </form>
    }
    .into_any()
}

/// One endpoint in the list, with its actions.
#[component]
fn EndpointRow(endpoint: webhook_endpoint::Model) -> impl IntoView {
    let i18n = use_i18n();
    let action = paths::fill(paths::WEBHOOK_ACTION, &[&endpoint.id]);
    let button = |value: &'static str, label: &str| {
        view! {
            <form class="inline-form" method="post" action=action.clone()>
                <input type="hidden" name=admin_fields::ACTION value=value/>
                <button class="button-link button-secondary" type="submit">{i18n.t(label)}</button>
            </form>
        }
    };
    let status = match (&endpoint.disabled_at, &endpoint.failing_since) {
        (Some(_), _) => {
            let mut status = format!(
                "{}: {}",
                i18n.t("admin-status-disabled"),
                endpoint.disabled_reason.clone().unwrap_or_default()
            );
            if let Some(told) = endpoint.admins_told_at {
                status.push_str(&format!(
                    " · {}",
                    i18n.t_with(
                        "webhook-admins-told",
                        &[("when", rome_time(&i18n, told).into())]
                    )
                ));
            }
            status
        }
        (None, Some(since)) => i18n.t_with(
            "webhook-failing",
            &[("since", rome_time(&i18n, *since).into())],
        ),
        (None, None) => i18n.t("admin-status-active"),
    };
    let (toggle, toggle_label) = if endpoint.disabled_at.is_some() {
        ("enable", "admin-enable")
    } else {
        ("disable", "admin-disable")
    };
    let kinds = event_types(&endpoint)
        .into_iter()
        .map(|kind| view! { <code>{kind.as_str()}</code>" " })
        .collect_view();
    view! {
        <tr>
            <td>
                <a href=paths::fill(paths::WEBHOOK, &[&endpoint.id])>{endpoint.url.clone()}</a>
                <br/><small>{endpoint.description.clone()}</small>
            </td>
            <td>{kinds}</td>
            <td>{status}</td>
            <td>
                {button("test", "webhook-send-test")}
                {button("rotate", "webhook-rotate")}
                {button(toggle, toggle_label)}
            </td>
        </tr>
    }
}

/// One endpoint's deliveries, newest first, with resend.
#[component]
pub fn WebhookDeliveriesPage() -> impl IntoView {
    let user = match admin_with(Role::BodyAdmin) {
        Ok(user) => user,
        Err(page) => return page,
    };
    let i18n = use_i18n();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<i32>().ok());
    let db = expect_context::<AppContext>().db;
    let body_id = user.body_id.unwrap_or_default();
    let content = Suspend::new(async move {
        let i18n = use_i18n();
        let endpoint = match id {
            Some(id) => own_endpoint(&db, body_id, id).await.ok().flatten(),
            None => None,
        };
        let Some(endpoint) = endpoint else {
            answer_privately(http::StatusCode::NOT_FOUND);
            return view! { <p>{i18n.t("admin-not-found")}</p> }.into_any();
        };
        let action = paths::fill(paths::WEBHOOK_ACTION, &[&endpoint.id]);
        let deliveries = deliveries_of(&db, endpoint.id, DELIVERIES_SHOWN)
            .await
            .unwrap_or_default();
        let rows = deliveries
            .into_iter()
            .map(|delivery| {
                let answer = delivery.response_status.map(|status| {
                    format!("{status} · {} ms", delivery.response_ms.unwrap_or_default())
                });
                view! {
                    <tr>
                        <td>{rome_time(&i18n, delivery.created_at)}</td>
                        <td><code>{delivery.event_type.clone()}</code><br/><small><code>{delivery.webhook_id.clone()}</code></small></td>
                        <td>{i18n.t(&format!("webhook-status-{}", delivery.status.to_value()))}</td>
                        <td>{delivery.attempts}</td>
                        <td>{answer}<br/><small><code>{delivery.response_excerpt.clone()}</code></small></td>
                        <td>{delivery.last_error.clone()}</td>
                        <td>
                            <form class="inline-form" method="post" action=action.clone()>
                                <input type="hidden" name=admin_fields::ACTION value="resend"/>
                                <input type="hidden" name=admin_fields::DELIVERY value=delivery.id.to_string()/>
                                <button class="button-link button-secondary" type="submit">{i18n.t("webhook-resend")}</button>
                            </form>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2><code>{endpoint.url.clone()}</code></h2>
            <p>{endpoint.description.clone()}</p>
            <form class="inline-form" method="post" action=action.clone()>
                <input type="hidden" name=admin_fields::ACTION value="test"/>
                <button class="button" type="submit">{i18n.t("webhook-send-test")}</button>
            </form>
            <div class="table-scroll">
                <table class="cases">
                    <thead><tr>
                        <th scope="col">{i18n.t("webhook-created")}</th>
                        <th scope="col">{i18n.t("webhook-type")}</th>
                        <th scope="col">{i18n.t("admin-status")}</th>
                        <th scope="col">{i18n.t("webhook-attempts")}</th>
                        <th scope="col">{i18n.t("webhook-answer")}</th>
                        <th scope="col">{i18n.t("webhook-error")}</th>
                        <th scope="col">{i18n.t("admin-actions")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3>{i18n.t("webhook-resend-failed")}</h3>
            <form class="staff-form" method="post" action=action>
                <input type="hidden" name=admin_fields::ACTION value="resend_failed"/>
                {admin_field("resend", admin_fields::FROM, "webhook-from", None, "date")}
                {admin_field("resend", admin_fields::TO, "webhook-to", None, "date")}
                <button class="button" type="submit">{i18n.t("webhook-resend-failed")}</button>
            </form>
        }
        .into_any()
    });
    view! {
        <AdminLayout title=i18n.t("webhook-deliveries-title") parent=(i18n.t("api-title"), paths::API_CLIENTS.to_owned())>
            <Suspense fallback=|| ()>{content}</Suspense>
        </AdminLayout>
    }
    .into_any()
}
