//! Procedure types (procedimenti) of a body: their legal term, their states
//! with the public phase each maps onto, and the transitions between them;
//! the default workflow a new type starts with.

use chrono::{DateTime, Utc};
use pratiche_domain::PublicPhase;
use pratiche_domain::clock::Term;
use pratiche_domain::procedure_sheet::{OnlineService, SilenceRule};
use pratiche_domain::workflow::Transitions;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    RelationTrait, Set,
};

use crate::clock::recompute_where;
use crate::entity::{StoredPhase, case, procedure_state, procedure_transition, procedure_type};

/// The internal states a new procedure type starts with, and their phases;
/// the body's admin renames, adds and remaps them.
pub const DEFAULT_STATES: [(&str, PublicPhase, Option<&str>); 8] = [
    ("Protocollata", PublicPhase::Submitted, None),
    ("Assegnata al responsabile", PublicPhase::InReview, None),
    (
        "Istruttoria",
        PublicPhase::InReview,
        Some("L'ufficio sta verificando la documentazione presentata."),
    ),
    (
        "Richiesta integrazioni",
        PublicPhase::DocumentsRequested,
        None,
    ),
    ("Preavviso di diniego", PublicPhase::RejectionNotice, None),
    ("Accolta", PublicPhase::Approved, None),
    ("Diniego", PublicPhase::Rejected, None),
    ("Archiviata", PublicPhase::Closed, None),
];

/// The moves a new procedure type allows, as indices into
/// [`DEFAULT_STATES`]: (from, to each of these).
pub const DEFAULT_TRANSITIONS: [(usize, &[usize]); 7] = [
    (0, &[1, 2, 3, 5, 6, 7]),
    (1, &[2, 3, 4, 5, 6, 7]),
    (2, &[2, 3, 4, 5, 6, 7]),
    (3, &[1, 2, 4, 6, 7]),
    (4, &[2, 5, 6, 7]),
    (5, &[7]),
    (6, &[7]),
];

/// Adds the default states and transitions to a new procedure type; returns
/// the states' ids in [`DEFAULT_STATES`] order.
pub async fn insert_default_workflow<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
) -> Result<Vec<i32>, DbErr> {
    let mut states = Vec::new();
    for (position, (name, phase, citizen_text)) in DEFAULT_STATES.into_iter().enumerate() {
        let state = procedure_state::ActiveModel {
            procedure_type_id: Set(procedure_type_id),
            name: Set(name.into()),
            public_phase: Set(phase.into()),
            citizen_text: Set(citizen_text.map(Into::into)),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        states.push(state.id);
    }
    let pairs: Vec<(i32, i32)> = DEFAULT_TRANSITIONS
        .iter()
        .flat_map(|(from, targets)| targets.iter().map(|to| (states[*from], states[*to])))
        .collect();
    set_transitions(conn, procedure_type_id, &pairs).await?;
    Ok(states)
}

// ---- Procedure types ----

/// One of the body's procedure types.
pub async fn procedure_type_of<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    procedure_type_id: i32,
) -> Result<Option<procedure_type::Model>, DbErr> {
    procedure_type::Entity::find_by_id(procedure_type_id)
        .filter(procedure_type::Column::BodyId.eq(body_id))
        .one(conn)
        .await
}

pub async fn procedure_types_of_body(
    db: &DatabaseConnection,
    body_id: i32,
) -> Result<Vec<procedure_type::Model>, DbErr> {
    procedure_type::Entity::find()
        .filter(procedure_type::Column::BodyId.eq(body_id))
        .order_by_asc(procedure_type::Column::Name)
        .all(db)
        .await
}

/// A body's procedure types as (id, name), by name.
pub async fn procedure_types_of(
    db: &DatabaseConnection,
    body_id: i32,
) -> Result<Vec<(i32, String)>, DbErr> {
    procedure_type::Entity::find()
        .select_only()
        .column(procedure_type::Column::Id)
        .column(procedure_type::Column::Name)
        .filter(procedure_type::Column::BodyId.eq(body_id))
        .order_by_asc(procedure_type::Column::Name)
        .into_tuple()
        .all(db)
        .await
}

/// A procedure type with its states (in order) and its allowed transitions
/// as (from, to) state ids.
#[derive(Clone, Debug)]
pub struct Workflow {
    pub procedure: procedure_type::Model,
    pub states: Vec<procedure_state::Model>,
    pub transitions: Vec<(i32, i32)>,
}

/// Every procedure type of a body with its workflow, in three queries.
pub async fn workflows_of_body(
    db: &DatabaseConnection,
    body_id: i32,
) -> Result<Vec<Workflow>, DbErr> {
    let procedures = procedure_types_of_body(db, body_id).await?;
    let ids: Vec<i32> = procedures.iter().map(|procedure| procedure.id).collect();
    let states = procedure_state::Entity::find()
        .filter(procedure_state::Column::ProcedureTypeId.is_in(ids.clone()))
        .order_by_asc(procedure_state::Column::Position)
        .order_by_asc(procedure_state::Column::Id)
        .all(db)
        .await?;
    let transitions: Vec<(i32, i32, i32)> = procedure_transition::Entity::find()
        .select_only()
        .column(procedure_transition::Column::ProcedureTypeId)
        .column(procedure_transition::Column::FromStateId)
        .column(procedure_transition::Column::ToStateId)
        .filter(procedure_transition::Column::ProcedureTypeId.is_in(ids))
        .order_by_asc(procedure_transition::Column::FromStateId)
        .order_by_asc(procedure_transition::Column::ToStateId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(procedures
        .into_iter()
        .map(|procedure| Workflow {
            states: states
                .iter()
                .filter(|state| state.procedure_type_id == procedure.id)
                .cloned()
                .collect(),
            transitions: transitions
                .iter()
                .filter(|(type_id, ..)| *type_id == procedure.id)
                .map(|(_, from, to)| (*from, *to))
                .collect(),
            procedure,
        })
        .collect())
}

/// Creates a procedure type with the default workflow.
pub async fn create_procedure_type<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    name: String,
    term: &Term,
    now: DateTime<Utc>,
) -> Result<procedure_type::Model, DbErr> {
    let procedure = procedure_type::ActiveModel {
        body_id: Set(body_id),
        name: Set(name),
        term_days: Set(term.days() as i32),
        legal_basis: Set(term.legal_basis().map(str::to_owned)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    insert_default_workflow(conn, procedure.id).await?;
    Ok(procedure)
}

pub async fn rename_procedure_type<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
    name: String,
) -> Result<(), DbErr> {
    procedure_type::Entity::update_many()
        .col_expr(procedure_type::Column::Name, Expr::value(name))
        .filter(procedure_type::Column::Id.eq(procedure_type_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// What a body admin writes on a procedure type's public sheet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcedureSheet {
    pub description: Option<String>,
    pub legal_references: Option<String>,
    pub documents_needed: Option<String>,
    pub silence_rule: Option<SilenceRule>,
    pub payments: Option<String>,
    pub online_service: Option<OnlineService>,
}

impl ProcedureSheet {
    /// The sheet as a type stores it.
    pub fn of(procedure: &procedure_type::Model) -> Self {
        Self {
            description: procedure.description.clone(),
            legal_references: procedure.legal_references.clone(),
            documents_needed: procedure.documents_needed.clone(),
            silence_rule: procedure
                .silence_rule
                .as_deref()
                .and_then(SilenceRule::parse),
            payments: procedure.payments.clone(),
            online_service: procedure
                .online_service_url
                .as_deref()
                .and_then(|url| OnlineService::parse(url).ok()),
        }
    }
}

pub async fn set_sheet<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
    sheet: &ProcedureSheet,
) -> Result<(), DbErr> {
    procedure_type::Entity::update_many()
        .col_expr(
            procedure_type::Column::Description,
            Expr::value(sheet.description.clone()),
        )
        .col_expr(
            procedure_type::Column::LegalReferences,
            Expr::value(sheet.legal_references.clone()),
        )
        .col_expr(
            procedure_type::Column::DocumentsNeeded,
            Expr::value(sheet.documents_needed.clone()),
        )
        .col_expr(
            procedure_type::Column::SilenceRule,
            Expr::value(sheet.silence_rule.map(SilenceRule::as_str)),
        )
        .col_expr(
            procedure_type::Column::Payments,
            Expr::value(sheet.payments.clone()),
        )
        .col_expr(
            procedure_type::Column::OnlineServiceUrl,
            Expr::value(sheet.online_service.as_ref().map(OnlineService::as_str)),
        )
        .filter(procedure_type::Column::Id.eq(procedure_type_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Sets a procedure type's term; returns how many due dates changed.
pub async fn set_term<C: ConnectionTrait>(
    txn: &C,
    procedure_type_id: i32,
    term: &Term,
) -> Result<u64, DbErr> {
    procedure_type::Entity::update_many()
        .col_expr(
            procedure_type::Column::TermDays,
            Expr::value(term.days() as i32),
        )
        .col_expr(
            procedure_type::Column::LegalBasis,
            Expr::value(term.legal_basis().map(str::to_owned)),
        )
        .filter(procedure_type::Column::Id.eq(procedure_type_id))
        .exec(txn)
        .await?;
    recompute_where(
        txn,
        Condition::all().add(case::Column::ProcedureTypeId.eq(procedure_type_id)),
    )
    .await
}

/// An internal state as its admin edits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDefinition {
    pub name: String,
    pub phase: PublicPhase,
    pub citizen_text: Option<String>,
    /// Citizens are told when a pratica enters it.
    pub notify: bool,
}

pub async fn states_of<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
) -> Result<Vec<procedure_state::Model>, DbErr> {
    procedure_state::Entity::find()
        .filter(procedure_state::Column::ProcedureTypeId.eq(procedure_type_id))
        .order_by_asc(procedure_state::Column::Position)
        .order_by_asc(procedure_state::Column::Id)
        .all(conn)
        .await
}

/// An internal state as the status-change form offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChoice {
    pub id: i32,
    pub name: String,
    pub phase: PublicPhase,
    /// Citizens are told when a pratica enters it.
    pub notify: bool,
}

impl From<procedure_state::Model> for StateChoice {
    fn from(state: procedure_state::Model) -> Self {
        Self {
            id: state.id,
            phase: *state.public_phase,
            name: state.name,
            notify: state.notify,
        }
    }
}

/// What checking and recording a status event needs of its procedure type:
/// its states, in their order, and the transitions allowed between them.
#[derive(Clone, Debug)]
pub struct WorkflowRules {
    pub procedure_type_id: i32,
    pub states: Vec<StateChoice>,
    pub transitions: Transitions<i32>,
}

impl WorkflowRules {
    /// The state `id`, if it is one of this procedure type's.
    pub fn state(&self, id: i32) -> Option<&StateChoice> {
        self.states.iter().find(|state| state.id == id)
    }
}

/// One state of a workflow with one of the moves from it (none if it has
/// none).
#[derive(FromQueryResult)]
struct StateWithMove {
    id: i32,
    name: String,
    public_phase: StoredPhase,
    notify: bool,
    to_state_id: Option<i32>,
}

/// The workflow of a procedure type, in one statement: each state is
/// repeated on a row per move from it, as on a status event's write path
/// every statement is a round trip.
pub async fn workflow_rules_of<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
) -> Result<WorkflowRules, DbErr> {
    let mut query = procedure_state::Entity::find()
        .select_only()
        .columns([
            procedure_state::Column::Id,
            procedure_state::Column::Name,
            procedure_state::Column::PublicPhase,
            procedure_state::Column::Notify,
        ])
        .filter(procedure_state::Column::ProcedureTypeId.eq(procedure_type_id))
        .order_by_asc(procedure_state::Column::Position)
        .order_by_asc(procedure_state::Column::Id)
        .into_query();
    query
        .column((
            procedure_transition::Entity,
            procedure_transition::Column::ToStateId,
        ))
        .left_join(
            procedure_transition::Entity,
            // The type's column first: the transitions' index starts with it.
            Expr::col((
                procedure_transition::Entity,
                procedure_transition::Column::ProcedureTypeId,
            ))
            .equals((
                procedure_state::Entity,
                procedure_state::Column::ProcedureTypeId,
            ))
            .and(
                Expr::col((
                    procedure_transition::Entity,
                    procedure_transition::Column::FromStateId,
                ))
                .equals((procedure_state::Entity, procedure_state::Column::Id)),
            ),
        );
    let rows = StateWithMove::find_by_statement(conn.get_database_backend().build(&query))
        .all(conn)
        .await?;
    let mut states: Vec<StateChoice> = Vec::new();
    let mut moves = Vec::new();
    for row in rows {
        if let Some(to) = row.to_state_id {
            moves.push((row.id, to));
        }
        if states.last().is_none_or(|state| state.id != row.id) {
            states.push(StateChoice {
                id: row.id,
                name: row.name,
                phase: *row.public_phase,
                notify: row.notify,
            });
        }
    }
    Ok(WorkflowRules {
        procedure_type_id,
        states,
        transitions: Transitions::new(moves),
    })
}

/// The state a new pratica of a procedure type starts in: its first state in
/// the "submitted" phase, if the type belongs to `body_id`.
pub async fn starting_state<C: ConnectionTrait>(
    db: &C,
    body_id: i32,
    procedure_type_id: i32,
) -> Result<Option<i32>, DbErr> {
    procedure_state::Entity::find()
        .select_only()
        .column(procedure_state::Column::Id)
        .join(
            JoinType::InnerJoin,
            procedure_state::Relation::ProcedureType.def(),
        )
        .filter(procedure_type::Column::BodyId.eq(body_id))
        .filter(procedure_state::Column::ProcedureTypeId.eq(procedure_type_id))
        .filter(procedure_state::Column::PublicPhase.eq(PublicPhase::Submitted.as_str()))
        .order_by_asc(procedure_state::Column::Position)
        .into_tuple()
        .one(db)
        .await
}

/// Adds a state at the end of the type's list.
pub async fn add_state<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
    state: StateDefinition,
) -> Result<procedure_state::Model, DbErr> {
    let position = states_of(conn, procedure_type_id)
        .await?
        .iter()
        .map(|state| state.position)
        .max()
        .map_or(0, |last| last + 1);
    procedure_state::ActiveModel {
        procedure_type_id: Set(procedure_type_id),
        name: Set(state.name),
        public_phase: Set(state.phase.into()),
        citizen_text: Set(state.citizen_text),
        notify: Set(state.notify),
        position: Set(position),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// Changes a state of the type. Events already recorded keep the phase they
/// were recorded with: the history does not change.
pub async fn update_state<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
    state_id: i32,
    state: StateDefinition,
) -> Result<(), DbErr> {
    procedure_state::Entity::update_many()
        .col_expr(procedure_state::Column::Name, Expr::value(state.name))
        .col_expr(
            procedure_state::Column::PublicPhase,
            Expr::value(state.phase.as_str()),
        )
        .col_expr(
            procedure_state::Column::CitizenText,
            Expr::value(state.citizen_text),
        )
        .col_expr(procedure_state::Column::Notify, Expr::value(state.notify))
        .filter(procedure_state::Column::Id.eq(state_id))
        .filter(procedure_state::Column::ProcedureTypeId.eq(procedure_type_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Replaces the type's allowed transitions.
pub async fn set_transitions<C: ConnectionTrait>(
    conn: &C,
    procedure_type_id: i32,
    pairs: &[(i32, i32)],
) -> Result<(), DbErr> {
    procedure_transition::Entity::delete_many()
        .filter(procedure_transition::Column::ProcedureTypeId.eq(procedure_type_id))
        .exec(conn)
        .await?;
    for &(from, to) in pairs {
        procedure_transition::ActiveModel {
            procedure_type_id: Set(procedure_type_id),
            from_state_id: Set(from),
            to_state_id: Set(to),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_rules_read_in_one_statement_are_the_states_and_the_transitions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/rules.db?mode=rwc", dir.path().display());
        let db = crate::connect(&url).await.unwrap();
        crate::migrate(&db).await.unwrap();
        let now = Utc::now();
        let today = now.date_naive();
        assert!(
            crate::demo::load_if_empty(&db, now, today, "not-a-hash")
                .await
                .unwrap()
        );
        let types = procedure_type::Entity::find().all(&db).await.unwrap();
        assert!(!types.is_empty());
        for procedure in types {
            let rules = workflow_rules_of(&db, procedure.id).await.unwrap();
            let states: Vec<StateChoice> = states_of(&db, procedure.id)
                .await
                .unwrap()
                .into_iter()
                .map(StateChoice::from)
                .collect();
            // Final states allow no move and are there all the same.
            assert_eq!(rules.states, states);
            let transitions = crate::cases::transitions_of(&db, procedure.id)
                .await
                .unwrap();
            assert_eq!(rules.transitions, transitions);
            assert_eq!(rules.procedure_type_id, procedure.id);
        }
    }
}
