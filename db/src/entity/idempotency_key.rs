//! An idempotency key used by an API client, with the response to replay.

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
    /// The response (never empty since migration 8).
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    /// When the request that first used the key was answered.
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
