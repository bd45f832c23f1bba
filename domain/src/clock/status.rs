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

    /// The next date that matters to the citizen, for a calendar reminder
    /// (App IO's `due_date`): the reply-by date while documents are awaited,
    /// the last day for observations after a preavviso, the due date while
    /// the clock runs; none once it has passed or the pratica is decided.
    pub fn next_date(&self) -> Option<NaiveDate> {
        match *self {
            Self::Running { due_on, days_left } => (days_left >= 0).then_some(due_on),
            Self::AwaitingDocuments { reply_by, .. } => reply_by,
            Self::AwaitingObservations { answer_by, .. } => Some(answer_by),
            Self::Concluded { .. } => None,
        }
    }
}

#[cfg(test)]
mod next_date_tests {
    use super::*;

    #[test]
    fn the_date_the_citizen_acts_or_waits_by() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let running = |days_left| ClockStatus::Running {
            due_on: day(20),
            days_left,
        };
        assert_eq!(running(0).next_date(), Some(day(20)));
        assert_eq!(running(-1).next_date(), None);
        let awaiting = |reply_by| ClockStatus::AwaitingDocuments {
            since: day(1),
            reply_by,
        };
        assert_eq!(awaiting(Some(day(15))).next_date(), Some(day(15)));
        assert_eq!(awaiting(None).next_date(), None);
        let observations = ClockStatus::AwaitingObservations {
            since: day(1),
            answer_by: day(11),
            until: day(11),
        };
        assert_eq!(observations.next_date(), Some(day(11)));
        let decided = ClockStatus::Concluded {
            on: day(3),
            used_days: 10,
            allowed_days: 30,
        };
        assert_eq!(decided.next_date(), None);
    }
}
