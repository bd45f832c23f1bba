//! Indexes for the clerk's dashboard on large bodies (measured on 100,000
//! pratiche by `bench/dashboard.sh`): the list in due-date order, the
//! past-due and due-soon counts over open pratiche, the filter by procedure
//! type, and a covering index for searching the normalised text without
//! reading whole rows.

use sea_orm_migration::prelude::*;

use super::m20261127_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    BodyId,
    DueDate,
    ClosedAt,
    ProcedureTypeId,
    SearchText,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in [
            (
                "ix_cases_body_due",
                vec![Cases::BodyId, Cases::DueDate, Cases::Id],
            ),
            (
                "ix_cases_body_open_due",
                vec![Cases::BodyId, Cases::ClosedAt, Cases::DueDate],
            ),
            (
                "ix_cases_body_type_due",
                vec![Cases::BodyId, Cases::ProcedureTypeId, Cases::DueDate],
            ),
            (
                "ix_cases_body_search",
                vec![Cases::BodyId, Cases::SearchText],
            ),
        ] {
            manager
                .create_index(index(name, Cases::Table, columns))
                .await?;
        }
        Ok(())
    }
}
