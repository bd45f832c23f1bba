//! Notifications to citizens: who asked to be told about a pratica
//! (`subscriptions`), and the outbox of what must be sent (`notifications`),
//! written in the transaction of the event that causes it. The outbox's
//! `dedupe_key` is unique: one row per pratica, cause, channel and
//! recipient, so nothing is queued twice. A body admin may keep an
//! internal state from being told (`procedure_states.notify`, on by
//! default).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261127_000001_initial::{foreign_key, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProcedureStates {
    Table,
    Notify,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    CaseId,
    Channel,
    Recipient,
    Language,
    ConfirmationSentAt,
    ConfirmedAt,
    UnsubscribedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    DedupeKey,
    CaseId,
    SubscriptionId,
    Kind,
    EventId,
    Status,
    Attempts,
    NotBefore,
    ClaimedUntil,
    LastError,
    MergedInto,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProcedureStates::Table)
                    .add_column(boolean(ProcedureStates::Notify).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .col(pk_auto(Subscriptions::Id))
                    .col(integer(Subscriptions::CaseId))
                    .col(string_len(Subscriptions::Channel, 16))
                    .col(string_len(Subscriptions::Recipient, 320))
                    .col(string_len(Subscriptions::Language, 16))
                    .col(timestamp_with_time_zone_null(
                        Subscriptions::ConfirmationSentAt,
                    ))
                    .col(timestamp_with_time_zone_null(Subscriptions::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(Subscriptions::UnsubscribedAt))
                    .col(timestamp_with_time_zone(Subscriptions::CreatedAt))
                    .foreign_key(
                        foreign_key(
                            Subscriptions::Table,
                            Subscriptions::CaseId,
                            Cases::Table,
                            Cases::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_subscriptions_case_recipient",
                Subscriptions::Table,
                [
                    Subscriptions::CaseId,
                    Subscriptions::Channel,
                    Subscriptions::Recipient,
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(string_len(Notifications::DedupeKey, 200))
                    .col(integer(Notifications::CaseId))
                    .col(integer(Notifications::SubscriptionId))
                    .col(string_len(Notifications::Kind, 32))
                    .col(big_integer_null(Notifications::EventId))
                    .col(string_len(Notifications::Status, 16))
                    .col(integer(Notifications::Attempts).default(0))
                    .col(timestamp_with_time_zone(Notifications::NotBefore))
                    .col(timestamp_with_time_zone_null(Notifications::ClaimedUntil))
                    .col(text_null(Notifications::LastError))
                    .col(big_integer_null(Notifications::MergedInto))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::SentAt))
                    .foreign_key(
                        foreign_key(
                            Notifications::Table,
                            Notifications::CaseId,
                            Cases::Table,
                            Cases::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        foreign_key(
                            Notifications::Table,
                            Notifications::SubscriptionId,
                            Subscriptions::Table,
                            Subscriptions::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_notifications_dedupe_key",
                Notifications::Table,
                [Notifications::DedupeKey],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_notifications_due",
                Notifications::Table,
                [Notifications::Status, Notifications::NotBefore],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_notifications_case",
                Notifications::Table,
                [Notifications::CaseId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_notifications_subscription",
                Notifications::Table,
                [Notifications::SubscriptionId, Notifications::Status],
            ))
            .await
    }
}
