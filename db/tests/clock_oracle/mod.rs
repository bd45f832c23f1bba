//! An oracle for the legal clock written apart from `domain::clock`: the
//! non-working days of 2026–2030 as a hard-coded table, Rome dates from a
//! hard-coded table of clock changes, and suspensions counted one day at a
//! time. It shares no code with the production rules, so a mistake in those
//! (a holiday, an Easter, a summer time, an off-by-one) shows as a
//! disagreement instead of being repeated by the check.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pratiche_domain::PublicPhase;
use pratiche_domain::clock::ClockEvent;

/// Every national holiday of 2026–2030, Easter Mondays included, written
/// out from the calendar (San Francesco, 4 October, is a holiday again from
/// 2026).
const HOLIDAYS: [&str; 60] = [
    "2026-01-01",
    "2026-01-06",
    "2026-04-06",
    "2026-04-25",
    "2026-05-01",
    "2026-06-02",
    "2026-08-15",
    "2026-10-04",
    "2026-11-01",
    "2026-12-08",
    "2026-12-25",
    "2026-12-26",
    "2027-01-01",
    "2027-01-06",
    "2027-03-29",
    "2027-04-25",
    "2027-05-01",
    "2027-06-02",
    "2027-08-15",
    "2027-10-04",
    "2027-11-01",
    "2027-12-08",
    "2027-12-25",
    "2027-12-26",
    "2028-01-01",
    "2028-01-06",
    "2028-04-17",
    "2028-04-25",
    "2028-05-01",
    "2028-06-02",
    "2028-08-15",
    "2028-10-04",
    "2028-11-01",
    "2028-12-08",
    "2028-12-25",
    "2028-12-26",
    "2029-01-01",
    "2029-01-06",
    "2029-04-02",
    "2029-04-25",
    "2029-05-01",
    "2029-06-02",
    "2029-08-15",
    "2029-10-04",
    "2029-11-01",
    "2029-12-08",
    "2029-12-25",
    "2029-12-26",
    "2030-01-01",
    "2030-01-06",
    "2030-04-22",
    "2030-04-25",
    "2030-05-01",
    "2030-06-02",
    "2030-08-15",
    "2030-10-04",
    "2030-11-01",
    "2030-12-08",
    "2030-12-25",
    "2030-12-26",
];

/// The Sundays on which Italy's clocks go forward and back, 2026–2030: at
/// 01:00 UTC, from UTC+1 to UTC+2 and back.
const CLOCK_CHANGES: [(&str, &str); 5] = [
    ("2026-03-29", "2026-10-25"),
    ("2027-03-28", "2027-10-31"),
    ("2028-03-26", "2028-10-29"),
    ("2029-03-25", "2029-10-28"),
    ("2030-03-31", "2030-10-27"),
];

/// A Sunday: every seventh day from it is one.
const A_SUNDAY: &str = "2026-01-04";

/// The first and last day the tables cover.
pub const FIRST_DAY: &str = "2026-01-01";
pub const LAST_DAY: &str = "2030-12-31";

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date of the tables")
}

fn covered(day: NaiveDate) {
    assert!(
        (date(FIRST_DAY)..=date(LAST_DAY)).contains(&day),
        "{day} is outside the oracle's tables"
    );
}

/// Whether nothing is due on `day`: a Sunday, a national holiday, or the
/// patron saint's day (month, day) of the Comune.
pub fn is_day_off(day: NaiveDate, patron: Option<(u32, u32)>) -> bool {
    covered(day);
    let sunday = (day - date(A_SUNDAY)).num_days().rem_euclid(7) == 0;
    let holiday = HOLIDAYS.iter().any(|holiday| date(holiday) == day);
    let patron = patron.is_some_and(|(month, day_of_month)| {
        day.format("%m-%d").to_string() == format!("{month:02}-{day_of_month:02}")
    });
    sunday || holiday || patron
}

/// The date in Rome at `instant`.
pub fn rome_date(instant: DateTime<Utc>) -> NaiveDate {
    let day = instant.date_naive();
    covered(day);
    let (forward, back) = CLOCK_CHANGES
        .iter()
        .find(|(forward, _)| forward[..4] == day.format("%Y").to_string())
        .expect("a year of the table");
    let at_one = |sunday: &str| date(sunday).and_hms_opt(1, 0, 0).unwrap().and_utc();
    let summer = (at_one(forward)..at_one(back)).contains(&instant);
    (instant + Duration::hours(if summer { 2 } else { 1 })).date_naive()
}

/// Days after `from` up to and including `until`, one at a time.
fn days_from(from: NaiveDate, until: NaiveDate) -> u32 {
    let mut days = 0;
    let mut day = from;
    while day < until {
        day = day.succ_opt().unwrap();
        days += 1;
    }
    days
}

fn add_days(day: NaiveDate, days: u32) -> NaiveDate {
    (0..days).fold(day, |day, _| day.succ_opt().unwrap())
}

/// The due date of a pratica submitted on `submitted_on` with a term of
/// `term_days`, whose history (in order) is `events`:
/// - only the first request for documents suspends, from its day until the
///   next event that is not one, at most 30 days (30 while it is open);
/// - each preavviso di rigetto suspends from its day until 10 days after the
///   citizen's observations, when some event before the next preavviso
///   brings them within 10 days of it, else until 10 days after it; no
///   later than the decision, if there is one;
/// - extensions add their days;
/// - the result moves on past days off.
pub fn due_date(
    submitted_on: NaiveDate,
    term_days: u32,
    patron: Option<(u32, u32)>,
    events: &[ClockEvent],
) -> NaiveDate {
    use PublicPhase::{DocumentsRequested, RejectionNotice};
    let decided_on = events
        .last()
        .filter(|event| {
            matches!(
                event.phase,
                PublicPhase::Approved | PublicPhase::Rejected | PublicPhase::Closed
            )
        })
        .map(|event| event.on);
    // Whether the event at `index` enters its phase from another one.
    let enters = |index: usize| index == 0 || events[index - 1].phase != events[index].phase;
    let mut added = term_days;
    let mut documents_suspended = false;
    for (index, event) in events.iter().enumerate() {
        if enters(index) && event.phase == DocumentsRequested && !documents_suspended {
            documents_suspended = true;
            let answered = events[index..]
                .iter()
                .find(|later| later.phase != DocumentsRequested);
            added += match answered {
                Some(answered) => days_from(event.on, answered.on).min(30),
                None => 30,
            };
        }
        if enters(index) && event.phase == RejectionNotice {
            let deadline = add_days(event.on, 10);
            let next_notice = (index + 1..events.len())
                .find(|&later| enters(later) && events[later].phase == RejectionNotice)
                .unwrap_or(events.len());
            let observations = events[index..next_notice]
                .iter()
                .find_map(|later| later.observations_on)
                .filter(|observed| event.on <= *observed && *observed <= deadline);
            let mut until = observations.map_or(deadline, |observed| add_days(observed, 10));
            if let Some(decided_on) = decided_on {
                until = until.min(decided_on.max(event.on));
            }
            added += days_from(event.on, until);
        }
        added += event
            .extension
            .as_ref()
            .map_or(0, |extension| extension.days);
    }
    let mut due = add_days(submitted_on, added);
    while is_day_off(due, patron) {
        due = due.succ_opt().unwrap();
    }
    due
}

#[test]
fn the_tables_read_as_the_calendar_says() {
    // Easter Monday 2026 and a Liberation Day on a Saturday.
    assert!(is_day_off(date("2026-04-06"), None));
    assert!(is_day_off(date("2026-04-25"), None));
    assert!(!is_day_off(date("2026-04-24"), None));
    assert!(is_day_off(date("2026-12-06"), None), "a Sunday");
    assert!(is_day_off(date("2027-07-15"), Some((7, 15))));
    // Half past midnight in Rome, either side of both clock changes.
    let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
    assert_eq!(rome_date(at("2026-03-28T23:30:00Z")), date("2026-03-29"));
    assert_eq!(rome_date(at("2026-03-29T22:30:00Z")), date("2026-03-30"));
    assert_eq!(rome_date(at("2026-10-24T22:30:00Z")), date("2026-10-25"));
    assert_eq!(rome_date(at("2026-10-25T22:30:00Z")), date("2026-10-25"));
}
