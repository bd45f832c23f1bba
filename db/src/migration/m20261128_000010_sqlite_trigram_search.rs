//! SQLite: a full-text index of the normalised search text with FTS5's
//! trigram tokenizer, the counterpart of PostgreSQL's `pg_trgm` index
//! (migration 9). A dashboard search of three characters or more reads the
//! pratiche holding the words instead of scanning every pratica of the body.
//! The index keeps no copy of the text (`content='cases'`); triggers keep it
//! in step with the table. PostgreSQL needs nothing here.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const STATEMENTS: [&str; 5] = [
    "CREATE VIRTUAL TABLE cases_search USING fts5(\
        search_text, content='cases', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN \
        INSERT INTO cases_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN \
        INSERT INTO cases_search(cases_search, rowid, search_text) \
        VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER cases_search_update AFTER UPDATE OF search_text ON cases BEGIN \
        INSERT INTO cases_search(cases_search, rowid, search_text) \
        VALUES ('delete', old.id, old.search_text); \
        INSERT INTO cases_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    // Indexes the pratiche stored before this migration.
    "INSERT INTO cases_search(cases_search) VALUES ('rebuild')",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let db = manager.get_connection();
        for statement in STATEMENTS {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
