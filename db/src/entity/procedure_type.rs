//! A procedure type of one body, with its legal term.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_types")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub body_id: i32,
    pub name: String,
    /// Days the body has to conclude (docs/rules.md, Legal clock).
    pub term_days: i32,
    /// The legal basis of the term; required above 90 days.
    pub legal_basis: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::body::Entity",
        from = "Column::BodyId",
        to = "super::body::Column::Id"
    )]
    Body,
    #[sea_orm(has_many = "super::procedure_state::Entity")]
    ProcedureState,
}

impl Related<super::body::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Body.def()
    }
}

impl Related<super::procedure_state::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcedureState.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
