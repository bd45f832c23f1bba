//! Idempotency keys are now stored with their answer, in the transaction of
//! the work they guard: a key without an answer cannot exist any more.
//! Claims left by requests that died under the earlier protocol (a claim
//! committed on its own first) guarded work that never committed: they are
//! deleted, so their keys may be used again. A key is answered when it is
//! stored, so its claim time is its creation time: the column goes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    ClaimedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM idempotency_keys WHERE response_status IS NULL")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IdempotencyKeys::Table)
                    .drop_column(IdempotencyKeys::ClaimedAt)
                    .to_owned(),
            )
            .await
    }
}
