//! The anonymous figures kept of a pratica erased at the end of its
//! retention period ([`crate::retention`]).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "closed_case_figures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub body_id: i32,
    pub procedure_type_id: i32,
    pub submitted_on: Date,
    pub concluded_on: Date,
    pub final_phase: super::StoredPhase,
    /// Empty when the legal clock had not been computed for the pratica.
    pub term_days: Option<i32>,
    /// Days from submission to conclusion, the suspensions not counted.
    pub days_used: Option<i32>,
    pub in_time: Option<bool>,
    pub erased_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
