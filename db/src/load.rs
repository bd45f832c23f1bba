//! Synthetic pratiche for benchmarks (`pratiche-server generate-load N`):
//! spread over the procedure types that exist, submitted over the last 400
//! days, each with a history of 3 to 8 events that follows its type's
//! allowed transitions, written through the real write path so due dates,
//! search text and current phases are what the app itself would store.
//! Seeded, so two runs with the same seed build the same histories.

use chrono::{Days, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use pratiche_domain::workflow::Transitions;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryOrder};

use crate::cases::{self, EventSource, NewCase, NewEvent, WriteError, transitions_of};
use crate::entity::procedure_type;
use crate::procedure_types::states_of;

/// Pratiche written per transaction.
const BATCH: u64 = 500;

const SUBJECTS: [&str; 8] = [
    "Ampliamento di fabbricato residenziale",
    "Occupazione temporanea di suolo pubblico per cantiere",
    "Contributo per i libri di testo",
    "Autorizzazione allo scarico di acque reflue",
    "Cambio di destinazione d'uso",
    "Dehors per pubblico esercizio",
    "Installazione di insegna pubblicitaria",
    "Contributo per l'affitto",
];

struct TypeWorkflow {
    body_id: i32,
    procedure_type_id: i32,
    /// States in their order; the first is where pratiche start.
    states: Vec<i32>,
    transitions: Transitions<i32>,
}

/// Writes `count` synthetic pratiche; returns how many events were written.
pub async fn generate(
    db: &DatabaseConnection,
    count: u64,
    seed: u64,
    today: NaiveDate,
) -> Result<u64, WriteError> {
    let mut workflows = Vec::new();
    for procedure in procedure_type::Entity::find()
        .order_by_asc(procedure_type::Column::Id)
        .all(db)
        .await?
    {
        let states: Vec<i32> = states_of(db, procedure.id)
            .await?
            .into_iter()
            .map(|state| state.id)
            .collect();
        if states.is_empty() {
            continue;
        }
        workflows.push(TypeWorkflow {
            body_id: procedure.body_id,
            procedure_type_id: procedure.id,
            transitions: transitions_of(db, procedure.id).await?,
            states,
        });
    }
    if workflows.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut events = 0;
    let mut written = 0;
    while written < count {
        let txn = crate::begin_write(db).await?;
        for index in written..(written + BATCH).min(count) {
            let workflow = &workflows[rng.random_range(0..workflows.len())];
            let submitted_on = today - Days::new(rng.random_range(0..400));
            let at = |date: NaiveDate, order: u32| {
                date.and_hms_opt(8, 0, order.min(59))
                    .expect("a time of day")
                    .and_utc()
            };
            let event = |state_id: i32, on: NaiveDate, order: u32| NewEvent {
                state_id,
                public_note: None,
                internal_note: None,
                occurred_at: at(on, order),
                recorded_by: None,
                source: EventSource::Api,
                extension: None,
                observations_on: None,
                reply_by: None,
                correction_reason: None,
            };
            let new_case = NewCase {
                code: CaseCode::from_value(rng.random()),
                body_id: workflow.body_id,
                procedure_type_id: workflow.procedure_type_id,
                subject: SUBJECTS[rng.random_range(0..SUBJECTS.len())].into(),
                own_reference: Some(format!("PROT. {}/{index:06}", submitted_on.format("%Y"))),
                submitted_on,
                office_name: "Ufficio".into(),
                responsible_name: "Responsabile del procedimento".into(),
                responsible_contact: "ufficio@example.it".into(),
            };
            let mut state = workflow.states[0];
            let case =
                cases::register(&txn, new_case, event(state, submitted_on, 0), Utc::now()).await?;
            events += 1;
            let length = rng.random_range(3..=8u32);
            let mut on = submitted_on;
            for order in 1..length {
                let transitions = &workflow.transitions;
                // Before the last event, only states the history can go on from.
                let goes_on = |candidate: &i32| transitions.after(*candidate).next().is_some();
                let mut next: Vec<i32> = transitions
                    .after(state)
                    .filter(|candidate| order + 1 == length || goes_on(candidate))
                    .collect();
                if next.is_empty() {
                    next = transitions.after(state).collect();
                }
                if next.is_empty() {
                    break;
                }
                next.sort_unstable();
                // Up to 12 days apart, and never past today.
                let room = (today - on).num_days().max(0) as u64 / u64::from(length - order);
                on = on + Days::new(rng.random_range(0..=room.min(12)));
                state = next[rng.random_range(0..next.len())];
                cases::record_event(&txn, case.id, None, event(state, on, order), Utc::now())
                    .await?;
                events += 1;
            }
        }
        txn.commit().await?;
        written = (written + BATCH).min(count);
    }
    // What autovacuum would do some minutes later: statistics for the
    // planner, and the visibility map that index-only scans rely on.
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    Ok(events)
}
