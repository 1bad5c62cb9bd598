//! A specialised task force (فريق عمل متخصص) beside the platforms.

use sea_orm::entity::prelude::*;

use crate::vocab::TaskForceStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_forces")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name_ar: String,
    pub name_en: String,
    pub mandate_ar: String,
    pub mandate_en: String,
    pub target_members: Option<i32>,
    pub target_authorities: Option<i32>,
    pub max_members_per_authority: Option<i32>,
    /// `active` | `closed`.
    pub status: TaskForceStatus,
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
