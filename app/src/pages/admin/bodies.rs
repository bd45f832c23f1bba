//! The province admin's bodies: the list with each body's figures and a
//! form for a new body; each body's page with its statistics, its admins and
//! a form for a new admin.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pratiche_db::accounts::staff_of;
use pratiche_db::bodies::{all_bodies, body_by_id};
use pratiche_domain::account::Role;
use pratiche_domain::processing_times::ProcessingTimes;

use super::{AdminLayout, admin_error, admin_field, admin_with, draft_of};
use crate::components::answer_privately;
use crate::context::AppContext;
use crate::forms::admin_fields;
use crate::i18n::{I18n, use_i18n};
use crate::pages::transparency::chart::in_time_and_median_cells;
use crate::paths;

/// A body's open pratiche and its last twelve months, all types together:
/// open, past due, concluded, within the term, median days (or "dati
/// insufficienti"), as the public pages count them.
fn overview_cells(i18n: &I18n, times: &ProcessingTimes) -> impl IntoView + use<> {
    let twelve = &times.last_twelve_months;
    let measured = in_time_and_median_cells(i18n, twelve.times);
    view! {
        <td>{times.open}</td>
        <td>{times.open_past_due}</td>
        <td>{twelve.concluded}</td>
        {measured}
    }
}

/// The overview's column headings, after the body's.
fn overview_headings(i18n: &I18n) -> impl IntoView + use<> {
    view! {
        <th scope="col">{i18n.t("admin-stat-open")}</th>
        <th scope="col">{i18n.t("admin-stat-past-due")}</th>
        <th scope="col">{i18n.t("admin-stat-concluded")}</th>
        <th scope="col">{i18n.t("admin-stat-in-time")}</th>
        <th scope="col">{i18n.t("admin-stat-median")}</th>
    }
}

#[component]
pub fn BodiesPage() -> impl IntoView {
    if let Err(page) = admin_with(Role::ProvinceAdmin) {
        return page;
    }
    let i18n = use_i18n();
    let context = expect_context::<AppContext>();
    let list = Suspend::new(async move {
        let i18n = use_i18n();
        let mut rows = Vec::new();
        for body in all_bodies(&context.db).await.unwrap_or_default() {
            let Ok(times) = context.processing_times.body(&context.db, body.id).await else {
                continue;
            };
            rows.push(view! {
                <tr>
                    <td><a href=paths::fill(paths::BODY_OF_PROVINCE, &[&body.id])>{body.name.clone()}</a></td>
                    {overview_cells(&i18n, &times.whole)}
                </tr>
            });
        }
        view! {
            <div class="table-scroll">
                <table class="cases">
                    <thead><tr>
                        <th scope="col">{i18n.t("admin-body-name")}</th>
                        {overview_headings(&i18n)}
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
    let context = expect_context::<AppContext>();
    let db = context.db.clone();
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
        let overview = match context.processing_times.body(&db, body.id).await {
            Ok(times) => view! {
                <div class="table-scroll">
                    <table class="cases">
                        <thead><tr>{overview_headings(&i18n)}</tr></thead>
                        <tbody><tr>{overview_cells(&i18n, &times.whole)}</tr></tbody>
                    </table>
                </div>
            }
            .into_any(),
            Err(_) => view! { <p>{i18n.t("unavailable-text")}</p> }.into_any(),
        };
        let admins = staff_of(&db, body.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|member| *member.role == Role::BodyAdmin)
            .map(|member| view! { <li>{format!("{} ({})", member.display_name, member.username)}</li> })
            .collect_view();
        view! {
            <h2>{body.name.clone()}</h2>
            {overview}
            <p><a href=paths::fill(paths::BODY_PUBLIC, &[&body.slug])>{i18n.t("admin-stat-public-page")}</a></p>
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
