//! What admins read and change: a body's staff, details and procedure types
//! (with their states and allowed transitions), and for the province the
//! bodies and their statistics. Writes take the caller's transaction, which
//! also holds their audit entry; reads of a body's things filter by the
//! body in the query itself.

use chrono::{DateTime, Months, NaiveDate, Utc};
use pratiche_domain::PublicPhase;
use pratiche_domain::clock::Term;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::accounts::revoke_all_sessions;
use crate::clock::rome_date;
use crate::entity::{body, case, procedure_state, procedure_transition, procedure_type, user};

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
            public_phase: Set(phase.as_str().into()),
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

// ---- Staff ----

/// A body's users, by username.
pub async fn staff_of(db: &DatabaseConnection, body_id: i32) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::BodyId.eq(body_id))
        .order_by_asc(user::Column::Username)
        .all(db)
        .await
}

/// One of the body's users.
pub async fn member_of<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    user_id: i32,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(user_id)
        .filter(user::Column::BodyId.eq(body_id))
        .one(conn)
        .await
}

/// Disables (revoking every session at once) or enables a user.
pub async fn set_disabled<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::value(disabled))
        .filter(user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    if disabled {
        revoke_all_sessions(conn, user_id, now).await?;
    }
    Ok(())
}

// ---- Bodies ----

/// A body's details as its admin edits them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyDetails {
    pub name: String,
    pub contact_office: String,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
    pub contact_hours: Option<String>,
    pub substitute_name: Option<String>,
    pub substitute_office: Option<String>,
    pub substitute_contact: Option<String>,
}

impl BodyDetails {
    pub fn of(body: &body::Model) -> Self {
        Self {
            name: body.name.clone(),
            contact_office: body.contact_office.clone(),
            contact_phone: body.contact_phone.clone(),
            contact_email: body.contact_email.clone(),
            contact_address: body.contact_address.clone(),
            contact_hours: body.contact_hours.clone(),
            substitute_name: body.substitute_name.clone(),
            substitute_office: body.substitute_office.clone(),
            substitute_contact: body.substitute_contact.clone(),
        }
    }
}

pub async fn body_by_id<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
) -> Result<Option<body::Model>, DbErr> {
    body::Entity::find_by_id(body_id).one(conn).await
}

pub async fn set_body_details<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    details: BodyDetails,
) -> Result<(), DbErr> {
    body::Entity::update_many()
        .col_expr(
            body::Column::ContactOffice,
            Expr::value(details.contact_office),
        )
        .col_expr(
            body::Column::ContactPhone,
            Expr::value(details.contact_phone),
        )
        .col_expr(
            body::Column::ContactEmail,
            Expr::value(details.contact_email),
        )
        .col_expr(
            body::Column::ContactAddress,
            Expr::value(details.contact_address),
        )
        .col_expr(
            body::Column::ContactHours,
            Expr::value(details.contact_hours),
        )
        .col_expr(
            body::Column::SubstituteName,
            Expr::value(details.substitute_name),
        )
        .col_expr(
            body::Column::SubstituteOffice,
            Expr::value(details.substitute_office),
        )
        .col_expr(
            body::Column::SubstituteContact,
            Expr::value(details.substitute_contact),
        )
        .filter(body::Column::Id.eq(body_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// A body to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBody {
    pub slug: String,
    pub name: String,
    /// `comune` or `unione_comuni`.
    pub kind: String,
    pub contact_office: String,
}

pub async fn create_body<C: ConnectionTrait>(
    conn: &C,
    new: NewBody,
    now: DateTime<Utc>,
) -> Result<body::Model, DbErr> {
    body::ActiveModel {
        slug: Set(new.slug),
        name: Set(new.name),
        kind: Set(new.kind),
        contact_office: Set(new.contact_office),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

pub async fn all_bodies(db: &DatabaseConnection) -> Result<Vec<body::Model>, DbErr> {
    body::Entity::find()
        .order_by_asc(body::Column::Name)
        .all(db)
        .await
}

/// A body's figures for the province.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BodyStatistics {
    pub open: u64,
    pub past_due: u64,
    /// Decisions (approved or rejected) in the last 12 months.
    pub decided: u64,
    /// Median calendar days from submission to decision over those.
    pub median_days_to_decision: Option<f64>,
}

pub async fn body_statistics(
    db: &DatabaseConnection,
    body_id: i32,
    today: NaiveDate,
) -> Result<BodyStatistics, DbErr> {
    let open_cases = || {
        case::Entity::find()
            .filter(case::Column::BodyId.eq(body_id))
            .filter(case::Column::ClosedAt.is_null())
    };
    let open = open_cases().count(db).await?;
    let past_due = open_cases()
        .filter(case::Column::DueDate.lt(today))
        .count(db)
        .await?;
    let year_ago = today
        .checked_sub_months(Months::new(12))
        .unwrap_or(today)
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let decisions: Vec<(NaiveDate, DateTime<Utc>)> = case::Entity::find()
        .select_only()
        .column(case::Column::SubmittedOn)
        .column(case::Column::ClosedAt)
        .filter(case::Column::BodyId.eq(body_id))
        .filter(case::Column::CurrentPhase.is_in([
            PublicPhase::Approved.as_str(),
            PublicPhase::Rejected.as_str(),
        ]))
        .filter(case::Column::ClosedAt.gte(year_ago))
        .into_tuple()
        .all(db)
        .await?;
    let days: Vec<i64> = decisions
        .into_iter()
        .map(|(submitted_on, closed_at)| (rome_date(closed_at) - submitted_on).num_days())
        .collect();
    Ok(BodyStatistics {
        open,
        past_due,
        decided: days.len() as u64,
        median_days_to_decision: median(days),
    })
}

/// The median of whole numbers; the mean of the middle two for an even count.
pub fn median(mut values: Vec<i64>) -> Option<f64> {
    values.sort_unstable();
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[middle] as f64),
        _ => Some((values[middle - 1] + values[middle]) as f64 / 2.0),
    }
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

/// An internal state as its admin edits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDefinition {
    pub name: String,
    pub phase: PublicPhase,
    pub citizen_text: Option<String>,
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
        public_phase: Set(state.phase.as_str().into()),
        citizen_text: Set(state.citizen_text),
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
    use proptest::prelude::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![40, 10, 25]), Some(25.0));
        assert_eq!(median(vec![40, 10, 25, 30]), Some(27.5));
    }

    proptest! {
        #[test]
        fn the_median_splits_the_values(values in proptest::collection::vec(-1000i64..1000, 1..60)) {
            let middle = median(values.clone()).unwrap();
            let below = values.iter().filter(|v| (**v as f64) < middle).count();
            let above = values.iter().filter(|v| (**v as f64) > middle).count();
            prop_assert!(below <= values.len() / 2 && above <= values.len() / 2);
        }
    }
}
