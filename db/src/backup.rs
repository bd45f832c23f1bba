//! Backups of an embedded (SQLite) database, taken while the server runs,
//! and their restore into a data folder. PostgreSQL has its own tools
//! (`pg_dump`/`pg_restore`, docs/deploy.md).
//!
//! The copy is SQLite's `VACUUM INTO`: one read transaction over the live
//! database (writers go on meanwhile, in WAL mode), written as a compact,
//! self-contained file. A file copy of a live database could catch a write
//! half-done and miss the WAL. The restore checks the copy (SQLite's
//! integrity check, the migrations it carries) before it puts it in place
//! with a rename, so a failed restore leaves nothing half-written.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement};
use sea_orm_migration::MigratorTrait;

/// What a backup holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Copied {
    pub pratiche: i64,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backups by this command are for the embedded SQLite database; for PostgreSQL use pg_dump and pg_restore (docs/deploy.md)"
    )]
    NotSqlite,
    #[error("{0} exists: nothing was overwritten")]
    Exists(PathBuf),
    #[error("{0} is not a Pratiche backup: {1}")]
    NotABackup(PathBuf, String),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::File {
        path: path.to_owned(),
        source,
    }
}

/// Writes a consistent copy of the live database `db` to `to`, which must
/// not exist.
pub async fn take(db: &DatabaseConnection, to: &Path) -> Result<Copied, BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    let target = to
        .to_str()
        .ok_or_else(|| BackupError::NotABackup(to.to_owned(), "the path is not UTF-8".into()))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await?;
    check(to).await
}

/// Puts the backup `from` in place as the database file `database`, which
/// must not exist (stop the server and move the old file aside first).
pub async fn restore(from: &Path, database: &Path) -> Result<Copied, BackupError> {
    if database.exists() {
        return Err(BackupError::Exists(database.to_owned()));
    }
    let copied = check(from).await?;
    let partial = database.with_extension("restoring");
    let _ = std::fs::remove_file(&partial);
    std::fs::copy(from, &partial).map_err(file_error(&partial))?;
    std::fs::File::open(&partial)
        .and_then(|file| file.sync_all())
        .map_err(file_error(&partial))?;
    std::fs::rename(&partial, database).map_err(file_error(database))?;
    Ok(copied)
}

/// Opens `path` read-only and checks that it is a sound Pratiche database
/// this version can run (its migrations are all known here); what it
/// holds.
async fn check(path: &Path) -> Result<Copied, BackupError> {
    let not_a_backup = |why: String| BackupError::NotABackup(path.to_owned(), why);
    let bytes = std::fs::metadata(path).map_err(file_error(path))?.len();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let copy = Database::connect(url.as_str())
        .await
        .map_err(|error| not_a_backup(error.to_string()))?;
    let outcome = async {
        let scalar = |sql: &str| {
            let statement = Statement::from_string(DbBackend::Sqlite, sql.to_owned());
            let copy = &copy;
            async move { copy.query_one_raw(statement).await }
        };
        let integrity: String = scalar("PRAGMA integrity_check")
            .await
            .map_err(|error| not_a_backup(error.to_string()))?
            .and_then(|row| row.try_get_by_index(0).ok())
            .unwrap_or_default();
        if integrity != "ok" {
            return Err(not_a_backup(format!("integrity check: {integrity}")));
        }
        let applied: Vec<String> = copy
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT version FROM seaql_migrations",
            ))
            .await
            .map_err(|_| not_a_backup("it has no migrations table".into()))?
            .iter()
            .filter_map(|row| row.try_get_by_index(0).ok())
            .collect();
        let known: Vec<String> = crate::migration::Migrator::migrations()
            .iter()
            .map(|migration| migration.name().to_owned())
            .collect();
        if let Some(unknown) = applied.iter().find(|name| !known.contains(name)) {
            return Err(not_a_backup(format!(
                "it was written by a newer version (migration {unknown})"
            )));
        }
        let pratiche: i64 = scalar("SELECT count(*) FROM cases")
            .await
            .map_err(|error| not_a_backup(error.to_string()))?
            .and_then(|row| row.try_get_by_index(0).ok())
            .unwrap_or_default();
        Ok(Copied { pratiche, bytes })
    }
    .await;
    copy.close().await?;
    outcome
}
