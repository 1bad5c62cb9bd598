//! What the position papers routes read and answer: request bodies, query parameters and responses.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Bilingual, BilingualText, PaperStatus};

pub use crate::domain::text::{PaperBody, PaperBodyPatch};

/// An author as the API shows them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuthorSummary {
    pub user_id: i64,
    pub name: Bilingual,
}

/// A position paper with its current text. `version` is its `ETag`; `current_version` is the
/// number of the latest text version.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaperResponse {
    pub id: i64,
    pub platform_id: i64,
    pub topic_id: Option<i64>,
    pub working_group_id: Option<i64>,
    /// The policy body the paper is addressed to.
    #[schema(example = "وزارة الحكم المحلي", max_length = 300)]
    pub target_body: String,
    pub status: PaperStatus,
    pub title: Bilingual,
    pub summary: BilingualText,
    pub body: PaperBody,
    pub current_version: i32,
    #[schema(max_items = 50)]
    pub authors: Vec<AuthorSummary>,
    pub endorsements: i64,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_by: i64,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A paper in a list (without its body).
#[derive(Debug, Serialize, ToSchema)]
pub struct PaperSummary {
    pub id: i64,
    pub platform_id: i64,
    pub topic_id: Option<i64>,
    pub working_group_id: Option<i64>,
    #[schema(max_length = 300)]
    pub target_body: String,
    pub status: PaperStatus,
    pub title: Bilingual,
    pub summary: BilingualText,
    pub current_version: i32,
    #[schema(max_items = 50)]
    pub authors: Vec<AuthorSummary>,
    pub endorsements: i64,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
