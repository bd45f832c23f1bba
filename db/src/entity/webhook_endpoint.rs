//! A body's webhook endpoint: where its software wants to hear of changes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub body_id: i32,
    pub url: String,
    pub description: String,
    /// The event types wanted, by name, comma-separated.
    pub event_types: String,
    /// The signing secret (`whsec_…`), sealed by the server.
    pub secret: String,
    /// The secret before the last rotation, still signing until
    /// `previous_until`.
    pub previous_secret: Option<String>,
    pub previous_until: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    pub disabled_reason: Option<String>,
    /// The first failure since the last success.
    pub failing_since: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Disabled by the outbox (three failing days, or 410): the body's
    /// admins are to be told by e-mail.
    pub admins_to_tell: bool,
    /// An instance is telling them until then.
    pub notice_claimed_until: Option<DateTimeUtc>,
    pub admins_told_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
