//! An idempotency key claimed by an API client: pending while its request
//! runs, then holding the response to replay.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub api_client_id: i32,
    pub key: String,
    /// SHA-256 (hex) of the request the key was first used with.
    pub fingerprint: String,
    /// When the request under way claimed the key; an old claim is abandoned.
    pub claimed_at: DateTimeUtc,
    /// The response, once there is one.
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
