//! The province admin's bodies: the list with each body's figures and a
//! form for a new body; each body's page with its statistics, its admins and
//! a form for a new admin.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pratiche_db::accounts::staff_of;
use pratiche_db::bodies::{BodyStatistics, all_bodies, body_by_id, body_statistics};
use pratiche_domain::account::Role;

use super::{AdminLayout, admin_error, admin_field, admin_with, draft_of};
use crate::components::answer_privately;
use crate::context::AppContext;
use crate::forms::admin_fields;
use crate::i18n::{I18n, use_i18n};
use crate::paths;
use pratiche_db::clock::today_in_rome;

fn median_text(i18n: &I18n, statistics: &BodyStatistics) -> String {
    statistics.median_days_to_decision.map_or_else(
        || "—".to_owned(),
        |days| {
            i18n.t_with(
                "admin-median-days",
                &[(
                    "days",
                    format!("{days:.1}")
                        .trim_end_matches(".0")
                        .to_owned()
                        .into(),
                )],
            )
        },
    )
}

#[component]
pub fn BodiesPage() -> impl IntoView {
    if let Err(page) = admin_with(Role::ProvinceAdmin) {
        return page;
    }
    let i18n = use_i18n();
    let db = expect_context::<AppContext>().db;
    let list = Suspend::new(async move {
        let i18n = use_i18n();
        let today = today_in_rome();
        let mut rows = Vec::new();
        for body in all_bodies(&db).await.unwrap_or_default() {
            let statistics = body_statistics(&db, body.id, today)
                .await
                .unwrap_or_default();
            rows.push(view! {
                <tr>
                    <td><a href=paths::fill(paths::BODY_OF_PROVINCE, &[&body.id])>{body.name.clone()}</a></td>
                    <td>{statistics.open}</td>
                    <td>{statistics.past_due}</td>
                    <td>{median_text(&i18n, &statistics)}</td>
                </tr>
            });
        }
        view! {
            <div class="table-scroll">
                <table class="cases">
                    <thead><tr>
                        <th scope="col">{i18n.t("admin-body-name")}</th>
                        <th scope="col">{i18n.t("admin-stat-open")}</th>
                        <th scope="col">{i18n.t("admin-stat-past-due")}</th>
                        <th scope="col">{i18n.t("admin-stat-median")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let kind = draft_of("create").map(|draft| draft.value(admin_fields::KIND));
    let selected = move |value: &str| (kind.as_deref() == Some(value)).then_some("selected");
    view! {
        <AdminLayout title=i18n.t("admin-bodies-title")>
            <Suspense fallback=|| ()>{list}</Suspense>
            <h2>{i18n.t("admin-body-create")}</h2>
            <form class="staff-form" method="post" action=paths::BODIES>
                {admin_field("create", admin_fields::NAME, "admin-body-name", None, "text")}
                {admin_field("create", admin_fields::SLUG, "admin-body-slug", None, "text")}
                <label class="field-label" for="create-kind">{i18n.t("admin-body-kind")}</label>
                {admin_error("create", admin_fields::KIND)}
                <select id="create-kind" name=admin_fields::KIND>
                    <option value="comune" selected=selected("comune")>{i18n.t("admin-kind-comune")}</option>
                    <option value="unione_comuni" selected=selected("unione_comuni")>{i18n.t("admin-kind-unione_comuni")}</option>
                </select>
                {admin_field("create", admin_fields::CONTACT_OFFICE, "admin-contact-office", None, "text")}
                <button class="button" type="submit">{i18n.t("admin-create")}</button>
            </form>
        </AdminLayout>
    }
    .into_any()
}

#[component]
pub fn BodyStatisticsPage() -> impl IntoView {
    if let Err(page) = admin_with(Role::ProvinceAdmin) {
        return page;
    }
    let i18n = use_i18n();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<i32>().ok());
    let db = expect_context::<AppContext>().db;
    let title = i18n.t("admin-bodies-title");
    let content = Suspend::new(async move {
        let i18n = use_i18n();
        let body = match id {
            Some(id) => body_by_id(&db, id).await.ok().flatten(),
            None => None,
        };
        let Some(body) = body else {
            answer_privately(http::StatusCode::NOT_FOUND);
            return view! { <p>{i18n.t("admin-not-found")}</p> }.into_any();
        };
        let statistics = body_statistics(&db, body.id, today_in_rome())
            .await
            .unwrap_or_default();
        let admins = staff_of(&db, body.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|member| *member.role == Role::BodyAdmin)
            .map(|member| view! { <li>{format!("{} ({})", member.display_name, member.username)}</li> })
            .collect_view();
        view! {
            <h2>{body.name.clone()}</h2>
            <dl class="details">
                <dt>{i18n.t("admin-stat-open")}</dt><dd>{statistics.open}</dd>
                <dt>{i18n.t("admin-stat-past-due")}</dt><dd>{statistics.past_due}</dd>
                <dt>{i18n.t("admin-stat-decided")}</dt><dd>{statistics.decided}</dd>
                <dt>{i18n.t("admin-stat-median")}</dt><dd>{median_text(&i18n, &statistics)}</dd>
            </dl>
            <h2>{i18n.t("admin-body-admins")}</h2>
            <ul>{admins}</ul>
            <h3>{i18n.t("admin-body-admin-create")}</h3>
            <form class="staff-form" method="post" action=paths::fill(paths::BODY_ADMINS, &[&body.id])>
                {admin_field("admin", admin_fields::USERNAME, "admin-username", None, "text")}
                {admin_field("admin", admin_fields::DISPLAY_NAME, "admin-display-name", None, "text")}
                {admin_field("admin", admin_fields::PASSWORD, "admin-initial-password", None, "password")}
                <button class="button" type="submit">{i18n.t("admin-create")}</button>
            </form>
        }
        .into_any()
    });
    view! {
        <AdminLayout title=title.clone() parent=(title, paths::BODIES.to_owned())>
            <Suspense fallback=|| ()>{content}</Suspense>
        </AdminLayout>
    }
    .into_any()
}
