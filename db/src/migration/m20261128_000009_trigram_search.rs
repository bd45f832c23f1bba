//! PostgreSQL: a trigram index (`pg_trgm`, a trusted extension since
//! PostgreSQL 13) on the normalised search text, so the dashboard's
//! `LIKE '%words%'` reads only candidate rows instead of every pratica of
//! the body. On 100,000 pratiche a search for a word no pratica holds went
//! from 440 ms to 11 ms. SQLite keeps its covering index (migration 6).

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_cases_search_trigram \
             ON cases USING gin (search_text gin_trgm_ops)",
        )
        .await
        .map(|_| ())
    }
}
