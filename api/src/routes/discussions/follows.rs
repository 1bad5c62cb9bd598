//! Following discussions and spaces, and the caller's read state.

use actix_web::{HttpResponse, delete, post, put, web};

use super::model::MarkReadRequest;
use super::visible_discussion;
use crate::access::SpaceStanding;
use crate::auth::AuthUser;
use crate::domain::SpaceKind;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::programme::discussions::{self, Followed};
use crate::state::AppState;

/// Follows a discussion (anyone signed in who sees it): told in the inbox of each new reply.
/// Following twice is following.
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Discussion id")),
    responses((status = 204, description = "Followed"))
)]
#[put("/discussions/{id}/follow")]
pub async fn follow_discussion(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    follow_discussion_as(&state, &auth, id.into_inner(), true).await
}

/// Stops following a discussion.
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Discussion id")),
    responses((status = 204, description = "No longer followed"))
)]
#[delete("/discussions/{id}/follow")]
pub async fn unfollow_discussion(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    follow_discussion_as(&state, &auth, id.into_inner(), false).await
}

/// Follows (or stops following) `f` of platform `platform` in one transaction.
async fn set_follow(
    state: &AppState,
    auth: &AuthUser,
    txn: sea_orm::DatabaseTransaction,
    (f, platform): (Followed, Option<i64>),
    on: bool,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    if on {
        discussions::follow(&txn, auth.id(), f, platform, auth.into(), now).await?;
    } else {
        discussions::unfollow(&txn, auth.id(), f, platform, auth.into(), now).await?;
    }
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follows a discussion the caller may see (404 otherwise), or stops.
async fn follow_discussion_as(
    state: &AppState,
    auth: &AuthUser,
    id: i64,
    on: bool,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let (d, _) = visible_discussion(&txn, Some(auth), id).await?;
    let f = Followed {
        space_kind: d.space_kind,
        space_id: d.space_id,
        discussion_id: Some(d.id),
    };
    set_follow(state, auth, txn, (f, d.platform_id), on).await
}

/// Follows a space the caller may see (404 otherwise), or stops.
async fn follow_space_as(
    state: &AppState,
    auth: &AuthUser,
    (kind, id): (SpaceKind, i64),
    on: bool,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let standing = SpaceStanding::of(&txn, Some(auth), kind, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let f = Followed {
        space_kind: kind,
        space_id: id,
        discussion_id: None,
    };
    set_follow(state, auth, txn, (f, standing.platform_id), on).await
}

/// Follows every discussion of a space (anyone signed in who sees it): told of each new reply
/// there, and counted in the lists' `unread_count`.
#[utoipa::path(
    tag = "discussions",
    params(
        ("space_kind" = SpaceKind, Path, description = "The space's kind"),
        ("space_id" = i64, Path, description = "The space's id"),
    ),
    responses((status = 204, description = "Followed"))
)]
#[put("/discussion-spaces/{space_kind}/{space_id}/follow")]
pub async fn follow_space(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(SpaceKind, i64)>,
) -> Result<HttpResponse, ApiError> {
    follow_space_as(&state, &auth, path.into_inner(), true).await
}

/// Stops following a space's discussions.
#[utoipa::path(
    tag = "discussions",
    params(
        ("space_kind" = SpaceKind, Path, description = "The space's kind"),
        ("space_id" = i64, Path, description = "The space's id"),
    ),
    responses((status = 204, description = "No longer followed"))
)]
#[delete("/discussion-spaces/{space_kind}/{space_id}/follow")]
pub async fn unfollow_space(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(SpaceKind, i64)>,
) -> Result<HttpResponse, ApiError> {
    follow_space_as(&state, &auth, path.into_inner(), false).await
}

/// Records how far the caller has read a discussion (up to a reply, or its latest): the lists'
/// `unread_count` counts the replies after it.
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Discussion id")),
    request_body = MarkReadRequest,
    responses((status = 204, description = "Recorded"))
)]
#[post("/discussions/{id}/read")]
pub async fn mark_read(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<MarkReadRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let (d, _) = visible_discussion(&state.db, Some(&auth), id.into_inner()).await?;
    discussions::mark_read(&state.db, auth.id(), &d, req.post_id, state.clock.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
