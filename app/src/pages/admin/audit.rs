//! The audit log: a body admin reads the body's entries, the province admin
//! every entry; filtered by entity and by user, newest first, paginated.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pratiche_db::audit::{AUDIT_PAGE_SIZE, AuditFilter, changes_of, entries};
use pratiche_domain::account::Role;

use super::AdminLayout;
use crate::components::answer_privately;
use crate::context::AppContext;
use crate::i18n::use_i18n;
use crate::pages::staff::{redirect, rome_time, signed_in};
use crate::paths;

/// The entities the log can be filtered by (each has its label).
pub(crate) const ENTITIES: [&str; 4] = ["case", "user", "body", "procedure_type"];

#[component]
pub fn AuditPage() -> impl IntoView {
    let Some(user) = signed_in() else {
        return redirect(paths::SIGN_IN);
    };
    // A body admin reads the body's entries; the province admin all of them.
    let scope = match user.role.parse::<Role>() {
        Ok(Role::BodyAdmin) => Some(user.body_id),
        Ok(Role::ProvinceAdmin) => Some(None),
        _ => None,
    };
    let i18n = use_i18n();
    let title = i18n.t("admin-audit-title");
    let Some(body_id) = scope else {
        answer_privately(http::StatusCode::FORBIDDEN);
        return view! { <AdminLayout title><p>{i18n.t("admin-forbidden")}</p></AdminLayout> }
            .into_any();
    };
    answer_privately(http::StatusCode::OK);
    let query = use_query_map().read_untracked();
    let filter = AuditFilter {
        entity: query
            .get("entita")
            .filter(|entity| ENTITIES.contains(&entity.as_str())),
        user_id: query.get("utente").and_then(|id| id.parse().ok()),
    };
    let page = query
        .get("pagina")
        .and_then(|page| page.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1);
    let db = expect_context::<AppContext>().db;
    let selected_entity = filter.entity.clone();
    let log = Suspend::new(async move {
        let i18n = use_i18n();
        let Ok((rows, total)) = entries(&db, body_id, &filter, page - 1).await else {
            return view! { <p>{i18n.t("unavailable-text")}</p> }.into_any();
        };
        let pages = total.div_ceil(AUDIT_PAGE_SIZE).max(1);
        let rows = rows
            .into_iter()
            .map(|entry| {
                let changes = changes_of(&entry)
                    .into_iter()
                    .map(|change| {
                        view! {
                            <li><code>{change.field}</code>": "<del>{change.old}</del>" → "<ins>{change.new}</ins></li>
                        }
                    })
                    .collect_view();
                let user_filter = entry
                    .actor_user_id
                    .map(|id| format!("{}?utente={id}", paths::AUDIT));
                view! {
                    <tr>
                        <td>{rome_time(&i18n, entry.at)}</td>
                        <td>{match user_filter {
                            Some(href) => view! { <a href=href>{entry.actor.clone()}</a> }.into_any(),
                            None => entry.actor.clone().into_any(),
                        }}<br/><span class="hint">{format!("{} · {}", entry.source.as_str(), entry.client_address.clone().unwrap_or_default())}</span></td>
                        <td>{format!("{} {}", entry.entity, entry.entity_id)}</td>
                        <td>{entry.action.clone()}</td>
                        <td><ul class="audit-changes">{changes}</ul></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p role="status">{i18n.t_with("admin-audit-total", &[("total", total.into()), ("page", page.into()), ("pages", pages.into())])}</p>
            <div class="table-scroll">
                <table class="cases">
                    <thead><tr>
                        <th scope="col">{i18n.t("admin-audit-when")}</th>
                        <th scope="col">{i18n.t("admin-audit-who")}</th>
                        <th scope="col">{i18n.t("admin-audit-entity")}</th>
                        <th scope="col">{i18n.t("admin-audit-action")}</th>
                        <th scope="col">{i18n.t("admin-audit-changes")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <nav class="pager">
                {(page > 1).then(|| view! { <a rel="prev" href=format!("{}?pagina={}", paths::AUDIT, page - 1)>{i18n.t("dash-previous")}</a> })}
                {(page < pages).then(|| view! { <a rel="next" href=format!("{}?pagina={}", paths::AUDIT, page + 1)>{i18n.t("dash-next")}</a> })}
            </nav>
        }
        .into_any()
    });
    let options = ENTITIES
        .into_iter()
        .map(|entity| {
            let selected = (selected_entity.as_deref() == Some(entity)).then_some("selected");
            view! { <option value=entity selected=selected>{i18n.t(&format!("admin-entity-{entity}"))}</option> }
        })
        .collect_view();
    view! {
        <AdminLayout title>
            <form class="dash-filters" method="get" action=paths::AUDIT>
                <div>
                    <label class="field-label" for="entita">{i18n.t("admin-audit-entity")}</label>
                    <select id="entita" name="entita"><option value="">{i18n.t("dash-any")}</option>{options}</select>
                </div>
                <button class="button" type="submit">{i18n.t("dash-apply")}</button>
            </form>
            <Suspense fallback=|| ()>{log}</Suspense>
        </AdminLayout>
    }
    .into_any()
}
