//! Webhooks: a body's endpoints (URL, the event types wanted, the signing
//! secret sealed by the server, and the previous one while a rotation
//! overlaps) and the outbox of their deliveries, written in the
//! transaction of the change they tell. A delivery's `webhook_id` is
//! unique: one per endpoint and cause, the same on every retry, so a
//! receiver can drop what it already has.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261127_000001_initial::{foreign_key, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bodies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    BodyId,
    Url,
    Description,
    EventTypes,
    Secret,
    PreviousSecret,
    PreviousUntil,
    DisabledAt,
    DisabledReason,
    FailingSince,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    WebhookId,
    EventType,
    Payload,
    Status,
    Attempts,
    NotBefore,
    ClaimedUntil,
    ResponseStatus,
    ResponseMs,
    ResponseExcerpt,
    LastError,
    CreatedAt,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoints::Table)
                    .col(pk_auto(WebhookEndpoints::Id))
                    .col(integer(WebhookEndpoints::BodyId))
                    .col(string_len(WebhookEndpoints::Url, 500))
                    .col(string_len(WebhookEndpoints::Description, 200))
                    .col(string_len(WebhookEndpoints::EventTypes, 200))
                    .col(text(WebhookEndpoints::Secret))
                    .col(text_null(WebhookEndpoints::PreviousSecret))
                    .col(timestamp_with_time_zone_null(
                        WebhookEndpoints::PreviousUntil,
                    ))
                    .col(timestamp_with_time_zone_null(WebhookEndpoints::DisabledAt))
                    .col(text_null(WebhookEndpoints::DisabledReason))
                    .col(timestamp_with_time_zone_null(
                        WebhookEndpoints::FailingSince,
                    ))
                    .col(timestamp_with_time_zone(WebhookEndpoints::CreatedAt))
                    .foreign_key(
                        foreign_key(
                            WebhookEndpoints::Table,
                            WebhookEndpoints::BodyId,
                            Bodies::Table,
                            Bodies::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_webhook_endpoints_body",
                WebhookEndpoints::Table,
                [WebhookEndpoints::BodyId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(big_pk_auto(WebhookDeliveries::Id))
                    .col(integer(WebhookDeliveries::EndpointId))
                    .col(string_len(WebhookDeliveries::WebhookId, 100))
                    .col(string_len(WebhookDeliveries::EventType, 40))
                    .col(text(WebhookDeliveries::Payload))
                    .col(string_len(WebhookDeliveries::Status, 16))
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NotBefore))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::ClaimedUntil,
                    ))
                    .col(integer_null(WebhookDeliveries::ResponseStatus))
                    .col(integer_null(WebhookDeliveries::ResponseMs))
                    .col(text_null(WebhookDeliveries::ResponseExcerpt))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::DeliveredAt,
                    ))
                    .foreign_key(
                        foreign_key(
                            WebhookDeliveries::Table,
                            WebhookDeliveries::EndpointId,
                            WebhookEndpoints::Table,
                            WebhookEndpoints::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_webhook_deliveries_webhook_id",
                WebhookDeliveries::Table,
                [WebhookDeliveries::WebhookId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_webhook_deliveries_due",
                WebhookDeliveries::Table,
                [WebhookDeliveries::Status, WebhookDeliveries::NotBefore],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_webhook_deliveries_endpoint",
                WebhookDeliveries::Table,
                [WebhookDeliveries::EndpointId, WebhookDeliveries::Id],
            ))
            .await
    }
}
