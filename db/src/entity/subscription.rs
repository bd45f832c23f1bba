//! Someone who asked to be told about a pratica: an e-mail address (after
//! its confirmation) in the language they asked in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub channel: crate::notifications::Channel,
    /// The address, as [`pratiche_domain::notify::EmailAddress`] wrote it.
    pub recipient: String,
    /// The language tag of the page they subscribed from.
    pub language: String,
    /// The last confirmation mail queued: at most one an hour.
    pub confirmation_sent_at: Option<DateTimeUtc>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub unsubscribed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
