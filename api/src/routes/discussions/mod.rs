//! Discussions (نقاشات): peers ask and answer between workshops, in a space — a platform, a
//! working group, a task force, a position paper, a practice, a workshop — seen by whoever may
//! see the space (`crate::access::SpaceStanding`). Replies are flat, may quote, keep their
//! earlier texts and are deleted to a tombstone; a question can have an accepted answer. The
//! workflows are `services::programme::discussions`.

mod model;
mod posts;
mod threads;

pub use model::*;

use entity::{discussion, discussion_post};
use sea_orm::ConnectionTrait;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::SpaceStanding;
use crate::auth::AuthUser;
use crate::error::ApiError;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(threads::list_discussions)
        .service(threads::create_discussion)
        .service(threads::get_discussion)
        .service(threads::update_discussion)
        .service(threads::accept_answer)
        .service(posts::list_posts)
        .service(posts::create_post)
        .service(posts::update_post)
        .service(posts::delete_post)
        .service(posts::list_revisions);
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
        html: DiscussionBody {
            ar: d.html_ar,
            en: d.html_en,
        },
        tags: serde_json::from_str(&d.tags).unwrap_or_default(),
        topic_ids: serde_json::from_str(&d.topic_ids).unwrap_or_default(),
        author_id: d.author_id,
        locked: d.locked,
        accepted_post_id: d.accepted_post_id,
        post_count: d.post_count,
        last_post_at: d.last_post_at,
        version: d.version,
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

/// The answer for one reply of discussion `d`; a deleted one without its text.
pub fn post_response(d: &discussion::Model, p: discussion_post::Model) -> PostResponse {
    let deleted = p.deleted_at.is_some();
    PostResponse {
        accepted: d.accepted_post_id == Some(p.id),
        id: p.id,
        discussion_id: p.discussion_id,
        author_id: p.author_id,
        quote_post_id: p.quote_post_id,
        lang: p.lang,
        body: (!deleted).then_some(p.body),
        html: (!deleted).then_some(p.html),
        edit_count: p.edit_count,
        deleted_at: p.deleted_at,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}
