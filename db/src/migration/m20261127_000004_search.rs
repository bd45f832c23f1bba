//! The normalised search column of pratiche (code, own reference, subject),
//! written by the app so SQLite and PostgreSQL search alike; existing rows
//! are filled in here.

use pratiche_domain::CaseCode;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    SearchText,
}

#[derive(FromQueryResult)]
struct Row {
    id: i32,
    code: String,
    own_reference: Option<String>,
    subject: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(text(Cases::SearchText).default(""))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = Row::find_by_statement(Statement::from_string(
            backend,
            "SELECT id, code, own_reference, subject FROM cases",
        ))
        .all(db)
        .await?;
        for row in rows {
            let Ok(code) = CaseCode::parse(&row.code) else {
                continue;
            };
            let search_text =
                crate::cases::search_text(code, row.own_reference.as_deref(), &row.subject);
            let update = Query::update()
                .table(Cases::Table)
                .value(Cases::SearchText, search_text)
                .and_where(Expr::col(Alias::new("id")).eq(row.id))
                .to_owned();
            db.execute(&update).await?;
        }
        Ok(())
    }
}
