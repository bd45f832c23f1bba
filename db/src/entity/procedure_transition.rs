//! A move a procedure type allows from one internal state to another.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_transitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub procedure_type_id: i32,
    pub from_state_id: i32,
    pub to_state_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
