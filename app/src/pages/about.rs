//! The installation's own pages: the accessibility statement (AgID model),
//! the privacy notice (GDPR art. 13: each body a controller, the service
//! centre their processor).

use chrono::NaiveDate;
use leptos::prelude::*;
use pratiche_db::public::body_contacts;

use crate::components::{Crumb, PageLayout};
use crate::context::AppContext;
use crate::i18n::use_i18n;
use crate::pages::home::ContactCard;

/// When the accessibility statement was last reviewed.
const STATEMENT_REVIEWED_ON: (i32, u32, u32) = (2026, 11, 27);

/// Lays out a page of the installation: a title and its sections.
#[component]
fn AboutPage(title: String, children: Children) -> impl IntoView {
    view! {
        <PageLayout title=title.clone() crumbs=vec![Crumb { label: title.clone(), href: None }]>
            <h1>{title}</h1>
            {children()}
        </PageLayout>
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<AppContext>();
    let (year, month, day) = STATEMENT_REVIEWED_ON;
    let reviewed_on = NaiveDate::from_ymd_opt(year, month, day).expect("a valid date");
    let args = [
        ("installation", context.installation_name.to_string().into()),
        ("url", context.public_url.to_string().into()),
        ("email", context.installation_email.to_string().into()),
        ("date", i18n.date(reviewed_on).into()),
    ];
    let text = |key: &str| i18n.t_with(key, &args);
    let (intro, status, prepared, enforcement) = (
        text("accessibility-intro"),
        text("accessibility-status"),
        text("accessibility-prepared"),
        text("accessibility-enforcement"),
    );
    view! {
        <AboutPage title=i18n.t("accessibility-title")>
            <p>{intro}</p>
            <h2>{i18n.t("accessibility-status-title")}</h2>
            <p>{status}</p>
            <h2>{i18n.t("accessibility-prepared-title")}</h2>
            <p>{prepared}</p>
            <h2>{i18n.t("accessibility-feedback-title")}</h2>
            <p>
                {i18n.t("accessibility-feedback")}" "
                <a href=format!("mailto:{}", context.installation_email)>{context.installation_email.to_string()}</a>
                "."
            </p>
            <h2>{i18n.t("accessibility-enforcement-title")}</h2>
            <p>{enforcement}</p>
        </AboutPage>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<AppContext>();
    let args = [
        ("installation", context.installation_name.to_string().into()),
        ("days", context.retention.num_days().into()),
    ];
    let text = |key: &str| i18n.t_with(key, &args);
    let (controllers_text, processor, retention, alerts) = (
        text("privacy-controllers"),
        text("privacy-processor"),
        text("privacy-retention"),
        text("privacy-alerts"),
    );
    let db = context.db.clone();
    let controllers = Suspend::new(async move {
        let bodies = body_contacts(&db).await.unwrap_or_else(|error| {
            tracing::error!(%error, "cannot list the bodies for the privacy notice");
            Vec::new()
        });
        view! {
            <ul class="contacts">
                {bodies
                    .into_iter()
                    .map(|body| {
                        let anchor = format!("ente-{}", body.slug);
                        view! { <li id=anchor><ContactCard body/></li> }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <AboutPage title=i18n.t("privacy-title")>
            <h2>{i18n.t("privacy-controllers-title")}</h2>
            <p>{controllers_text}</p>
            <Suspense fallback=|| ()>{controllers}</Suspense>
            <h2>{i18n.t("privacy-processor-title")}</h2>
            <p>{processor}</p>
            <h2>{i18n.t("privacy-data-title")}</h2>
            <p>{i18n.t("privacy-data")}</p>
            <p>{retention}</p>
            <p>{alerts}</p>
            <h2>{i18n.t("privacy-cookies-title")}</h2>
            <p>{i18n.t("privacy-cookies")}</p>
            <h2>{i18n.t("privacy-basis-title")}</h2>
            <p>{i18n.t("privacy-basis")}</p>
            <h2>{i18n.t("privacy-rights-title")}</h2>
            <p>{i18n.t("privacy-rights")}</p>
        </AboutPage>
    }
}
