//! A platform's work plan for a period: draft → approved.

use sea_orm::entity::prelude::*;

use crate::vocab::WorkPlanStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub platform_id: i64,
    pub period: String,
    pub title_ar: String,
    pub title_en: String,
    /// `draft` | `approved`.
    pub status: WorkPlanStatus,
    pub approved_at: Option<DateTimeUtc>,
    pub approved_by: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
