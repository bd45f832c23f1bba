//! Real calendar cases, and properties of the computation.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;
use crate::PublicPhase::{self, *};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn event(on: NaiveDate, phase: PublicPhase) -> ClockEvent {
    ClockEvent {
        on,
        phase,
        extension: None,
        observations_on: None,
        reply_by: None,
    }
}

fn due(submitted_on: NaiveDate, term_days: u32, events: &[ClockEvent]) -> Explanation {
    compute(ClockInput {
        submitted_on,
        term_days,
        patron: None,
        events,
    })
}

fn holiday(name: &str) -> DayOff {
    DayOff::Holiday {
        name: name.to_owned(),
    }
}

#[test]
fn a_due_date_on_easter_monday_moves_to_tuesday() {
    let explanation = due(date(2027, 2, 27), 30, &[]);
    assert_eq!(explanation.unshifted_due_on, date(2027, 3, 29));
    assert_eq!(explanation.due_on, date(2027, 3, 30));
    assert_eq!(
        explanation.skipped_days,
        [SkippedDay {
            on: date(2027, 3, 29),
            reason: holiday("Lunedì dell'Angelo")
        }]
    );
}

#[test]
fn the_25th_of_april_on_a_sunday_moves_to_monday() {
    let explanation = due(date(2027, 3, 26), 30, &[]);
    assert_eq!(explanation.due_on, date(2027, 4, 26));
    assert_eq!(explanation.skipped_days[0].reason, DayOff::Sunday);
}

#[test]
fn the_4th_of_october_is_a_holiday_again_from_2026() {
    assert_eq!(due(date(2027, 9, 4), 30, &[]).due_on, date(2027, 10, 5));
    assert_eq!(
        due(date(2027, 9, 4), 30, &[]).skipped_days[0].reason,
        holiday("San Francesco d'Assisi")
    );
}

#[test]
fn the_patron_saint_day_of_the_comune_is_skipped() {
    let patron = PatronDay::new(6, 24).unwrap();
    let input = ClockInput {
        submitted_on: date(2027, 5, 25),
        term_days: 30,
        patron: Some(patron),
        events: &[],
    };
    let explanation = compute(input);
    assert_eq!(explanation.due_on, date(2027, 6, 25));
    assert_eq!(explanation.skipped_days[0].reason, DayOff::PatronSaint);
    assert_eq!(due(date(2027, 5, 25), 30, &[]).due_on, date(2027, 6, 24));
}

#[test]
fn counting_crosses_the_year_end() {
    // 7 December 2026 + 30 = 6 January 2027, Epiphany.
    let explanation = due(date(2026, 12, 7), 30, &[]);
    assert_eq!(explanation.unshifted_due_on, date(2027, 1, 6));
    assert_eq!(explanation.due_on, date(2027, 1, 7));
    // Santo Stefano on a Saturday, then a Sunday: two days skipped.
    let explanation = due(date(2026, 11, 26), 30, &[]);
    assert_eq!(explanation.due_on, date(2026, 12, 28));
    assert_eq!(explanation.skipped_days.len(), 2);
}

#[test]
fn a_suspension_spanning_holidays_counts_calendar_days() {
    let events = [
        event(date(2026, 12, 1), Submitted),
        event(date(2026, 12, 20), DocumentsRequested),
        event(date(2026, 12, 30), InReview),
    ];
    let explanation = due(date(2026, 12, 1), 30, &events);
    assert_eq!(explanation.suspended_days(), 10);
    // 1 December + 40 = 10 January 2027, a Sunday.
    assert_eq!(explanation.due_on, date(2027, 1, 11));
}

#[test]
fn a_request_for_documents_counts_at_most_30_days() {
    let events = [
        event(date(2026, 3, 2), Submitted),
        event(date(2026, 3, 10), DocumentsRequested),
        event(date(2026, 4, 25), InReview),
    ];
    let explanation = due(date(2026, 3, 2), 30, &events);
    assert_eq!(
        explanation.adjustments,
        [Adjustment::DocumentsRequested {
            from: date(2026, 3, 10),
            until: Some(date(2026, 4, 25)),
            reply_by: None,
            counted_days: 30,
            capped: true,
        }]
    );
    // 2 March + 60 = 1 May, Labour Day.
    assert_eq!(explanation.due_on, date(2026, 5, 2));
}

#[test]
fn a_second_request_for_documents_suspends_nothing() {
    let events = [
        event(date(2026, 3, 2), Submitted),
        event(date(2026, 3, 10), DocumentsRequested),
        event(date(2026, 3, 15), InReview),
        event(date(2026, 3, 20), DocumentsRequested),
        event(date(2026, 4, 1), InReview),
    ];
    let explanation = due(date(2026, 3, 2), 30, &events);
    assert_eq!(explanation.suspended_days(), 5);
    assert!(
        explanation
            .adjustments
            .contains(&Adjustment::RepeatedDocumentsRequest {
                on: date(2026, 3, 20)
            })
    );
    // 2 March + 35 = 6 April 2026, Easter Monday.
    assert_eq!(explanation.due_on, date(2026, 4, 7));
    assert_eq!(
        explanation.warnings_for_event_on(date(2026, 3, 20)),
        [ClockWarning::RepeatedDocumentsRequest]
    );
    assert_eq!(explanation.warnings_for_event_on(date(2026, 3, 10)), []);
}

#[test]
fn an_open_request_counts_the_full_30_days_meanwhile() {
    let mut request = event(date(2026, 3, 10), DocumentsRequested);
    request.reply_by = Some(date(2026, 3, 25));
    let explanation = due(
        date(2026, 3, 2),
        30,
        &[event(date(2026, 3, 2), Submitted), request],
    );
    assert_eq!(explanation.suspended_days(), 30);
    assert_eq!(
        ClockStatus::at(&explanation, date(2026, 3, 12)),
        ClockStatus::AwaitingDocuments {
            since: date(2026, 3, 10),
            reply_by: Some(date(2026, 3, 25))
        }
    );
    // Past the 30 days the clock runs again, waiting or not.
    assert!(matches!(
        ClockStatus::at(&explanation, date(2026, 4, 9)),
        ClockStatus::Running { .. }
    ));
}

#[test]
fn a_preavviso_with_observations_suspends_until_10_days_after_them() {
    let mut observations = event(date(2026, 9, 25), RejectionNotice);
    observations.observations_on = Some(date(2026, 9, 25));
    let events = [
        event(date(2026, 9, 1), Submitted),
        event(date(2026, 9, 20), RejectionNotice),
        observations,
        event(date(2026, 10, 20), InReview),
    ];
    let explanation = due(date(2026, 9, 1), 30, &events);
    assert_eq!(
        explanation.adjustments,
        [Adjustment::RejectionNotice {
            from: date(2026, 9, 20),
            observations_on: Some(date(2026, 9, 25)),
            until: date(2026, 10, 5),
            counted_days: 15,
        }]
    );
    assert_eq!(explanation.due_on, date(2026, 10, 16));
}

#[test]
fn a_preavviso_without_observations_suspends_10_days_however_long_the_phase_lasts() {
    let events = [
        event(date(2026, 9, 1), Submitted),
        event(date(2026, 9, 20), RejectionNotice),
        event(date(2026, 10, 15), InReview),
    ];
    let explanation = due(date(2026, 9, 1), 30, &events);
    assert_eq!(explanation.suspended_days(), 10);
    // 1 September + 40 = 11 October 2026, a Sunday.
    assert_eq!(explanation.due_on, date(2026, 10, 12));
    assert_eq!(
        ClockStatus::at(&explanation, date(2026, 9, 22)),
        ClockStatus::AwaitingObservations {
            since: date(2026, 9, 20),
            answer_by: date(2026, 9, 30),
            until: date(2026, 9, 30)
        }
    );
    // Late observations change nothing.
    let mut late = event(date(2026, 10, 15), InReview);
    late.observations_on = Some(date(2026, 10, 2));
    let events = [
        event(date(2026, 9, 1), Submitted),
        event(date(2026, 9, 20), RejectionNotice),
        late,
    ];
    assert_eq!(due(date(2026, 9, 1), 30, &events).suspended_days(), 10);
}

#[test]
fn a_decision_during_the_preavviso_ends_its_suspension() {
    let events = [
        event(date(2026, 9, 1), Submitted),
        event(date(2026, 9, 20), RejectionNotice),
        event(date(2026, 9, 23), Rejected),
    ];
    let explanation = due(date(2026, 9, 1), 30, &events);
    assert_eq!(explanation.suspended_days(), 3);
    assert_eq!(explanation.concluded_on, Some(date(2026, 9, 23)));
    assert_eq!(
        ClockStatus::at(&explanation, date(2026, 11, 1)),
        ClockStatus::Concluded {
            on: date(2026, 9, 23),
            used_days: 19,
            allowed_days: 30
        }
    );
}

#[test]
fn extensions_add_their_days() {
    let mut extended = event(date(2026, 2, 10), InReview);
    extended.extension = Some(Extension {
        days: 15,
        legal_basis: "art. 2 c. 7".into(),
    });
    let explanation = due(
        date(2026, 2, 2),
        30,
        &[event(date(2026, 2, 2), Submitted), extended],
    );
    assert_eq!(explanation.extension_days(), 15);
    assert_eq!(explanation.unshifted_due_on, date(2026, 3, 19));
}

#[test]
fn days_left_count_down_to_the_due_date() {
    let explanation = due(
        date(2027, 2, 10),
        30,
        &[event(date(2027, 2, 10), Submitted)],
    );
    assert_eq!(explanation.due_on, date(2027, 3, 12));
    let status = |today| ClockStatus::at(&explanation, today);
    assert_eq!(
        status(date(2027, 2, 26)),
        ClockStatus::Running {
            due_on: date(2027, 3, 12),
            days_left: 14
        }
    );
    assert_eq!(
        status(date(2027, 3, 12)),
        ClockStatus::Running {
            due_on: date(2027, 3, 12),
            days_left: 0
        }
    );
    assert!(status(date(2027, 3, 15)).is_overdue());
    assert!(!status(date(2027, 3, 12)).is_overdue());
}

#[test]
fn the_explanation_survives_storage_as_json() {
    let mut request = event(date(2026, 3, 10), DocumentsRequested);
    request.extension = Some(Extension {
        days: 5,
        legal_basis: "x".into(),
    });
    let explanation = due(
        date(2026, 3, 2),
        30,
        &[request, event(date(2026, 3, 12), InReview)],
    );
    let stored = serde_json::to_string(&explanation).unwrap();
    assert_eq!(
        serde_json::from_str::<Explanation>(&stored).unwrap(),
        explanation
    );
}

fn any_phase() -> impl Strategy<Value = PublicPhase> {
    proptest::sample::select(PublicPhase::ALL.to_vec())
}

/// A submission date and a history of events after it.
fn any_history() -> impl Strategy<Value = (NaiveDate, u32, Vec<ClockEvent>)> {
    let step = (
        0u64..20,
        any_phase(),
        proptest::option::of(0u32..40),
        proptest::option::of(0u64..15),
        proptest::option::of(0u64..40),
    );
    (
        0u64..5000,
        1u32..=180,
        proptest::collection::vec(step, 0..8),
    )
        .prop_map(|(offset, term, steps)| {
            let submitted_on = date(2020, 1, 1) + Days::new(offset);
            let mut on = submitted_on;
            let events = steps
                .into_iter()
                .map(|(gap, phase, extension, observations, reply_after)| {
                    on = on + Days::new(gap);
                    ClockEvent {
                        on,
                        phase,
                        extension: extension.map(|days| Extension {
                            days,
                            legal_basis: "L. 241/1990".into(),
                        }),
                        observations_on: observations.map(|days| on + Days::new(days)),
                        reply_by: reply_after.map(|days| on + Days::new(days)),
                    }
                })
                .collect();
            (submitted_on, term, events)
        })
}

#[test]
fn days_used_leave_out_the_suspension_and_count_only_once_concluded() {
    let submitted_on = date(2026, 3, 2);
    let mut history = vec![
        event(submitted_on, Submitted),
        event(date(2026, 3, 12), DocumentsRequested),
        event(date(2026, 3, 22), InReview),
    ];
    let open = due(submitted_on, 30, &history);
    assert_eq!((open.days_used(), open.concluded_in_time()), (None, None));
    history.push(event(date(2026, 4, 11), Approved));
    let concluded = due(submitted_on, 30, &history);
    // 40 days from submission to decision, 10 of them suspended.
    assert_eq!(concluded.days_used(), Some(30));
    assert_eq!(concluded.concluded_in_time(), Some(true));
    history.push(event(date(2026, 4, 20), Approved));
    let late = due(submitted_on, 30, &history);
    assert_eq!(late.days_used(), Some(39));
    assert_eq!(late.concluded_in_time(), Some(false));
}

/// The explanation resumed after `history` with `next`, where it can be,
/// given only the history's explanation and its last event (as the write
/// path does).
fn resumed(
    submitted_on: NaiveDate,
    term_days: u32,
    patron: Option<PatronDay>,
    history: &[ClockEvent],
    next: &ClockEvent,
) -> Option<Explanation> {
    let whole = ClockInput {
        submitted_on,
        term_days,
        patron,
        events: history,
    };
    let last_only = ClockInput {
        events: &history[history.len().saturating_sub(1)..],
        ..whole
    };
    resume(last_only, &compute(whole), next)
}

#[test]
fn late_observations_recorded_first_keep_later_ones_from_counting() {
    let notice_on = date(2026, 3, 2);
    let mut late = event(date(2026, 3, 3), InReview);
    late.observations_on = Some(date(2026, 3, 20));
    let history = [event(notice_on, RejectionNotice), late];
    let mut in_time = event(date(2026, 3, 4), InReview);
    in_time.observations_on = Some(date(2026, 3, 5));
    let whole = due(
        notice_on,
        30,
        &[history[0].clone(), history[1].clone(), in_time.clone()],
    );
    assert!(matches!(
        whole.adjustments[..],
        [Adjustment::RejectionNotice {
            observations_on: None,
            ..
        }]
    ));
    // The stored explanation cannot tell these late observations from none.
    assert_eq!(resumed(notice_on, 30, None, &history, &in_time), None);
}

#[test]
fn an_event_before_the_last_or_another_term_is_computed_whole() {
    let submitted_on = date(2026, 3, 2);
    let history = [event(date(2026, 3, 10), InReview)];
    let earlier = event(date(2026, 3, 9), DocumentsRequested);
    assert_eq!(resumed(submitted_on, 30, None, &history, &earlier), None);
    let explanation = due(submitted_on, 30, &history);
    let longer_term = ClockInput {
        submitted_on,
        term_days: 60,
        patron: None,
        events: &history,
    };
    let next = event(date(2026, 3, 11), Approved);
    assert_eq!(resume(longer_term, &explanation, &next), None);
}

proptest! {
    #[test]
    fn resuming_after_the_last_event_gives_what_the_whole_history_gives(
        (submitted_on, term, events) in any_history().prop_filter("two events", |history| history.2.len() >= 2),
        patron in proptest::option::of((1u32..=12, 1u32..=28)),
    ) {
        let patron = patron.map(|(month, day)| PatronDay::new(month, day).unwrap());
        let (next, history) = events.split_last().unwrap();
        let whole = compute(ClockInput { submitted_on, term_days: term, patron, events: &events });
        match resumed(submitted_on, term, patron, history, next) {
            Some(resumed) => prop_assert_eq!(resumed, whole),
            // Only observations after a notice send a pushed event to the
            // whole history.
            None => prop_assert!(next.observations_on.is_some()),
        }
    }

    #[test]
    fn days_used_never_exceed_the_days_elapsed(
        (submitted_on, term, events) in any_history(),
    ) {
        let explanation = due(submitted_on, term, &events);
        if let Some(used) = explanation.days_used() {
            let concluded_on = explanation.concluded_on.unwrap();
            let elapsed = u32::try_from((concluded_on - submitted_on).num_days()).unwrap_or(0);
            prop_assert!(used <= elapsed);
            if explanation.suspended_days() == 0 {
                prop_assert_eq!(used, elapsed);
            }
            // In time means within the term, its extensions and the suspensions.
            if explanation.concluded_in_time() == Some(true) {
                let allowed = term + explanation.extension_days() + explanation.suspended_days()
                    + u32::try_from(explanation.skipped_days.len()).unwrap();
                prop_assert!(elapsed <= allowed);
            }
        }
    }

    #[test]
    fn never_before_submission_plus_term((submitted_on, term, events) in any_history()) {
        let explanation = due(submitted_on, term, &events);
        prop_assert!(explanation.due_on >= submitted_on + Days::new(term.into()));
    }

    #[test]
    fn never_on_a_sunday_or_holiday(
        (submitted_on, term, events) in any_history(),
        patron in (1u32..=12, 1u32..=28),
    ) {
        let patron = PatronDay::new(patron.0, patron.1).unwrap();
        let explanation = compute(ClockInput { submitted_on, term_days: term, patron: Some(patron), events: &events });
        prop_assert_ne!(explanation.due_on.weekday(), Weekday::Sun);
        prop_assert_eq!(day_off(explanation.due_on, Some(patron)), None);
    }

    #[test]
    fn a_first_request_of_n_days_moves_the_date_by_n(
        offset in 0u64..5000,
        term in 1u32..=180,
        asked_after in 0u64..60,
        waited in 0u64..=30,
    ) {
        let submitted_on = date(2020, 1, 1) + Days::new(offset);
        let asked_on = submitted_on + Days::new(asked_after);
        let before = due(submitted_on, term, &[event(submitted_on, Submitted)]);
        let after = due(submitted_on, term, &[
            event(submitted_on, Submitted),
            event(asked_on, DocumentsRequested),
            event(asked_on + Days::new(waited), InReview),
        ]);
        prop_assert_eq!(after.unshifted_due_on, before.unshifted_due_on + Days::new(waited));
    }
}
