//! A milestone of a programme's transition plan (`000`: planning, establishment, capacity
//! development, awareness, networking and fundraising, specialised competencies, handover).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub programme: String,
    pub rank: i32,
    pub name_ar: String,
    pub name_en: String,
    pub summary_ar: String,
    pub summary_en: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
