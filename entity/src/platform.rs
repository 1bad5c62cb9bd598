//! A thematic or regional exchange platform (منصة).

use sea_orm::entity::prelude::*;

use crate::vocab::{PlatformKind, PlatformStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "platforms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name_ar: String,
    pub name_en: String,
    /// `thematic` | `regional`.
    pub kind: PlatformKind,
    /// The parent of a regional sub-platform.
    pub parent_id: Option<i64>,
    pub description_ar: String,
    pub description_en: String,
    pub audience_ar: String,
    pub audience_en: String,
    pub launched_on: Option<Date>,
    /// `YYYY-Qn`, where a source gives the quarter of a launch rather than its day.
    pub launch_quarter: Option<String>,
    pub launch_city_ar: Option<String>,
    pub launch_city_en: Option<String>,
    pub launch_attendance: Option<i32>,
    /// Authorities taking part at the launch (Gaza: 25).
    pub launch_authority_count: Option<i32>,
    /// `planned` | `active` | `suspended` | `closed`.
    pub status: PlatformStatus,
    /// IANA zone its workshops are shown in unless they name another.
    pub time_zone: String,
    pub search_text: String,
    /// Bumped on every update: the ETag.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
