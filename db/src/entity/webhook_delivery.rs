//! One webhook to deliver (the webhooks' outbox), and how it went.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub endpoint_id: i32,
    /// `webhook-id`: unique, the same on every retry.
    pub webhook_id: String,
    pub event_type: String,
    /// The JSON body, as signed and sent.
    pub payload: String,
    pub status: crate::webhooks::DeliveryStatus,
    pub attempts: i32,
    pub not_before: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    /// The last answer: its status, how long it took, its first bytes.
    pub response_status: Option<i32>,
    pub response_ms: Option<i32>,
    pub response_excerpt: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
