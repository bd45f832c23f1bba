//! One row of the outbox: a message that must be sent, written in the
//! transaction of what caused it, and its delivery's log.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Pratica, cause, channel and recipient: unique, so nothing is queued
    /// twice; the message's id is derived from it.
    pub dedupe_key: String,
    pub case_id: i32,
    pub subscription_id: i32,
    /// The subscription's channel, so a worker claims only what it can
    /// deliver.
    pub channel: crate::notifications::Channel,
    pub kind: crate::notifications::Kind,
    /// The status event that caused it, for updates.
    pub event_id: Option<i64>,
    pub status: crate::notifications::Status,
    /// Tries so far, counted when a worker claims the row.
    pub attempts: i32,
    /// Not tried before this instant (the next retry's time).
    pub not_before: DateTimeUtc,
    /// A worker holds the row until then; after, another may take it.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// An update told in the mail of a later one (coalescing).
    pub merged_into: Option<i64>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// The id the channel gave the message (App IO's message id).
    pub external_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::subscription::Entity",
        from = "Column::SubscriptionId",
        to = "super::subscription::Column::Id"
    )]
    Subscription,
}

impl Related<super::subscription::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subscription.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
