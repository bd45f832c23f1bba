//! Synthetic pratiche for benchmarks (`pratiche-server generate-load N`):
//! spread over the procedure types that exist, submitted over the last 400
//! days, each with a history of 3 to 8 events that follows its type's
//! allowed transitions. The first ones ([`HISTORIES`] for the benchmark)
//! are written through the real write path, so due dates, search text and
//! current phases are what the app itself would store; the rest are copies
//! of those histories written in bulk (through the real path a million
//! pratiche would take two hours on PostgreSQL here). Seeded, so two runs
//! with the same seed build the same data.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::cases::{self, EventSource, NewCase, NewEvent, WriteError};
use crate::entity::{case, procedure_type, status_event};
use crate::feed;
use crate::procedure_types::{WorkflowRules, workflow_rules_of};

/// Pratiche written per transaction.
const BATCH: u64 = 500;

/// Pratiche the benchmark writes through the real write path before it
/// copies their histories: enough that a million copies repeat each history
/// about 500 times, so dates, types and phases keep the spread of the
/// originals.
pub const HISTORIES: u64 = 2_000;

/// Copies per insert statement: their values stay under SQLite's limit of
/// 32,766 bound values (19 columns a pratica, 17 an event).
const COPIES_PER_STATEMENT: usize = 1_000;

/// Copies per transaction.
const COPIES_PER_TRANSACTION: u64 = 20_000;

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

/// A procedure type's workflow (its first state is where pratiche start)
/// and the body it belongs to.
struct TypeWorkflow {
    body_id: i32,
    workflow: WorkflowRules,
}

/// Writes `count` synthetic pratiche, the first `histories` of them through
/// the real write path and the rest as copies of those; returns how many
/// events were written.
pub async fn generate(
    db: &DatabaseConnection,
    count: u64,
    histories: u64,
    seed: u64,
    today: NaiveDate,
) -> Result<u64, WriteError> {
    let mut workflows = Vec::new();
    for procedure in procedure_type::Entity::find()
        .order_by_asc(procedure_type::Column::Id)
        .all(db)
        .await?
    {
        let workflow = workflow_rules_of(db, procedure.id).await?;
        if workflow.states.is_empty() {
            continue;
        }
        workflows.push(TypeWorkflow {
            body_id: procedure.body_id,
            workflow,
        });
    }
    if workflows.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut events = 0;
    let mut written = 0;
    let through_write_path = count.min(histories.max(1));
    let mut written_ids = Vec::new();
    while written < through_write_path {
        let txn = crate::begin_write(db).await?;
        for index in written..(written + BATCH).min(through_write_path) {
            let of_type = &workflows[rng.random_range(0..workflows.len())];
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
                body_id: of_type.body_id,
                procedure_type_id: of_type.workflow.procedure_type_id,
                subject: SUBJECTS[rng.random_range(0..SUBJECTS.len())].into(),
                own_reference: Some(format!("PROT. {}/{index:06}", submitted_on.format("%Y"))),
                submitted_on,
                office_name: "Ufficio".into(),
                responsible_name: "Responsabile del procedimento".into(),
                responsible_contact: "ufficio@example.it".into(),
            };
            let mut state = of_type.workflow.states[0].id;
            let case =
                cases::register(&txn, new_case, event(state, submitted_on, 0), Utc::now()).await?;
            written_ids.push(case.id);
            events += 1;
            let length = rng.random_range(3..=8u32);
            let mut on = submitted_on;
            for order in 1..length {
                let transitions = &of_type.workflow.transitions;
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
                let event = event(state, on, order);
                cases::record_event(&txn, &of_type.workflow, case.id, None, event, Utc::now())
                    .await?;
                events += 1;
            }
        }
        txn.commit().await?;
        written = (written + BATCH).min(through_write_path);
    }
    events += copy_histories(db, &written_ids, written..count, &mut rng).await?;
    // What autovacuum would do some minutes later: statistics for the
    // planner, and the visibility map that index-only scans rely on.
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    Ok(events)
}

/// Writes a copy of a random one of the `histories` (pratiche ids) for each
/// index of `indexes`. A copy keeps its original's type, dates, states and
/// stored clock (which depend on nothing else) and takes a code, an own
/// reference and a search text of its own, made as the write path makes
/// them; its events take the body's next feed positions. Returns how many
/// events were written.
async fn copy_histories(
    db: &DatabaseConnection,
    histories: &[i32],
    indexes: std::ops::Range<u64>,
    rng: &mut StdRng,
) -> Result<u64, WriteError> {
    if indexes.is_empty() || histories.is_empty() {
        return Ok(0);
    }
    let originals = case::Entity::find()
        .filter(case::Column::Id.is_in(histories.iter().copied()))
        .order_by_asc(case::Column::Id)
        .all(db)
        .await?;
    let mut events_of: BTreeMap<i32, Vec<status_event::Model>> = BTreeMap::new();
    for event in status_event::Entity::find()
        .filter(status_event::Column::CaseId.is_in(histories.iter().copied()))
        .order_by_asc(status_event::Column::Id)
        .all(db)
        .await?
    {
        events_of.entry(event.case_id).or_default().push(event);
    }
    let mut events = 0;
    let mut start = indexes.start;
    while start < indexes.end {
        let end = (start + COPIES_PER_TRANSACTION).min(indexes.end);
        let txn = crate::begin_write(db).await?;
        for chunk_start in (start..end).step_by(COPIES_PER_STATEMENT) {
            let chunk_end = (chunk_start + COPIES_PER_STATEMENT as u64).min(end);
            let mut original_of = HashMap::new();
            let copies: Vec<case::ActiveModel> = (chunk_start..chunk_end)
                .map(|index| {
                    let original = &originals[rng.random_range(0..originals.len())];
                    let code = CaseCode::from_value(rng.random());
                    original_of.insert(code.value(), original.id);
                    copy_of(original, code, index)
                })
                .collect();
            let inserted = case::Entity::insert_many(copies)
                .exec_with_returning(&txn)
                .await?;
            events += copy_events(&txn, &inserted, &original_of, &events_of).await?;
        }
        txn.commit().await?;
        start = end;
    }
    Ok(events)
}

/// The pratica `original` under a new code and own reference.
fn copy_of(original: &case::Model, code: CaseCode, index: u64) -> case::ActiveModel {
    let own_reference = format!("PROT. {}/{index:06}", original.submitted_on.format("%Y"));
    let mut copy = original.clone().into_active_model();
    copy.id = NotSet;
    copy.code = Set(code.into());
    copy.search_text = Set(cases::search_text(
        code,
        Some(&own_reference),
        &original.subject,
    ));
    copy.own_reference = Set(Some(own_reference));
    copy
}

/// Writes the events of each `inserted` copy's original (`original_of` by
/// code value) for the copy, at its body's next feed positions.
async fn copy_events<C: ConnectionTrait>(
    txn: &C,
    inserted: &[case::Model],
    original_of: &HashMap<u64, i32>,
    events_of: &BTreeMap<i32, Vec<status_event::Model>>,
) -> Result<u64, DbErr> {
    let history = |copy: &case::Model| {
        original_of
            .get(&copy.code.value())
            .and_then(|original| events_of.get(original))
            .map_or(&[][..], Vec::as_slice)
    };
    let mut per_body: BTreeMap<i32, i64> = BTreeMap::new();
    for copy in inserted {
        *per_body.entry(copy.body_id).or_default() += history(copy).len() as i64;
    }
    // The next position of each body, from the block taken for it.
    let mut next_position = BTreeMap::new();
    for (&body_id, &count) in &per_body {
        let last = feed::take_positions(txn, body_id, count).await?;
        next_position.insert(body_id, last - count + 1);
    }
    let mut copies = Vec::new();
    for copy in inserted {
        for event in history(copy) {
            let position = next_position.get_mut(&copy.body_id).expect("taken above");
            let mut copied = event.clone().into_active_model();
            copied.id = NotSet;
            copied.case_id = Set(copy.id);
            copied.feed_position = Set(*position);
            *position += 1;
            copies.push(copied);
        }
    }
    let written = copies.len() as u64;
    let mut copies = copies.into_iter().peekable();
    while copies.peek().is_some() {
        status_event::Entity::insert_many(copies.by_ref().take(COPIES_PER_STATEMENT))
            .exec_without_returning(txn)
            .await?;
    }
    Ok(written)
}
