//! Notices to staff: a user's own address for the installation's technical
//! notices, and, on a webhook endpoint the outbox disabled, whether its
//! body's admins still have to be told (with the lease of the instance
//! telling them, and when they were told).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Email,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    AdminsToTell,
    NoticeClaimedUntil,
    AdminsToldAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::Email, 254))
                    .to_owned(),
            )
            .await?;
        // SQLite alters one column per statement.
        let columns = [
            boolean(WebhookEndpoints::AdminsToTell)
                .default(false)
                .take(),
            timestamp_with_time_zone_null(WebhookEndpoints::NoticeClaimedUntil),
            timestamp_with_time_zone_null(WebhookEndpoints::AdminsToldAt),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(WebhookEndpoints::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
