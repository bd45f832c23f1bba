//! Pure domain rules of Pratiche, free of I/O. Shared by the server and by the
//! islands compiled to WebAssembly, so it stays small and dependency-light.

#[cfg(feature = "accounts")]
pub mod account;
#[cfg(feature = "clock")]
pub mod clock;
pub mod code;
#[cfg(feature = "intake")]
pub mod intake;
#[cfg(feature = "notify")]
pub mod notify;
#[cfg(feature = "personal-data")]
pub mod personal_data;
pub mod phase;
#[cfg(feature = "sheet")]
pub mod procedure_sheet;
#[cfg(feature = "clock")]
pub mod processing_times;
#[cfg(feature = "search")]
pub mod text;
#[cfg(feature = "webhooks")]
pub mod webhook;
pub mod workflow;

pub use code::{CaseCode, CodeError};
pub use phase::{ClockEffect, PublicPhase};
