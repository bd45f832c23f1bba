//! Messages in App IO: a body's IO service key (encrypted by the server
//! with the key from its environment; the database never holds it in the
//! clear) and what its last check found; each outbox row's channel, so a
//! worker takes only what it can deliver, and the id the channel gave the
//! message (App IO's message id).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bodies {
    Table,
    IoApiKey,
    IoKeySetAt,
    IoKeyCheckedAt,
    IoKeyAccepted,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Channel,
    ExternalId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let columns = [
            text_null(Bodies::IoApiKey),
            timestamp_with_time_zone_null(Bodies::IoKeySetAt),
            timestamp_with_time_zone_null(Bodies::IoKeyCheckedAt),
            boolean_null(Bodies::IoKeyAccepted),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Bodies::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let columns = [
            string_len(Notifications::Channel, 16)
                .default("email")
                .take(),
            string_len_null(Notifications::ExternalId, 100),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Notifications::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
