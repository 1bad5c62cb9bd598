//! An agreement's terms as they stood before an amendment or renewal replaced them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership_terms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partnership_id: i64,
    pub version: i32,
    pub subject_ar: String,
    pub subject_en: String,
    pub objectives_ar: String,
    pub objectives_en: String,
    /// JSON arrays, as on the agreement.
    pub fields: String,
    pub indicators: String,
    pub supervising_body: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub replaced_by_step_id: i64,
    pub replaced_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
