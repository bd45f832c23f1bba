//! The legal term of a procedure type (docs/rules.md, Legal clock).

use serde::{Deserialize, Serialize};

/// The term when the law sets none (L. 241/1990, art. 2 c. 2).
pub const DEFAULT_TERM_DAYS: u32 = 30;
/// Terms above this need a legal basis (art. 2 c. 4).
pub const TERM_WITHOUT_BASIS_MAX: u32 = 90;
/// No term may exceed this.
pub const TERM_MAX: u32 = 180;

/// Days a body has to conclude a procedure: 1 to 180, above 90 only with a
/// legal basis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    days: u32,
    legal_basis: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error("a term is at least 1 day and at most {TERM_MAX}")]
    OutOfRange,
    #[error("a term above {TERM_WITHOUT_BASIS_MAX} days needs its legal basis")]
    BasisRequired,
}

impl Term {
    pub fn new(days: i64, legal_basis: Option<&str>) -> Result<Self, TermError> {
        let legal_basis = legal_basis
            .map(str::trim)
            .filter(|basis| !basis.is_empty())
            .map(str::to_owned);
        let days = u32::try_from(days)
            .ok()
            .filter(|days| (1..=TERM_MAX).contains(days))
            .ok_or(TermError::OutOfRange)?;
        if days > TERM_WITHOUT_BASIS_MAX && legal_basis.is_none() {
            return Err(TermError::BasisRequired);
        }
        Ok(Self { days, legal_basis })
    }

    pub fn days(&self) -> u32 {
        self.days
    }

    pub fn legal_basis(&self) -> Option<&str> {
        self.legal_basis.as_deref()
    }
}

impl Default for Term {
    fn default() -> Self {
        Self {
            days: DEFAULT_TERM_DAYS,
            legal_basis: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_the_term() {
        assert_eq!(Term::new(0, None), Err(TermError::OutOfRange));
        assert_eq!(Term::new(181, Some("L. x")), Err(TermError::OutOfRange));
        assert_eq!(Term::new(-5, None), Err(TermError::OutOfRange));
        assert_eq!(Term::new(91, None), Err(TermError::BasisRequired));
        assert_eq!(Term::new(91, Some("  ")), Err(TermError::BasisRequired));
        assert_eq!(Term::new(120, Some("D.P.R. 59/2013")).unwrap().days(), 120);
        assert_eq!(Term::new(90, None).unwrap().days(), 90);
        assert_eq!(Term::default().days(), 30);
    }
}
