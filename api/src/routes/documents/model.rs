//! What the documents routes read and answer: request bodies, query parameters and responses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::{
    Bilingual, BilingualPatch, BilingualText, BilingualTextPatch, DocumentKind, DocumentStatus,
};

/// The most authors a document names.
pub const MAX_AUTHORS: usize = 20;

/// A document: what it is, whose output it is, and where its versions are.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentResponse {
    pub id: i64,
    /// The platform that publishes it.
    pub platform_id: i64,
    /// The working group that writes it.
    pub working_group_id: Option<i64>,
    pub kind: DocumentKind,
    pub status: DocumentStatus,
    pub title: Bilingual,
    pub summary: BilingualText,
    /// The activity it is an output of.
    pub activity_id: Option<i64>,
    /// The programme milestone it is an output of.
    pub milestone_id: Option<i64>,
    /// The position paper whose final text it is.
    pub position_paper_id: Option<i64>,
    /// Its authors.
    #[schema(max_items = 20)]
    pub author_ids: Vec<i64>,
    /// Number of its latest version; 0 while it is planned.
    #[schema(minimum = 0)]
    pub current_version: i32,
    /// How many times its versions were read (whole, or from their first byte).
    #[schema(minimum = 0)]
    pub download_count: i64,
    pub published_at: Option<DateTime<Utc>>,
    /// Who planned it (null for the programme's own reference data).
    pub created_by: Option<i64>,
    /// The version, as in `ETag`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Where its versions are listed and uploaded.
    #[schema(max_length = 200, example = "/api/v1/documents/3/versions")]
    pub versions_url: String,
    /// Where its latest version is read (null while it has none).
    #[schema(max_length = 200, example = "/api/v1/documents/3/content")]
    pub content_url: Option<String>,
}

/// A new document, planned on a platform (its coordinators, administrators).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateDocumentRequest {
    pub platform_id: i64,
    /// A working group of the platform that writes it.
    pub working_group_id: Option<i64>,
    pub kind: DocumentKind,
    #[validate(nested)]
    pub title: Bilingual,
    #[validate(nested)]
    #[serde(default)]
    pub summary: BilingualText,
    /// An activity the platform hosts, whose output it is.
    pub activity_id: Option<i64>,
    /// A programme milestone whose output it is.
    pub milestone_id: Option<i64>,
    /// A position paper of the platform whose final text it is.
    pub position_paper_id: Option<i64>,
    /// Active people who write it; default: the caller.
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub author_ids: Vec<i64>,
}

/// Changes to a document; absent fields stay as they are, `null` clears a link.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateDocumentRequest {
    pub kind: Option<DocumentKind>,
    #[validate(nested)]
    pub title: Option<BilingualPatch>,
    #[validate(nested)]
    pub summary: Option<BilingualTextPatch>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub working_group_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub activity_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub milestone_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub position_paper_id: Option<Option<i64>>,
    /// Replaces the authors.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub author_ids: Option<Vec<i64>>,
}

/// A move along a document's lifecycle.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DocumentTransitionRequest {
    pub to: DocumentStatus,
}
