//! The legal clock of Legge 241/1990 (docs/rules.md, Legal clock): when a procedure must end, and
//! how that date was reached. Pure: dates in, dates and their explanation out.
//!
//! The day of submission is not counted. Due date = submission + term +
//! suspended days + extension days, then moved past Sundays and holidays.

mod calendar;
mod status;
mod term;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Europe::Rome;
use serde::{Deserialize, Serialize};

use crate::PublicPhase;

pub use calendar::{DayOff, InvalidPatronDay, PatronDay, day_off, easter_sunday};
pub use status::ClockStatus;
pub use term::{DEFAULT_TERM_DAYS, TERM_MAX, TERM_WITHOUT_BASIS_MAX, Term, TermError};

/// A request for documents suspends for at most this many days (art. 2 c. 7).
pub const DOCUMENTS_SUSPENSION_CAP: u32 = 30;
/// Days the citizen has to answer a preavviso di rigetto, and days the clock
/// stays suspended after their observations (art. 10-bis).
pub const OBSERVATIONS_DAYS: u32 = 10;

/// An extension (proroga) recorded on a status event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub days: u32,
    pub legal_basis: String,
}

/// What the clock needs of one status event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockEvent {
    /// The Europe/Rome date the event happened.
    pub on: NaiveDate,
    pub phase: PublicPhase,
    pub extension: Option<Extension>,
    /// When the citizen's observations on a preavviso di rigetto arrived.
    pub observations_on: Option<NaiveDate>,
    /// For a request for documents: the reply-by date the body set.
    pub reply_by: Option<NaiveDate>,
}

/// Everything the due date depends on.
#[derive(Clone, Copy, Debug)]
pub struct ClockInput<'a> {
    pub submitted_on: NaiveDate,
    pub term_days: u32,
    pub patron: Option<PatronDay>,
    /// In the order they happened.
    pub events: &'a [ClockEvent],
}

/// One step of the computation, for the citizen's "how was this computed".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Adjustment {
    /// The first request for documents: suspends until the event that ends
    /// it, counting at most 30 days. `until` is empty while it is open, and
    /// the full 30 days are counted meanwhile.
    DocumentsRequested {
        from: NaiveDate,
        until: Option<NaiveDate>,
        reply_by: Option<NaiveDate>,
        counted_days: u32,
        /// The wait was longer than 30 days; 30 were counted.
        capped: bool,
    },
    /// A later request for documents: it suspends nothing.
    RepeatedDocumentsRequest { on: NaiveDate },
    /// A preavviso di rigetto: suspends until 10 days after the citizen's
    /// observations, or 10 days after the notice without them; a decision
    /// taken earlier ends it.
    RejectionNotice {
        from: NaiveDate,
        observations_on: Option<NaiveDate>,
        until: NaiveDate,
        counted_days: u32,
    },
    Extension {
        on: NaiveDate,
        days: u32,
        legal_basis: String,
    },
}

/// An effect of a new event on the clock that its author may not expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockWarning {
    /// A second request for documents: the clock is suspended only once.
    RepeatedDocumentsRequest,
}

/// A day the holiday shift stepped over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedDay {
    pub on: NaiveDate,
    pub reason: DayOff,
}

/// The due date with its explanation, as data: stored beside the pratica.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub submitted_on: NaiveDate,
    pub term_days: u32,
    pub adjustments: Vec<Adjustment>,
    /// Submission + term + suspensions + extensions, before the shift.
    pub unshifted_due_on: NaiveDate,
    pub skipped_days: Vec<SkippedDay>,
    pub due_on: NaiveDate,
    /// The date of the decision or closure, once the procedure is over.
    pub concluded_on: Option<NaiveDate>,
}

impl Explanation {
    pub fn suspended_days(&self) -> u32 {
        self.adjustments
            .iter()
            .map(|adjustment| match adjustment {
                Adjustment::DocumentsRequested { counted_days, .. }
                | Adjustment::RejectionNotice { counted_days, .. } => *counted_days,
                _ => 0,
            })
            .sum()
    }

    /// What the clerk recording an event on `on` should be told about its
    /// effect on the clock.
    pub fn warnings_for_event_on(&self, on: NaiveDate) -> Vec<ClockWarning> {
        self.adjustments
            .iter()
            .filter_map(|adjustment| match adjustment {
                Adjustment::RepeatedDocumentsRequest { on: requested } if *requested == on => {
                    Some(ClockWarning::RepeatedDocumentsRequest)
                }
                _ => None,
            })
            .collect()
    }

    /// The days the procedure actually took, as the clock counts them:
    /// from submission to conclusion, the suspensions not counted (the
    /// figure art. 2 c. 4-bis L. 241/1990 asks to publish against the
    /// term). `None` while it is open.
    pub fn days_used(&self) -> Option<u32> {
        let concluded_on = self.concluded_on?;
        let elapsed = days_between(self.submitted_on, concluded_on);
        Some(elapsed.saturating_sub(self.suspended_days()))
    }

    /// Whether it was concluded by its due date; `None` while it is open.
    pub fn concluded_in_time(&self) -> Option<bool> {
        Some(self.concluded_on? <= self.due_on)
    }

    pub fn extension_days(&self) -> u32 {
        self.adjustments
            .iter()
            .map(|adjustment| match adjustment {
                Adjustment::Extension { days, .. } => *days,
                _ => 0,
            })
            .sum()
    }
}

/// Computes the due date of a pratica and how it was reached.
pub fn compute(input: ClockInput<'_>) -> Explanation {
    let events = input.events;
    let concluded_on = events
        .last()
        .filter(|event| event.phase.is_final())
        .map(|event| event.on);
    let mut adjustments = Vec::new();
    let mut documents_requested_before = false;

    for (index, event) in events.iter().enumerate() {
        let starts_run = starts_run_of(events, index, event.phase);
        match event.phase {
            PublicPhase::DocumentsRequested if starts_run && documents_requested_before => {
                adjustments.push(Adjustment::RepeatedDocumentsRequest { on: event.on });
            }
            PublicPhase::DocumentsRequested if starts_run => {
                documents_requested_before = true;
                let until = events[index..]
                    .iter()
                    .find(|later| later.phase != PublicPhase::DocumentsRequested)
                    .map(|later| later.on);
                adjustments.push(documents_requested(event.on, until, event.reply_by));
            }
            PublicPhase::RejectionNotice if starts_run => {
                // Observations count when they arrive within the 10 days, on
                // any event before the next notice.
                let next_notice = (index + 1..events.len())
                    .find(|&later| starts_run_of(events, later, PublicPhase::RejectionNotice))
                    .unwrap_or(events.len());
                let observations_on = events[index..next_notice]
                    .iter()
                    .find_map(|later| later.observations_on);
                adjustments.push(rejection_notice(
                    event.on,
                    counted_observations(event.on, observations_on),
                    concluded_on,
                ));
            }
            _ => {}
        }
        adjustments.extend(extension_of(event));
    }
    explained(input, adjustments, concluded_on)
}

/// What [`compute`] gives for `input`'s history with `next` appended, worked
/// out from `previous`, the history's own explanation (as stored beside the
/// pratica), and the history's last event, the only one read of
/// `input.events` (so a caller may pass only that): a status event pushed on
/// a pratica with a long history costs the same as one on a new pratica.
/// `None` where `previous` does not tell enough and the history must be
/// computed whole: observations recorded after a preavviso that has none
/// counted yet (they count only if no event since the notice carried any),
/// an event that happened before the last, an empty history, or an
/// explanation of another submission or term than `input`'s.
pub fn resume(
    input: ClockInput<'_>,
    previous: &Explanation,
    next: &ClockEvent,
) -> Option<Explanation> {
    use PublicPhase::{DocumentsRequested, RejectionNotice};
    let last = input.events.last()?;
    if (previous.submitted_on, previous.term_days) != (input.submitted_on, input.term_days)
        || next.on < last.on
    {
        return None;
    }
    let starts = |phase| next.phase == phase && last.phase != phase;
    let last_notice_counts_observations =
        previous
            .adjustments
            .iter()
            .rev()
            .find_map(|adjustment| match adjustment {
                Adjustment::RejectionNotice {
                    observations_on, ..
                } => Some(observations_on.is_some()),
                _ => None,
            });
    if next.observations_on.is_some()
        && !starts(RejectionNotice)
        && last_notice_counts_observations == Some(false)
    {
        return None;
    }
    let concluded_on = next.phase.is_final().then_some(next.on);
    let mut documents_requested_before = false;
    let mut adjustments: Vec<Adjustment> = previous
        .adjustments
        .iter()
        .map(|adjustment| match *adjustment {
            Adjustment::DocumentsRequested {
                from,
                until,
                reply_by,
                ..
            } => {
                documents_requested_before = true;
                // Still open: the first event out of the request ends it.
                let until = until.or((next.phase != DocumentsRequested).then_some(next.on));
                documents_requested(from, until, reply_by)
            }
            // A decision ends a suspension for observations.
            Adjustment::RejectionNotice {
                from,
                observations_on,
                ..
            } => rejection_notice(from, observations_on, concluded_on),
            _ => adjustment.clone(),
        })
        .collect();
    if starts(DocumentsRequested) && documents_requested_before {
        adjustments.push(Adjustment::RepeatedDocumentsRequest { on: next.on });
    } else if starts(DocumentsRequested) {
        adjustments.push(documents_requested(next.on, None, next.reply_by));
    } else if starts(RejectionNotice) {
        let observations_on = counted_observations(next.on, next.observations_on);
        adjustments.push(rejection_notice(next.on, observations_on, concluded_on));
    }
    adjustments.extend(extension_of(next));
    Some(explained(input, adjustments, concluded_on))
}

/// The first request for documents, from `from` until the event that ends
/// it (`None` while open: the full 30 days are counted meanwhile).
fn documents_requested(
    from: NaiveDate,
    until: Option<NaiveDate>,
    reply_by: Option<NaiveDate>,
) -> Adjustment {
    let waited = until.map_or(DOCUMENTS_SUSPENSION_CAP, |until| days_between(from, until));
    Adjustment::DocumentsRequested {
        from,
        until,
        reply_by,
        counted_days: waited.min(DOCUMENTS_SUSPENSION_CAP),
        capped: waited > DOCUMENTS_SUSPENSION_CAP,
    }
}

/// The observations on a preavviso of `notice_on` that count: those that
/// arrived within the 10 days.
fn counted_observations(notice_on: NaiveDate, observed: Option<NaiveDate>) -> Option<NaiveDate> {
    let answer_by = notice_on + Days::new(OBSERVATIONS_DAYS.into());
    observed.filter(|observed| (notice_on..=answer_by).contains(observed))
}

/// A preavviso of `from`: suspended until 10 days after the counted
/// observations, or 10 days after the notice without them; a decision
/// taken earlier ends it.
fn rejection_notice(
    from: NaiveDate,
    observations_on: Option<NaiveDate>,
    concluded_on: Option<NaiveDate>,
) -> Adjustment {
    let restart = observations_on.unwrap_or(from) + Days::new(OBSERVATIONS_DAYS.into());
    let until = concluded_on.map_or(restart, |concluded| restart.min(concluded.max(from)));
    Adjustment::RejectionNotice {
        from,
        observations_on,
        until,
        counted_days: days_between(from, until),
    }
}

fn extension_of(event: &ClockEvent) -> Option<Adjustment> {
    event
        .extension
        .as_ref()
        .map(|extension| Adjustment::Extension {
            on: event.on,
            days: extension.days,
            legal_basis: extension.legal_basis.clone(),
        })
}

/// The explanation with these adjustments: submission + term + suspensions
/// + extensions, moved past Sundays and holidays.
fn explained(
    input: ClockInput<'_>,
    adjustments: Vec<Adjustment>,
    concluded_on: Option<NaiveDate>,
) -> Explanation {
    let mut explanation = Explanation {
        submitted_on: input.submitted_on,
        term_days: input.term_days,
        adjustments,
        unshifted_due_on: input.submitted_on,
        skipped_days: Vec::new(),
        due_on: input.submitted_on,
        concluded_on,
    };
    let total_days = input.term_days + explanation.suspended_days() + explanation.extension_days();
    explanation.unshifted_due_on = input.submitted_on + Days::new(total_days.into());
    let mut due_on = explanation.unshifted_due_on;
    while let Some(reason) = day_off(due_on, input.patron) {
        explanation
            .skipped_days
            .push(SkippedDay { on: due_on, reason });
        due_on = due_on + Days::new(1);
    }
    explanation.due_on = due_on;
    explanation
}

/// Whether `events[index]` enters `phase` (the one before was elsewhere).
fn starts_run_of(events: &[ClockEvent], index: usize, phase: PublicPhase) -> bool {
    events[index].phase == phase && (index == 0 || events[index - 1].phase != phase)
}

/// Calendar days from `from` to `until`, 0 if `until` comes first.
fn days_between(from: NaiveDate, until: NaiveDate) -> u32 {
    u32::try_from((until - from).num_days()).unwrap_or(0)
}

/// The Europe/Rome calendar date of an instant: the clock counts these, and
/// "today" everywhere in Pratiche is one of them.
pub fn rome_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Rome).date_naive()
}

/// The first instant of `day` in Rome (midnight exists every day there:
/// Italy changes its clocks at 02:00 and 03:00).
pub fn rome_day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(Rome)
        .earliest()
        .map_or_else(
            || day.and_time(chrono::NaiveTime::MIN).and_utc(),
            |start| start.with_timezone(&Utc),
        )
}

/// The last second of `day` in Rome.
pub fn rome_day_end(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt()
        .map_or_else(|| rome_day_start(day), rome_day_start)
        - chrono::Duration::seconds(1)
}

#[cfg(test)]
mod day_bounds_tests {
    use super::*;

    #[test]
    fn a_rome_day_starts_at_its_midnight_in_winter_and_summer() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(
            rome_day_start(day(12, 3)).to_rfc3339(),
            "2026-12-02T23:00:00+00:00"
        );
        assert_eq!(
            rome_day_start(day(7, 1)).to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        assert_eq!(
            rome_day_end(day(12, 3)).to_rfc3339(),
            "2026-12-03T22:59:59+00:00"
        );
        // The day the clocks go forward is 23 hours long.
        assert_eq!(
            rome_day_end(day(3, 29)).to_rfc3339(),
            "2026-03-29T21:59:59+00:00"
        );
    }
}

#[cfg(test)]
mod tests;
