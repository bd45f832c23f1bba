//! A body admin's page of the body's details: contacts, office hours, the
//! substitute official and the patron saint day; the App IO service key.

use leptos::prelude::*;
use pratiche_db::bodies::{IoKeyState, body_by_id};
use pratiche_domain::account::Role;

use super::{AdminLayout, admin_field, admin_with};
use crate::context::AppContext;
use crate::forms::admin_fields;
use crate::i18n::use_i18n;
use crate::pages::sent_messages::FailedMessages;
use crate::paths;
use pratiche_db::clock::rome_date;

#[component]
pub fn BodySettingsPage() -> impl IntoView {
    let user = match admin_with(Role::BodyAdmin) {
        Ok(user) => user,
        Err(page) => return page,
    };
    let i18n = use_i18n();
    let db = expect_context::<AppContext>().db;
    let body_id = user.body_id.unwrap_or_default();
    let form = Suspend::new(async move {
        let i18n = use_i18n();
        let Ok(Some(body)) = body_by_id(&db, body_id).await else {
            return view! { <p>{i18n.t("unavailable-text")}</p> }.into_any();
        };
        let patron = body
            .patron_month
            .zip(body.patron_day)
            .map(|(month, day)| format!("{month:02}-{day:02}"));
        let field = |name: &'static str, label: &str, current: Option<String>| {
            admin_field("details", name, label, current, "text")
        };
        view! {
            <form class="staff-form" method="post" action=paths::BODY>
                <fieldset>
                    <legend>{i18n.t("admin-body-contacts")}</legend>
                    {field(admin_fields::NAME, "admin-body-name", Some(body.name.clone()))}
                    {field(admin_fields::CONTACT_OFFICE, "admin-contact-office", Some(body.contact_office.clone()))}
                    {field(admin_fields::CONTACT_PHONE, "contact-phone", body.contact_phone.clone())}
                    {field(admin_fields::CONTACT_EMAIL, "contact-email", body.contact_email.clone())}
                    {field(admin_fields::CONTACT_ADDRESS, "contact-address", body.contact_address.clone())}
                    {field(admin_fields::CONTACT_HOURS, "contact-hours", body.contact_hours.clone())}
                </fieldset>
                <fieldset>
                    <legend>{i18n.t("admin-body-substitute")}</legend>
                    <p class="hint">{i18n.t("admin-body-substitute-hint")}</p>
                    {field(admin_fields::SUBSTITUTE_NAME, "admin-substitute-name", body.substitute_name.clone())}
                    {field(admin_fields::SUBSTITUTE_OFFICE, "admin-substitute-office", body.substitute_office.clone())}
                    {field(admin_fields::SUBSTITUTE_CONTACT, "admin-substitute-contact", body.substitute_contact.clone())}
                </fieldset>
                <fieldset>
                    <legend>{i18n.t("admin-body-calendar")}</legend>
                    <p class="hint">{i18n.t("admin-patron-hint")}</p>
                    {field(admin_fields::PATRON_DAY, "admin-patron-day", patron)}
                </fieldset>
                <button class="button" type="submit">{i18n.t("admin-save")}</button>
            </form>
            <IoSettings key=IoKeyState::of(&body)/>
        }
        .into_any()
    });
    view! {
        <AdminLayout title=i18n.t("admin-body-title")>
            <Suspense fallback=|| ()>{form}</Suspense>
            <FailedMessages body_id/>
        </AdminLayout>
    }
    .into_any()
}

/// The body's App IO service: whether a key is stored (never the key),
/// what App IO said of it, and the forms to enter, try or remove one.
#[component]
fn IoSettings(key: Option<IoKeyState>) -> impl IntoView {
    let i18n = use_i18n();
    let app_io = expect_context::<AppContext>().app_io;
    let state = match key {
        None => i18n.t("admin-io-none"),
        Some(IoKeyState { set_at, checked }) => {
            let set = i18n.t_with(
                "admin-io-set",
                &[("date", i18n.date(rome_date(set_at)).into())],
            );
            let check = match checked {
                None => i18n.t("admin-io-unchecked"),
                Some((at, accepted)) => i18n.t_with(
                    if accepted {
                        "admin-io-accepted"
                    } else {
                        "admin-io-refused"
                    },
                    &[("date", i18n.date(rome_date(at)).into())],
                ),
            };
            format!("{set} {check}")
        }
    };
    let forms = app_io.then(|| {
        view! {
            <form class="staff-form" method="post" action=paths::BODY_IO>
                <p class="hint">{i18n.t("admin-io-hint")}</p>
                {admin_field("io", admin_fields::IO_KEY, "admin-io-key", None, "password")}
                <button class="button" type="submit">{i18n.t("admin-io-save")}</button>
            </form>
            {key.is_some().then(|| view! {
                <form class="staff-form" method="post" action=paths::BODY_IO_CHECK>
                    <button class="button" type="submit">{i18n.t("admin-io-check")}</button>
                </form>
                <form class="staff-form" method="post" action=paths::BODY_IO>
                    <input type="hidden" name=admin_fields::IO_ACTION value="remove"/>
                    <button class="button button-secondary" type="submit">{i18n.t("admin-io-remove")}</button>
                </form>
            })}
        }
        .into_any()
    });
    view! {
        <section aria-labelledby="app-io">
            <h2 id="app-io">{i18n.t("admin-io-title")}</h2>
            <p>{state}</p>
            {forms.unwrap_or_else(|| view! { <p class="hint">{i18n.t("admin-io-unavailable")}</p> }.into_any())}
        </section>
    }
}
