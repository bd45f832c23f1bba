//! The clerk's list of the body's pratiche: filters, search, counts and
//! pages.

use chrono::{Days, NaiveDate};
use pratiche_domain::text::fold_for_search;
use pratiche_domain::{CaseCode, PublicPhase};
use sea_orm::sea_query::{Alias, Expr, Order, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

use crate::entity::{case, procedure_type};
use crate::procedure_types::procedure_types_of;

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
    pub code: crate::entity::StoredCode,
    pub subject: String,
    pub own_reference: Option<String>,
    pub procedure_name: String,
    pub current_phase: crate::entity::StoredPhase,
    pub due_date: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct Dashboard {
    pub rows: Vec<DashboardRow>,
    /// Pratiche matching the filter, on every page.
    pub total: MatchCount,
    pub past_due: MatchCount,
    pub due_within_week: MatchCount,
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

/// Every other count of the dashboard stops here: a body with hundreds of
/// thousands of pratiche would otherwise read all of them on every view
/// (about 0.4 s each on PostgreSQL with a million pratiche), for a figure no
/// clerk reads to the unit.
pub const COUNT_LIMIT: u64 = 10_000;

/// How many pratiche match one of the dashboard's filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchCount {
    Exactly(u64),
    /// More than the limit: [`SEARCH_COUNT_LIMIT`] for a text search,
    /// [`COUNT_LIMIT`] for the rest.
    MoreThan(u64),
}

/// Counts the body's pratiche matching `condition`, up to `limit`: the
/// count stops reading once it is past it.
async fn count_up_to(
    db: &DatabaseConnection,
    body_id: i32,
    condition: Condition,
    limit: u64,
) -> Result<MatchCount, DbErr> {
    let counted = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .filter(case::Column::BodyId.eq(body_id))
        .filter(condition)
        .limit(limit + 1)
        .count(db)
        .await?;
    Ok(if counted > limit {
        MatchCount::MoreThan(limit)
    } else {
        MatchCount::Exactly(counted)
    })
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
        None => count_up_to(db, body_id, matching.clone(), COUNT_LIMIT).await?,
        Some(folded) => {
            let with_text = matching.clone().add(text_on_row(folded));
            let total = count_up_to(db, body_id, with_text, SEARCH_COUNT_LIMIT).await?;
            // Many matches: walking the due-date index finds a page of them
            // soon. Few: they are found first, then sorted.
            let found = match total {
                MatchCount::MoreThan(_) => text_on_row(folded),
                MatchCount::Exactly(_) => text_in_index(db.get_database_backend(), body_id, folded),
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
    let past_due = count_up_to(db, body_id, due(DueFilter::PastDue, today), COUNT_LIMIT).await?;
    let due_within_week =
        count_up_to(db, body_id, due(DueFilter::WithinWeek, today), COUNT_LIMIT).await?;
    let procedure_types = procedure_types_of(db, body_id).await?;
    Ok(Dashboard {
        rows,
        total,
        past_due,
        due_within_week,
        procedure_types,
    })
}
