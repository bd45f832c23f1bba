//! A body's API clients: created by its admin with a secret shown once
//! (only its hash is stored), enabled or disabled, with the last time used.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::entity::api_client;

/// A client to create; the caller generates the id and the secret.
#[derive(Clone, Debug)]
pub struct NewClient {
    pub body_id: i32,
    pub client_id: String,
    pub name: String,
    pub secret_hash: String,
}

pub async fn create<C: ConnectionTrait>(
    conn: &C,
    new: NewClient,
    now: DateTime<Utc>,
) -> Result<api_client::Model, DbErr> {
    api_client::ActiveModel {
        body_id: Set(new.body_id),
        client_id: Set(new.client_id),
        name: Set(new.name),
        secret_hash: Set(new.secret_hash),
        disabled: Set(false),
        created_at: Set(now),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// The body's clients, newest first.
pub async fn of_body<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
) -> Result<Vec<api_client::Model>, DbErr> {
    api_client::Entity::find()
        .filter(api_client::Column::BodyId.eq(body_id))
        .order_by_desc(api_client::Column::Id)
        .all(conn)
        .await
}

/// One of the body's clients; `None` for another body's.
pub async fn own_client<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    id: i32,
) -> Result<Option<api_client::Model>, DbErr> {
    api_client::Entity::find_by_id(id)
        .filter(api_client::Column::BodyId.eq(body_id))
        .one(conn)
        .await
}

/// A client by its public id, whatever its body.
pub async fn by_client_id<C: ConnectionTrait>(
    conn: &C,
    client_id: &str,
) -> Result<Option<api_client::Model>, DbErr> {
    api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(conn)
        .await
}

/// A client by its row id.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i32,
) -> Result<Option<api_client::Model>, DbErr> {
    api_client::Entity::find_by_id(id).one(conn).await
}

pub async fn set_disabled<C: ConnectionTrait>(
    conn: &C,
    id: i32,
    disabled: bool,
) -> Result<(), DbErr> {
    api_client::Entity::update_many()
        .col_expr(api_client::Column::Disabled, disabled.into())
        .filter(api_client::Column::Id.eq(id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Notes that the client was used now. In its own write transaction, so
/// that on SQLite it waits for this process's write turn like every other
/// writer: alone, it would wait in SQLite's busy handler behind a group
/// commit that holds the lock almost all the time under load, and fail.
pub async fn touch(db: &DatabaseConnection, id: i32, now: DateTime<Utc>) -> Result<(), DbErr> {
    let txn = crate::begin_write(db).await?;
    api_client::Entity::update_many()
        .col_expr(api_client::Column::LastUsedAt, Some(now).into())
        .filter(api_client::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    txn.commit().await
}
