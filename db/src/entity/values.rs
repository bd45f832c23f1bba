//! Domain values as columns: read back typed, so no caller parses a stored
//! value again. A stored value that does not parse is a database error.

use std::ops::Deref;

use pratiche_domain::{CaseCode, CodeError};
use sea_orm::DeriveValueType;

/// A [`CaseCode`] as the `cases.code` column stores it: its 13 symbols
/// without separators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(
    value_type = "String",
    from_str = "StoredCode::parse",
    to_str = "StoredCode::compact"
)]
pub struct StoredCode(pub CaseCode);

impl StoredCode {
    fn parse(stored: &str) -> Result<Self, CodeError> {
        CaseCode::parse(stored).map(Self)
    }

    fn compact(&self) -> String {
        self.0.compact()
    }
}

impl Deref for StoredCode {
    type Target = CaseCode;

    fn deref(&self) -> &CaseCode {
        &self.0
    }
}

impl From<CaseCode> for StoredCode {
    fn from(code: CaseCode) -> Self {
        Self(code)
    }
}
