//! A platform hosting an activity (joint activities have several).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_platforms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub platform_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
