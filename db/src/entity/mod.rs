//! sea-orm entities. Enumerations are stored as short strings (docs/rules.md,
//! Data conventions) and read back typed: sea-orm active enums for the
//! database's own (`EventSource`, `AuditSource`), value types over the
//! domain's (`StoredPhase`, `StoredRole`, and the code as `StoredCode`).
//! Instants are in UTC, the submission date a calendar date.

pub mod api_client;
pub mod audit_entry;
pub mod body;
pub mod case;
pub mod closed_case_figure;
pub mod idempotency_key;
pub mod notification;
pub mod procedure_state;
pub mod procedure_transition;
pub mod procedure_type;
pub mod session;
pub mod sheet_rating;
pub mod sign_in_throttle;
pub mod status_event;
pub mod subscription;
pub mod user;
mod values;
pub mod webhook_delivery;
pub mod webhook_endpoint;

pub use values::{StoredCode, StoredPhase, StoredRole};
