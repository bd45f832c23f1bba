//! The audit log: every write (status events, users, configuration) adds an
//! entry in the same transaction as the write itself, so neither exists
//! without the other. Admins read it, filtered by entity and user.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::StringLen;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, DeriveActiveEnum,
    EntityTrait, EnumIter, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};

use crate::entity::audit_entry;

/// Where a write came from; stored as its short string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AuditSource {
    #[sea_orm(string_value = "web")]
    Web,
    #[sea_orm(string_value = "api")]
    Api,
    #[sea_orm(string_value = "command")]
    Command,
    /// A job of the server itself (the retention period's erasure).
    #[sea_orm(string_value = "job")]
    Job,
}

impl AuditSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
            Self::Command => "command",
            Self::Job => "job",
        }
    }
}

/// Who writes, as the audit log names them.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i32>,
    /// A username, an API client's name or a command's.
    pub name: String,
    pub source: AuditSource,
    pub client_address: Option<String>,
}

/// One changed field.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub field: &'static str,
    pub old: Value,
    pub new: Value,
}

impl Change {
    pub fn new(field: &'static str, old: impl Into<Value>, new: impl Into<Value>) -> Self {
        Self {
            field,
            old: old.into(),
            new: new.into(),
        }
    }

    /// A field that had no value before.
    pub fn set(field: &'static str, new: impl Into<Value>) -> Self {
        Self::new(field, Value::Null, new)
    }
}

/// Keeps only the changes whose value actually changed.
pub fn changed(changes: impl IntoIterator<Item = Change>) -> Vec<Change> {
    changes
        .into_iter()
        .filter(|change| change.old != change.new)
        .collect()
}

/// What was written, to what.
#[derive(Clone, Debug)]
pub struct Entry {
    pub body_id: Option<i32>,
    pub entity: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub changes: Vec<Change>,
}

/// Adds an entry within the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let changes: Vec<Value> = entry
        .changes
        .into_iter()
        .map(|change| json!({"field": change.field, "old": change.old, "new": change.new}))
        .collect();
    audit_entry::ActiveModel {
        at: Set(now),
        body_id: Set(entry.body_id),
        actor_user_id: Set(actor.user_id),
        actor: Set(actor.name.chars().take(200).collect()),
        source: Set(actor.source),
        client_address: Set(actor.client_address.clone()),
        entity: Set(entry.entity.into()),
        entity_id: Set(entry.entity_id.chars().take(64).collect()),
        action: Set(entry.action.into()),
        changes: Set(Value::Array(changes)),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Which entries an admin reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub user_id: Option<i32>,
}

pub const AUDIT_PAGE_SIZE: u64 = 50;

/// A page of entries, newest first: a body's (`Some`), or every one for the
/// province (`None`). Returns the page and the total.
pub async fn entries(
    db: &DatabaseConnection,
    body_id: Option<i32>,
    filter: &AuditFilter,
    page: u64,
) -> Result<(Vec<audit_entry::Model>, u64), DbErr> {
    let mut query = audit_entry::Entity::find();
    if let Some(body_id) = body_id {
        query = query.filter(audit_entry::Column::BodyId.eq(body_id));
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_entry::Column::Entity.eq(entity.as_str()));
    }
    if let Some(user_id) = filter.user_id {
        query = query.filter(audit_entry::Column::ActorUserId.eq(user_id));
    }
    let pages = query
        .order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id)
        .paginate(db, AUDIT_PAGE_SIZE);
    let total = pages.num_items().await?;
    Ok((pages.fetch_page(page).await?, total))
}

/// One changed field of a logged entry, as text to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// The changes of a logged entry, each value as text ("—" for none).
pub fn changes_of(entry: &audit_entry::Model) -> Vec<LoggedChange> {
    let text = |value: &Value| match value {
        Value::Null => "—".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_owned)
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    };
    entry
        .changes
        .as_array()
        .map(|changes| {
            changes
                .iter()
                .map(|change| LoggedChange {
                    field: text(&change["field"]),
                    old: text(&change["old"]),
                    new: text(&change["new"]),
                })
                .collect()
        })
        .unwrap_or_default()
}
