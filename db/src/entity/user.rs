//! Back-office users. Sign-in comes with the back-office issue; status events
//! reference this table already because SQLite cannot add foreign keys later.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Empty for province admins, who belong to no body.
    pub body_id: Option<i32>,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    /// `province_admin`, `body_admin` or `clerk`.
    pub role: super::StoredRole,
    pub password_hash: String,
    pub disabled: bool,
    /// Created by demo mode; the server refuses such users outside it.
    pub demo: bool,
    pub created_at: DateTimeUtc,
    /// Where the installation's technical notices reach them (a body
    /// admin: a webhook endpoint disabled); set on their account page.
    pub email: Option<String>,
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

impl ActiveModelBehavior for ActiveModel {}
