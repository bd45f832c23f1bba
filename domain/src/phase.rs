//! The small fixed vocabulary of public phases citizens see (docs/rules.md, Public view). Bodies
//! map their own internal states onto these.

use std::fmt;
use std::str::FromStr;

/// A public phase, stored as its short string ([`PublicPhase::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublicPhase {
    /// Presentata: received and registered.
    Submitted,
    /// In lavorazione: under examination (istruttoria).
    InReview,
    /// Integrazione richiesta: the body asked the citizen for documents.
    DocumentsRequested,
    /// Preavviso di rigetto: reasons against approval notified (art. 10-bis).
    RejectionNotice,
    /// Conclusa – accolta.
    Approved,
    /// Conclusa – respinta.
    Rejected,
    /// Chiusa: withdrawn, archived or closed without a decision.
    Closed,
}

/// What a phase does to the legal clock (docs/rules.md, Legal clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockEffect {
    Runs,
    Suspended,
    Stops,
}

/// A stored phase string that names no phase.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown public phase {0:?}")]
pub struct UnknownPhase(pub String);

impl PublicPhase {
    pub const ALL: [PublicPhase; 7] = [
        Self::Submitted,
        Self::InReview,
        Self::DocumentsRequested,
        Self::RejectionNotice,
        Self::Approved,
        Self::Rejected,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::InReview => "in_review",
            Self::DocumentsRequested => "documents_requested",
            Self::RejectionNotice => "rejection_notice",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Closed => "closed",
        }
    }

    pub fn clock_effect(self) -> ClockEffect {
        match self {
            Self::Submitted | Self::InReview => ClockEffect::Runs,
            Self::DocumentsRequested | Self::RejectionNotice => ClockEffect::Suspended,
            Self::Approved | Self::Rejected | Self::Closed => ClockEffect::Stops,
        }
    }

    /// Whether the procedure is over (decided or closed).
    pub fn is_final(self) -> bool {
        self.clock_effect() == ClockEffect::Stops
    }
}

impl fmt::Display for PublicPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PublicPhase {
    type Err = UnknownPhase;
    fn from_str(stored: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|phase| phase.as_str() == stored)
            .ok_or_else(|| UnknownPhase(stored.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_strings_round_trip_and_are_short() {
        for phase in PublicPhase::ALL {
            assert_eq!(phase.as_str().parse(), Ok(phase));
            assert!(phase.as_str().len() <= 24);
        }
        assert!("Presentata".parse::<PublicPhase>().is_err());
    }

    #[test]
    fn only_decisions_and_closure_are_final() {
        let finals: Vec<_> = PublicPhase::ALL
            .into_iter()
            .filter(|p| p.is_final())
            .collect();
        assert_eq!(
            finals,
            [
                PublicPhase::Approved,
                PublicPhase::Rejected,
                PublicPhase::Closed
            ]
        );
        assert_eq!(
            PublicPhase::DocumentsRequested.clock_effect(),
            ClockEffect::Suspended
        );
    }
}
