//! A status event as the back office's form and the API submit it: checked
//! by [`check`] against the pratica's dates, then by [`fits_state`] against
//! the state it names; the workflow's refusals at write time become
//! problems too ([`transition_problem`]). Product rules: `docs/rules.md`,
//! "Status events".
//!
//! More than half of its length is its unit and property tests.

use std::ops::RangeInclusive;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;

use super::{Kind, Number, Problem, Problems};
use crate::PublicPhase;
use crate::clock::{Extension, rome_date};
use crate::personal_data::personal_data_in;
use crate::workflow::TransitionError;

/// Longest public note (shown to the citizen).
pub const PUBLIC_NOTE_MAX: usize = 2_000;
// A note, every character escaped, fits twice over in an App IO message:
// no note a clerk may write makes a message App IO would refuse (the
// messages that tell several events are shortened to fit, see
// `app/src/mail.rs`).
const _: () = assert!(4 * PUBLIC_NOTE_MAX <= *crate::notify::io::MARKDOWN_CHARS.end());
/// Longest internal note.
pub const INTERNAL_NOTE_MAX: usize = 4_000;
/// Longest reason of a correction.
pub const CORRECTION_REASON_MAX: usize = 500;
/// Longest legal basis of an extension.
pub const EXTENSION_BASIS_MAX: usize = 300;
/// The days an extension (proroga) may add.
pub const EXTENSION_DAYS: RangeInclusive<i64> = 1..=180;
/// How far ahead of ours the clock of a clerk's computer or of a body's
/// software may run: an event this little "in the future" is accepted.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// An event given by a past day alone happened at this Rome hour (the end of
/// office hours); one given by today alone happened now.
pub const DEFAULT_HOUR: u32 = 18;

/// The fields of a status event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    State,
    PublicNote,
    InternalNote,
    /// When it happened: the instant (API) or the day (form).
    OccurredAt,
    /// The form's time of day, when given apart from the day.
    OccurredTime,
    ReplyBy,
    ExtensionDays,
    ExtensionBasis,
    ObservationsOn,
    CorrectionReason,
}

pub type EventProblem = Problem<Field>;

/// When the event happened, as a surface gives it.
#[derive(Clone, Copy, Debug)]
pub enum When<'a> {
    /// An RFC 3339 instant with an offset.
    Instant(&'a str),
    /// A Rome day (`YYYY-MM-DD`) and, optionally, a time (`HH:MM`).
    RomeDay { date: &'a str, time: &'a str },
}

impl When<'_> {
    /// The instant the event happened, as [`check`] reads it; none when it
    /// cannot be read (what is wrong is [`check`]'s to say). The back office
    /// offers the states allowed at this instant.
    pub fn instant(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        occurred_at(&mut Problems::new(), self, now)
    }
}

/// A status event as submitted; an empty text is an absent field.
#[derive(Clone, Copy, Debug)]
pub struct EventInput<'a> {
    pub state: Number<'a>,
    pub public_note: &'a str,
    pub internal_note: &'a str,
    pub when: When<'a>,
    pub reply_by: &'a str,
    pub extension_days: Number<'a>,
    pub extension_basis: &'a str,
    pub observations_on: &'a str,
    /// `Some` (its reason) for a correction (rettifica), which may set any
    /// state; the reason is required and stays internal.
    pub correction_reason: Option<&'a str>,
    /// The author confirmed a public note that looks like it holds personal
    /// data.
    pub personal_data_confirmed: bool,
}

/// What the event is checked against.
#[derive(Clone, Copy, Debug)]
pub struct EventFacts {
    /// The pratica's submission day.
    pub submitted_on: NaiveDate,
    pub now: DateTime<Utc>,
}

/// A status event that passed every check that does not need its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidEvent {
    pub state_id: i32,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub reply_by: Option<NaiveDate>,
    pub extension: Option<Extension>,
    pub observations_on: Option<NaiveDate>,
    pub correction_reason: Option<String>,
}

/// Checks an event: its texts, when it happened (not before the
/// submission day, not after now beyond [`CLOCK_SKEW`]), the clock's
/// fields, and personal data in the public note unless confirmed.
pub fn check(input: &EventInput, facts: EventFacts) -> Result<ValidEvent, Vec<EventProblem>> {
    let mut problems = Problems::new();
    let public_note = problems.text(Field::PublicNote, input.public_note, PUBLIC_NOTE_MAX);
    let internal_note = problems.text(Field::InternalNote, input.internal_note, INTERNAL_NOTE_MAX);
    let correction_reason = input.correction_reason.and_then(|reason| {
        problems.required_text(Field::CorrectionReason, reason, CORRECTION_REASON_MAX)
    });
    let state_id = match input.state.read() {
        None => {
            problems.push(Field::State, Kind::Required);
            None
        }
        Some(number) => {
            let id = number.ok().and_then(|id| i32::try_from(id).ok());
            if id.is_none() {
                problems.push(Field::State, Kind::UnknownState);
            }
            id
        }
    };

    let occurred_at = occurred_at(&mut problems, input.when, facts.now);
    let occurred_on = occurred_at.map(rome_date);
    let occurred_at = occurred_at.filter(|instant| {
        if rome_date(*instant) < facts.submitted_on {
            problems.push(Field::OccurredAt, Kind::BeforeSubmission);
            false
        } else if *instant > facts.now + CLOCK_SKEW {
            problems.push(Field::OccurredAt, Kind::InFuture);
            false
        } else {
            true
        }
    });

    let reply_by = problems.date(Field::ReplyBy, input.reply_by);
    if reply_by
        .zip(occurred_on)
        .is_some_and(|(reply_by, on)| reply_by < on)
    {
        problems.push(Field::ReplyBy, Kind::BeforeEvent);
    }
    let observations_on = problems.date(Field::ObservationsOn, input.observations_on);
    if observations_on
        .is_some_and(|on| on < facts.submitted_on || occurred_on.is_some_and(|event| on > event))
    {
        problems.push(Field::ObservationsOn, Kind::OutOfRange);
    }

    let basis = problems.text(
        Field::ExtensionBasis,
        input.extension_basis,
        EXTENSION_BASIS_MAX,
    );
    let extension = match (input.extension_days.read(), basis) {
        (None, None) => None,
        (Some(Ok(days)), basis) if EXTENSION_DAYS.contains(&days) => match basis {
            Some(legal_basis) => Some(Extension {
                days: u32::try_from(days).expect("within EXTENSION_DAYS"),
                legal_basis,
            }),
            None => {
                problems.push(Field::ExtensionBasis, Kind::Required);
                None
            }
        },
        (None, Some(_)) => {
            problems.push(Field::ExtensionDays, Kind::Required);
            None
        }
        (Some(_), _) => {
            problems.push(Field::ExtensionDays, Kind::OutOfRange);
            None
        }
    };

    if !input.personal_data_confirmed {
        let found = personal_data_in(public_note.as_deref().unwrap_or(""));
        if !found.is_empty() {
            problems.push(Field::PublicNote, Kind::PersonalData(found));
        }
    }

    let valid = state_id
        .zip(occurred_at)
        .map(|(state_id, occurred_at)| ValidEvent {
            state_id,
            public_note,
            internal_note,
            occurred_at,
            reply_by,
            extension,
            observations_on,
            correction_reason,
        });
    problems.finish(valid)
}

/// When the event happened, or its problem.
fn occurred_at(
    problems: &mut Problems<Field>,
    when: When,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match when {
        When::Instant(text) => match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(instant) => Some(instant.with_timezone(&Utc)),
            Err(_) => {
                problems.push(Field::OccurredAt, Kind::InvalidInstant);
                None
            }
        },
        When::RomeDay { date, time } => {
            let date = problems.required_date(Field::OccurredAt, date)?;
            match time.trim() {
                "" if date == rome_date(now) => Some(now),
                "" => rome_instant(date, default_time()),
                typed => {
                    let instant = NaiveTime::parse_from_str(typed, "%H:%M")
                        .ok()
                        .and_then(|time| rome_instant(date, time));
                    if instant.is_none() {
                        problems.push(Field::OccurredTime, Kind::InvalidTime);
                    }
                    instant
                }
            }
        }
    }
}

fn default_time() -> NaiveTime {
    NaiveTime::from_hms_opt(DEFAULT_HOUR, 0, 0).expect("an hour of the day")
}

/// A Rome wall-clock time as an instant: the earlier one when the clocks go
/// back, none for an hour skipped when they go forward.
fn rome_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    Rome.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|instant| instant.with_timezone(&Utc))
}

/// Checks that need the state the event names: `phase` is the state's
/// public phase, none when it is not a state of the pratica's procedure
/// type. A reply-by date goes only with a request for documents.
pub fn fits_state(event: &ValidEvent, phase: Option<PublicPhase>) -> Result<(), EventProblem> {
    let problem = |field, kind| Err(Problem { field, kind });
    match phase {
        None => problem(Field::State, Kind::UnknownState),
        Some(phase) if event.reply_by.is_some() && phase != PublicPhase::DocumentsRequested => {
            problem(Field::ReplyBy, Kind::ReplyByNeedsRequest)
        }
        Some(_) => Ok(()),
    }
}

/// The workflow's refusal of a checked event, as the problem of its field.
pub fn transition_problem<S: std::fmt::Debug>(error: &TransitionError<S>) -> EventProblem {
    let (field, kind) = match error {
        TransitionError::NotAllowed { .. } => (Field::State, Kind::TransitionNotAllowed),
        TransitionError::BreaksLater { .. } => (Field::OccurredAt, Kind::BreaksLaterEvent),
        TransitionError::BeforeRegistration => (Field::OccurredAt, Kind::BeforeRegistration),
    };
    Problem { field, kind }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::personal_data::PersonalData;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Submitted on 2 November 2026; now is 27 November, 15:00 in Rome.
    fn facts() -> EventFacts {
        EventFacts {
            submitted_on: date(2026, 11, 2),
            now: Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap(),
        }
    }

    fn input() -> EventInput<'static> {
        EventInput {
            state: Number::Given(7),
            public_note: " Si chiede la relazione geologica. ",
            internal_note: "",
            when: When::RomeDay {
                date: "2026-11-20",
                time: "",
            },
            reply_by: "2026-12-10",
            extension_days: Number::Typed(""),
            extension_basis: "",
            observations_on: "",
            correction_reason: None,
            personal_data_confirmed: false,
        }
    }

    fn problems(input: EventInput) -> Vec<(Field, Kind)> {
        check(&input, facts())
            .unwrap_err()
            .into_iter()
            .map(|problem| (problem.field, problem.kind))
            .collect()
    }

    #[test]
    fn a_day_alone_is_the_end_of_office_hours_or_now_for_today() {
        let valid = check(&input(), facts()).unwrap();
        assert_eq!(
            valid.public_note.as_deref(),
            Some("Si chiede la relazione geologica.")
        );
        assert_eq!(
            valid.occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 20, 17, 0, 0).unwrap()
        );
        assert_eq!(valid.reply_by, Some(date(2026, 12, 10)));
        let today = EventInput {
            when: When::RomeDay {
                date: "2026-11-27",
                time: "",
            },
            ..input()
        };
        assert_eq!(check(&today, facts()).unwrap().occurred_at, facts().now);
        let with_time = EventInput {
            when: When::RomeDay {
                date: "2026-11-27",
                time: "09:30",
            },
            ..input()
        };
        assert_eq!(
            check(&with_time, facts()).unwrap().occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 27, 8, 30, 0).unwrap()
        );
        let instant = EventInput {
            when: When::Instant("2026-11-20T10:30:00+01:00"),
            ..input()
        };
        assert_eq!(
            check(&instant, facts()).unwrap().occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap()
        );
    }

    #[test]
    fn a_few_minutes_ahead_is_a_clock_running_fast_not_the_future() {
        let at = |time| EventInput {
            when: When::RomeDay {
                date: "2026-11-27",
                time,
            },
            ..input()
        };
        assert!(check(&at("15:05"), facts()).is_ok());
        assert_eq!(problems(at("15:06")), [(Field::OccurredAt, Kind::InFuture)]);
    }

    #[test]
    fn refuses_dates_outside_the_pratica() {
        let on = |date, time| EventInput {
            when: When::RomeDay { date, time },
            ..input()
        };
        assert_eq!(
            problems(on("2026-11-01", "")),
            [(Field::OccurredAt, Kind::BeforeSubmission)]
        );
        assert_eq!(
            problems(on("27/11/2026", "")),
            [(Field::OccurredAt, Kind::InvalidDate)]
        );
        assert_eq!(problems(on("", "")), [(Field::OccurredAt, Kind::Required)]);
        assert_eq!(
            problems(on("2026-11-20", "25:00")),
            [(Field::OccurredTime, Kind::InvalidTime)]
        );
        // 29 March 2026, 02:30 does not exist in Rome.
        assert_eq!(
            problems(EventInput {
                when: When::RomeDay {
                    date: "2026-03-29",
                    time: "02:30"
                },
                ..input()
            })
            .first(),
            Some(&(Field::OccurredTime, Kind::InvalidTime))
        );
        assert_eq!(
            problems(EventInput {
                when: When::Instant("2026-11-20T10:30:00"),
                ..input()
            }),
            [(Field::OccurredAt, Kind::InvalidInstant)]
        );
        assert_eq!(
            problems(EventInput {
                reply_by: "2026-11-19",
                ..input()
            }),
            [(Field::ReplyBy, Kind::BeforeEvent)]
        );
        assert_eq!(
            problems(EventInput {
                reply_by: "2026-1-5",
                ..input()
            }),
            [(Field::ReplyBy, Kind::InvalidDate)]
        );
    }

    #[test]
    fn checks_the_clock_fields() {
        let extension = |days, basis| EventInput {
            extension_days: days,
            extension_basis: basis,
            ..input()
        };
        assert_eq!(
            check(&extension(Number::Typed("30"), "L. 241/1990"), facts())
                .unwrap()
                .extension,
            Some(Extension {
                days: 30,
                legal_basis: "L. 241/1990".into()
            })
        );
        for days in [Number::Typed("181"), Number::Given(0), Number::Typed("x")] {
            assert_eq!(
                problems(extension(days, "L. 241/1990")),
                [(Field::ExtensionDays, Kind::OutOfRange)]
            );
        }
        assert_eq!(
            problems(extension(Number::Given(30), " ")),
            [(Field::ExtensionBasis, Kind::Required)]
        );
        assert_eq!(
            problems(extension(Number::Typed(""), "L. 241/1990")),
            [(Field::ExtensionDays, Kind::Required)]
        );
        assert_eq!(
            problems(EventInput {
                observations_on: "2026-11-21",
                ..input()
            }),
            [(Field::ObservationsOn, Kind::OutOfRange)]
        );
    }

    #[test]
    fn a_correction_needs_its_reason() {
        assert_eq!(
            problems(EventInput {
                correction_reason: Some("  "),
                ..input()
            }),
            [(Field::CorrectionReason, Kind::Required)]
        );
        let correction = EventInput {
            correction_reason: Some("Stato registrato per errore"),
            ..input()
        };
        assert_eq!(
            check(&correction, facts())
                .unwrap()
                .correction_reason
                .as_deref(),
            Some("Stato registrato per errore")
        );
    }

    #[test]
    fn checks_texts_and_the_state() {
        let long = "x".repeat(PUBLIC_NOTE_MAX + 1);
        assert_eq!(
            problems(EventInput {
                public_note: &long,
                internal_note: "a\u{7}b",
                state: Number::Typed("sette"),
                ..input()
            }),
            [
                (
                    Field::PublicNote,
                    Kind::TooLong {
                        max: PUBLIC_NOTE_MAX
                    }
                ),
                (Field::InternalNote, Kind::ControlCharacters),
                (Field::State, Kind::UnknownState),
            ]
        );
        assert_eq!(
            problems(EventInput {
                state: Number::Typed(" "),
                ..input()
            }),
            [(Field::State, Kind::Required)]
        );
        // Form posts send line breaks as CRLF: they are stored as \n.
        let crlf = EventInput {
            public_note: "Prima riga\r\nseconda riga",
            ..input()
        };
        assert_eq!(
            check(&crlf, facts()).unwrap().public_note.as_deref(),
            Some("Prima riga\nseconda riga")
        );
    }

    #[test]
    fn personal_data_needs_confirming() {
        let note = EventInput {
            public_note: "Scriva a mario.rossi@example.it",
            ..input()
        };
        assert_eq!(
            problems(note),
            [(
                Field::PublicNote,
                Kind::PersonalData(vec![PersonalData::Email])
            )]
        );
        let confirmed = EventInput {
            personal_data_confirmed: true,
            ..note
        };
        assert!(check(&confirmed, facts()).is_ok());
    }

    #[test]
    fn a_reply_by_date_needs_a_request_for_documents() {
        let valid = check(&input(), facts()).unwrap();
        assert!(fits_state(&valid, Some(PublicPhase::DocumentsRequested)).is_ok());
        assert_eq!(
            fits_state(&valid, Some(PublicPhase::InReview))
                .unwrap_err()
                .kind,
            Kind::ReplyByNeedsRequest
        );
        assert_eq!(fits_state(&valid, None).unwrap_err().field, Field::State);
    }

    proptest! {
        #[test]
        fn never_panics_whatever_is_typed_and_reads_the_time_once(
            state in "\\PC{0,12}",
            date in "\\PC{0,12}",
            time in "\\PC{0,6}",
            instant in "\\PC{0,30}",
            days in "\\PC{0,6}",
            given in any::<i64>(),
            note in "\\PC{0,60}",
            reason in proptest::option::of("\\PC{0,20}"),
        ) {
            for when in [When::RomeDay { date: &date, time: &time }, When::Instant(&instant)] {
                let input = EventInput {
                    state: Number::Typed(&state),
                    public_note: &note,
                    when,
                    reply_by: &date,
                    extension_days: Number::Typed(&days),
                    extension_basis: &note,
                    observations_on: &date,
                    correction_reason: reason.as_deref(),
                    ..input()
                };
                // `When::instant` reads the time as `check` does.
                match check(&input, facts()) {
                    Ok(valid) => prop_assert_eq!(when.instant(facts().now), Some(valid.occurred_at)),
                    Err(problems) if when.instant(facts().now).is_none() => prop_assert!(problems
                        .iter()
                        .any(|problem| matches!(problem.field, Field::OccurredAt | Field::OccurredTime))),
                    Err(_) => {}
                }
                let _ = check(&EventInput { extension_days: Number::Given(given), state: Number::Given(given), ..input }, facts());
            }
        }
    }
}
