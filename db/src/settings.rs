//! Changes to a body's calendar and a procedure type's term: each one
//! recomputes the due dates it moves, within the caller's write transaction
//! (which also holds the change's audit entry).

use pratiche_domain::clock::{PatronDay, Term};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::clock::recompute_where;
use crate::entity::{body, case, procedure_type};

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

/// Sets (or clears) a body's patron saint day; returns how many due dates
/// changed.
pub async fn set_patron_day<C: ConnectionTrait>(
    txn: &C,
    body_id: i32,
    patron: Option<PatronDay>,
) -> Result<u64, DbErr> {
    body::Entity::update_many()
        .col_expr(
            body::Column::PatronMonth,
            Expr::value(patron.map(|p| p.month() as i32)),
        )
        .col_expr(
            body::Column::PatronDay,
            Expr::value(patron.map(|p| p.day() as i32)),
        )
        .filter(body::Column::Id.eq(body_id))
        .exec(txn)
        .await?;
    recompute_where(txn, Condition::all().add(case::Column::BodyId.eq(body_id))).await
}
