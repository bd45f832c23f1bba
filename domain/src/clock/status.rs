//! Where the clock stands on a given day, read from a stored explanation
//! (no recomputation): running with days left, suspended, or concluded.

use chrono::{Days, NaiveDate};

use super::{Adjustment, DOCUMENTS_SUSPENSION_CAP, Explanation};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockStatus {
    /// `days_left` is negative once the due date has passed.
    Running { due_on: NaiveDate, days_left: i64 },
    /// Waiting for the citizen's documents.
    AwaitingDocuments {
        since: NaiveDate,
        reply_by: Option<NaiveDate>,
    },
    /// A preavviso di rigetto: observations may be sent until `answer_by`.
    AwaitingObservations {
        since: NaiveDate,
        answer_by: NaiveDate,
        until: NaiveDate,
    },
    /// Decided or closed on `on`, after `used_days` of the clock out of
    /// `allowed_days` (term plus extensions).
    Concluded {
        on: NaiveDate,
        used_days: i64,
        allowed_days: u32,
    },
}

impl ClockStatus {
    /// The clock of `explanation` as of `today` (a Europe/Rome date).
    pub fn at(explanation: &Explanation, today: NaiveDate) -> Self {
        if let Some(on) = explanation.concluded_on {
            let elapsed = (on - explanation.submitted_on).num_days();
            return Self::Concluded {
                on,
                used_days: elapsed - i64::from(explanation.suspended_days()),
                allowed_days: explanation.term_days + explanation.extension_days(),
            };
        }
        let open_suspension =
            explanation
                .adjustments
                .iter()
                .rev()
                .find_map(|adjustment| match *adjustment {
                    Adjustment::DocumentsRequested {
                        from,
                        until: None,
                        reply_by,
                        ..
                    } if today < from + Days::new(DOCUMENTS_SUSPENSION_CAP.into()) => {
                        Some(Self::AwaitingDocuments {
                            since: from,
                            reply_by,
                        })
                    }
                    Adjustment::RejectionNotice { from, until, .. }
                        if (from..until).contains(&today) =>
                    {
                        let answer_by = from + Days::new(super::OBSERVATIONS_DAYS.into());
                        Some(Self::AwaitingObservations {
                            since: from,
                            answer_by,
                            until,
                        })
                    }
                    _ => None,
                });
        open_suspension.unwrap_or(Self::Running {
            due_on: explanation.due_on,
            days_left: (explanation.due_on - today).num_days(),
        })
    }

    /// Past the due date without a decision.
    pub fn is_overdue(&self) -> bool {
        matches!(self, Self::Running { days_left, .. } if *days_left < 0)
    }
}
