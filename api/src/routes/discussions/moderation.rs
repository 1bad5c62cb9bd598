//! Moderation: the space's coordinators (administrators everywhere) lock, pin and move
//! discussions and hide replies with a reason their author is told; anyone who reads a reply may
//! flag it into the moderators' queue. Every act is audited.

use actix_web::{HttpResponse, delete, get, post, web};
use entity::discussion_flag;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{
    DecideFlagRequest, DiscussionResponse, FlagOutcome, FlagResponse, ModerateDiscussionRequest,
    PostResponse, ReasonRequest,
};
use super::posts::post_of;
use super::{post_response, response, visible_discussion};
use crate::access::SpaceStanding;
use crate::auth::AuthUser;
use crate::domain::FlagStatus;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::services::programme::discussions::{self, Moderation};
use crate::state::AppState;

/// Locks or unlocks, pins or unpins a discussion, or moves it to another space the caller
/// moderates too (the space's coordinators, administrators).
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Discussion id")),
    request_body = ModerateDiscussionRequest,
    responses((status = 200, body = DiscussionResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/discussions/{id}/moderation")]
pub async fn moderate_discussion(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<ModerateDiscussionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, standing) = visible_discussion(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_moderator()?;
    let req = body.into_inner()?;
    let space = match req.space {
        Some(to) => {
            let there = SpaceStanding::of(&txn, Some(&auth), to.kind, to.id)
                .await?
                .ok_or_else(|| {
                    ApiError::field(
                        "/space/id",
                        "not_found",
                        Text::new(
                            "there is no such space that you may see",
                            "لا يوجد فضاء كهذا يمكنك رؤيته",
                        ),
                    )
                })?
                .require_moderator()?;
            Some((to.kind, to.id, there.platform_id))
        }
        None => None,
    };
    let updated = discussions::moderate(
        &txn,
        &d,
        Moderation {
            locked: req.locked,
            pinned: req.pinned,
            space,
        },
        (&auth).into(),
        now,
    )
    .await?;
    state.commit(txn).await?;
    let body = response(updated);
    Ok(etag::tagged(body.version, &body))
}

/// Hides a reply with a reason (the space's coordinators, administrators): its text is read by
/// nobody but them and its author, who is told why in their inbox; it is gone from the changes
/// feed. Hiding a hidden reply again changes its reason.
#[utoipa::path(
    tag = "discussions",
    params(
        ("id" = i64, Path, description = "Discussion id"),
        ("post_id" = i64, Path, description = "Reply id"),
    ),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = PostResponse),
        (status = 409, description = "The reply was deleted", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/discussions/{id}/posts/{post_id}/hidden")]
pub async fn hide_post(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: ValidatedJson<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, post_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, standing) = visible_discussion(&txn, Some(&auth), id).await?;
    standing.require_moderator()?;
    let post = post_of(&txn, d.id, post_id).await?;
    let req = body.into_inner()?;
    let hidden = discussions::hide(
        &txn,
        &d,
        &post,
        req.reason.trim().to_owned(),
        (&auth).into(),
        now,
    )
    .await?;
    state.commit(txn).await?;
    let body = post_response(&d, hidden, Some(auth.id()), true);
    Ok(etag::tagged(body.version, &body))
}

/// Shows a hidden reply again (the space's coordinators, administrators).
#[utoipa::path(
    tag = "discussions",
    params(
        ("id" = i64, Path, description = "Discussion id"),
        ("post_id" = i64, Path, description = "Reply id"),
    ),
    responses((status = 200, body = PostResponse))
)]
#[delete("/discussions/{id}/posts/{post_id}/hidden")]
pub async fn unhide_post(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, post_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, standing) = visible_discussion(&txn, Some(&auth), id).await?;
    standing.require_moderator()?;
    let post = post_of(&txn, d.id, post_id).await?;
    let shown = discussions::unhide(&txn, &d, &post, (&auth).into(), now).await?;
    state.commit(txn).await?;
    let body = post_response(&d, shown, Some(auth.id()), true);
    Ok(etag::tagged(body.version, &body))
}

fn flag_response(f: discussion_flag::Model) -> FlagResponse {
    FlagResponse {
        id: f.id,
        post_id: f.post_id,
        discussion_id: f.discussion_id,
        platform_id: f.platform_id,
        user_id: f.user_id,
        reason: f.reason,
        status: f.status,
        resolved_by: f.resolved_by,
        resolved_at: f.resolved_at,
        created_at: f.created_at,
    }
}

/// Flags a reply for the space's moderators, who are told (anyone signed in who reads it, once;
/// 409 `duplicate` after).
#[utoipa::path(
    tag = "discussions",
    params(
        ("id" = i64, Path, description = "Discussion id"),
        ("post_id" = i64, Path, description = "Reply id"),
    ),
    request_body = ReasonRequest,
    responses((status = 201, body = FlagResponse))
)]
#[post("/discussions/{id}/posts/{post_id}/flags")]
pub async fn flag_post(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: ValidatedJson<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, post_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (d, _) = visible_discussion(&txn, Some(&auth), id).await?;
    let post = post_of(&txn, d.id, post_id).await?;
    let req = body.into_inner()?;
    let f = discussions::flag(
        &txn,
        &d,
        &post,
        req.reason.trim().to_owned(),
        (&auth).into(),
        now,
    )
    .await?;
    state.commit(txn).await?;
    Ok(etag::created_at(
        format!(
            "/api/v1/discussion-flags?status=open&platform_id={}",
            f.platform_id.unwrap_or(0)
        ),
        &flag_response(f),
    ))
}

/// The queue's filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFlagsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<FlagStatus>,
    pub platform_id: Option<i64>,
}

crate::listed!(FlagResponse => FlagList, "A page of flags, oldest first.");

/// The moderators' queue: flags on replies in the spaces the caller moderates (administrators:
/// all), oldest first; `status=open` for what awaits a decision.
#[utoipa::path(
    tag = "discussions",
    params(ListFlagsQuery),
    responses((status = 200, body = FlagList))
)]
#[get("/discussion-flags")]
pub async fn list_flags(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListFlagsQuery>,
) -> Result<web::Json<FlagList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = discussion_flag::Entity::find().filter(
        crate::access::readable(&state.db, Some(&auth), crate::access::readable_flags).await?,
    );
    if let Some(after) = page.after {
        select = select.filter(discussion_flag::Column::Id.gt(after));
    }
    if let Some(s) = q.status {
        select = select.filter(discussion_flag::Column::Status.eq(s));
    }
    if let Some(p) = q.platform_id {
        select = select.filter(discussion_flag::Column::PlatformId.eq(p));
    }
    let rows = select
        .order_by_asc(discussion_flag::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |f| f.id);
    Ok(web::Json(FlagList {
        items: rows.into_iter().map(flag_response).collect(),
        next_cursor,
    }))
}

/// Decides an open flag (the space's coordinators, administrators): `upheld` hides the reply
/// (with the reason given, else the flag's) and its author is told; `dismissed` leaves it. A
/// decided flag answers 409 `already_decided`.
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Flag id")),
    request_body = DecideFlagRequest,
    responses((status = 200, body = FlagResponse))
)]
#[post("/discussion-flags/{id}/decision")]
pub async fn decide_flag(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<DecideFlagRequest>,
) -> Result<web::Json<FlagResponse>, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let f = crate::db::find_or_404::<discussion_flag::Entity>(&txn, id.into_inner()).await?;
    let (d, standing) = visible_discussion(&txn, Some(&auth), f.discussion_id).await?;
    standing.require_moderator()?;
    let post = post_of(&txn, d.id, f.post_id).await?;
    let req = body.into_inner()?;
    let outcome = match req.outcome {
        FlagOutcome::Upheld => FlagStatus::Upheld,
        FlagOutcome::Dismissed => FlagStatus::Dismissed,
    };
    let reason = req.reason.map(|r| r.trim().to_owned());
    let decided =
        discussions::decide_flag(&txn, &f, &d, &post, (outcome, reason), (&auth).into(), now)
            .await?;
    state.commit(txn).await?;
    Ok(web::Json(flag_response(decided)))
}
