//! What citizens may see. Every query here selects an allow-list of columns
//! into structs made for the public page, never a whole record: no internal
//! notes, no internal state names, nothing a body keeps for itself.

use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::clock::Explanation;
use pratiche_domain::{CaseCode, PublicPhase};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait, Value,
};

use crate::entity::{body, case, procedure_state, procedure_type, status_event};
use crate::sql_once::SqlOnce;
use crate::with_children::parent_with_children;

/// The public view of a pratica (docs/rules.md, Public view).
#[derive(Clone, Debug, PartialEq)]
pub struct PublicCase {
    pub code: CaseCode,
    /// Which body and procedure type, for their public sheet and times.
    pub body_id: i32,
    pub procedure_type_id: i32,
    pub body: BodyContact,
    pub procedure_name: String,
    pub subject: String,
    pub submitted_on: NaiveDate,
    pub office_name: String,
    pub responsible_name: String,
    pub responsible_contact: String,
    pub phase: PublicPhase,
    /// The body's own words for its current internal state, as entered.
    pub state_text: Option<String>,
    /// The stored due date and how it was computed (empty only for pratiche
    /// stored before the legal clock existed and not yet recomputed).
    pub clock: Option<Explanation>,
    /// The body's titolare del potere sostitutivo; `None` means the legal
    /// default (the body's highest-ranking official).
    pub substitute: Option<SubstituteOfficial>,
    /// Newest first.
    pub history: Vec<PublicEvent>,
}

impl PublicCase {
    /// What the body asked or told, in the phases that ask the citizen to
    /// act (documents requested, a preavviso): the public note of the
    /// latest event in the current phase.
    pub fn note_to_act_on(&self) -> Option<&str> {
        matches!(
            self.phase,
            PublicPhase::DocumentsRequested | PublicPhase::RejectionNotice
        )
        .then(|| {
            self.history
                .iter()
                .find(|event| event.phase == self.phase)
                .and_then(|event| event.note.as_deref())
        })
        .flatten()
    }
}

/// Whom to turn to when the body misses its deadline (art. 2 c. 9-bis).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubstituteOfficial {
    pub name: String,
    pub office: Option<String>,
    pub contact: Option<String>,
}

impl SubstituteOfficial {
    /// The body's, when it named one.
    pub fn of_body(body: &body::Model) -> Option<Self> {
        body.substitute_name.clone().map(|name| Self {
            name,
            office: body.substitute_office.clone(),
            contact: body.substitute_contact.clone(),
        })
    }
}

/// One public entry of the history.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicEvent {
    /// The event's row: its identity in the pratica's feed, never shown.
    pub id: i64,
    /// When it was recorded: when the feed's reader could first know it.
    pub recorded_at: DateTime<Utc>,
    pub occurred_at: DateTime<Utc>,
    pub phase: PublicPhase,
    pub note: Option<String>,
    /// A correction (rettifica) of the history; its reason stays internal.
    pub correction: bool,
}

/// A body's name and general contact.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct BodyContact {
    #[sea_orm(alias = "body_slug")]
    pub slug: String,
    #[sea_orm(alias = "body_name")]
    pub name: String,
    pub contact_office: String,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
    pub contact_hours: Option<String>,
}

impl BodyContact {
    pub fn of(body: &body::Model) -> Self {
        Self {
            slug: body.slug.clone(),
            name: body.name.clone(),
            contact_office: body.contact_office.clone(),
            contact_phone: body.contact_phone.clone(),
            contact_email: body.contact_email.clone(),
            contact_address: body.contact_address.clone(),
            contact_hours: body.contact_hours.clone(),
        }
    }
}

#[derive(FromQueryResult)]
struct CaseRow {
    #[sea_orm(nested)]
    body: BodyContact,
    body_id: i32,
    procedure_type_id: i32,
    procedure_name: String,
    subject: String,
    submitted_on: NaiveDate,
    office_name: String,
    responsible_name: String,
    responsible_contact: String,
    current_phase: crate::entity::StoredPhase,
    state_text: Option<String>,
    due_explanation: Option<serde_json::Value>,
    substitute_name: Option<String>,
    substitute_office: Option<String>,
    substitute_contact: Option<String>,
}

#[derive(FromQueryResult)]
struct EventRow {
    event_id: i64,
    recorded_at: DateTime<Utc>,
    occurred_at: DateTime<Utc>,
    public_phase: crate::entity::StoredPhase,
    public_note: Option<String>,
    correction_reason: Option<String>,
}

/// Finds a pratica by code, unless it was closed before `closed_after`
/// (the retention period): such a pratica answers exactly like an unknown one.
pub async fn find_case(
    db: &DatabaseConnection,
    code: CaseCode,
    closed_after: DateTime<Utc>,
) -> Result<Option<PublicCase>, DbErr> {
    static FIND_CASE: SqlOnce = SqlOnce::new();
    let statement = FIND_CASE.statement(
        db.get_database_backend(),
        find_case_values(code, closed_after),
        || find_case_query(code, closed_after),
    );
    let Some((row, events)) = parent_with_children::<CaseRow, EventRow>(db, statement).await?
    else {
        return Ok(None);
    };
    let history = events
        .into_iter()
        .map(|event| {
            Ok(PublicEvent {
                id: event.event_id,
                recorded_at: event.recorded_at,
                occurred_at: event.occurred_at,
                phase: *event.public_phase,
                note: event.public_note,
                correction: event.correction_reason.is_some(),
            })
        })
        .collect::<Result<_, DbErr>>()?;

    Ok(Some(PublicCase {
        code,
        body_id: row.body_id,
        procedure_type_id: row.procedure_type_id,
        body: row.body,
        procedure_name: row.procedure_name,
        subject: row.subject,
        submitted_on: row.submitted_on,
        office_name: row.office_name,
        responsible_name: row.responsible_name,
        responsible_contact: row.responsible_contact,
        phase: *row.current_phase,
        state_text: row.state_text,
        clock: crate::clock::from_json(row.due_explanation)?,
        substitute: row.substitute_name.map(|name| SubstituteOfficial {
            name,
            office: row.substitute_office,
            contact: row.substitute_contact,
        }),
        history,
    }))
}

/// The public view of the pratica `code`, its history newest first.
fn find_case_query(code: CaseCode, closed_after: DateTime<Utc>) -> SelectStatement {
    select_body_contact(case::Entity::find().select_only())
        .column_as(procedure_type::Column::Name, "procedure_name")
        .column(case::Column::BodyId)
        .column(case::Column::ProcedureTypeId)
        .column(case::Column::Subject)
        .column(case::Column::SubmittedOn)
        .column(case::Column::OfficeName)
        .column(case::Column::ResponsibleName)
        .column(case::Column::ResponsibleContact)
        .column(case::Column::CurrentPhase)
        .column_as(procedure_state::Column::CitizenText, "state_text")
        .column(case::Column::DueExplanation)
        .column(body::Column::SubstituteName)
        .column(body::Column::SubstituteOffice)
        .column(body::Column::SubstituteContact)
        .column_as(status_event::Column::Id, "event_id")
        .column(status_event::Column::RecordedAt)
        .column(status_event::Column::OccurredAt)
        .column(status_event::Column::PublicPhase)
        .column(status_event::Column::PublicNote)
        .column(status_event::Column::CorrectionReason)
        .join(JoinType::InnerJoin, case::Relation::Body.def())
        .join(JoinType::InnerJoin, case::Relation::ProcedureType.def())
        .join(JoinType::InnerJoin, case::Relation::CurrentState.def())
        .join(JoinType::LeftJoin, case::Relation::StatusEvent.def())
        .filter(case::Column::Code.eq(code.compact()))
        .filter(still_public(closed_after))
        .order_by_desc(status_event::Column::OccurredAt)
        .order_by_desc(status_event::Column::RecordedAt)
        .order_by_desc(status_event::Column::Id)
        .into_query()
}

/// The values [`find_case_query`] puts in its text, in its order.
fn find_case_values(code: CaseCode, closed_after: DateTime<Utc>) -> Vec<Value> {
    vec![code.compact().into(), closed_after.into()]
}

/// What a pratica's feed is as of: its version (every event adds one) and
/// when it last changed; one row read, so that a poll finding nothing new
/// costs little. `None` like [`find_case`].
pub async fn case_freshness(
    db: &DatabaseConnection,
    code: CaseCode,
    closed_after: DateTime<Utc>,
) -> Result<Option<(i32, DateTime<Utc>)>, DbErr> {
    case::Entity::find()
        .select_only()
        .column(case::Column::Version)
        .column(case::Column::UpdatedAt)
        .filter(case::Column::Code.eq(code.compact()))
        .filter(still_public(closed_after))
        .into_tuple()
        .one(db)
        .await
}

/// One line of "Le mie pratiche".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseSummary {
    pub code: CaseCode,
    pub subject: String,
    pub body_name: String,
    pub phase: PublicPhase,
}

#[derive(FromQueryResult)]
struct SummaryRow {
    code: crate::entity::StoredCode,
    subject: String,
    body_name: String,
    current_phase: crate::entity::StoredPhase,
}

/// The public summary of each of `codes` that can be looked up (one query);
/// unknown and expired codes are left out.
pub async fn summaries(
    db: &DatabaseConnection,
    codes: &[CaseCode],
    closed_after: DateTime<Utc>,
) -> Result<Vec<CaseSummary>, DbErr> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let rows = case::Entity::find()
        .select_only()
        .column(case::Column::Code)
        .column(case::Column::Subject)
        .column_as(body::Column::Name, "body_name")
        .column(case::Column::CurrentPhase)
        .join(JoinType::InnerJoin, case::Relation::Body.def())
        .filter(case::Column::Code.is_in(codes.iter().map(|code| code.compact())))
        .filter(still_public(closed_after))
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(CaseSummary {
                code: *row.code,
                subject: row.subject,
                body_name: row.body_name,
                phase: *row.current_phase,
            })
        })
        .collect()
}

/// Every body's general contact, by name: for citizens who lost their code.
pub async fn body_contacts(db: &DatabaseConnection) -> Result<Vec<BodyContact>, DbErr> {
    select_body_contact(body::Entity::find().select_only())
        .order_by_asc(body::Column::Name)
        .into_model::<BodyContact>()
        .all(db)
        .await
}

/// Open, or closed within the retention period.
fn still_public(closed_after: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(case::Column::ClosedAt.is_null())
        .add(case::Column::ClosedAt.gte(closed_after))
}

/// Adds the columns of a [`BodyContact`] to a query that reaches `bodies`.
fn select_body_contact<Q: QuerySelect>(query: Q) -> Q {
    query
        .column_as(body::Column::Slug, "body_slug")
        .column_as(body::Column::Name, "body_name")
        .column(body::Column::ContactOffice)
        .column(body::Column::ContactPhone)
        .column(body::Column::ContactEmail)
        .column(body::Column::ContactAddress)
        .column(body::Column::ContactHours)
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, Values};

    use super::*;

    #[test]
    fn the_public_view_is_bound_the_values_its_query_writes() {
        let (code, closed_after) = (CaseCode::generate(), Utc::now());
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let whole = backend.build(&find_case_query(code, closed_after));
            assert_eq!(
                whole.values,
                Some(Values(find_case_values(code, closed_after))),
                "{backend:?}"
            );
        }
    }
}
