//! An activity (learning day, workshop, campaign, guide, …) with its plan and budget: of a
//! working group, of a platform, or of the union itself.

use sea_orm::entity::prelude::*;

use crate::vocab::{ActivityKind, ActivityStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `None` for an activity of a platform as a whole, or of the union.
    pub working_group_id: Option<i64>,
    /// The programme milestone it serves (`000`).
    pub milestone_id: Option<i64>,
    /// The organising platform (the first host); `None` for an activity of the union itself.
    pub platform_id: Option<i64>,
    pub kind: ActivityKind,
    pub title_ar: String,
    pub title_en: String,
    pub rationale_ar: String,
    pub rationale_en: String,
    pub expected_outputs_ar: String,
    pub expected_outputs_en: String,
    pub responsible_party: String,
    /// `planned` | `started` | `advanced` | `completed` | `cancelled`.
    pub status: ActivityStatus,
    /// `YYYY-Qn`.
    pub planned_quarter: Option<String>,
    pub started_on: Option<Date>,
    pub advanced_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub cancelled_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
