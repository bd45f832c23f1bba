//! A pratica as its body's staff and software read it: found by code or by
//! own reference, always scoped to the body, with its whole history.

use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use pratiche_domain::clock::Explanation;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, RelationTrait, Value,
};

use crate::entity::{case, procedure_state, procedure_type, status_event, user};
use crate::sql_once::SqlOnce;
use crate::with_children::parent_with_children;

/// How a body names one of its pratiche: by code, or by its own reference.
#[derive(Clone, Copy, Debug)]
pub enum CaseKey<'a> {
    Code(CaseCode),
    OwnReference(&'a str),
}

impl From<CaseCode> for CaseKey<'_> {
    fn from(code: CaseCode) -> Self {
        Self::Code(code)
    }
}

/// A pratica as its body's staff see it.
#[derive(Clone, Debug)]
pub struct CaseDetail {
    pub case: case::Model,
    pub procedure_name: String,
    pub clock: Option<Explanation>,
    /// Oldest first.
    pub events: Vec<EventDetail>,
}

#[derive(Clone, Debug, FromQueryResult)]
pub struct EventDetail {
    pub state_id: i32,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub state_name: String,
    pub public_phase: crate::entity::StoredPhase,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub recorded_by: Option<String>,
    /// `demo`, `backoffice` or `api`.
    pub source: String,
    pub extension_days: Option<i32>,
    pub extension_basis: Option<String>,
    pub observations_on: Option<NaiveDate>,
    pub reply_by: Option<NaiveDate>,
    /// Set on a correction (rettifica).
    pub correction_reason: Option<String>,
}

/// The body's pratica with this key: the only way the back office and the
/// API find one, so every read is scoped to the body in the query itself.
fn own_case_query(body_id: i32, key: CaseKey<'_>) -> sea_orm::Select<case::Entity> {
    let of_body = case::Entity::find().filter(case::Column::BodyId.eq(body_id));
    match key {
        CaseKey::Code(code) => of_body.filter(case::Column::Code.eq(code.compact())),
        CaseKey::OwnReference(reference) => {
            of_body.filter(case::Column::OwnReference.eq(reference))
        }
    }
}

/// One of the body's pratiche by code, as stored.
pub async fn own_case<'a>(
    db: &DatabaseConnection,
    body_id: i32,
    key: impl Into<CaseKey<'a>>,
) -> Result<Option<case::Model>, DbErr> {
    own_case_query(body_id, key.into()).one(db).await
}

/// One of the body's pratiche by code, with its history; `None` for another
/// body's, exactly as for an unknown code.
pub async fn case_detail<'a>(
    db: &DatabaseConnection,
    body_id: i32,
    key: impl Into<CaseKey<'a>>,
) -> Result<Option<CaseDetail>, DbErr> {
    let found = own_case_query(body_id, key.into())
        .find_also_related(procedure_type::Entity)
        .one(db)
        .await?;
    let Some((case, Some(procedure))) = found else {
        return Ok(None);
    };
    let events = history(db, case.id).await?;
    let clock = crate::clock::from_json(case.due_explanation.clone())?;
    Ok(Some(CaseDetail {
        case,
        procedure_name: procedure.name,
        clock,
        events,
    }))
}

/// A pratica as the integration API sends it: the columns it shows and no
/// more (reading the whole record made the API about 9% slower).
#[derive(Clone, Debug, FromQueryResult)]
pub struct CaseFields {
    pub id: i32,
    pub code: crate::entity::StoredCode,
    pub own_reference: Option<String>,
    pub procedure_type_id: i32,
    pub procedure_name: String,
    pub subject: String,
    pub submitted_on: NaiveDate,
    pub office_name: String,
    pub responsible_name: String,
    pub responsible_contact: String,
    pub current_state_id: i32,
    pub current_phase: crate::entity::StoredPhase,
    pub closed_at: Option<DateTime<Utc>>,
    due_explanation: Option<serde_json::Value>,
}

/// [`CaseFields`] with the due date's explanation and the history.
#[derive(Clone, Debug)]
pub struct CaseFieldsWithHistory {
    pub case: CaseFields,
    pub clock: Option<Explanation>,
    /// Oldest first.
    pub events: Vec<EventDetail>,
}

/// One of the body's pratiche with its history, for the API; `None` for
/// another body's, exactly as for an unknown code.
pub async fn case_fields<'a>(
    db: &DatabaseConnection,
    body_id: i32,
    key: impl Into<CaseKey<'a>>,
) -> Result<Option<CaseFieldsWithHistory>, DbErr> {
    // The API's read of a pratica: its text built once per key kind.
    static BY_CODE: SqlOnce = SqlOnce::new();
    static BY_OWN_REFERENCE: SqlOnce = SqlOnce::new();
    let key = key.into();
    let once = match key {
        CaseKey::Code(_) => &BY_CODE,
        CaseKey::OwnReference(_) => &BY_OWN_REFERENCE,
    };
    let statement = once.statement(
        db.get_database_backend(),
        own_case_values(body_id, key),
        || case_fields_query(body_id, key),
    );
    let Some((mut case, events)) = parent_with_children::<CaseFields, _>(db, statement).await?
    else {
        return Ok(None);
    };
    let clock = crate::clock::from_json(case.due_explanation.take())?;
    Ok(Some(CaseFieldsWithHistory {
        case,
        clock,
        events,
    }))
}

/// A pratica's history as its body's staff see it, oldest first.
async fn history(db: &DatabaseConnection, case_id: i32) -> Result<Vec<EventDetail>, DbErr> {
    let query = select_event_detail(status_event::Entity::find().select_only())
        .filter(status_event::Column::CaseId.eq(case_id));
    crate::cases::history_order(query)
        .into_model::<EventDetail>()
        .all(db)
        .await
}

/// The body's pratica named by `key`, with its history oldest first.
fn case_fields_query(body_id: i32, key: CaseKey<'_>) -> SelectStatement {
    let query = own_case_query(body_id, key)
        .select_only()
        .columns([
            case::Column::Id,
            case::Column::Code,
            case::Column::OwnReference,
            case::Column::ProcedureTypeId,
            case::Column::Subject,
            case::Column::SubmittedOn,
            case::Column::OfficeName,
            case::Column::ResponsibleName,
            case::Column::ResponsibleContact,
            case::Column::CurrentStateId,
            case::Column::CurrentPhase,
            case::Column::ClosedAt,
            case::Column::DueExplanation,
        ])
        .column_as(procedure_type::Column::Name, "procedure_name")
        .join(JoinType::InnerJoin, case::Relation::ProcedureType.def())
        .join(JoinType::LeftJoin, case::Relation::StatusEvent.def());
    crate::cases::history_order(select_event_detail(query)).into_query()
}

/// The values [`own_case_query`] puts in its text, in its order.
fn own_case_values(body_id: i32, key: CaseKey<'_>) -> Vec<Value> {
    let key = match key {
        CaseKey::Code(code) => code.compact().into(),
        CaseKey::OwnReference(reference) => reference.into(),
    };
    vec![body_id.into(), key]
}

/// Adds the columns of an [`EventDetail`], and the joins they need, to a
/// query that reaches `status_events`.
fn select_event_detail<Q: QuerySelect>(query: Q) -> Q {
    query
        .columns([
            status_event::Column::StateId,
            status_event::Column::OccurredAt,
            status_event::Column::RecordedAt,
            status_event::Column::PublicPhase,
            status_event::Column::PublicNote,
            status_event::Column::InternalNote,
            status_event::Column::Source,
            status_event::Column::ExtensionDays,
            status_event::Column::ExtensionBasis,
            status_event::Column::ObservationsOn,
            status_event::Column::ReplyBy,
            status_event::Column::CorrectionReason,
        ])
        .column_as(procedure_state::Column::Name, "state_name")
        .column_as(user::Column::DisplayName, "recorded_by")
        // Left joins: a query from `cases` keeps a pratica without events.
        .join(JoinType::LeftJoin, status_event::Relation::State.def())
        .join(JoinType::LeftJoin, status_event::Relation::RecordedBy.def())
}

/// Whether another pratica of the body already has this own reference.
pub async fn reference_taken<C: ConnectionTrait>(
    db: &C,
    body_id: i32,
    reference: &str,
) -> Result<bool, DbErr> {
    Ok(case::Entity::find()
        .filter(case::Column::BodyId.eq(body_id))
        .filter(case::Column::OwnReference.eq(reference))
        .count(db)
        .await?
        > 0)
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, Values};

    use super::*;

    #[test]
    fn the_apis_read_is_bound_the_values_its_query_writes() {
        let code = CaseCode::generate();
        for key in [CaseKey::Code(code), CaseKey::OwnReference("PROT/7")] {
            for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
                let whole = backend.build(&case_fields_query(42, key));
                assert_eq!(
                    whole.values,
                    Some(Values(own_case_values(42, key))),
                    "{key:?} on {backend:?}"
                );
            }
        }
    }
}
