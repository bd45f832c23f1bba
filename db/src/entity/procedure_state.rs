//! An internal state of a procedure type, mapped onto one public phase.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_states")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub procedure_type_id: i32,
    /// The body's own name for the state.
    pub name: String,
    /// A [`pratiche_domain::PublicPhase`] as stored.
    pub public_phase: super::StoredPhase,
    /// The body's own words for citizens, shown beneath the phase sentence.
    pub citizen_text: Option<String>,
    /// Order in the back office's lists.
    pub position: i32,
    /// Whether citizens are told when a pratica enters this state (a body
    /// admin may turn it off for a step of no interest to them).
    pub notify: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::procedure_type::Entity",
        from = "Column::ProcedureTypeId",
        to = "super::procedure_type::Column::Id"
    )]
    ProcedureType,
}

impl Related<super::procedure_type::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcedureType.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
