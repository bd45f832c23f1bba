//! Pratiche's server: configuration, start-up, middleware.

pub mod config;
pub mod language;
pub mod rate_limit;
pub mod startup;
pub mod telemetry;
