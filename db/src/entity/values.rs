//! Domain values as columns: read back typed, so no caller parses a stored
//! value again. A stored value that does not parse is a database error.

use std::ops::Deref;

use pratiche_domain::account::Role;
use pratiche_domain::{CaseCode, CodeError, PublicPhase};
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

/// Declares a column value type over a domain enumeration stored as its
/// short string (`as_str`, parsed back with `FromStr`).
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident($inner:ty)) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, DeriveValueType)]
        #[sea_orm(value_type = "String")]
        pub struct $name(pub $inner);

        impl std::str::FromStr for $name {
            type Err = <$inner as std::str::FromStr>::Err;

            fn from_str(stored: &str) -> Result<Self, Self::Err> {
                stored.parse().map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0.as_str())
            }
        }

        impl Deref for $name {
            type Target = $inner;

            fn deref(&self) -> &$inner {
                &self.0
            }
        }

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                Self(value)
            }
        }
    };
}

stored_enum! {
    /// A [`PublicPhase`] as the phase columns store it.
    StoredPhase(PublicPhase)
}

stored_enum! {
    /// A [`Role`] as `users.role` stores it.
    StoredRole(Role)
}
