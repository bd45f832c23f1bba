//! The integration API: machine clients of a body, idempotency keys, and the
//! changes feed's positions. Each body counts its own feed: the counter row
//! is updated in the same transaction as the event, so writers of one body
//! take positions in commit order and a reader never skips an event.
//! Existing events take their id as position.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261127_000001_initial::{foreign_key, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bodies {
    Table,
    Id,
    FeedPosition,
}

#[derive(DeriveIden)]
enum StatusEvents {
    Table,
    BodyId,
    FeedPosition,
}

#[derive(DeriveIden)]
enum ApiClients {
    Table,
    Id,
    BodyId,
    ClientId,
    Name,
    SecretHash,
    Disabled,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    ApiClientId,
    Key,
    Fingerprint,
    ClaimedAt,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Bodies::Table)
                    .add_column(big_integer(Bodies::FeedPosition).default(0))
                    .to_owned(),
            )
            .await?;
        for column in [
            integer(StatusEvents::BodyId).default(0).to_owned(),
            big_integer(StatusEvents::FeedPosition)
                .default(0)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StatusEvents::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE status_events SET feed_position = id, \
             body_id = (SELECT cases.body_id FROM cases WHERE cases.id = status_events.case_id)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE bodies SET feed_position = (SELECT COALESCE(MAX(id), 0) FROM status_events)",
        )
        .await?;
        manager
            .create_index(unique_index(
                "ux_status_events_body_feed",
                StatusEvents::Table,
                [StatusEvents::BodyId, StatusEvents::FeedPosition],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiClients::Table)
                    .col(pk_auto(ApiClients::Id))
                    .col(integer(ApiClients::BodyId))
                    .col(string_len(ApiClients::ClientId, 64))
                    .col(string_len(ApiClients::Name, 120))
                    .col(string_len(ApiClients::SecretHash, 128))
                    .col(boolean(ApiClients::Disabled).default(false))
                    .col(timestamp_with_time_zone(ApiClients::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiClients::LastUsedAt))
                    .foreign_key(&mut foreign_key(
                        ApiClients::Table,
                        ApiClients::BodyId,
                        Bodies::Table,
                        Bodies::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_api_clients_client_id",
                ApiClients::Table,
                [ApiClients::ClientId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_api_clients_body",
                ApiClients::Table,
                [ApiClients::BodyId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(big_pk_auto(IdempotencyKeys::Id))
                    .col(integer(IdempotencyKeys::ApiClientId))
                    .col(string_len(IdempotencyKeys::Key, 255))
                    .col(string_len(IdempotencyKeys::Fingerprint, 64))
                    .col(timestamp_with_time_zone(IdempotencyKeys::ClaimedAt))
                    .col(integer_null(IdempotencyKeys::ResponseStatus))
                    .col(text_null(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        IdempotencyKeys::Table,
                        IdempotencyKeys::ApiClientId,
                        ApiClients::Table,
                        ApiClients::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_idempotency_keys_client_key",
                IdempotencyKeys::Table,
                [IdempotencyKeys::ApiClientId, IdempotencyKeys::Key],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_idempotency_keys_created",
                IdempotencyKeys::Table,
                [IdempotencyKeys::CreatedAt],
            ))
            .await
    }
}
