//! PostgreSQL: vacuum and analyse the pratiche and their events once 1% of
//! their rows changed, instead of the default 20%. The retention job erases
//! closed pratiche in bulk (on an installation's first run, a year or more
//! of them); until a vacuum, the pages it touched are no longer marked
//! all-visible, and the dashboard's counts and index-only scans read the
//! table itself again: with a million pratiche its unfiltered list took 2 s
//! instead of 0.2 s at p95 (bench/RESULTS.md). Inserts count too, so a
//! growing table keeps its pages all-visible. Nothing to do on SQLite.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables the retention job deletes from and the write path grows.
const TABLES: [&str; 2] = ["cases", "status_events"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        for table in TABLES {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0.01, \
                     autovacuum_analyze_scale_factor = 0.01, \
                     autovacuum_vacuum_insert_scale_factor = 0.01)"
                ))
                .await?;
        }
        Ok(())
    }
}
