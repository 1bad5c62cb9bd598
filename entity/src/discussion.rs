//! A discussion (نقاش): a thread in a space — a platform, a working group, a task force, a
//! position paper, a practice or a workshop — opened with a title and a body; a question can
//! have an accepted answer. Its replies are `discussion_posts`.

use sea_orm::entity::prelude::*;

use crate::vocab::{DiscussionKind, SpaceKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discussions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_kind: SpaceKind,
    pub space_id: i64,
    /// The platform the space belongs to (none for a task force).
    pub platform_id: Option<i64>,
    pub kind: DiscussionKind,
    pub title_ar: String,
    pub title_en: String,
    /// The opening text as written (Markdown), per language.
    pub body_ar: String,
    pub body_en: String,
    /// The opening text rendered and sanitized.
    pub html_ar: String,
    pub html_en: String,
    /// A JSON list of tags.
    pub tags: String,
    /// A JSON list of topic ids.
    pub topic_ids: String,
    pub author_id: i64,
    /// No new replies while locked.
    pub locked: bool,
    /// Shown first in its space.
    pub pinned: bool,
    /// The reply accepted as the answer (questions only).
    pub accepted_post_id: Option<i64>,
    /// Replies, deleted ones included.
    pub post_count: i32,
    /// The latest reply's time (its opening's before any).
    pub last_post_at: DateTimeUtc,
    pub search_text: String,
    /// Optimistic-locking counter (the `ETag`), bumped by every change.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
