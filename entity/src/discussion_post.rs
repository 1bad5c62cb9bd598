//! A reply in a discussion: flat, may quote an earlier reply, edited with its earlier texts kept
//! (`discussion_post_revisions`), deleted as a tombstone (its text gone, its place kept).

use sea_orm::entity::prelude::*;

use crate::vocab::PostLang;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discussion_posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub discussion_id: i64,
    pub author_id: i64,
    /// The earlier reply of the same discussion it quotes.
    pub quote_post_id: Option<i64>,
    pub lang: PostLang,
    /// As written (Markdown); empty once deleted.
    pub body: String,
    /// Rendered and sanitized; empty once deleted.
    pub html: String,
    pub edit_count: i32,
    pub deleted_at: Option<DateTimeUtc>,
    pub deleted_by: Option<i64>,
    /// Hidden by a moderator: its text is shown to nobody but them and its author.
    pub hidden_at: Option<DateTimeUtc>,
    pub hidden_by: Option<i64>,
    /// Why it was hidden (told to its author).
    pub hidden_reason: String,
    /// Whom it mentions: a JSON list of user ids (told in their inbox).
    pub mention_ids: String,
    /// Optimistic-locking counter (the `ETag`), bumped by every change.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
