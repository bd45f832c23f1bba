//! Users, sessions and sign-in failure counters. Passwords arrive here
//! already hashed; every query about a session checks it in the query itself
//! (not revoked, not past its absolute end, its user not disabled).

use chrono::{DateTime, Utc};
use pratiche_domain::account::{
    FAILURE_DECAY, MAX_COUNTED_FAILURES, Role, Username, failures_after_attempt, lockout_after,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entity::{session, sign_in_throttle, user};

/// An account to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    /// Empty only for province admins.
    pub body_id: Option<i32>,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub demo: bool,
}

pub async fn create_user<C: ConnectionTrait>(
    conn: &C,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        body_id: Set(new.body_id),
        username: Set(new.username.into_string()),
        display_name: Set(new.display_name),
        role: Set(new.role.into()),
        password_hash: Set(new.password_hash),
        disabled: Set(false),
        demo: Set(new.demo),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

pub async fn find_user(
    db: &DatabaseConnection,
    username: &Username,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username.as_str()))
        .one(db)
        .await
}

pub async fn find_user_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// Whether any demo account (`demo`) or any real one (`!demo`) exists: the
/// two never go in one database.
pub async fn has_users(db: &DatabaseConnection, demo: bool) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Demo.eq(demo))
        .count(db)
        .await?
        > 0)
}

/// A session's request details, for the user's list of recent sign-ins.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

pub async fn start_session(
    db: &DatabaseConnection,
    id: String,
    user_id: i32,
    client: Client,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<session::Model, DbErr> {
    session::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        client_address: Set(client.address),
        user_agent: Set(client
            .user_agent
            .map(|agent| agent.chars().take(300).collect())),
    }
    .insert(db)
    .await
}

/// The session and its user, if the session is live: not revoked, before
/// its absolute end, and its user not disabled.
pub async fn live_session(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, user::Model)>, DbErr> {
    let found = session::Entity::find_by_id(id.to_owned())
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .find_also_related(user::Entity)
        .filter(user::Column::Disabled.eq(false))
        .one(db)
        .await?;
    Ok(found.and_then(|(session, user)| Some((session, user?))))
}

pub async fn touch_session(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn revoke_session(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Revokes every session of a user (sign out everywhere, a new password, a
/// disabled account).
pub async fn revoke_all_sessions<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await
        .map(|result| result.rows_affected)
}

/// A user's most recent sign-ins, newest first.
pub async fn recent_sessions(
    db: &DatabaseConnection,
    user_id: i32,
    limit: u64,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_desc(session::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
}

/// Replaces a user's password and revokes every session, within the
/// caller's transaction.
pub async fn set_password<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .filter(user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    revoke_all_sessions(conn, user_id, now).await?;
    Ok(())
}

/// What reserving a sign-in attempt found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt is counted as a failure until a success clears it; if it
    /// fails, sign-in stays locked until `locked_after`.
    Reserved { locked_after: Option<DateTime<Utc>> },
    /// Sign-in is locked for one of the keys until then; nothing counted.
    Locked { until: DateTime<Utc> },
}

/// Reserves one attempt for each of `keys` before the password is checked:
/// unless one of them is locked, each counts one more failure (after the
/// decay of [`failures_after_attempt`]) and is locked per [`lockout_after`].
/// Atomic: concurrent guesses queue on the rows (`FOR UPDATE` on PostgreSQL,
/// SQLite's single writer), so N guesses count N failures, and those past
/// the threshold are refused without a hash. A success clears the keys
/// ([`clear_failures`]).
pub async fn reserve_attempt(
    db: &DatabaseConnection,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<Attempt, DbErr> {
    let txn = crate::begin_write(db).await?;
    // Every row exists before it is locked, so concurrent reservations of a
    // new key queue too.
    sign_in_throttle::Entity::insert_many(keys.iter().map(|key| sign_in_throttle::ActiveModel {
        key: Set(key.clone()),
        failures: Set(0),
        locked_until: Set(None),
        updated_at: Set(now),
    }))
    .on_conflict_do_nothing()
    .exec_without_returning(&txn)
    .await?;
    let rows = sign_in_throttle::Entity::find()
        .filter(sign_in_throttle::Column::Key.is_in(keys.iter().cloned()))
        .lock_exclusive()
        .all(&txn)
        .await?;
    if let Some(until) = rows
        .iter()
        .filter_map(|row| row.locked_until)
        .filter(|until| *until > now)
        .max()
    {
        return Ok(Attempt::Locked { until });
    }
    let mut locked_after = None;
    for row in rows {
        let quiet = (now - row.updated_at).to_std().unwrap_or_default();
        let failures = failures_after_attempt(u32::try_from(row.failures).unwrap_or(0), quiet);
        let locked_until = lockout_after(failures).map(|lockout| {
            now + chrono::Duration::from_std(lockout).unwrap_or_else(|_| chrono::Duration::hours(1))
        });
        locked_after = locked_after.max(locked_until);
        sign_in_throttle::Entity::update_many()
            .col_expr(
                sign_in_throttle::Column::Failures,
                Expr::value(i32::try_from(failures).unwrap_or(i32::MAX)),
            )
            .col_expr(
                sign_in_throttle::Column::LockedUntil,
                Expr::value(locked_until),
            )
            .col_expr(sign_in_throttle::Column::UpdatedAt, Expr::value(now))
            .filter(sign_in_throttle::Column::Key.eq(row.key))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(Attempt::Reserved { locked_after })
}

/// Forgets the failures of `keys` after a successful sign-in.
pub async fn clear_failures(db: &DatabaseConnection, keys: &[String]) -> Result<(), DbErr> {
    sign_in_throttle::Entity::delete_many()
        .filter(sign_in_throttle::Column::Key.is_in(keys.iter().cloned()))
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes the counters that no longer count: not locked at `now`, and
/// quiet long enough for every failure to have decayed. Returns how many.
pub async fn purge_throttles(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let forgotten = FAILURE_DECAY * MAX_COUNTED_FAILURES;
    let quiet_since =
        now - chrono::Duration::from_std(forgotten).unwrap_or_else(|_| chrono::Duration::days(1));
    sign_in_throttle::Entity::delete_many()
        .filter(sign_in_throttle::Column::UpdatedAt.lt(quiet_since))
        .filter(
            Condition::any()
                .add(sign_in_throttle::Column::LockedUntil.is_null())
                .add(sign_in_throttle::Column::LockedUntil.lte(now)),
        )
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}

// ---- Staff ----

/// A body's users, by username.
pub async fn staff_of(db: &DatabaseConnection, body_id: i32) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::BodyId.eq(body_id))
        .order_by_asc(user::Column::Username)
        .all(db)
        .await
}

/// One of the body's users.
pub async fn member_of<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    user_id: i32,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(user_id)
        .filter(user::Column::BodyId.eq(body_id))
        .one(conn)
        .await
}

/// Sets (or, with `None`, removes) the address where a user gets the
/// installation's technical notices.
pub async fn set_email<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    email: Option<&str>,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(email))
        .filter(user::Column::Id.eq(user_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// The addresses of the body's enabled admins who gave one.
pub async fn admin_addresses<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
) -> Result<Vec<String>, DbErr> {
    let admins = user::Entity::find()
        .filter(user::Column::BodyId.eq(body_id))
        .filter(user::Column::Role.eq(crate::entity::StoredRole::from(Role::BodyAdmin)))
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::Email.is_not_null())
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?;
    Ok(admins.into_iter().filter_map(|admin| admin.email).collect())
}

/// Disables (revoking every session at once) or enables a user.
pub async fn set_disabled<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::value(disabled))
        .filter(user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    if disabled {
        revoke_all_sessions(conn, user_id, now).await?;
    }
    Ok(())
}
