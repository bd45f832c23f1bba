//! Rate limits shared by every instance on one database: per key, the
//! theoretical arrival time of the generic cell rate algorithm
//! ([`crate::rate_limits`]).

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
