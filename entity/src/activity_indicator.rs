//! An indicator of an activity at one level, and when it was achieved.

use sea_orm::entity::prelude::*;

use crate::vocab::IndicatorLevel;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub position: i32,
    pub level: IndicatorLevel,
    pub text_ar: String,
    pub text_en: String,
    pub achieved_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
