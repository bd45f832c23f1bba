//! What the legal clock needs: the patron saint day and substitute official of
//! each body, and the clock fields of status events. Plain nullable columns,
//! one `ALTER TABLE` each (SQLite takes one change per statement).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261127_000001_initial::add_column;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bodies {
    Table,
    PatronMonth,
    PatronDay,
    SubstituteName,
    SubstituteOffice,
    SubstituteContact,
}

#[derive(DeriveIden)]
enum StatusEvents {
    Table,
    ExtensionDays,
    ExtensionBasis,
    ObservationsOn,
    ReplyBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let additions = [
            (Bodies::Table.into_iden(), integer_null(Bodies::PatronMonth)),
            (Bodies::Table.into_iden(), integer_null(Bodies::PatronDay)),
            (
                Bodies::Table.into_iden(),
                string_len_null(Bodies::SubstituteName, 200),
            ),
            (
                Bodies::Table.into_iden(),
                string_len_null(Bodies::SubstituteOffice, 200),
            ),
            (
                Bodies::Table.into_iden(),
                string_len_null(Bodies::SubstituteContact, 200),
            ),
            (
                StatusEvents::Table.into_iden(),
                integer_null(StatusEvents::ExtensionDays),
            ),
            (
                StatusEvents::Table.into_iden(),
                text_null(StatusEvents::ExtensionBasis),
            ),
            (
                StatusEvents::Table.into_iden(),
                date_null(StatusEvents::ObservationsOn),
            ),
            (
                StatusEvents::Table.into_iden(),
                date_null(StatusEvents::ReplyBy),
            ),
        ];
        for (table, column) in additions {
            add_column(manager, table, column).await?;
        }
        Ok(())
    }
}
