//! A body's machine client of the integration API (its protocol register,
//! SUAP/SUE desk or case manager).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_clients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub body_id: i32,
    /// The public half of the credentials.
    #[sea_orm(unique)]
    pub client_id: String,
    pub name: String,
    /// SHA-256 of the secret, hex: the secret is shown once and never stored.
    pub secret_hash: String,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::body::Entity",
        from = "Column::BodyId",
        to = "super::body::Column::Id"
    )]
    Body,
}

impl Related<super::body::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Body.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
