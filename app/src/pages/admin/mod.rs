//! The admins' pages: a body admin's staff, body details and procedure
//! types; the province admin's bodies and their statistics; the audit log.
//! Plain forms posting to the server's handlers, which show the page again
//! with an [`AdminDraft`] when something is wrong.

pub mod api_clients;
pub mod audit;
pub mod bodies;
pub mod body;
mod notice;
pub mod procedures;
pub mod staff;
pub mod webhooks;

pub use notice::AdminNotice;

use http::StatusCode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pratiche_domain::account::Role;

use crate::components::{Crumb, FormField, PageLayout, answer_privately, field_error};
use crate::context::SignedIn;
use crate::i18n::use_i18n;
use crate::pages::staff::{StaffNav, redirect, signed_in};
use crate::paths;

/// What was typed in one of a page's forms (named by `form`), with its
/// errors (field, message key). Passwords are never typed back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminDraft {
    pub form: &'static str,
    pub values: Vec<(String, String)>,
    pub errors: Vec<(&'static str, &'static str)>,
}

impl AdminDraft {
    /// What was typed in `field` ("" when nothing was).
    pub fn value(&self, field: &str) -> String {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }
}

/// The draft of `form` handed to the page, if any.
pub(crate) fn draft_of(form: &str) -> Option<AdminDraft> {
    use_context::<AdminDraft>().filter(|draft| draft.form == form)
}

/// The signed-in user if they hold `role`: `Err` is the page to answer
/// instead (the sign-in redirect, or "reserved to admins" with 403).
pub(crate) fn admin_with(role: Role) -> Result<SignedIn, AnyView> {
    let Some(user) = signed_in() else {
        return Err(redirect(paths::SIGN_IN));
    };
    if user.role == role.as_str() {
        if use_context::<AdminDraft>().is_some_and(|draft| !draft.errors.is_empty()) {
            answer_privately(StatusCode::UNPROCESSABLE_ENTITY);
        } else {
            answer_privately(StatusCode::OK);
        }
        return Ok(user);
    }
    answer_privately(StatusCode::FORBIDDEN);
    let i18n = use_i18n();
    let title = i18n.t("admin-forbidden-title");
    Err(view! {
        <PageLayout title=title.clone() private=true>
            <StaffNav/>
            <h1>{title}</h1>
            <p>{i18n.t("admin-forbidden")}</p>
        </PageLayout>
    }
    .into_any())
}

/// The frame of an admin page: title, staff navigation, the notice of a
/// write just done (`?fatto=`), the errors of a refused form.
#[component]
pub(crate) fn AdminLayout(
    title: String,
    #[prop(optional)] parent: Option<(String, String)>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_query_map()
        .read_untracked()
        .get("fatto")
        .and_then(|value| AdminNotice::parse(&value))
        .map(|notice| i18n.t(&notice.message_key()));
    let has_errors = use_context::<AdminDraft>().is_some_and(|draft| !draft.errors.is_empty());
    let mut crumbs = Vec::new();
    if let Some((label, href)) = parent {
        crumbs.push(Crumb {
            label,
            href: Some(href),
        });
    }
    crumbs.push(Crumb {
        label: title.clone(),
        href: None,
    });
    view! {
        <PageLayout title=title.clone() crumbs private=true>
            <StaffNav/>
            <h1>{title}</h1>
            {notice.map(|notice| view! { <div class="callout" role="status"><p>{notice}</p></div> })}
            {has_errors.then(|| view! { <p class="form-error" role="alert">{i18n.t("reg-errors")}</p> })}
            {children()}
        </PageLayout>
    }
}

/// The error of a field that is not a [`FormField`] (a select), if the draft
/// of `form` has one.
pub(crate) fn admin_error(form: &str, field: &str) -> Option<impl IntoView + use<>> {
    let i18n = use_i18n();
    let message = draft_of(form).and_then(|draft| field_error(&i18n, &draft.errors, field))?;
    Some(view! { <p class="field-message field-message-error">{message}</p> })
}

/// A field of an admin form, filled from the draft of `form` or `current`.
pub(crate) fn admin_field(
    form: &str,
    name: &'static str,
    label_key: &str,
    current: Option<String>,
    kind: &'static str,
) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let draft = draft_of(form);
    let value = match &draft {
        Some(draft) => draft.value(name),
        None => current.unwrap_or_default(),
    };
    let error = draft.and_then(|draft| field_error(&i18n, &draft.errors, name));
    let autocomplete = if kind == "password" {
        "new-password"
    } else {
        "off"
    };
    view! { <FormField name label=i18n.t(label_key) value kind autocomplete error id_prefix=format!("{form}-")/> }
}
