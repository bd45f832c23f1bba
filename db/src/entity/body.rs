//! A body (ente): a Comune or a Unione that runs its own pratiche.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bodies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// `comune`, `unione_comuni` or `unione_montana`.
    pub kind: String,
    /// The office citizens contact for anything (e.g. the URP).
    pub contact_office: String,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
    /// Office hours as the body writes them.
    pub contact_hours: Option<String>,
    pub created_at: DateTimeUtc,
    /// The patron saint day of a Comune: a day off for the legal clock.
    pub patron_month: Option<i32>,
    pub patron_day: Option<i32>,
    /// The titolare del potere sostitutivo (art. 2 c. 9-bis); when empty the
    /// legal default applies: the body's highest-ranking official.
    pub substitute_name: Option<String>,
    pub substitute_office: Option<String>,
    pub substitute_contact: Option<String>,
    /// The last position taken in the body's changes feed.
    pub feed_position: i64,
    /// The body's App IO service key, sealed by the server
    /// (`server/src/secrets.rs`); never shown again once entered.
    pub io_api_key: Option<String>,
    pub io_key_set_at: Option<DateTimeUtc>,
    /// When the key was last tried against App IO, and whether IO took it.
    pub io_key_checked_at: Option<DateTimeUtc>,
    pub io_key_accepted: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::procedure_type::Entity")]
    ProcedureType,
    #[sea_orm(has_many = "super::case::Entity")]
    Case,
}

impl Related<super::procedure_type::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcedureType.def()
    }
}

impl Related<super::case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Case.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
