//! A body admin's API clients: the body's software connects with a client
//! id and a secret shown once, right after creation.

use leptos::prelude::*;
use pratiche_db::api_clients::of_body;
use pratiche_domain::account::Role;

use super::webhooks::WebhooksSection;
use super::{AdminLayout, admin_field, admin_with};
use crate::context::AppContext;
use crate::forms::admin_fields;
use crate::i18n::use_i18n;
use crate::pages::staff::rome_time;
use crate::paths;

/// A client just created, with its secret: shown on this answer only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiClient {
    pub client_id: String,
    pub secret: String,
}

#[component]
pub fn ApiClientsPage() -> impl IntoView {
    let user = match admin_with(Role::BodyAdmin) {
        Ok(user) => user,
        Err(page) => return page,
    };
    let i18n = use_i18n();
    let db = expect_context::<AppContext>().db;
    let body_id = user.body_id.unwrap_or_default();
    let created = use_context::<NewApiClient>().map(|created| {
        view! {
            <div class="callout" role="status">
                <h2>{i18n.t("api-created-title")}</h2>
                <p>{i18n.t("api-created-once")}</p>
                <dl class="details">
                    <dt>{i18n.t("api-client-id")}</dt>
                    <dd><code>{created.client_id}</code></dd>
                    <dt>{i18n.t("api-secret")}</dt>
                    <dd><code class="secret">{created.secret}</code></dd>
                </dl>
            </div>
        }
    });
    let clients = Suspend::new(async move {
        let i18n = use_i18n();
        let clients = of_body(&db, body_id).await.unwrap_or_default();
        if clients.is_empty() {
            return view! { <p>{i18n.t("api-none")}</p> }.into_any();
        }
        let rows = clients
            .into_iter()
            .map(|client| {
                let status = i18n.t(if client.disabled { "admin-status-disabled" } else { "admin-status-active" });
                let (value, label) = if client.disabled { ("0", "admin-enable") } else { ("1", "admin-disable") };
                let last_used = client
                    .last_used_at
                    .map_or_else(|| i18n.t("api-never-used"), |at| rome_time(&i18n, at));
                view! {
                    <tr>
                        <td>{client.name}</td>
                        <td><code>{client.client_id}</code></td>
                        <td>{status}</td>
                        <td>{rome_time(&i18n, client.created_at)}</td>
                        <td>{last_used}</td>
                        <td>
                            <form class="inline-form" method="post" action=paths::fill(paths::API_CLIENT_STATE, &[&client.id])>
                                <input type="hidden" name=admin_fields::DISABLED value=value/>
                                <button class="button-link button-secondary" type="submit">{i18n.t(label)}</button>
                            </form>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="cases">
                    <thead><tr>
                        <th scope="col">{i18n.t("api-name")}</th>
                        <th scope="col">{i18n.t("api-client-id")}</th>
                        <th scope="col">{i18n.t("admin-status")}</th>
                        <th scope="col">{i18n.t("api-created-at")}</th>
                        <th scope="col">{i18n.t("api-last-used")}</th>
                        <th scope="col">{i18n.t("admin-actions")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    });
    view! {
        <AdminLayout title=i18n.t("api-title")>
            {created}
            <p>{i18n.t("api-intro")} " " <a href="/api/v1/docs">{i18n.t("api-docs-link")}</a></p>
            <Suspense fallback=|| ()>{clients}</Suspense>
            <h2>{i18n.t("api-create")}</h2>
            <form class="staff-form" method="post" action=paths::API_CLIENTS>
                {admin_field("create", admin_fields::NAME, "api-name", None, "text")}
                <button class="button" type="submit">{i18n.t("admin-create")}</button>
            </form>
            <WebhooksSection body_id/>
        </AdminLayout>
    }
    .into_any()
}
