//! One measurement of an agreement's indicator (monitoring and evaluation, `002`); the value is
//! an exact decimal stored as text.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership_measurements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partnership_id: i64,
    /// 1-based position in the agreement's indicators when measured.
    pub indicator: i32,
    pub indicator_ar: String,
    pub indicator_en: String,
    pub value: String,
    pub measured_on: Date,
    pub note: String,
    pub recorded_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
