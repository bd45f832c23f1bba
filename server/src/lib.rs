//! Pratiche's server: configuration, start-up, middleware.

pub mod admin;
pub mod alerts;
pub mod api;
pub mod auth;
pub mod backoffice;
pub mod case_feed;
pub mod config;
pub mod csrf;
pub mod jobs;
pub mod language;
pub mod lifecycle;
pub mod metrics;
pub mod notify;
pub mod office;
pub mod page_nonce;
pub mod pages;
pub mod path_spelling;
pub mod rate_limit;
pub mod remembered;
pub mod responses;
pub mod secrets;
pub mod server_fn_errors;
pub mod startup;
pub mod telemetry;
pub mod transparency;
pub mod webhooks;
