//! A practice (ممارسة، تجربة): what a local authority did that others can learn from. The text
//! fields mirror its latest version.

use sea_orm::entity::prelude::*;

use crate::vocab::PracticeStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The platform it is shared on (whose coordinators publish it).
    pub platform_id: i64,
    /// The authority that did it.
    pub local_authority_id: i64,
    /// A topic of the platform's work plan.
    pub topic_id: Option<i64>,
    pub status: PracticeStatus,
    pub title_ar: String,
    pub title_en: String,
    pub summary_ar: String,
    pub summary_en: String,
    /// The problem it answered.
    pub problem_ar: String,
    pub problem_en: String,
    /// What was done.
    pub approach_ar: String,
    pub approach_en: String,
    /// What came of it, with its figures.
    pub results_ar: String,
    pub results_en: String,
    /// What it cost and who funded it.
    pub costs_ar: String,
    pub costs_en: String,
    /// Who it was done with.
    pub partners_ar: String,
    pub partners_en: String,
    pub duration_months: Option<i32>,
    /// The people to ask about it: a JSON list of user ids.
    pub contact_ids: String,
    /// SDG targets it serves (`11.3`): a JSON list.
    pub sdg_targets: String,
    /// Free tags: a JSON list.
    pub tags: String,
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
