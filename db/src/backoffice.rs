//! What the back office reads: the dashboard of one body's pratiche and the
//! full record of one. Every query is scoped to the signed-in user's body in
//! the query itself.

use chrono::{DateTime, Days, NaiveDate, Utc};
use pratiche_domain::clock::Explanation;
use pratiche_domain::text::fold_for_search;
use pratiche_domain::{CaseCode, PublicPhase};
use sea_orm::sea_query::{Alias, Expr, Order, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    RelationTrait,
};

use crate::entity::{case, procedure_state, procedure_type, status_event, user};
use crate::with_children::parent_with_children;

/// Rows per dashboard page.
pub const PAGE_SIZE: u64 = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueFilter {
    /// Open, and the due date has passed.
    PastDue,
    /// Open, due today or in the next 7 days.
    WithinWeek,
}

#[derive(Clone, Debug, Default)]
pub struct DashboardFilter {
    /// A code (any form), an own reference or words of the subject.
    pub search: Option<String>,
    pub phase: Option<PublicPhase>,
    pub procedure_type_id: Option<i32>,
    pub due: Option<DueFilter>,
}

#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct DashboardRow {
    pub code: String,
    pub subject: String,
    pub own_reference: Option<String>,
    pub procedure_name: String,
    pub current_phase: String,
    pub due_date: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct Dashboard {
    pub rows: Vec<DashboardRow>,
    /// Pratiche matching the filter, on every page.
    pub total: MatchCount,
    pub past_due: u64,
    pub due_within_week: u64,
    /// The body's procedure types, for the filter.
    pub procedure_types: Vec<(i32, String)>,
}

fn open() -> Condition {
    Condition::all().add(case::Column::ClosedAt.is_null())
}

fn due(filter: DueFilter, today: NaiveDate) -> Condition {
    match filter {
        DueFilter::PastDue => open().add(case::Column::DueDate.lt(today)),
        DueFilter::WithinWeek => open()
            .add(case::Column::DueDate.gte(today))
            .add(case::Column::DueDate.lte(today + Days::new(7))),
    }
}

/// Matches of a text search are counted up to this many: an exact count
/// would read every match, and a word most pratiche hold matches tens of
/// thousands.
pub const SEARCH_COUNT_LIMIT: u64 = 1000;

/// How many pratiche match the dashboard's filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchCount {
    Exactly(u64),
    /// A text search matched more than [`SEARCH_COUNT_LIMIT`].
    MoreThan(u64),
}

/// Pratiche whose normalised text contains `folded`, tested on each row read:
/// the way to walk the list in due-date order when most rows match, and to
/// count matches up to a limit in the body's covering search index.
fn text_on_row(folded: &str) -> SimpleExpr {
    case::Column::SearchText.contains(folded)
}

/// The body's pratiche whose normalised text contains `folded`, found before
/// any row is read: the way when few match. SQLite answers from its trigram
/// index (migration 10) when `folded` has the three characters a trigram
/// needs, otherwise from the covering index of the body's texts; PostgreSQL's
/// `LIKE` uses its own trigram index (migration 9).
fn text_in_index(backend: DbBackend, body_id: i32, folded: &str) -> SimpleExpr {
    if backend == DbBackend::Sqlite && folded.chars().count() >= 3 {
        // A quoted FTS5 string matches as one substring; `folded` holds only
        // letters, digits and spaces, quotes are doubled all the same.
        let phrase = format!("\"{}\"", folded.replace('"', "\"\""));
        return case::Column::Id.in_subquery(
            Query::select()
                .expr(Expr::cust("rowid"))
                .from(Alias::new("cases_search"))
                .and_where(Expr::cust_with_values("cases_search MATCH ?", [phrase]))
                .to_owned(),
        );
    }
    case::Column::Id.in_subquery(
        Query::select()
            .column(case::Column::Id)
            .from(case::Entity)
            .and_where(case::Column::BodyId.eq(body_id))
            .and_where(text_on_row(folded))
            .to_owned(),
    )
}

pub async fn dashboard(
    db: &DatabaseConnection,
    body_id: i32,
    filter: &DashboardFilter,
    page: u64,
    today: NaiveDate,
) -> Result<Dashboard, DbErr> {
    let of_body = || case::Entity::find().filter(case::Column::BodyId.eq(body_id));
    let mut matching = Condition::all();
    if let Some(phase) = filter.phase {
        matching = matching.add(case::Column::CurrentPhase.eq(phase.as_str()));
    }
    if let Some(procedure_type_id) = filter.procedure_type_id {
        matching = matching.add(case::Column::ProcedureTypeId.eq(procedure_type_id));
    }
    if let Some(due_filter) = filter.due {
        matching = matching.add(due(due_filter, today));
    }
    let words = match filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|search| !search.is_empty())
        .map(|search| (search, CaseCode::parse(search)))
    {
        None => None,
        Some((_, Ok(code))) => {
            matching = matching.add(case::Column::Code.eq(code.compact()));
            None
        }
        Some((search, Err(_))) => Some(fold_for_search(search)),
    };
    let total = match &words {
        None => MatchCount::Exactly(of_body().filter(matching.clone()).count(db).await?),
        Some(folded) => {
            let counted = of_body()
                .select_only()
                .column(case::Column::Id)
                .filter(matching.clone().add(text_on_row(folded)))
                .limit(SEARCH_COUNT_LIMIT + 1)
                .count(db)
                .await?;
            // Many matches: walking the due-date index finds a page of them
            // soon. Few: they are found first, then sorted.
            let (found, total) = if counted > SEARCH_COUNT_LIMIT {
                (
                    text_on_row(folded),
                    MatchCount::MoreThan(SEARCH_COUNT_LIMIT),
                )
            } else {
                let backend = db.get_database_backend();
                (
                    text_in_index(backend, body_id, folded),
                    MatchCount::Exactly(counted),
                )
            };
            matching = matching.add(found);
            total
        }
    };
    // The page's ids are found in the indexes alone; only its 25 rows are
    // then read and joined, however deep the page (`OFFSET` would read and
    // join every row it skips).
    let page_ids = Query::select()
        .column(case::Column::Id)
        .from(case::Entity)
        .and_where(case::Column::BodyId.eq(body_id))
        .cond_where(matching)
        .order_by(case::Column::DueDate, Order::Asc)
        .order_by(case::Column::Id, Order::Asc)
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .to_owned();
    let rows = case::Entity::find()
        .select_only()
        .column(case::Column::Code)
        .column(case::Column::Subject)
        .column(case::Column::OwnReference)
        .column_as(procedure_type::Column::Name, "procedure_name")
        .column(case::Column::CurrentPhase)
        .column(case::Column::DueDate)
        .join(JoinType::InnerJoin, case::Relation::ProcedureType.def())
        .filter(case::Column::Id.in_subquery(page_ids))
        .order_by_asc(case::Column::DueDate)
        .order_by_asc(case::Column::Id)
        .into_model::<DashboardRow>()
        .all(db)
        .await?;
    let past_due = of_body()
        .filter(due(DueFilter::PastDue, today))
        .count(db)
        .await?;
    let due_within_week = of_body()
        .filter(due(DueFilter::WithinWeek, today))
        .count(db)
        .await?;
    let procedure_types = procedure_types_of(db, body_id).await?;
    Ok(Dashboard {
        rows,
        total,
        past_due,
        due_within_week,
        procedure_types,
    })
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
    pub public_phase: String,
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
    pub code: String,
    pub own_reference: Option<String>,
    pub procedure_type_id: i32,
    pub procedure_name: String,
    pub subject: String,
    pub submitted_on: NaiveDate,
    pub office_name: String,
    pub responsible_name: String,
    pub responsible_contact: String,
    pub current_state_id: i32,
    pub current_phase: String,
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
    let query = own_case_query(body_id, key.into())
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
    let query = crate::cases::history_order(select_event_detail(query));
    let Some((mut case, events)) =
        parent_with_children::<CaseFields, _>(db, &query.into_query()).await?
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

/// An internal state as the status-change form offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChoice {
    pub id: i32,
    pub name: String,
    pub phase: PublicPhase,
}

/// The states of a procedure type, in their order.
pub async fn state_choices<C: ConnectionTrait>(
    db: &C,
    procedure_type_id: i32,
) -> Result<Vec<StateChoice>, DbErr> {
    Ok(crate::admin::states_of(db, procedure_type_id)
        .await?
        .into_iter()
        .filter_map(|state| {
            Some(StateChoice {
                id: state.id,
                phase: state.public_phase.parse().ok()?,
                name: state.name,
            })
        })
        .collect())
}
