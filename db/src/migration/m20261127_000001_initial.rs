//! Bodies, procedure types and their states, users, pratiche and their history.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bodies {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    ContactOffice,
    ContactPhone,
    ContactEmail,
    ContactAddress,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProcedureTypes {
    Table,
    Id,
    BodyId,
    Name,
    TermDays,
    LegalBasis,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProcedureStates {
    Table,
    Id,
    ProcedureTypeId,
    Name,
    PublicPhase,
    CitizenText,
    Position,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    BodyId,
    Username,
    DisplayName,
    Role,
    PasswordHash,
    Disabled,
    Demo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Code,
    BodyId,
    ProcedureTypeId,
    Subject,
    OwnReference,
    SubmittedOn,
    OfficeName,
    ResponsibleName,
    ResponsibleContact,
    CurrentStateId,
    CurrentPhase,
    DueDate,
    DueExplanation,
    ClosedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StatusEvents {
    Table,
    Id,
    CaseId,
    StateId,
    PublicPhase,
    PublicNote,
    InternalNote,
    OccurredAt,
    RecordedAt,
    RecordedBy,
    Source,
}

pub(super) fn foreign_key(
    from_table: impl IntoIden,
    from_column: impl IntoIden,
    to_table: impl IntoIden,
    to_column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_column)
        .to(to_table, to_column)
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

/// Adds one column (SQLite takes one per `ALTER TABLE`).
pub(super) async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    mut column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

pub(super) fn index<C: IntoIden>(
    name: &str,
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(column);
    }
    index
}

pub(super) fn unique_index<C: IntoIden>(
    name: &str,
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    index(name, table, columns).unique().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Bodies::Table)
                    .col(pk_auto(Bodies::Id))
                    .col(string_len_uniq(Bodies::Slug, 64))
                    .col(string_len(Bodies::Name, 200))
                    .col(string_len(Bodies::Kind, 24))
                    .col(string_len(Bodies::ContactOffice, 200))
                    .col(string_len_null(Bodies::ContactPhone, 64))
                    .col(string_len_null(Bodies::ContactEmail, 200))
                    .col(string_len_null(Bodies::ContactAddress, 300))
                    .col(timestamp_with_time_zone(Bodies::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProcedureTypes::Table)
                    .col(pk_auto(ProcedureTypes::Id))
                    .col(integer(ProcedureTypes::BodyId))
                    .col(string_len(ProcedureTypes::Name, 200))
                    .col(integer(ProcedureTypes::TermDays))
                    .col(text_null(ProcedureTypes::LegalBasis))
                    .col(timestamp_with_time_zone(ProcedureTypes::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        ProcedureTypes::Table,
                        ProcedureTypes::BodyId,
                        Bodies::Table,
                        Bodies::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_procedure_types_body_name",
                ProcedureTypes::Table,
                [ProcedureTypes::BodyId, ProcedureTypes::Name],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProcedureStates::Table)
                    .col(pk_auto(ProcedureStates::Id))
                    .col(integer(ProcedureStates::ProcedureTypeId))
                    .col(string_len(ProcedureStates::Name, 120))
                    .col(string_len(ProcedureStates::PublicPhase, 24))
                    .col(text_null(ProcedureStates::CitizenText))
                    .col(integer(ProcedureStates::Position))
                    .foreign_key(&mut foreign_key(
                        ProcedureStates::Table,
                        ProcedureStates::ProcedureTypeId,
                        ProcedureTypes::Table,
                        ProcedureTypes::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_procedure_states_type_name",
                ProcedureStates::Table,
                [ProcedureStates::ProcedureTypeId, ProcedureStates::Name],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id))
                    .col(integer_null(Users::BodyId))
                    .col(string_len_uniq(Users::Username, 120))
                    .col(string_len(Users::DisplayName, 200))
                    .col(string_len(Users::Role, 24))
                    .col(string(Users::PasswordHash))
                    .col(boolean(Users::Disabled).default(false))
                    .col(boolean(Users::Demo).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        Users::Table,
                        Users::BodyId,
                        Bodies::Table,
                        Bodies::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(pk_auto(Cases::Id))
                    .col(string_len_uniq(Cases::Code, 13))
                    .col(integer(Cases::BodyId))
                    .col(integer(Cases::ProcedureTypeId))
                    .col(string_len(Cases::Subject, 500))
                    .col(string_len_null(Cases::OwnReference, 120))
                    .col(date(Cases::SubmittedOn))
                    .col(string_len(Cases::OfficeName, 200))
                    .col(string_len(Cases::ResponsibleName, 200))
                    .col(string_len(Cases::ResponsibleContact, 200))
                    .col(integer(Cases::CurrentStateId))
                    .col(string_len(Cases::CurrentPhase, 24))
                    .col(date_null(Cases::DueDate))
                    .col(json_null(Cases::DueExplanation))
                    .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                    .col(integer(Cases::Version).default(1))
                    .col(timestamp_with_time_zone(Cases::CreatedAt))
                    .col(timestamp_with_time_zone(Cases::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        Cases::Table,
                        Cases::BodyId,
                        Bodies::Table,
                        Bodies::Id,
                    ))
                    .foreign_key(&mut foreign_key(
                        Cases::Table,
                        Cases::ProcedureTypeId,
                        ProcedureTypes::Table,
                        ProcedureTypes::Id,
                    ))
                    .foreign_key(&mut foreign_key(
                        Cases::Table,
                        Cases::CurrentStateId,
                        ProcedureStates::Table,
                        ProcedureStates::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        // NULLs are distinct in unique indexes on both databases, so a
        // reference is unique per body only when present.
        manager
            .create_index(unique_index(
                "ux_cases_body_own_reference",
                Cases::Table,
                [Cases::BodyId, Cases::OwnReference],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_cases_body_phase_due",
                Cases::Table,
                [Cases::BodyId, Cases::CurrentPhase, Cases::DueDate],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StatusEvents::Table)
                    .col(big_pk_auto(StatusEvents::Id))
                    .col(integer(StatusEvents::CaseId))
                    .col(integer(StatusEvents::StateId))
                    .col(string_len(StatusEvents::PublicPhase, 24))
                    .col(text_null(StatusEvents::PublicNote))
                    .col(text_null(StatusEvents::InternalNote))
                    .col(timestamp_with_time_zone(StatusEvents::OccurredAt))
                    .col(timestamp_with_time_zone(StatusEvents::RecordedAt))
                    .col(integer_null(StatusEvents::RecordedBy))
                    .col(string_len(StatusEvents::Source, 16))
                    .foreign_key(&mut foreign_key(
                        StatusEvents::Table,
                        StatusEvents::CaseId,
                        Cases::Table,
                        Cases::Id,
                    ))
                    .foreign_key(&mut foreign_key(
                        StatusEvents::Table,
                        StatusEvents::StateId,
                        ProcedureStates::Table,
                        ProcedureStates::Id,
                    ))
                    .foreign_key(&mut foreign_key(
                        StatusEvents::Table,
                        StatusEvents::RecordedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_status_events_case_occurred",
                StatusEvents::Table,
                [StatusEvents::CaseId, StatusEvents::OccurredAt],
            ))
            .await?;
        Ok(())
    }
}
