//! What the work plans routes read and answer: request bodies, query parameters and responses.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Bilingual, WorkPlanStatus};
use crate::routes::views::TopicResponse;

/// A non-blocking remark about a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct Warning {
    #[schema(example = "topic_count", value_type = String, max_length = 32, pattern = "^[a-z_]+$")]
    pub code: &'static str,
    pub message: Bilingual,
}

/// An axis (محور) grouping topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct AxisResponse {
    pub id: i64,
    pub rank: i32,
    pub name: Bilingual,
}

/// A work plan with its axes, ranked topics and warnings. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkPlanResponse {
    pub id: i64,
    pub platform_id: i64,
    #[schema(example = "2019-2020", max_length = 50)]
    pub period: String,
    pub title: Bilingual,
    pub status: WorkPlanStatus,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    #[schema(max_items = 20)]
    pub axes: Vec<AxisResponse>,
    #[schema(max_items = 50)]
    pub topics: Vec<TopicResponse>,
    #[schema(max_items = 1)]
    pub warnings: Vec<Warning>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
