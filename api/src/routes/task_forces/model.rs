//! What the task forces routes read and answer: request bodies, query parameters and responses.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Bilingual, BilingualText, TaskForceStatus};

/// Targets from the mandate against the members actually in the task force.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    pub target_members: Option<i32>,
    pub target_authorities: Option<i32>,
    pub members: i64,
    pub authorities: i64,
}

/// A task force as the API shows it. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskForceResponse {
    pub id: i64,
    #[schema(
        example = "financial-experts",
        min_length = 2,
        max_length = 80,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: String,
    pub name: Bilingual,
    pub mandate: BilingualText,
    /// At most this many members from one authority (`null`: no limit).
    pub max_members_per_authority: Option<i32>,
    pub status: TaskForceStatus,
    pub counts: Counts,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

crate::listed!(TaskForceResponse => TaskForceList, "A page of task forces.");
