//! What the discussions routes read and answer: request bodies and responses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use crate::domain::{DiscussionKind, FlagStatus, PostLang, SpaceKind};

/// The most tags and topics a discussion carries.
pub const MAX_TAGS: usize = 10;
pub const MAX_TOPICS: usize = 5;
/// The longest opening text or reply, per language (characters of Markdown).
pub const MAX_BODY_CHARS: u64 = 20_000;

/// Where a discussion takes place.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, Validate, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Space {
    pub kind: SpaceKind,
    /// The platform's, working group's, task force's, paper's, practice's or workshop's id.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub id: i64,
}

/// A title in Arabic, English or both (at least one given).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, Validate, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DiscussionTitle {
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "كيف تجمعون رسوم النفايات الصلبة؟")]
    #[serde(default)]
    pub ar: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "How do you collect solid-waste fees?")]
    #[serde(default)]
    pub en: String,
}

/// Markdown in Arabic, English or both (at least one given); links, lists, tables, emphasis and
/// quotes are kept, anything that could run is removed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, Validate, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DiscussionBody {
    #[validate(length(max = 20000))]
    #[schema(
        max_length = 20000,
        example = "نرغب في معرفة **آلية التحصيل** المعتمدة لديكم."
    )]
    #[serde(default)]
    pub ar: String,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    #[serde(default)]
    pub en: String,
}

/// Markdown rendered to HTML and sanitized, per language (at most 200 000 characters each:
/// a text whose HTML would be longer is refused).
#[derive(Clone, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct DiscussionHtml {
    #[schema(max_length = 200000)]
    pub ar: String,
    #[schema(max_length = 200000)]
    pub en: String,
}

/// A tag: 1–40 characters, not only spaces.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(transparent)]
#[schema(
    value_type = String,
    min_length = 1,
    max_length = 40,
    example = "النفايات الصلبة"
)]
pub struct Tag(pub String);

/// Every tag 1–40 characters, not only spaces (as [`Tag`]'s schema says).
fn validate_tags(tags: &[Tag]) -> Result<(), ValidationError> {
    let fits =
        |t: &str| (1..=40).contains(&t.chars().count()) && t.chars().any(|c| !c.is_whitespace());
    if tags.iter().all(|t| fits(&t.0)) {
        Ok(())
    } else {
        Err(ValidationError::new("format"))
    }
}

/// A new discussion in a space.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateDiscussionRequest {
    #[validate(nested)]
    pub space: Space,
    /// A question can have an accepted answer. Default: `discussion`.
    #[serde(default)]
    pub kind: Option<DiscussionKind>,
    #[validate(nested)]
    pub title: DiscussionTitle,
    #[validate(nested)]
    pub body: DiscussionBody,
    /// Up to 10 tags of 1–40 characters.
    #[validate(length(max = 10), custom(function = "validate_tags"))]
    #[schema(max_items = 10, example = json!(["النفايات الصلبة", "الرسوم"]))]
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Up to 5 topics of the space's platform's work plans.
    #[validate(length(max = 5))]
    #[schema(max_items = 5)]
    #[serde(default)]
    pub topic_ids: Vec<i64>,
}

/// Changes to a discussion (its author, the space's coordinators); absent fields stay as they
/// are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateDiscussionRequest {
    #[validate(nested)]
    pub title: Option<DiscussionTitlePatch>,
    #[validate(nested)]
    pub body: Option<DiscussionBodyPatch>,
    /// Replaces the tags.
    #[validate(length(max = 10), custom(function = "validate_tags"))]
    #[schema(max_items = 10)]
    pub tags: Option<Vec<Tag>>,
    /// Replaces the topics.
    #[validate(length(max = 5))]
    #[schema(max_items = 5)]
    pub topic_ids: Option<Vec<i64>>,
}

/// A change to a title (JSON Merge Patch, RFC 7396): a language left out keeps its text, `null`
/// (or `""`) clears it; one language must remain.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DiscussionTitlePatch {
    #[validate(length(max = 200))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub ar: Option<Option<String>>,
    #[validate(length(max = 200))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub en: Option<Option<String>>,
}

/// A change to an opening text (JSON Merge Patch): a language left out keeps its text, `null`
/// (or `""`) clears it; one language must remain.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DiscussionBodyPatch {
    #[validate(length(max = 20000))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub ar: Option<Option<String>>,
    #[validate(length(max = 20000))]
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub en: Option<Option<String>>,
}

/// A discussion.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscussionResponse {
    pub id: i64,
    pub space: Space,
    /// The platform of its space (null for a task force's).
    pub platform_id: Option<i64>,
    pub kind: DiscussionKind,
    pub title: DiscussionTitle,
    /// The opening text as written (Markdown).
    pub body: DiscussionBody,
    /// The opening text rendered and sanitized, to show as it is.
    pub html: DiscussionHtml,
    #[schema(max_items = 10)]
    pub tags: Vec<Tag>,
    #[schema(max_items = 5)]
    pub topic_ids: Vec<i64>,
    pub author_id: i64,
    /// No new replies while locked.
    pub locked: bool,
    /// Shown first in its space.
    pub pinned: bool,
    /// The reply accepted as the answer (questions only).
    pub accepted_post_id: Option<i64>,
    /// Its replies, deleted ones included.
    #[schema(minimum = 0)]
    pub post_count: i32,
    /// When it was last replied to (opened, before any reply).
    pub last_post_at: DateTime<Utc>,
    /// The version, as in `ETag`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Where its replies are read and written.
    #[schema(max_length = 200, example = "/api/v1/discussions/3/posts")]
    pub posts_url: String,
    /// In lists, to a signed-in person: whether they follow it (or its space); null otherwise.
    pub following: Option<bool>,
    /// In lists, to a signed-in person: replies by others since the last one they read (all of
    /// them before they first read it); null otherwise.
    #[schema(minimum = 0)]
    pub unread_count: Option<i64>,
}

/// A reply.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreatePostRequest {
    /// Markdown, 1–20 000 characters.
    #[validate(length(min = 1, max = 20000))]
    #[schema(
        min_length = 1,
        max_length = 20000,
        example = "جمعناها مع فاتورة الكهرباء، وارتفعت نسبة التحصيل."
    )]
    pub body: String,
    /// Its language (its direction on the page); default: the script most of it is in.
    pub lang: Option<PostLang>,
    /// An earlier reply of the same discussion it quotes.
    pub quote_post_id: Option<i64>,
    /// People it mentions (up to 10), told in their inbox: anyone for a platform's, working
    /// group's or task force's discussion; the platform's people for a paper's, practice's or
    /// workshop's.
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub mention_ids: Vec<i64>,
}

/// A new text for a reply (its author, the space's coordinators); the text it replaces is kept.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdatePostRequest {
    /// Markdown, 1–20 000 characters.
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    pub lang: Option<PostLang>,
}

/// A reply in a discussion; a deleted one is a tombstone (no text).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostResponse {
    pub id: i64,
    pub discussion_id: i64,
    pub author_id: i64,
    pub quote_post_id: Option<i64>,
    pub lang: PostLang,
    /// As written (Markdown); null once deleted, and once hidden (but to its author and the
    /// space's moderators).
    #[schema(max_length = 20000)]
    pub body: Option<String>,
    /// Rendered and sanitized; null when `body` is.
    #[schema(max_length = 200000)]
    pub html: Option<String>,
    /// When a moderator hid it.
    pub hidden_at: Option<DateTime<Utc>>,
    /// Why (to its author and the space's moderators; null to others).
    #[schema(max_length = 500)]
    pub hidden_reason: Option<String>,
    /// How many times it was edited (its earlier texts: `…/revisions`).
    #[schema(minimum = 0)]
    pub edit_count: i32,
    /// The discussion's accepted answer.
    pub accepted: bool,
    /// The people it mentions.
    #[schema(max_items = 10)]
    pub mention_ids: Vec<i64>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// The version, as in `ETag`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An earlier text of a reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostRevisionResponse {
    pub id: i64,
    /// The text as it was (Markdown).
    #[schema(max_length = 20000)]
    pub body: String,
    /// Who replaced it.
    pub edited_by: Option<i64>,
    pub replaced_at: DateTime<Utc>,
}

/// The answer accepted for a question.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AcceptAnswerRequest {
    /// A reply of the question (not deleted); null withdraws the acceptance.
    pub post_id: Option<i64>,
}

/// What a moderator changes of a discussion; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ModerateDiscussionRequest {
    /// Locked: no new replies.
    pub locked: Option<bool>,
    /// Pinned: shown first in its space.
    pub pinned: Option<bool>,
    /// Moved to another space the caller moderates too.
    #[validate(nested)]
    pub space: Option<Space>,
}

/// Why a reply is hidden (told to its author), or why it is flagged (told to the moderators).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// 1–500 characters.
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 500, example = "إساءة شخصية")]
    pub reason: String,
}

/// A flag on a reply, in the moderators' queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagResponse {
    pub id: i64,
    pub post_id: i64,
    pub discussion_id: i64,
    pub platform_id: Option<i64>,
    /// Who flagged it.
    pub user_id: i64,
    #[schema(max_length = 500)]
    pub reason: String,
    pub status: FlagStatus,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A moderator's decision on a flag.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DecideFlagRequest {
    /// `upheld` hides the reply, `dismissed` leaves it.
    pub outcome: FlagOutcome,
    /// Why the reply is hidden (default: the flag's reason).
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
}

/// What a moderator decides of a flag.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FlagOutcome {
    Upheld,
    Dismissed,
}

/// How far the caller has read a discussion.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    /// The last reply read; default: its latest.
    pub post_id: Option<i64>,
}
