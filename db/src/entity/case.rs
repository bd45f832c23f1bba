//! A pratica. The public page never reads this model whole: see
//! [`crate::public`] for the allow-listed view.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The 13 symbols of the [`pratiche_domain::CaseCode`], without separators.
    #[sea_orm(unique)]
    pub code: super::StoredCode,
    pub body_id: i32,
    pub procedure_type_id: i32,
    /// The public subject of the procedure: no personal data.
    pub subject: String,
    /// The body's own reference (protocol number, external id); unique per body.
    pub own_reference: Option<String>,
    pub submitted_on: Date,
    pub office_name: String,
    pub responsible_name: String,
    pub responsible_contact: String,
    pub current_state_id: i32,
    /// The public phase of the current state, kept here for filters.
    pub current_phase: super::StoredPhase,
    /// Stored by the legal clock; empty until it is computed.
    pub due_date: Option<Date>,
    /// The clock's explanation as JSON data, beside the due date.
    pub due_explanation: Option<Json>,
    /// The conclusion as the stored clock counts it (the date of the final
    /// event, the days used without suspensions, whether by the due date):
    /// empty while the pratica is open. Read by the processing-time
    /// statistics.
    pub concluded_on: Option<Date>,
    pub days_used: Option<i32>,
    pub concluded_in_time: Option<bool>,
    /// When the pratica reached a final phase; drives the retention period.
    pub closed_at: Option<DateTimeUtc>,
    /// Optimistic concurrency: `UPDATE … WHERE id = ? AND version = ?`.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Code, own reference and subject folded for search (docs/rules.md, Data conventions).
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::body::Entity",
        from = "Column::BodyId",
        to = "super::body::Column::Id"
    )]
    Body,
    #[sea_orm(
        belongs_to = "super::procedure_type::Entity",
        from = "Column::ProcedureTypeId",
        to = "super::procedure_type::Column::Id"
    )]
    ProcedureType,
    #[sea_orm(
        belongs_to = "super::procedure_state::Entity",
        from = "Column::CurrentStateId",
        to = "super::procedure_state::Column::Id"
    )]
    CurrentState,
    #[sea_orm(has_many = "super::status_event::Entity")]
    StatusEvent,
}

impl Related<super::body::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Body.def()
    }
}

impl Related<super::procedure_type::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcedureType.def()
    }
}

impl Related<super::status_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StatusEvent.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
