//! The admins' writes, one module per feature: a body admin's staff, body
//! details and procedure types; the province admin's bodies. Every handler
//! takes its admin as an extractor (refused before anything is read), parses
//! its form with a pure function, and writes in one transaction with the
//! audit entry. What was typed comes back with the errors.

pub mod api_clients;
pub mod app_io;
pub mod bodies;
pub mod body;
pub mod procedures;
pub mod staff;
pub mod webhooks;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use pratiche_app::AdminDraft;
use pratiche_app::AdminNotice;
use pratiche_app::context::SignedIn;
use pratiche_app::forms::admin_fields;
use pratiche_db::audit::Actor;
use pratiche_domain::account::Role;

use crate::office::{BackOffice, FieldErrors, Staff, WebError, signed_in};
pub(crate) use pratiche_db::is_unique_violation;

/// A body's admin, as a handler's argument; anyone else gets 403.
pub struct BodyAdmin {
    pub user: SignedIn,
    pub body_id: i32,
    pub actor: Actor,
}

impl FromRequestParts<BackOffice> for BodyAdmin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, office: &BackOffice) -> Result<Self, WebError> {
        let staff = Staff::from_request_parts(parts, office).await?;
        if staff.user.role != Role::BodyAdmin.as_str() {
            return Err(forbidden());
        }
        Ok(Self {
            user: staff.user,
            body_id: staff.body_id,
            actor: staff.actor,
        })
    }
}

/// The province's admin, as a handler's argument; anyone else gets 403.
pub struct ProvinceAdmin {
    pub user: SignedIn,
    pub actor: Actor,
}

impl FromRequestParts<BackOffice> for ProvinceAdmin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, office: &BackOffice) -> Result<Self, WebError> {
        let user = signed_in(parts)?;
        if user.role != Role::ProvinceAdmin.as_str() {
            return Err(forbidden());
        }
        let actor = office.actor_of_request(&user, parts);
        Ok(Self { user, actor })
    }
}

fn forbidden() -> WebError {
    WebError::Forbidden("Operazione riservata agli amministratori. / Admins only.")
}

/// A posted form as name–value pairs, in order (a field may repeat).
pub type RawForm = Vec<(String, String)>;

/// Reads a posted form, collecting errors by field.
pub struct Fields<'a> {
    raw: &'a RawForm,
    pub errors: FieldErrors,
}

impl<'a> Fields<'a> {
    pub fn new(raw: &'a RawForm) -> Self {
        Self {
            raw,
            errors: Vec::new(),
        }
    }

    /// The first value of `name`, trimmed ("" when absent).
    pub fn raw(&self, name: &str) -> &'a str {
        self.raw
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.trim())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.raw
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.trim())
    }

    pub fn error(&mut self, field: &'static str, key: &'static str) {
        self.errors.push((field, key));
    }

    /// A required text of at most `max` characters.
    pub fn required(&mut self, name: &'static str, max: usize) -> String {
        let value = self.raw(name);
        if value.is_empty() {
            self.error(name, "reg-error-required");
        } else if value.chars().count() > max {
            self.error(name, "reg-error-too-long");
        }
        value.to_owned()
    }

    /// An optional text of at most `max` characters; empty is none.
    pub fn optional(&mut self, name: &'static str, max: usize) -> Option<String> {
        let value = self.raw(name);
        if value.chars().count() > max {
            self.error(name, "reg-error-too-long");
        }
        Some(value.to_owned()).filter(|value| !value.is_empty())
    }

    /// The parsed value, or `Err` with the errors so far.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if self.errors.is_empty() {
            value().ok_or(self.errors)
        } else {
            Err(self.errors)
        }
    }
}

/// What was typed in form `form`, with its errors, for the page to show again.
pub fn draft(form: &'static str, raw: &RawForm, errors: FieldErrors) -> AdminDraft {
    AdminDraft {
        form,
        values: raw
            .iter()
            .filter(|(name, _)| !name.contains("password") && name != admin_fields::IO_KEY)
            .cloned()
            .collect(),
        errors,
    }
}

/// The page at `path` after a successful write, with its notice.
pub fn done(path: &str, notice: AdminNotice) -> Response {
    crate::responses::see_other(&format!("{path}?fatto={}", notice.as_str()), None)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::RawForm;

    pub fn raw_form(pairs: &[(&str, &str)]) -> RawForm {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }
}
