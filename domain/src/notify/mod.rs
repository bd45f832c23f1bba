//! Notifications to citizens (docs/rules.md, Notifications): which status
//! events are worth telling, what an address or a codice fiscale must be,
//! what App IO accepts, and when a failed delivery is tried again.

pub mod address;
pub mod fiscal_code;
pub mod io;
pub mod reminders;
pub mod retry;

pub use address::{EmailAddress, EmailProblem};
pub use fiscal_code::{FiscalCode, FiscalCodeProblem};
pub use io::{IoContent, IoContentProblem};
pub use reminders::{ReplyReminder, overdue_notice_due, reply_reminder};
pub use retry::RetryPolicy;

use crate::PublicPhase;

/// Confirmed addresses a pratica holds at most.
pub const MAX_EMAIL_SUBSCRIBERS: usize = 5;

/// How long a confirmation link stays valid.
pub const CONFIRMATION_VALID_HOURS: i64 = 48;

/// An address gets at most one confirmation mail per pratica in this time.
pub const CONFIRMATION_EVERY_MINUTES: i64 = 60;

/// What a recorded status event changed that the public page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicChange {
    /// The pratica's public phase before and after the event.
    pub phase_before: PublicPhase,
    pub phase_after: PublicPhase,
    /// The event carries a public note.
    pub with_note: bool,
    /// The event extends the term (proroga).
    pub with_extension: bool,
    /// The event asks for documents by a date.
    pub with_reply_by: bool,
}

impl PublicChange {
    /// Whether subscribers are told: a change of public phase, a new public
    /// note, a request for documents, an extension. A decision or a
    /// preavviso always changes the phase. An event the public page would
    /// not show differently (an internal step within one phase, without a
    /// note) is not worth a mail.
    pub fn worth_telling(&self) -> bool {
        self.phase_before != self.phase_after
            || self.with_note
            || self.with_extension
            || self.with_reply_by
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(before: PublicPhase, after: PublicPhase) -> PublicChange {
        PublicChange {
            phase_before: before,
            phase_after: after,
            with_note: false,
            with_extension: false,
            with_reply_by: false,
        }
    }

    #[test]
    fn a_new_phase_is_told_an_internal_step_is_not() {
        use PublicPhase::*;
        assert!(change(InReview, Approved).worth_telling());
        assert!(change(InReview, DocumentsRequested).worth_telling());
        assert!(!change(InReview, InReview).worth_telling());
    }

    #[test]
    fn a_note_an_extension_or_a_reply_by_date_is_told_within_a_phase() {
        let same = change(PublicPhase::InReview, PublicPhase::InReview);
        assert!(
            PublicChange {
                with_note: true,
                ..same
            }
            .worth_telling()
        );
        assert!(
            PublicChange {
                with_extension: true,
                ..same
            }
            .worth_telling()
        );
        assert!(
            PublicChange {
                with_reply_by: true,
                ..same
            }
            .worth_telling()
        );
    }
}
