//! A body admin's staff page: accounts of the body, create, disable or
//! enable, set a new password.

use leptos::prelude::*;
use pratiche_db::accounts::staff_of;
use pratiche_domain::account::Role;

use super::{AdminLayout, admin_error, admin_field, admin_with, draft_of};
use crate::components::field_error;
use crate::context::AppContext;
use crate::forms::admin_fields;
use crate::i18n::use_i18n;
use crate::paths;

#[component]
pub fn StaffPage() -> impl IntoView {
    let user = match admin_with(Role::BodyAdmin) {
        Ok(user) => user,
        Err(page) => return page,
    };
    let i18n = use_i18n();
    let db = expect_context::<AppContext>().db;
    let body_id = user.body_id.unwrap_or_default();
    let own_id = user.user_id;
    let members = Suspend::new(async move {
        let i18n = use_i18n();
        let members = staff_of(&db, body_id).await.unwrap_or_default();
        let password_draft = draft_of("password");
        let rows = members
            .into_iter()
            .map(|member| {
                let role = i18n.t(&format!("admin-role-{}", member.role));
                let status = i18n.t(if member.disabled { "admin-status-disabled" } else { "admin-status-active" });
                let toggle = (member.id != own_id).then(|| {
                    let (value, label) = if member.disabled { ("0", "admin-enable") } else { ("1", "admin-disable") };
                    view! {
                        <form class="inline-form" method="post" action=paths::fill(paths::STAFF_MEMBER_STATE, &[&member.id])>
                            <input type="hidden" name=admin_fields::DISABLED value=value/>
                            <button class="button-link button-secondary" type="submit">{i18n.t(label)}</button>
                        </form>
                    }
                });
                let password_error = password_draft
                    .as_ref()
                    .filter(|draft| draft.value(admin_fields::USER_ID) == member.id.to_string())
                    .and_then(|draft| field_error(&i18n, &draft.errors, admin_fields::PASSWORD));
                let input_id = format!("password-{}", member.id);
                view! {
                    <tr>
                        <td>{member.username.clone()}{member.demo.then_some(" (demo)")}</td>
                        <td>{member.display_name.clone()}</td>
                        <td>{role}</td>
                        <td>{status}</td>
                        <td>
                            {toggle}
                            <form class="inline-form" method="post" action=paths::fill(paths::STAFF_MEMBER_PASSWORD, &[&member.id])>
                                <label class="field-label" for=input_id.clone()>{i18n.t("admin-new-password")}</label>
                                {password_error.map(|message| view! { <p class="field-message field-message-error">{message}</p> })}
                                <input id=input_id name=admin_fields::PASSWORD type="password" autocomplete="new-password"/>
                                <button class="button-link button-secondary" type="submit">{i18n.t("admin-set-password")}</button>
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
                        <th scope="col">{i18n.t("admin-username")}</th>
                        <th scope="col">{i18n.t("admin-display-name")}</th>
                        <th scope="col">{i18n.t("admin-role")}</th>
                        <th scope="col">{i18n.t("admin-status")}</th>
                        <th scope="col">{i18n.t("admin-actions")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let role_value = draft_of("create").map(|draft| draft.value(admin_fields::ROLE));
    let selected =
        move |role: Role| (role_value.as_deref() == Some(role.as_str())).then_some("selected");
    view! {
        <AdminLayout title=i18n.t("admin-staff-title")>
            <Suspense fallback=|| ()>{members}</Suspense>
            <h2>{i18n.t("admin-staff-create")}</h2>
            <form class="staff-form" method="post" action=paths::STAFF>
                {admin_field("create", admin_fields::USERNAME, "admin-username", None, "text")}
                {admin_field("create", admin_fields::DISPLAY_NAME, "admin-display-name", None, "text")}
                <label class="field-label" for="create-role">{i18n.t("admin-role")}</label>
                {admin_error("create", admin_fields::ROLE)}
                <select id="create-role" name=admin_fields::ROLE>
                    <option value="clerk" selected=selected(Role::Clerk)>{i18n.t("admin-role-clerk")}</option>
                    <option value="body_admin" selected=selected(Role::BodyAdmin)>{i18n.t("admin-role-body_admin")}</option>
                </select>
                {admin_field("create", admin_fields::PASSWORD, "admin-initial-password", None, "password")}
                <button class="button" type="submit">{i18n.t("admin-create")}</button>
            </form>
        </AdminLayout>
    }
    .into_any()
}
