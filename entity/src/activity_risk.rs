//! A risk of an activity and its mitigation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_risks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub position: i32,
    pub risk: String,
    pub mitigation: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
