//! The home page: what the service is, the lookup form, and what to do when
//! the code is lost.

use leptos::prelude::*;
use pratiche_db::public::{BodyContact, body_contacts};

use crate::components::{LookupForm, PageLayout};
use crate::context::AppContext;
use crate::i18n::use_i18n;
use crate::pages::mine::MyCases;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let db = expect_context::<AppContext>().db;
    // The page works without the list: a database outage only hides it.
    let contacts = Suspend::new(async move {
        let contacts = body_contacts(&db).await.unwrap_or_else(|error| {
            tracing::error!(%error, "cannot list the bodies' contacts");
            Vec::new()
        });
        view! { <BodyContacts contacts/> }
    });
    view! {
        <PageLayout title=i18n.t("home-title")>
            <h1>{i18n.t("home-title")}</h1>
            <p class="lead">{i18n.t("home-intro")}</p>
            <MyCases/>
            <LookupForm/>
            <section class="lost-code" aria-labelledby="lost-code-title">
                <h2 id="lost-code-title">{i18n.t("lost-code-title")}</h2>
                <p>{i18n.t("lost-code-where")}</p>
                <Suspense fallback=|| ()>{contacts}</Suspense>
            </section>
        </PageLayout>
    }
}

#[component]
fn BodyContacts(contacts: Vec<BodyContact>) -> impl IntoView {
    let i18n = use_i18n();
    (!contacts.is_empty()).then(|| {
        view! {
            <p>{i18n.t("lost-code-contact")}</p>
            <ul class="contacts">
                {contacts.into_iter().map(|body| view! { <li><ContactCard body/></li> }).collect_view()}
            </ul>
        }
    })
}

/// A body's name and general contact; phone and e-mail as links.
#[component]
pub fn ContactCard(body: BodyContact) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="contact-name">{body.name}</p>
        <p>{body.contact_office}</p>
        <dl class="contact-details">
            {body.contact_phone.map(|phone| {
                let href = format!("tel:{}", phone.replace(' ', ""));
                view! { <dt>{i18n.t("contact-phone")}</dt><dd><a href=href>{phone}</a></dd> }
            })}
            {body.contact_email.map(|email| {
                let href = format!("mailto:{email}");
                view! { <dt>{i18n.t("contact-email")}</dt><dd><a href=href>{email}</a></dd> }
            })}
            {body.contact_address.map(|address| {
                view! { <dt>{i18n.t("contact-address")}</dt><dd>{address}</dd> }
            })}
            {body.contact_hours.map(|hours| {
                view! { <dt>{i18n.t("contact-hours")}</dt><dd>{hours}</dd> }
            })}
        </dl>
    }
}
