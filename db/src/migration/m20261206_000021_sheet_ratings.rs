//! Citizens' ratings of a procedure type's public sheet (1 to 5), kept
//! anonymous: the type, the number and the day, nothing about who rated.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SheetRatings {
    Table,
    Id,
    ProcedureTypeId,
    Rating,
    RatedOn,
}

#[derive(DeriveIden)]
enum ProcedureTypes {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SheetRatings::Table)
                    .col(big_pk_auto(SheetRatings::Id))
                    .col(integer(SheetRatings::ProcedureTypeId))
                    .col(small_integer(SheetRatings::Rating))
                    .col(date(SheetRatings::RatedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SheetRatings::Table, SheetRatings::ProcedureTypeId)
                            .to(ProcedureTypes::Table, ProcedureTypes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sheet_ratings_type")
                    .table(SheetRatings::Table)
                    .col(SheetRatings::ProcedureTypeId)
                    .to_owned(),
            )
            .await
    }
}
