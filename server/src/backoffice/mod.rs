//! The clerk's writes, one module per feature: adapters from a posted form
//! to the rules of `pratiche_domain::intake` and the services of
//! `pratiche_db::cases::service`, and back to the page with what was typed
//! and its errors.

pub mod registration;
pub mod status_change;
