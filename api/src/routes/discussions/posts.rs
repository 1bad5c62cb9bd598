//! A discussion's replies: read a page, reply, edit (the earlier text kept), delete to a
//! tombstone, read a reply's earlier texts.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use entity::{discussion_post, discussion_post_revision};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{CreatePostRequest, PostResponse, PostRevisionResponse, UpdatePostRequest};
use super::{post_response, visible_discussion};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::pagination::PageRequest;
use crate::services::programme::discussions;
use crate::state::AppState;

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPostsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

crate::listed!(PostResponse => PostList, "A page of replies, in the order they were written.");
crate::listed!(PostRevisionResponse => PostRevisionList, "A reply's earlier texts, oldest first.");

/// A discussion's replies in the order they were written (deleted ones as tombstones), to
/// whoever may see its space. One statement for the page.
#[utoipa::path(
    tag = "discussions",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Discussion id"), ListPostsQuery),
    responses((status = 200, body = PostList))
)]
#[get("/discussions/{id}/posts")]
pub async fn list_posts(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListPostsQuery>,
) -> Result<web::Json<PostList>, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (d, standing) = visible_discussion(&state.db, auth.as_ref(), id.into_inner()).await?;
    let reader = auth.as_ref().map(AuthUser::id);
    let mut select =
        discussion_post::Entity::find().filter(discussion_post::Column::DiscussionId.eq(d.id));
    if let Some(after) = page.after {
        select = select.filter(discussion_post::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(discussion_post::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |p| p.id);
    Ok(web::Json(PostList {
        items: rows
            .into_iter()
            .map(|p| post_response(&d, p, reader, standing.moderates))
            .collect(),
        next_cursor,
    }))
}

/// Replies in a discussion (the space's people; not while it is locked: 409
/// `discussion_locked`), Markdown in, sanitized HTML beside it; may quote an earlier reply.
/// Partners are told (`post.created`).
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Discussion id")),
    request_body = CreatePostRequest,
    responses(
        (status = 201, body = PostResponse, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = 409, description = "The discussion is locked", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/discussions/{id}/posts")]
pub async fn create_post(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<CreatePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, standing) = visible_discussion(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_poster()?;
    let req = body.into_inner()?;
    discussions::require_open(&d)?;
    let mentions = discussions::check_mentions(&txn, &d, &req.mention_ids).await?;
    discussions::require_within_limit(&txn, auth.id(), state.config.limits.posts_per_minute, now)
        .await?;
    let p = discussions::reply(
        &txn,
        &d,
        auth.id(),
        &auth,
        (req.body, req.lang, req.quote_post_id),
        mentions,
        now,
    )
    .await?;
    state.commit(txn).await?;
    let body = post_response(&d, p, Some(auth.id()), standing.moderates);
    Ok(etag::created(
        body.version,
        format!("/api/v1/discussions/{}/posts/{}", d.id, body.id),
        &body,
    ))
}

/// A reply of discussion `d`, or 404.
pub(super) async fn post_of(
    db: &impl sea_orm::ConnectionTrait,
    discussion_id: i64,
    post_id: i64,
) -> Result<discussion_post::Model, ApiError> {
    discussion_post::Entity::find_by_id(post_id)
        .one(db)
        .await?
        .filter(|p| p.discussion_id == discussion_id)
        .ok_or_else(ApiError::not_found)
}

/// Gives a reply a new text (its author, the space's coordinators), with `If-Match`; the text it
/// replaces is kept (`…/revisions`). A deleted reply no longer changes (409 `post_deleted`).
#[utoipa::path(
    tag = "discussions",
    params(
        ("id" = i64, Path, description = "Discussion id"),
        ("post_id" = i64, Path, description = "Reply id"),
        IfMatch,
    ),
    request_body = UpdatePostRequest,
    responses(
        (status = 200, body = PostResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The reply was deleted", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/discussions/{id}/posts/{post_id}")]
pub async fn update_post(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: ValidatedJson<UpdatePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, post_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, standing) = visible_discussion(&txn, Some(&auth), id).await?;
    let current = post_of(&txn, d.id, post_id).await?;
    standing.require_author_or_moderator(current.author_id == auth.id())?;
    let req = body.into_inner()?;
    let expected = if_match.expected()?;
    let updated = discussions::edit(
        &txn,
        &current,
        expected,
        (req.body, req.lang),
        (&auth).into(),
        d.platform_id,
        now,
    )
    .await?;
    state.commit(txn).await?;
    let body = post_response(&d, updated, Some(auth.id()), standing.moderates);
    Ok(etag::tagged(body.version, &body))
}

/// Deletes a reply (its author, the space's coordinators): its text and earlier texts are gone,
/// a tombstone keeps its place; an accepted answer deleted is no longer accepted.
#[utoipa::path(
    tag = "discussions",
    params(
        ("id" = i64, Path, description = "Discussion id"),
        ("post_id" = i64, Path, description = "Reply id"),
    ),
    responses(
        (status = 200, body = PostResponse),
        (status = 409, description = "Already deleted", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/discussions/{id}/posts/{post_id}")]
pub async fn delete_post(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, post_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, standing) = visible_discussion(&txn, Some(&auth), id).await?;
    let current = post_of(&txn, d.id, post_id).await?;
    standing.require_author_or_moderator(current.author_id == auth.id())?;
    let updated = discussions::delete(&txn, &d, &current, (&auth).into(), now).await?;
    state.commit(txn).await?;
    let mut d = d;
    if d.accepted_post_id == Some(updated.id) {
        d.accepted_post_id = None;
    }
    let body = post_response(&d, updated, Some(auth.id()), standing.moderates);
    Ok(etag::tagged(body.version, &body))
}

/// A reply's earlier texts, oldest first, to whoever may see the discussion (none once the
/// reply is deleted).
#[utoipa::path(
    tag = "discussions",
    security((), ("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Discussion id"),
        ("post_id" = i64, Path, description = "Reply id"),
        ListPostsQuery,
    ),
    responses((status = 200, body = PostRevisionList))
)]
#[get("/discussions/{id}/posts/{post_id}/revisions")]
pub async fn list_revisions(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    query: web::Query<ListPostsQuery>,
) -> Result<web::Json<PostRevisionList>, ApiError> {
    let (id, post_id) = path.into_inner();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (d, standing) = visible_discussion(&state.db, auth.as_ref(), id).await?;
    let p = post_of(&state.db, d.id, post_id).await?;
    // A hidden reply's earlier texts are as hidden as its text.
    let shown = p.hidden_at.is_none()
        || standing.moderates
        || auth.as_ref().is_some_and(|a| a.id() == p.author_id);
    if !shown {
        return Ok(web::Json(PostRevisionList {
            items: Vec::new(),
            next_cursor: None,
        }));
    }
    let mut select = discussion_post_revision::Entity::find()
        .filter(discussion_post_revision::Column::PostId.eq(p.id));
    if let Some(after) = page.after {
        select = select.filter(discussion_post_revision::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(discussion_post_revision::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id);
    Ok(web::Json(PostRevisionList {
        items: rows
            .into_iter()
            .map(|r| PostRevisionResponse {
                id: r.id,
                body: r.body,
                edited_by: r.edited_by,
                replaced_at: r.replaced_at,
            })
            .collect(),
        next_cursor,
    }))
}
