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
    /// The public sheet (D.Lgs. 33/2013 art. 35 c. 1), as the body admin
    /// writes it: what the procedure is, its legal references, the
    /// documents needed, payments, the online service.
    pub description: Option<String>,
    pub legal_references: Option<String>,
    pub documents_needed: Option<String>,
    /// A [`pratiche_domain::procedure_sheet::SilenceRule`] as stored; empty
    /// when the procedure ends with an express decision only.
    pub silence_rule: Option<String>,
    pub payments: Option<String>,
    pub online_service_url: Option<String>,
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
