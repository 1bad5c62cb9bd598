//! An axis (محور) grouping topics, as in the Gaza platform.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_plan_axes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub work_plan_id: i64,
    pub rank: i32,
    pub name_ar: String,
    pub name_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
