//! One entry of a pratica's history. Append-only: never updated or deleted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i32,
    pub state_id: i32,
    /// The public phase of `state_id` when the event was recorded.
    pub public_phase: super::StoredPhase,
    pub public_note: Option<String>,
    /// For colleagues only: never on a public page.
    pub internal_note: Option<String>,
    pub occurred_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    pub recorded_by: Option<i32>,
    /// `demo`, `backoffice` or `api`.
    pub source: crate::cases::EventSource,
    /// An extension (proroga) of the term, with its legal basis.
    pub extension_days: Option<i32>,
    pub extension_basis: Option<String>,
    /// When the citizen's observations on a preavviso di rigetto arrived.
    pub observations_on: Option<Date>,
    /// For a request for documents: the date the citizen must reply by.
    pub reply_by: Option<Date>,
    /// Set on a correction (rettifica): why the history needed one.
    pub correction_reason: Option<String>,
    /// The pratica's body, for its changes feed.
    pub body_id: i32,
    /// Where the event stands in its body's changes feed: increasing in
    /// commit order, with gaps (see [`crate::feed`]).
    pub feed_position: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::case::Entity",
        from = "Column::CaseId",
        to = "super::case::Column::Id"
    )]
    Case,
    #[sea_orm(
        belongs_to = "super::procedure_state::Entity",
        from = "Column::StateId",
        to = "super::procedure_state::Column::Id"
    )]
    State,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::RecordedBy",
        to = "super::user::Column::Id"
    )]
    RecordedBy,
}

impl Related<super::case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Case.def()
    }
}

impl Related<super::procedure_state::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::State.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
