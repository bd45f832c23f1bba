//! Databases for the data layer's tests: a SQLite file in a temporary
//! folder, or a fresh PostgreSQL database, dropped at the end, on the server
//! `PRATICHE_TEST_POSTGRES` names.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

pub enum TestDatabase {
    Sqlite {
        _folder: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin: DatabaseConnection,
        name: String,
        url: String,
    },
}

impl TestDatabase {
    pub fn sqlite() -> Self {
        let folder = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/test.db?mode=rwc", folder.path().display());
        Self::Sqlite {
            _folder: folder,
            url,
        }
    }

    /// A new database named after `test`; `None` (said on stderr) when
    /// `PRATICHE_SKIP_POSTGRES=1`. Panics when the server is unreachable.
    pub async fn postgres(test: &str) -> Option<Self> {
        if std::env::var("PRATICHE_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("NOTICE: PRATICHE_SKIP_POSTGRES=1: the PostgreSQL test {test} skipped");
            return None;
        }
        let admin_url = std::env::var("PRATICHE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|error| {
            panic!("PostgreSQL is unreachable at {admin_url} ({error}): start it, or set PRATICHE_SKIP_POSTGRES=1 to skip it knowingly")
        });
        let name = format!("pratiche_{test}_{}", rand::random::<u32>());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
        Some(Self::Postgres { admin, name, url })
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// Drops the PostgreSQL database (the SQLite folder goes with `self`).
    pub async fn remove(self) {
        if let Self::Postgres { admin, name, .. } = self {
            admin
                .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await
                .unwrap();
        }
    }
}
