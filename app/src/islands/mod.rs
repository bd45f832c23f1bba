//! The interactive parts of the pages. Only these are compiled to WebAssembly;
//! they receive every text already translated, as props.

mod code_field;
mod field_checks;

pub use code_field::{CodeField, CodeMessages};
pub use field_checks::FieldChecks;
