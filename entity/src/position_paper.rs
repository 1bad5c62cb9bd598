//! A position paper (ورقة موقف); the text fields mirror its latest version.

use sea_orm::entity::prelude::*;

use crate::vocab::PaperStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "position_papers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub platform_id: i64,
    pub topic_id: Option<i64>,
    pub working_group_id: Option<i64>,
    pub target_body: String,
    /// `draft` | `in_review` | `adopted` | `submitted` | `published` | `withdrawn`.
    pub status: PaperStatus,
    pub title_ar: String,
    pub title_en: String,
    pub summary_ar: String,
    pub summary_en: String,
    pub body_ar: String,
    pub body_en: String,
    /// Number of the latest version.
    pub current_version: i32,
    pub search_text: String,
    pub created_by: i64,
    /// Optimistic-locking counter (the `ETag`), bumped by every change.
    pub version: i32,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
