//! Every concluded pratica stored before migration 19 gets its conclusion's
//! columns from its stored explanation (as the write path now stores them
//! with every clock). A data step of its own, so that it can be run again.

use sea_orm_migration::prelude::*;

use crate::clock::StoredClock;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    ClosedAt,
    DueExplanation,
    ConcludedOn,
    DaysUsed,
    ConcludedInTime,
}

/// Pratiche read per statement.
const BATCH: u64 = 1_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let mut after = 0;
        loop {
            let read = Query::select()
                .columns([Cases::Id, Cases::DueExplanation])
                .from(Cases::Table)
                .and_where(Expr::col(Cases::Id).gt(after))
                .and_where(Expr::col(Cases::ClosedAt).is_not_null())
                .and_where(Expr::col(Cases::DueExplanation).is_not_null())
                .order_by(Cases::Id, Order::Asc)
                .limit(BATCH)
                .to_owned();
            let rows = db.query_all(&read).await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.try_get::<i32>("", "id")?;
            for row in rows {
                let id: i32 = row.try_get("", "id")?;
                let stored: Option<serde_json::Value> = row.try_get("", "due_explanation")?;
                let Some(explanation) = crate::clock::from_json(stored)? else {
                    continue;
                };
                let clock = StoredClock::of(&explanation);
                let update = Query::update()
                    .table(Cases::Table)
                    .value(Cases::ConcludedOn, clock.concluded_on)
                    .value(Cases::DaysUsed, clock.days_used)
                    .value(Cases::ConcludedInTime, clock.concluded_in_time)
                    .and_where(Expr::col(Cases::Id).eq(id))
                    .to_owned();
                db.execute(&update).await?;
            }
        }
    }
}
