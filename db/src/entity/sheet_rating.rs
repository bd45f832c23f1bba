//! A citizen's rating of a procedure type's public sheet, anonymous
//! ([`crate::transparency::rate_sheet`]).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sheet_ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub procedure_type_id: i32,
    /// 1 to 5 ([`pratiche_domain::procedure_sheet::SheetRating`]).
    pub rating: i16,
    pub rated_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
