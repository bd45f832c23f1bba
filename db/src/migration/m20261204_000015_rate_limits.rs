//! Rate limits shared by every instance on one database: per key, the
//! theoretical arrival time of the generic cell rate algorithm
//! ([`crate::rate_limits`]). On PostgreSQL the table is unlogged: its rows
//! are counters a crash may lose without harm, and without WAL a lookup's
//! charge commits without waiting for a disk flush.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    TatNs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(string_len(RateLimits::Key, 120).primary_key())
                    .col(big_integer(RateLimits::TatNs))
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE rate_limits SET UNLOGGED")
                .await?;
        }
        // The purge deletes the keys whose limit is full again.
        manager
            .create_index(
                Index::create()
                    .name("rate_limits_by_tat")
                    .table(RateLimits::Table)
                    .col(RateLimits::TatNs)
                    .to_owned(),
            )
            .await
    }
}
