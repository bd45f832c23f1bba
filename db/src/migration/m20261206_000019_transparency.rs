//! Transparency (D.Lgs. 33/2013 art. 35; L. 241/1990 art. 2 c. 4-bis).
//!
//! A procedure type's public sheet: what a body admin writes for citizens
//! (what it is, its legal references, the documents needed, silenzio-assenso
//! or SCIA, payments, the online service).
//!
//! A pratica's conclusion as its clock counted it (the date, the days used
//! without suspensions, whether in time) beside the stored due date, so that
//! the processing-time statistics read plain columns instead of parsing
//! every explanation. Existing concluded pratiche get theirs in the next
//! migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261127_000001_initial::add_column;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProcedureTypes {
    Table,
    Description,
    LegalReferences,
    DocumentsNeeded,
    SilenceRule,
    Payments,
    OnlineServiceUrl,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    ConcludedOn,
    DaysUsed,
    ConcludedInTime,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            text_null(ProcedureTypes::Description),
            text_null(ProcedureTypes::LegalReferences),
            text_null(ProcedureTypes::DocumentsNeeded),
            string_len_null(ProcedureTypes::SilenceRule, 32),
            text_null(ProcedureTypes::Payments),
            string_len_null(ProcedureTypes::OnlineServiceUrl, 500),
        ] {
            add_column(manager, ProcedureTypes::Table, column).await?;
        }
        for column in [
            date_null(Cases::ConcludedOn),
            integer_null(Cases::DaysUsed),
            boolean_null(Cases::ConcludedInTime),
        ] {
            add_column(manager, Cases::Table, column).await?;
        }
        Ok(())
    }
}
