//! What is kept of a pratica erased at the end of its retention period:
//! anonymous figures for the processing-time statistics (no code, no
//! subject, no reference, nothing about a person).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClosedCaseFigures {
    Table,
    Id,
    BodyId,
    ProcedureTypeId,
    SubmittedOn,
    ConcludedOn,
    FinalPhase,
    TermDays,
    DaysUsed,
    InTime,
    ErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ClosedCaseFigures::Table)
                    .col(big_pk_auto(ClosedCaseFigures::Id))
                    .col(integer(ClosedCaseFigures::BodyId))
                    .col(integer(ClosedCaseFigures::ProcedureTypeId))
                    .col(date(ClosedCaseFigures::SubmittedOn))
                    .col(date(ClosedCaseFigures::ConcludedOn))
                    .col(string_len(ClosedCaseFigures::FinalPhase, 32))
                    .col(integer_null(ClosedCaseFigures::TermDays))
                    .col(integer_null(ClosedCaseFigures::DaysUsed))
                    .col(boolean_null(ClosedCaseFigures::InTime))
                    .col(timestamp_with_time_zone(ClosedCaseFigures::ErasedAt))
                    .to_owned(),
            )
            .await?;
        // The statistics read them per body and procedure type, by period.
        manager
            .create_index(
                Index::create()
                    .name("closed_case_figures_by_type_and_date")
                    .table(ClosedCaseFigures::Table)
                    .col(ClosedCaseFigures::BodyId)
                    .col(ClosedCaseFigures::ProcedureTypeId)
                    .col(ClosedCaseFigures::ConcludedOn)
                    .to_owned(),
            )
            .await
    }
}
