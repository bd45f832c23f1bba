//! One set of migrations for SQLite and PostgreSQL. Foreign keys are declared
//! when a table is created: SQLite cannot add them later.

use sea_orm_migration::prelude::*;

mod m20261127_000001_initial;
mod m20261127_000002_clock;
mod m20261127_000003_sessions;
mod m20261127_000004_search;
mod m20261127_000005_workflow_audit;
mod m20261127_000006_dashboard_indexes;
mod m20261127_000007_api;
mod m20261128_000008_keys_with_answers;
mod m20261128_000009_trigram_search;
mod m20261128_000010_sqlite_trigram_search;
mod m20261202_000011_notifications;
mod m20261203_000012_app_io;
mod m20261203_000013_webhooks;
mod m20261203_000014_staff_notices;
mod m20261204_000015_rate_limits;
mod m20261204_000016_closed_case_figures;
mod m20261206_000017_autovacuum;
mod m20261206_000018_type_list_index;
mod m20261206_000019_transparency;
mod m20261206_000020_fill_conclusions;
mod m20261206_000021_sheet_ratings;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_initial::Migration),
            Box::new(m20261127_000002_clock::Migration),
            Box::new(m20261127_000003_sessions::Migration),
            Box::new(m20261127_000004_search::Migration),
            Box::new(m20261127_000005_workflow_audit::Migration),
            Box::new(m20261127_000006_dashboard_indexes::Migration),
            Box::new(m20261127_000007_api::Migration),
            Box::new(m20261128_000008_keys_with_answers::Migration),
            Box::new(m20261128_000009_trigram_search::Migration),
            Box::new(m20261128_000010_sqlite_trigram_search::Migration),
            Box::new(m20261202_000011_notifications::Migration),
            Box::new(m20261203_000012_app_io::Migration),
            Box::new(m20261203_000013_webhooks::Migration),
            Box::new(m20261203_000014_staff_notices::Migration),
            Box::new(m20261204_000015_rate_limits::Migration),
            Box::new(m20261204_000016_closed_case_figures::Migration),
            Box::new(m20261206_000017_autovacuum::Migration),
            Box::new(m20261206_000018_type_list_index::Migration),
            Box::new(m20261206_000019_transparency::Migration),
            Box::new(m20261206_000020_fill_conclusions::Migration),
            Box::new(m20261206_000021_sheet_ratings::Migration),
        ]
    }
}
