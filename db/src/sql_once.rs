//! Statements whose SQL text is built once per backend and kept: only their
//! values change from call to call. sea-query builds a statement's text
//! anew at each call: for the public view of a pratica that was most of the
//! handler's own work besides the render (bench/RESULTS.md, "Fixes"); sqlx
//! then finds its prepared statement by that text.
//!
//! Hand-written because sea-orm keeps no built text: a few lines over
//! `OnceLock`.

use std::sync::OnceLock;

use sea_orm::sea_query::SelectStatement;
use sea_orm::{DbBackend, Statement, Value};

/// The SQL text of one query, per backend, built at its first use.
pub(crate) struct SqlOnce {
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl SqlOnce {
    pub(crate) const fn new() -> Self {
        Self {
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The statement `query` builds for `backend`, with `values` bound.
    /// `query` is called only the first time (or always, on a backend we do
    /// not run on); `values` must be the values `query` puts in its text,
    /// in the order the text takes them (each user's test compares the two).
    pub(crate) fn statement(
        &self,
        backend: DbBackend,
        values: Vec<Value>,
        query: impl FnOnce() -> SelectStatement,
    ) -> Statement {
        let cell = match backend {
            DbBackend::Sqlite => &self.sqlite,
            DbBackend::Postgres => &self.postgres,
            _ => return backend.build(&query()),
        };
        let sql = cell.get_or_init(|| backend.build(&query()).sql);
        Statement::from_sql_and_values(backend, sql.as_str(), values)
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    use sea_orm::{DbBackend, Values};

    use super::SqlOnce;

    fn named(name: &str) -> sea_orm::sea_query::SelectStatement {
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("things"))
            .and_where(Expr::col(Alias::new("name")).eq(name))
            .to_owned()
    }

    #[test]
    fn builds_the_text_once_per_backend_and_binds_each_calls_values() {
        let once = SqlOnce::new();
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let first = once.statement(backend, vec!["a".into()], || named("a"));
            let second = once.statement(backend, vec!["b".into()], || {
                unreachable!("the text is kept")
            });
            assert_eq!(first, backend.build(&named("a")));
            assert_eq!(second, backend.build(&named("b")));
            assert_eq!(second.values, Some(Values(vec!["b".into()])));
        }
    }
}
