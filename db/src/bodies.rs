//! Bodies (enti): their details, contacts and patron day, the province's
//! list with statistics. A body's procedure types, staff and pratiche live
//! in their own modules.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::clock::recompute_where;
use crate::entity::{body, case};
use pratiche_domain::clock::PatronDay;

// ---- Bodies ----

/// A body's details as its admin edits them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyDetails {
    pub name: String,
    pub contact_office: String,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
    pub contact_hours: Option<String>,
    pub substitute_name: Option<String>,
    pub substitute_office: Option<String>,
    pub substitute_contact: Option<String>,
}

impl BodyDetails {
    pub fn of(body: &body::Model) -> Self {
        Self {
            name: body.name.clone(),
            contact_office: body.contact_office.clone(),
            contact_phone: body.contact_phone.clone(),
            contact_email: body.contact_email.clone(),
            contact_address: body.contact_address.clone(),
            contact_hours: body.contact_hours.clone(),
            substitute_name: body.substitute_name.clone(),
            substitute_office: body.substitute_office.clone(),
            substitute_contact: body.substitute_contact.clone(),
        }
    }
}

pub async fn body_by_id<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
) -> Result<Option<body::Model>, DbErr> {
    body::Entity::find_by_id(body_id).one(conn).await
}

/// The name of a body (for the back office's headings).
pub async fn body_name_by_id(
    db: &DatabaseConnection,
    body_id: i32,
) -> Result<Option<String>, DbErr> {
    crate::entity::body::Entity::find_by_id(body_id)
        .select_only()
        .column(crate::entity::body::Column::Name)
        .into_tuple::<String>()
        .one(db)
        .await
}

pub async fn set_body_details<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    details: BodyDetails,
) -> Result<(), DbErr> {
    body::Entity::update_many()
        .col_expr(
            body::Column::ContactOffice,
            Expr::value(details.contact_office),
        )
        .col_expr(
            body::Column::ContactPhone,
            Expr::value(details.contact_phone),
        )
        .col_expr(
            body::Column::ContactEmail,
            Expr::value(details.contact_email),
        )
        .col_expr(
            body::Column::ContactAddress,
            Expr::value(details.contact_address),
        )
        .col_expr(
            body::Column::ContactHours,
            Expr::value(details.contact_hours),
        )
        .col_expr(
            body::Column::SubstituteName,
            Expr::value(details.substitute_name),
        )
        .col_expr(
            body::Column::SubstituteOffice,
            Expr::value(details.substitute_office),
        )
        .col_expr(
            body::Column::SubstituteContact,
            Expr::value(details.substitute_contact),
        )
        .filter(body::Column::Id.eq(body_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// Sets (or clears) a body's patron saint day; returns how many due dates
/// changed.
pub async fn set_patron_day<C: ConnectionTrait>(
    txn: &C,
    body_id: i32,
    patron: Option<PatronDay>,
) -> Result<u64, DbErr> {
    body::Entity::update_many()
        .col_expr(
            body::Column::PatronMonth,
            Expr::value(patron.map(|p| p.month() as i32)),
        )
        .col_expr(
            body::Column::PatronDay,
            Expr::value(patron.map(|p| p.day() as i32)),
        )
        .filter(body::Column::Id.eq(body_id))
        .exec(txn)
        .await?;
    recompute_where(txn, Condition::all().add(case::Column::BodyId.eq(body_id))).await
}

// ---- App IO ----

/// What a body admin sees of the body's App IO service key: never the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IoKeyState {
    pub set_at: DateTime<Utc>,
    /// When it was last tried against App IO, and whether IO took it.
    pub checked: Option<(DateTime<Utc>, bool)>,
}

impl IoKeyState {
    pub fn of(body: &body::Model) -> Option<Self> {
        body.io_api_key.as_ref()?;
        Some(Self {
            set_at: body.io_key_set_at?,
            checked: body.io_key_checked_at.zip(body.io_key_accepted),
        })
    }
}

/// Stores the body's sealed IO service key (`None` removes it), unchecked.
pub async fn set_io_key<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    sealed: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let set_at = sealed.as_ref().map(|_| now);
    body::Entity::update_many()
        .col_expr(body::Column::IoApiKey, Expr::value(sealed))
        .col_expr(body::Column::IoKeySetAt, Expr::value(set_at))
        .col_expr(
            body::Column::IoKeyCheckedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            body::Column::IoKeyAccepted,
            Expr::value(Option::<bool>::None),
        )
        .filter(body::Column::Id.eq(body_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Writes down what App IO answered when the key was tried.
pub async fn set_io_key_checked<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
    accepted: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    body::Entity::update_many()
        .col_expr(body::Column::IoKeyCheckedAt, Expr::value(now))
        .col_expr(body::Column::IoKeyAccepted, Expr::value(accepted))
        .filter(body::Column::Id.eq(body_id))
        .filter(body::Column::IoApiKey.is_not_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// The body's sealed IO service key, if it has one.
pub async fn sealed_io_key<C: ConnectionTrait>(
    conn: &C,
    body_id: i32,
) -> Result<Option<String>, DbErr> {
    Ok(body::Entity::find_by_id(body_id)
        .select_only()
        .column(body::Column::IoApiKey)
        .into_tuple::<Option<String>>()
        .one(conn)
        .await?
        .flatten())
}

/// Whether the body sends messages through App IO (it has a key).
pub async fn sends_through_io<C: ConnectionTrait>(conn: &C, body_id: i32) -> Result<bool, DbErr> {
    Ok(sealed_io_key(conn, body_id).await?.is_some())
}

/// A body to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBody {
    pub slug: String,
    pub name: String,
    /// `comune` or `unione_comuni`.
    pub kind: String,
    pub contact_office: String,
}

pub async fn create_body<C: ConnectionTrait>(
    conn: &C,
    new: NewBody,
    now: DateTime<Utc>,
) -> Result<body::Model, DbErr> {
    body::ActiveModel {
        slug: Set(new.slug),
        name: Set(new.name),
        kind: Set(new.kind),
        contact_office: Set(new.contact_office),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
}

pub async fn all_bodies(db: &DatabaseConnection) -> Result<Vec<body::Model>, DbErr> {
    body::Entity::find()
        .order_by_asc(body::Column::Name)
        .all(db)
        .await
}
