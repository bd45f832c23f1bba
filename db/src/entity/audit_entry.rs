//! One write, as the audit log keeps it: who, when, from where, what entity,
//! and each changed field with its old and new value. Written in the same
//! transaction as the write itself; never updated or deleted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// The body the entity belongs to; none for the province's own entities.
    pub body_id: Option<i32>,
    pub actor_user_id: Option<i32>,
    /// Who acted, as shown: a username, an API client, or a command.
    pub actor: String,
    /// `web`, `api`, `command` or `demo`.
    pub source: crate::audit::AuditSource,
    pub client_address: Option<String>,
    /// `case`, `user`, `body`, `procedure_type`...
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// `[{"field": …, "old": …, "new": …}]`
    pub changes: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
