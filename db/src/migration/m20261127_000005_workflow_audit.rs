//! Allowed transitions per procedure type, correction events (rettifiche),
//! the audit log and a body's office hours. Procedure types that exist already keep the freedom
//! they had: every move from a state that is not final is allowed, until an
//! admin narrows it.

use pratiche_domain::PublicPhase;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261127_000001_initial::{foreign_key, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProcedureStates {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProcedureTransitions {
    Table,
    Id,
    ProcedureTypeId,
    FromStateId,
    ToStateId,
}

#[derive(DeriveIden)]
enum Bodies {
    Table,
    ContactHours,
}

#[derive(DeriveIden)]
enum ProcedureTypes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StatusEvents {
    Table,
    CorrectionReason,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    BodyId,
    ActorUserId,
    Actor,
    Source,
    ClientAddress,
    Entity,
    EntityId,
    Action,
    Changes,
}

#[derive(FromQueryResult)]
struct StateRow {
    id: i32,
    procedure_type_id: i32,
    public_phase: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProcedureTransitions::Table)
                    .col(pk_auto(ProcedureTransitions::Id))
                    .col(integer(ProcedureTransitions::ProcedureTypeId))
                    .col(integer(ProcedureTransitions::FromStateId))
                    .col(integer(ProcedureTransitions::ToStateId))
                    .foreign_key(&mut foreign_key(
                        ProcedureTransitions::Table,
                        ProcedureTransitions::ProcedureTypeId,
                        ProcedureTypes::Table,
                        ProcedureTypes::Id,
                    ))
                    .foreign_key(&mut foreign_key(
                        ProcedureTransitions::Table,
                        ProcedureTransitions::FromStateId,
                        ProcedureStates::Table,
                        ProcedureStates::Id,
                    ))
                    .foreign_key(&mut foreign_key(
                        ProcedureTransitions::Table,
                        ProcedureTransitions::ToStateId,
                        ProcedureStates::Table,
                        ProcedureStates::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_procedure_transitions_pair",
                ProcedureTransitions::Table,
                [
                    ProcedureTransitions::ProcedureTypeId,
                    ProcedureTransitions::FromStateId,
                    ProcedureTransitions::ToStateId,
                ],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StatusEvents::Table)
                    .add_column(text_null(StatusEvents::CorrectionReason))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Bodies::Table)
                    .add_column(string_len_null(Bodies::ContactHours, 300))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(integer_null(AuditLog::BodyId))
                    .col(integer_null(AuditLog::ActorUserId))
                    .col(string_len(AuditLog::Actor, 200))
                    .col(string_len(AuditLog::Source, 16))
                    .col(string_len_null(AuditLog::ClientAddress, 64))
                    .col(string_len(AuditLog::Entity, 40))
                    .col(string_len(AuditLog::EntityId, 64))
                    .col(string_len(AuditLog::Action, 40))
                    .col(json(AuditLog::Changes))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_audit_log_body_at",
                AuditLog::Table,
                [AuditLog::BodyId, AuditLog::At],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_audit_log_entity",
                AuditLog::Table,
                [AuditLog::Entity, AuditLog::EntityId],
            ))
            .await?;
        allow_every_move_from_open_states(manager).await
    }
}

async fn allow_every_move_from_open_states(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let states = StateRow::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT id, procedure_type_id, public_phase FROM procedure_states ORDER BY id",
    ))
    .all(db)
    .await?;
    for from in &states {
        let is_final = from
            .public_phase
            .parse::<PublicPhase>()
            .map_or(true, PublicPhase::is_final);
        if is_final {
            continue;
        }
        for to in states
            .iter()
            .filter(|to| to.procedure_type_id == from.procedure_type_id)
        {
            let insert = Query::insert()
                .into_table(ProcedureTransitions::Table)
                .columns([
                    ProcedureTransitions::ProcedureTypeId,
                    ProcedureTransitions::FromStateId,
                    ProcedureTransitions::ToStateId,
                ])
                .values_panic([from.procedure_type_id.into(), from.id.into(), to.id.into()])
                .to_owned();
            db.execute(&insert).await?;
        }
    }
    Ok(())
}
