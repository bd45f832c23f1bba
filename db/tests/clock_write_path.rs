//! Random sequences of writes through the real write path (status events,
//! back-dated ones among them, at instants either side of midnight in Rome
//! and of its clock changes; term changes; patron-day changes) on SQLite and
//! PostgreSQL: after every write the stored due date equals both the
//! production rules' computation from a model of what was written and an
//! oracle written apart from them (`clock_oracle`). Named edge cases check
//! both against dates worked out by hand.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use pratiche_db::bodies::set_patron_day;
use pratiche_db::cases::{self, EventSource, NewCase, NewEvent};
use pratiche_db::clock::to_json;
use pratiche_db::entity::{
    body, case, procedure_state, procedure_transition, procedure_type, status_event,
};
use pratiche_db::procedure_types::{set_term, workflow_rules_of};
use pratiche_domain::clock::{ClockEvent, ClockInput, Extension, PatronDay, Term, compute};
use pratiche_domain::{CaseCode, PublicPhase};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use support::TestDatabase;

mod clock_oracle;
mod support;

/// When an event happened, relative to the latest one so far.
#[derive(Clone, Debug)]
enum Day {
    After(u64),
    /// Back-dated: inserted at its place in the history, never before the
    /// submission day.
    Before(u64),
    /// On the next Sunday the clocks change (spring or autumn).
    ClockChange {
        spring: bool,
    },
}

#[derive(Clone, Debug)]
enum Write {
    Event {
        day: Day,
        /// UTC time of day: noon, or late evening and past midnight, when the
        /// Rome date is another one.
        time: NaiveTime,
        phase: PublicPhase,
        extension: Option<u32>,
        observations_after: Option<u64>,
        reply_after: Option<u64>,
    },
    Term(u32),
    Patron(Option<(u32, u32)>),
}

fn any_day() -> impl Strategy<Value = Day> {
    prop_oneof![
        6 => (0u64..25).prop_map(Day::After),
        2 => (0u64..40).prop_map(Day::Before),
        1 => any::<bool>().prop_map(|spring| Day::ClockChange { spring }),
    ]
}

fn any_time() -> impl Strategy<Value = NaiveTime> {
    prop_oneof![
        Just(NaiveTime::from_hms_opt(12, 0, 0).unwrap()),
        (22u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap()),
        (0u32..2, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap()),
    ]
}

fn any_write() -> impl Strategy<Value = Write> {
    prop_oneof![
        4 => (
            any_day(),
            any_time(),
            proptest::sample::select(PublicPhase::ALL.to_vec()),
            proptest::option::weighted(0.2, 1u32..40),
            proptest::option::weighted(0.3, 0u64..15),
            proptest::option::weighted(0.3, 1u64..40),
        )
            .prop_map(|(day, time, phase, extension, observations_after, reply_after)| Write::Event {
                day,
                time,
                phase,
                extension,
                observations_after,
                reply_after,
            }),
        1 => (1u32..=90).prop_map(Write::Term),
        1 => proptest::option::of((1u32..=12, 1u32..=28)).prop_map(Write::Patron),
    ]
}

/// Submission days from 2026 to mid-2028: every due date stays inside the
/// oracle's tables (to 2030).
fn any_submission() -> impl Strategy<Value = NaiveDate> {
    (0u64..SUBMISSION_DAYS).prop_map(|days| first_submission() + Days::new(days))
}

const SUBMISSION_DAYS: u64 = 912;

fn first_submission() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// The last day a pratica may be submitted on, and the last a clock change
/// may take its events to: a jump to the next clock change moves a history
/// by up to seven months, and several of them would take it past the
/// oracle's tables.
fn last_submission() -> NaiveDate {
    first_submission() + Days::new(SUBMISSION_DAYS - 1)
}

/// What the test believes it wrote.
struct Model {
    submitted_on: NaiveDate,
    term_days: u32,
    patron: Option<(u32, u32)>,
    /// In history order: when each happened, and what the clock needs.
    events: Vec<(DateTime<Utc>, ClockEvent)>,
}

impl Model {
    fn clock_events(&self) -> Vec<ClockEvent> {
        self.events.iter().map(|(_, event)| event.clone()).collect()
    }
}

/// A body with a procedure type whose states cover every public phase, any
/// of them allowed after any other: the clock is what is under test.
struct Fixture {
    body_id: i32,
    procedure_type_id: i32,
    /// One state per public phase, in [`PublicPhase::ALL`] order.
    states: Vec<i32>,
}

async fn fixture(db: &DatabaseConnection) -> Fixture {
    let now = Utc::now();
    let body = body::ActiveModel {
        slug: Set(format!("prova-{}", rand::random::<u32>())),
        name: Set("Comune di Prova".into()),
        kind: Set("comune".into()),
        contact_office: Set("URP".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let procedure = procedure_type::ActiveModel {
        body_id: Set(body.id),
        name: Set("Prova".into()),
        term_days: Set(30),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let mut states = Vec::new();
    for (position, phase) in PublicPhase::ALL.into_iter().enumerate() {
        let state = procedure_state::ActiveModel {
            procedure_type_id: Set(procedure.id),
            name: Set(phase.as_str().into()),
            public_phase: Set(phase.into()),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        states.push(state.id);
    }
    for from in &states {
        for to in &states {
            procedure_transition::ActiveModel {
                procedure_type_id: Set(procedure.id),
                from_state_id: Set(*from),
                to_state_id: Set(*to),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
        }
    }
    Fixture {
        body_id: body.id,
        procedure_type_id: procedure.id,
        states,
    }
}

fn new_event(fixture: &Fixture, at: DateTime<Utc>, event: &ClockEvent) -> NewEvent {
    let state = PublicPhase::ALL
        .iter()
        .position(|phase| *phase == event.phase)
        .unwrap();
    NewEvent {
        state_id: fixture.states[state],
        public_note: None,
        internal_note: None,
        occurred_at: at,
        recorded_by: None,
        source: EventSource::Api,
        extension: event.extension.clone(),
        observations_on: event.observations_on,
        reply_by: event.reply_by,
        correction_reason: None,
    }
}

/// One pratica of the fixture, written through the write path.
struct Pratica<'a> {
    db: &'a DatabaseConnection,
    fixture: &'a Fixture,
    id: i32,
    model: Model,
}

impl<'a> Pratica<'a> {
    /// Registers a pratica submitted on `submitted_on`, at its first UTC
    /// instant: no generated event comes before it (the write path refuses
    /// those).
    async fn register(
        db: &'a DatabaseConnection,
        fixture: &'a Fixture,
        submitted_on: NaiveDate,
    ) -> Pratica<'a> {
        let at = submitted_on.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let first = ClockEvent {
            on: submitted_on,
            phase: PublicPhase::Submitted,
            extension: None,
            observations_on: None,
            reply_by: None,
        };
        let txn = pratiche_db::begin_write(db).await.unwrap();
        let new_case = NewCase {
            code: CaseCode::generate(),
            body_id: fixture.body_id,
            procedure_type_id: fixture.procedure_type_id,
            subject: "Prova".into(),
            own_reference: None,
            submitted_on,
            office_name: "Ufficio".into(),
            responsible_name: "Responsabile".into(),
            responsible_contact: "ufficio@example.it".into(),
        };
        let id = cases::register(&txn, new_case, new_event(fixture, at, &first), Utc::now())
            .await
            .unwrap()
            .id;
        txn.commit().await.unwrap();
        Pratica {
            db,
            fixture,
            id,
            model: Model {
                submitted_on,
                term_days: 30,
                patron: None,
                events: vec![(at, first)],
            },
        }
    }

    /// Records an event at `at`; its Rome date is the oracle's.
    async fn record(&mut self, at: DateTime<Utc>, phase: PublicPhase, details: Details) {
        let on = clock_oracle::rome_date(at);
        let event = ClockEvent {
            on,
            phase,
            extension: details.extension.map(|days| Extension {
                days,
                legal_basis: "L. 241/1990".into(),
            }),
            observations_on: details.observations_on,
            reply_by: details.reply_by,
        };
        let txn = pratiche_db::begin_write(self.db).await.unwrap();
        let workflow = workflow_rules_of(&txn, self.fixture.procedure_type_id)
            .await
            .unwrap();
        cases::record_event(
            &txn,
            &workflow,
            self.id,
            None,
            new_event(self.fixture, at, &event),
            Utc::now(),
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
        // After every event that happened at the same instant or before.
        let place = self.model.events.partition_point(|(when, _)| *when <= at);
        self.model.events.insert(place, (at, event));
    }

    async fn set_term(&mut self, days: u32) {
        let txn = pratiche_db::begin_write(self.db).await.unwrap();
        let term = Term::new(days.into(), None).unwrap();
        set_term(&txn, self.fixture.procedure_type_id, &term)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        self.model.term_days = days;
    }

    async fn set_patron(&mut self, patron: Option<(u32, u32)>) {
        let day = patron.map(|(month, day)| PatronDay::new(month, day).unwrap());
        let txn = pratiche_db::begin_write(self.db).await.unwrap();
        set_patron_day(&txn, self.fixture.body_id, day)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        self.model.patron = patron;
    }

    /// The stored due date, after checking the rest of what is stored
    /// against the production rules and the due date against the oracle.
    async fn checked_due_date(&self) -> Result<NaiveDate, TestCaseError> {
        let model = &self.model;
        let events = model.clock_events();
        let expected = compute(ClockInput {
            submitted_on: model.submitted_on,
            term_days: model.term_days,
            patron: model
                .patron
                .map(|(month, day)| PatronDay::new(month, day).unwrap()),
            events: &events,
        });
        let oracle =
            clock_oracle::due_date(model.submitted_on, model.term_days, model.patron, &events);
        let stored = case::Entity::find_by_id(self.id)
            .one(self.db)
            .await
            .unwrap()
            .unwrap();
        prop_assert_eq!(stored.due_date, Some(oracle), "the oracle disagrees");
        prop_assert_eq!(stored.due_explanation, Some(to_json(&expected)));
        let phase = events.last().unwrap().phase;
        prop_assert_eq!(*stored.current_phase, phase);
        prop_assert_eq!(stored.closed_at.is_some(), phase.is_final());
        // What the processing-time statistics read: the conclusion as the
        // stored clock counts it.
        prop_assert_eq!(stored.concluded_on, expected.concluded_on);
        prop_assert_eq!(
            stored.days_used,
            expected
                .days_used()
                .map(|days| i32::try_from(days).unwrap())
        );
        prop_assert_eq!(stored.concluded_in_time, expected.concluded_in_time());
        Ok(oracle)
    }
}

#[derive(Default)]
struct Details {
    extension: Option<u32>,
    observations_on: Option<NaiveDate>,
    reply_by: Option<NaiveDate>,
}

/// The next Sunday after `day` on which the clocks change.
fn next_clock_change(day: NaiveDate, spring: bool) -> NaiveDate {
    let mut sunday = day;
    loop {
        sunday = sunday.succ_opt().unwrap();
        let month = sunday.format("%m").to_string();
        let last_sunday = sunday.format("%u").to_string() == "7"
            && (sunday + Days::new(7)).format("%m").to_string() != month;
        if last_sunday && month == if spring { "03" } else { "10" } {
            return sunday;
        }
    }
}

async fn run(
    db: &DatabaseConnection,
    submitted_on: NaiveDate,
    writes: Vec<Write>,
) -> Result<(), TestCaseError> {
    let fixture = fixture(db).await;
    let mut pratica = Pratica::register(db, &fixture, submitted_on).await;
    pratica.checked_due_date().await?;
    for write in writes {
        match write {
            Write::Event {
                day,
                time,
                phase,
                extension,
                observations_after,
                reply_after,
            } => {
                let latest = pratica.model.events.last().unwrap().1.on;
                let on = match day {
                    Day::After(days) => latest + Days::new(days),
                    Day::Before(days) => (latest - Days::new(days)).max(submitted_on),
                    Day::ClockChange { spring } => Some(next_clock_change(latest, spring))
                        .filter(|change| *change <= last_submission())
                        .unwrap_or(latest),
                };
                let details = Details {
                    extension,
                    observations_on: observations_after.map(|days| on + Days::new(days)),
                    reply_by: reply_after.map(|days| on + Days::new(days)),
                };
                pratica
                    .record(on.and_time(time).and_utc(), phase, details)
                    .await;
            }
            Write::Term(days) => pratica.set_term(days).await,
            Write::Patron(patron) => pratica.set_patron(patron).await,
        }
        pratica.checked_due_date().await?;
    }
    Ok(())
}

/// Runs the property on a migrated database at `url`.
fn stored_due_dates_always_equal_the_oracle(url: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = runtime.block_on(async {
        let db = pratiche_db::connect(url).await.unwrap();
        pratiche_db::migrate(&db).await.unwrap();
        db
    });
    let mut runner = TestRunner::new(Config {
        cases: 32,
        ..Config::default()
    });
    let strategy = (
        any_submission(),
        proptest::collection::vec(any_write(), 1..12),
    );
    runner
        .run(&strategy, |(submitted_on, writes)| {
            runtime.block_on(run(&db, submitted_on, writes))
        })
        .unwrap();
}

#[test]
fn sqlite_stored_due_dates_always_equal_the_oracle() {
    let database = TestDatabase::sqlite();
    stored_due_dates_always_equal_the_oracle(database.url());
}

#[test]
fn postgres_stored_due_dates_always_equal_the_oracle() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(database) = runtime.block_on(TestDatabase::postgres("clock_oracle")) else {
        return;
    };
    stored_due_dates_always_equal_the_oracle(database.url());
    runtime.block_on(database.remove());
}

/// A history of clock changes from the last submission day stays inside
/// the oracle's tables (a generated case once jumped to 30 March 2031).
#[tokio::test]
async fn clock_changes_late_in_the_tables_stay_inside_them() {
    let database = TestDatabase::sqlite();
    let db = pratiche_db::connect(database.url()).await.unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    let clock_change = |spring| Write::Event {
        day: Day::ClockChange { spring },
        time: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        phase: PublicPhase::InReview,
        extension: None,
        observations_after: None,
        reply_after: None,
    };
    let writes = [true, false, true, false, true, false]
        .map(clock_change)
        .to_vec();
    run(&db, last_submission(), writes).await.unwrap();
}

/// An event of a named case: when (UTC), the phase, what it carries.
type Step = (&'static str, PublicPhase, Details);

/// A name, the submission day, the patron day, the events after the
/// submission, and the due date worked out by hand.
type NamedCase = (
    &'static str,
    &'static str,
    Option<(u32, u32)>,
    Vec<Step>,
    &'static str,
);

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn observed(on: &str) -> Details {
    Details {
        observations_on: Some(day(on)),
        ..Details::default()
    }
}

/// Edge cases with their due dates worked out by hand from the calendar
/// (term 30 days; submitted on Monday 2 March 2026 unless said otherwise, so
/// 1 April 2026 before any suspension).
fn named_cases() -> Vec<NamedCase> {
    use PublicPhase::{Approved, DocumentsRequested, InReview, RejectionNotice};
    let none = Details::default;
    vec![
        (
            "documents awaited 29 days: 1 April + 29",
            "2026-03-02",
            None,
            vec![
                ("2026-03-10T12:00:00Z", DocumentsRequested, none()),
                ("2026-04-08T12:00:00Z", InReview, none()),
            ],
            "2026-04-30",
        ),
        (
            "documents awaited exactly 30 days across the spring clock change: \
             1 May is a holiday",
            "2026-03-02",
            None,
            vec![
                // 00:30 in Rome on 10 March (UTC+1) and on 9 April (UTC+2).
                ("2026-03-09T23:30:00Z", DocumentsRequested, none()),
                ("2026-04-08T22:30:00Z", InReview, none()),
            ],
            "2026-05-02",
        ),
        (
            "documents awaited 31 days count 30",
            "2026-03-02",
            None,
            vec![
                ("2026-03-10T12:00:00Z", DocumentsRequested, none()),
                ("2026-04-10T12:00:00Z", InReview, none()),
            ],
            "2026-05-02",
        ),
        (
            "observations on day 10 suspend until 10 days after them",
            "2026-03-02",
            None,
            vec![
                ("2026-03-10T12:00:00Z", RejectionNotice, none()),
                ("2026-03-22T12:00:00Z", InReview, observed("2026-03-20")),
            ],
            "2026-04-21",
        ),
        (
            "observations on day 11 come too late: 10 days, to Saturday 11 April",
            "2026-03-02",
            None,
            vec![
                ("2026-03-10T12:00:00Z", RejectionNotice, none()),
                ("2026-03-22T12:00:00Z", InReview, observed("2026-03-21")),
            ],
            "2026-04-11",
        ),
        (
            "two preavvisi suspend 10 and 14 days: Liberation Day on a Saturday, \
             then a Sunday",
            "2026-03-02",
            None,
            vec![
                ("2026-03-10T12:00:00Z", RejectionNotice, none()),
                ("2026-03-25T12:00:00Z", InReview, none()),
                ("2026-04-01T12:00:00Z", RejectionNotice, none()),
                ("2026-04-15T12:00:00Z", InReview, observed("2026-04-05")),
            ],
            "2026-04-27",
        ),
        (
            "a decision while documents are awaited ends the suspension",
            "2026-03-02",
            None,
            vec![
                ("2026-03-10T12:00:00Z", DocumentsRequested, none()),
                ("2026-03-20T12:00:00Z", Approved, none()),
            ],
            "2026-04-11",
        ),
        (
            "a patron day on Saturday 4 April, then Easter Sunday and Monday",
            "2026-03-05",
            Some((4, 4)),
            vec![],
            "2026-04-07",
        ),
        (
            "the autumn clock change: 22:30 UTC is 00:30 on 25 October, then \
             23:30 on the same day",
            "2026-10-01",
            None,
            vec![
                ("2026-10-24T22:30:00Z", DocumentsRequested, none()),
                ("2026-10-25T22:30:00Z", InReview, none()),
            ],
            "2026-10-31",
        ),
        (
            "an extension of 15 days",
            "2026-03-02",
            None,
            vec![(
                "2026-03-05T12:00:00Z",
                InReview,
                Details {
                    extension: Some(15),
                    ..Details::default()
                },
            )],
            "2026-04-16",
        ),
    ]
}

async fn named_cases_meet_their_hand_worked_dates(url: &str) {
    let db = pratiche_db::connect(url).await.unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    for (name, submitted_on, patron, steps, expected) in named_cases() {
        let fixture = fixture(&db).await;
        let mut pratica = Pratica::register(&db, &fixture, day(submitted_on)).await;
        if patron.is_some() {
            pratica.set_patron(patron).await;
        }
        for (instant, phase, details) in steps {
            pratica.record(at(instant), phase, details).await;
        }
        let due = pratica
            .checked_due_date()
            .await
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(due, day(expected), "{name}");
    }
}

#[tokio::test]
async fn sqlite_named_cases_meet_their_hand_worked_dates() {
    let database = TestDatabase::sqlite();
    named_cases_meet_their_hand_worked_dates(database.url()).await;
}

#[tokio::test]
async fn postgres_named_cases_meet_their_hand_worked_dates() {
    let Some(database) = TestDatabase::postgres("clock_named").await else {
        return;
    };
    named_cases_meet_their_hand_worked_dates(database.url()).await;
    database.remove().await;
}

/// Day by day from 2026 to 2030, with and without a patron day, the
/// production calendar rests on the days the oracle's table does.
#[test]
fn every_day_off_from_2026_to_2030_is_in_the_table() {
    let patron = PatronDay::new(7, 15).unwrap();
    let mut on = day(clock_oracle::FIRST_DAY);
    while on <= day(clock_oracle::LAST_DAY) {
        assert_eq!(
            pratiche_domain::clock::day_off(on, None).is_some(),
            clock_oracle::is_day_off(on, None),
            "{on}"
        );
        assert_eq!(
            pratiche_domain::clock::day_off(on, Some(patron)).is_some(),
            clock_oracle::is_day_off(on, Some((7, 15))),
            "{on} with a patron day on 15 July"
        );
        on = on.succ_opt().unwrap();
    }
}

/// An event recorded by an instance whose clock runs ahead, then one that
/// happened at the same instant recorded by another: the second is filed
/// last, and stored last too, so the history read back is the one its
/// clock and current state were computed from.
async fn same_instant_events_are_stored_in_the_order_filed(url: &str) {
    use PublicPhase::*;
    let db = pratiche_db::connect(url).await.unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    let fixture = fixture(&db).await;
    let pratica = Pratica::register(&db, &fixture, day("2026-03-02")).await;
    let instant = at("2026-03-11T12:00:00Z");
    let clock_ahead = Utc::now() + chrono::Duration::hours(1);
    for (phase, now) in [(DocumentsRequested, clock_ahead), (InReview, Utc::now())] {
        let event = ClockEvent {
            on: day("2026-03-11"),
            phase,
            extension: None,
            observations_on: None,
            reply_by: None,
        };
        let txn = pratiche_db::begin_write(&db).await.unwrap();
        let workflow = workflow_rules_of(&txn, fixture.procedure_type_id)
            .await
            .unwrap();
        cases::record_event(
            &txn,
            &workflow,
            pratica.id,
            None,
            new_event(&fixture, instant, &event),
            now,
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
    }
    let stored: Vec<PublicPhase> = cases::history_order(
        status_event::Entity::find().filter(status_event::Column::CaseId.eq(pratica.id)),
    )
    .all(&db)
    .await
    .unwrap()
    .into_iter()
    .map(|event| *event.public_phase)
    .collect();
    assert_eq!(stored, [Submitted, DocumentsRequested, InReview]);
    let case = case::Entity::find_by_id(pratica.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(*case.current_phase, InReview);
}

#[tokio::test]
async fn sqlite_same_instant_events_are_stored_in_the_order_filed() {
    let database = TestDatabase::sqlite();
    same_instant_events_are_stored_in_the_order_filed(database.url()).await;
}

#[tokio::test]
async fn postgres_same_instant_events_are_stored_in_the_order_filed() {
    let Some(database) = TestDatabase::postgres("same_instant").await else {
        return;
    };
    same_instant_events_are_stored_in_the_order_filed(database.url()).await;
    database.remove().await;
}
