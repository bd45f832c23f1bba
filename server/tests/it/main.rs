//! The integration tests: the real server binary on an ephemeral port,
//! against SQLite and PostgreSQL, one module per feature, in one test
//! binary (each binary links the whole server; one links it once).

#[macro_use]
mod support;

mod admin_pages;
mod alerts;
mod api;
mod app_io;
mod backoffice_auth;
mod backoffice_pages;
mod case_feed;
mod clock;
mod contract;
mod crash;
mod isolation;
mod lookup;
mod operations;
mod proxy;
mod remembered;
mod retention;
mod same_rules;
mod status_changes;
mod transparency;
mod webhooks;
