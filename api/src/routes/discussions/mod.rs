//! Discussions (نقاشات): peers ask and answer between workshops, in a space — a platform, a
//! working group, a task force, a position paper, a practice, a workshop — seen by whoever may
//! see the space (`crate::access::SpaceStanding`). Replies are flat, may quote, keep their
//! earlier texts and are deleted to a tombstone; a question can have an accepted answer. The
//! workflows are `services::programme::discussions`.

mod follows;
mod model;
mod moderation;
mod posts;
mod threads;

pub use model::*;

use crate::routes::Routes;
use entity::{discussion, discussion_post};
use sea_orm::ConnectionTrait;

use crate::access::SpaceStanding;
use crate::auth::AuthUser;
use crate::error::ApiError;

pub fn configure(cfg: &mut Routes) {
    cfg.service(threads::list_discussions)
        .service(threads::create_discussion)
        .service(threads::get_discussion)
        .service(threads::update_discussion)
        .service(threads::accept_answer)
        .service(posts::list_posts)
        .service(posts::create_post)
        .service(posts::update_post)
        .service(posts::delete_post)
        .service(posts::list_revisions)
        .service(moderation::moderate_discussion)
        .service(moderation::hide_post)
        .service(moderation::unhide_post)
        .service(moderation::flag_post)
        .service(moderation::list_flags)
        .service(moderation::decide_flag)
        .service(follows::follow_discussion)
        .service(follows::unfollow_discussion)
        .service(follows::follow_space)
        .service(follows::unfollow_space)
        .service(follows::mark_read);
}

/// A discussion the caller may see, with their standing in its space; 404 otherwise.
pub async fn visible_discussion(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(discussion::Model, SpaceStanding), ApiError> {
    let d = crate::db::find_or_404::<discussion::Entity>(db, id).await?;
    let standing = SpaceStanding::of(db, auth, d.space_kind, d.space_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((d, standing))
}

/// A reply the caller may see (its discussion's visibility), with its discussion; 404 otherwise.
/// Its text as the changes feed tells it: as to someone who neither wrote it nor moderates.
pub async fn visible_post(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(discussion::Model, discussion_post::Model), ApiError> {
    let p = crate::db::find_or_404::<discussion_post::Entity>(db, id).await?;
    let (d, _) = visible_discussion(db, auth, p.discussion_id).await?;
    Ok((d, p))
}

/// The answer for one discussion.
pub fn response(d: discussion::Model) -> DiscussionResponse {
    DiscussionResponse {
        posts_url: format!("/api/v1/discussions/{}/posts", d.id),
        id: d.id,
        space: Space {
            kind: d.space_kind,
            id: d.space_id,
        },
        platform_id: d.platform_id,
        kind: d.kind,
        title: DiscussionTitle {
            ar: d.title_ar,
            en: d.title_en,
        },
        body: DiscussionBody {
            ar: d.body_ar,
            en: d.body_en,
        },
        html: DiscussionHtml {
            ar: d.html_ar,
            en: d.html_en,
        },
        tags: serde_json::from_str::<Vec<String>>(&d.tags)
            .unwrap_or_default()
            .into_iter()
            .map(Tag)
            .collect(),
        topic_ids: serde_json::from_str(&d.topic_ids).unwrap_or_default(),
        author_id: d.author_id,
        locked: d.locked,
        pinned: d.pinned,
        accepted_post_id: d.accepted_post_id,
        post_count: d.post_count,
        last_post_at: d.last_post_at,
        version: d.version,
        created_at: d.created_at,
        updated_at: d.updated_at,
        following: None,
        unread_count: None,
    }
}

/// The answer for one reply of discussion `d`, to a reader who is `reader` (a person's id) and
/// moderates the space or not: a deleted reply without its text; a hidden one without its text
/// and reason but to its author and the moderators.
pub fn post_response(
    d: &discussion::Model,
    p: discussion_post::Model,
    reader: Option<i64>,
    moderates: bool,
) -> PostResponse {
    let deleted = p.deleted_at.is_some();
    let sees_hidden = moderates || reader == Some(p.author_id);
    let readable = !deleted && (p.hidden_at.is_none() || sees_hidden);
    PostResponse {
        accepted: d.accepted_post_id == Some(p.id),
        mention_ids: serde_json::from_str(&p.mention_ids).unwrap_or_default(),
        id: p.id,
        discussion_id: p.discussion_id,
        author_id: p.author_id,
        quote_post_id: p.quote_post_id,
        lang: p.lang,
        body: readable.then_some(p.body),
        html: readable.then_some(p.html),
        hidden_reason: (p.hidden_at.is_some() && sees_hidden).then_some(p.hidden_reason),
        hidden_at: p.hidden_at,
        edit_count: p.edit_count,
        deleted_at: p.deleted_at,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}
