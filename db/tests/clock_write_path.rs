//! Random sequences of writes through the real write path (status events,
//! term changes, patron-day changes) on a real SQLite database: after every
//! write the stored due date and explanation equal a fresh computation from
//! an independent model of what was written.

use chrono::{Days, NaiveDate, Utc};
use pratiche_db::bodies::set_patron_day;
use pratiche_db::cases::{self, EventSource, NewCase, NewEvent};
use pratiche_db::clock::to_json;
use pratiche_db::entity::{body, case, procedure_state, procedure_transition, procedure_type};
use pratiche_db::procedure_types::set_term;
use pratiche_domain::clock::{ClockEvent, ClockInput, Extension, PatronDay, Term, compute};
use pratiche_domain::{CaseCode, PublicPhase};
use proptest::prelude::*;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

#[derive(Clone, Debug)]
enum Write {
    Event {
        gap_days: u64,
        phase: PublicPhase,
        extension: Option<u32>,
        observations_after: Option<u64>,
        reply_after: Option<u64>,
    },
    Term(u32),
    Patron(Option<(u32, u32)>),
}

fn any_write() -> impl Strategy<Value = Write> {
    prop_oneof![
        4 => (
            0u64..25,
            proptest::sample::select(PublicPhase::ALL.to_vec()),
            proptest::option::weighted(0.2, 1u32..40),
            proptest::option::weighted(0.3, 0u64..15),
            proptest::option::weighted(0.3, 1u64..40),
        )
            .prop_map(|(gap_days, phase, extension, observations_after, reply_after)| Write::Event {
                gap_days,
                phase,
                extension,
                observations_after,
                reply_after,
            }),
        1 => (1u32..=90).prop_map(Write::Term),
        1 => proptest::option::of((1u32..=12, 1u32..=28)).prop_map(Write::Patron),
    ]
}

/// What the test believes it wrote.
struct Model {
    submitted_on: NaiveDate,
    term_days: u32,
    patron: Option<PatronDay>,
    events: Vec<ClockEvent>,
}

struct Fixture {
    db: DatabaseConnection,
    _dir: tempfile::TempDir,
    body_id: i32,
    procedure_type_id: i32,
    /// One state per public phase, in [`PublicPhase::ALL`] order.
    states: Vec<i32>,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = pratiche_db::connect(&format!(
        "sqlite://{}/test.db?mode=rwc",
        dir.path().display()
    ))
    .await
    .unwrap();
    pratiche_db::migrate(&db).await.unwrap();
    let now = Utc::now();
    let body = body::ActiveModel {
        slug: Set("test".into()),
        name: Set("Comune di Prova".into()),
        kind: Set("comune".into()),
        contact_office: Set("URP".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let procedure = procedure_type::ActiveModel {
        body_id: Set(body.id),
        name: Set("Prova".into()),
        term_days: Set(30),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
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
        .insert(&db)
        .await
        .unwrap();
        states.push(state.id);
    }
    // Any phase may follow any other: the clock is what is under test.
    for from in &states {
        for to in &states {
            procedure_transition::ActiveModel {
                procedure_type_id: Set(procedure.id),
                from_state_id: Set(*from),
                to_state_id: Set(*to),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }
    }
    Fixture {
        db,
        _dir: dir,
        body_id: body.id,
        procedure_type_id: procedure.id,
        states,
    }
}

fn new_event(fixture: &Fixture, event: &ClockEvent) -> NewEvent {
    let state = PublicPhase::ALL
        .iter()
        .position(|phase| *phase == event.phase)
        .unwrap();
    NewEvent {
        state_id: fixture.states[state],
        public_note: None,
        internal_note: None,
        // Noon UTC is the same calendar day in Rome.
        occurred_at: event.on.and_hms_opt(12, 0, 0).unwrap().and_utc(),
        recorded_by: None,
        source: EventSource::Api,
        extension: event.extension.clone(),
        observations_on: event.observations_on,
        reply_by: event.reply_by,
        correction_reason: None,
    }
}

async fn run(writes: Vec<Write>) -> Result<(), TestCaseError> {
    let fixture = fixture().await;
    let submitted_on = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let mut model = Model {
        submitted_on,
        term_days: 30,
        patron: None,
        events: Vec::new(),
    };
    let first = ClockEvent {
        on: submitted_on,
        phase: PublicPhase::Submitted,
        extension: None,
        observations_on: None,
        reply_by: None,
    };
    let txn = pratiche_db::begin_write(&fixture.db).await.unwrap();
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
    let case_id = cases::register(&txn, new_case, new_event(&fixture, &first), Utc::now())
        .await
        .unwrap()
        .id;
    txn.commit().await.unwrap();
    model.events.push(first);
    check(&fixture.db, case_id, &model).await?;

    for write in writes {
        match write {
            Write::Event {
                gap_days,
                phase,
                extension,
                observations_after,
                reply_after,
            } => {
                let on = model.events.last().unwrap().on + Days::new(gap_days);
                let event = ClockEvent {
                    on,
                    phase,
                    extension: extension.map(|days| Extension {
                        days,
                        legal_basis: "L. 241/1990".into(),
                    }),
                    observations_on: observations_after.map(|days| on + Days::new(days)),
                    reply_by: reply_after.map(|days| on + Days::new(days)),
                };
                let txn = pratiche_db::begin_write(&fixture.db).await.unwrap();
                cases::record_event(&txn, case_id, None, new_event(&fixture, &event), Utc::now())
                    .await
                    .unwrap();
                txn.commit().await.unwrap();
                model.events.push(event);
            }
            Write::Term(days) => {
                let txn = pratiche_db::begin_write(&fixture.db).await.unwrap();
                set_term(
                    &txn,
                    fixture.procedure_type_id,
                    &Term::new(days.into(), None).unwrap(),
                )
                .await
                .unwrap();
                txn.commit().await.unwrap();
                model.term_days = days;
            }
            Write::Patron(patron) => {
                let patron = patron.map(|(month, day)| PatronDay::new(month, day).unwrap());
                let txn = pratiche_db::begin_write(&fixture.db).await.unwrap();
                set_patron_day(&txn, fixture.body_id, patron).await.unwrap();
                txn.commit().await.unwrap();
                model.patron = patron;
            }
        }
        check(&fixture.db, case_id, &model).await?;
    }
    Ok(())
}

async fn check(db: &DatabaseConnection, case_id: i32, model: &Model) -> Result<(), TestCaseError> {
    let expected = compute(ClockInput {
        submitted_on: model.submitted_on,
        term_days: model.term_days,
        patron: model.patron,
        events: &model.events,
    });
    let stored = case::Entity::find_by_id(case_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    prop_assert_eq!(stored.due_date, Some(expected.due_on));
    prop_assert_eq!(stored.due_explanation, Some(to_json(&expected)));
    let phase = model.events.last().unwrap().phase;
    prop_assert_eq!(*stored.current_phase, phase);
    prop_assert_eq!(stored.closed_at.is_some(), phase.is_final());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn stored_due_dates_always_equal_a_fresh_computation(writes in proptest::collection::vec(any_write(), 1..12)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(run(writes))?;
    }
}
