//! Discussions themselves: open one, list them, read one, edit it, accept an answer.

use actix_web::{HttpResponse, get, patch, post, web};
use entity::discussion;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{
    AcceptAnswerRequest, CreateDiscussionRequest, DiscussionResponse, UpdateDiscussionRequest,
};
use super::{response, visible_discussion};
use crate::access::SpaceStanding;
use crate::auth::AuthUser;
use crate::domain::{DiscussionKind, SpaceKind};
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::{decode_instant, encode_instant, limit};
use crate::services::programme::discussions::{self, Opening};
use crate::services::store::versioned;
use crate::state::AppState;

/// Opens a discussion or a question in a space, as one of its people (a platform's or working
/// group's members and coordinators, a task force's members, a paper's authors and platform,
/// anyone signed in who sees a practice or a workshop). Title and body in Arabic, English or
/// both; the body is Markdown, answered also as sanitized HTML.
#[utoipa::path(
    tag = "discussions",
    request_body = CreateDiscussionRequest,
    responses((status = 201, body = DiscussionResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/discussions")]
pub async fn create_discussion(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateDiscussionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let req = body.into_inner()?;
    let title = (
        req.title.ar.trim().to_owned(),
        req.title.en.trim().to_owned(),
    );
    let body = (req.body.ar, req.body.en);
    discussions::require_some(&title, "/title")?;
    discussions::require_some(&body, "/body")?;
    let txn = crate::db::begin(&state.db).await?;
    let standing = SpaceStanding::of(&txn, Some(&auth), req.space.kind, req.space.id)
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
        .require_poster()?;
    discussions::check_topics(&txn, standing.platform_id, &req.topic_ids).await?;
    discussions::require_within_limit(&txn, auth.id(), state.config.limits.posts_per_minute, now)
        .await?;
    let d = discussions::open(
        &txn,
        auth.id(),
        &auth,
        Opening {
            space_kind: req.space.kind,
            space_id: req.space.id,
            platform_id: standing.platform_id,
            kind: req.kind.unwrap_or(DiscussionKind::Discussion),
            title,
            body,
            tags: req.tags.into_iter().map(|t| t.0).collect(),
            topic_ids: req.topic_ids,
        },
        now,
    )
    .await?;
    state.commit(txn).await?;
    let body = response(d);
    Ok(etag::created(
        body.version,
        format!("/api/v1/discussions/{}", body.id),
        &body,
    ))
}

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListDiscussionsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// The discussions of one space: its kind and id together.
    pub space_kind: Option<SpaceKind>,
    pub space_id: Option<i64>,
    /// Of the spaces of one platform.
    pub platform_id: Option<i64>,
    pub kind: Option<DiscussionKind>,
    /// Carrying this tag.
    #[param(min_length = 1, max_length = 40)]
    pub tag: Option<String>,
    /// On this topic.
    pub topic_id: Option<i64>,
    /// Opened by this person.
    pub author_id: Option<i64>,
}

crate::listed!(DiscussionResponse => DiscussionList, "A page of discussions, latest activity first.");

/// Discussions the caller may see (those of spaces they may see), the most recently replied to
/// first (then the newest), each with the caller's own state (following, unread replies) when
/// they are signed in. A reply moves its discussion to the front: a client paging while people
/// write may meet a discussion twice.
#[utoipa::path(
    tag = "discussions",
    security((), ("bearer" = [])),
    params(ListDiscussionsQuery),
    responses((status = 200, body = DiscussionList))
)]
#[get("/discussions")]
pub async fn list_discussions(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    query: web::Query<ListDiscussionsQuery>,
) -> Result<web::Json<DiscussionList>, ApiError> {
    let q = query.into_inner();
    if q.tag
        .as_ref()
        .is_some_and(|t| !(1..=40).contains(&t.chars().count()))
    {
        return Err(ApiError::Problem(
            crate::error::ProblemCode::InvalidParameter,
            Text::new(
                "tag must have between 1 and 40 characters.",
                "يجب أن يحتوي tag على نص بين 1 و40 حرفًا.",
            ),
        ));
    }
    let limit = limit(q.limit)?;
    let after = q.cursor.as_deref().map(decode_instant).transpose()?;
    let mut select = discussion::Entity::find().filter(
        crate::access::readable(
            &state.db,
            auth.as_ref(),
            crate::access::readable_discussions,
        )
        .await?,
    );
    if let Some((at, id)) = after {
        select = select.filter(
            Expr::tuple([
                Expr::col(discussion::Column::LastPostAt),
                Expr::col(discussion::Column::Id),
            ])
            .lt(Expr::tuple([Expr::value(at), Expr::value(id)])),
        );
    }
    if let Some(k) = q.space_kind {
        select = select.filter(discussion::Column::SpaceKind.eq(k));
    }
    if let Some(s) = q.space_id {
        select = select.filter(discussion::Column::SpaceId.eq(s));
    }
    if let Some(p) = q.platform_id {
        select = select.filter(discussion::Column::PlatformId.eq(p));
    }
    if let Some(k) = q.kind {
        select = select.filter(discussion::Column::Kind.eq(k));
    }
    if let Some(tag) = q.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let quoted = serde_json::to_string(tag).unwrap_or_default();
        let escaped = quoted
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        select = select.filter(
            Expr::col(discussion::Column::Tags)
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    if let Some(t) = q.topic_id {
        select = select.filter(crate::access::lists_id(discussion::Column::TopicIds, t));
    }
    if let Some(a) = q.author_id {
        select = select.filter(discussion::Column::AuthorId.eq(a));
    }
    let mut rows = select
        .order_by_desc(discussion::Column::LastPostAt)
        .order_by_desc(discussion::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|d| encode_instant(d.last_post_at, d.id))
    } else {
        None
    };
    // The reader's own state in each, in one more statement.
    let states = match auth.as_ref() {
        Some(a) => {
            let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
            Some(discussions::read_states(&state.db, a.id(), &ids).await?)
        }
        None => None,
    };
    let items = rows
        .into_iter()
        .map(|d| {
            let own = states
                .as_ref()
                .map(|s| s.get(&d.id).copied().unwrap_or_default());
            let mut body = response(d);
            body.following = own.map(|s| s.following);
            body.unread_count = own.map(|s| s.unread);
            body
        })
        .collect();
    Ok(web::Json(DiscussionList { items, next_cursor }))
}

/// One discussion, to whoever may see its space.
#[utoipa::path(
    tag = "discussions",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Discussion id")),
    responses((status = 200, body = DiscussionResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[get("/discussions/{id}")]
pub async fn get_discussion(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (d, _) = visible_discussion(&state.db, auth.as_ref(), id.into_inner()).await?;
    let body = response(d);
    Ok(etag::tagged(body.version, &body))
}

/// Edits a discussion (its author, the space's coordinators), with `If-Match`: its title and
/// opening text (a language left out keeps its text, `null` clears it; one must remain), its
/// tags and topics.
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Discussion id"), IfMatch),
    request_body = UpdateDiscussionRequest,
    responses((status = 200, body = DiscussionResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/discussions/{id}")]
pub async fn update_discussion(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateDiscussionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (current, standing) = visible_discussion(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_author_or_moderator(current.author_id == auth.id())?;
    let req = body.into_inner()?;
    let expected = if_match.expected()?;
    versioned::check::<discussion::Entity>(&current, expected)?;
    let (t, b) = (req.title.unwrap_or_default(), req.body.unwrap_or_default());
    let change = discussions::OpeningChange {
        title: (t.ar, t.en),
        body: (b.ar, b.en),
        tags: req.tags.map(|tags| tags.into_iter().map(|t| t.0).collect()),
        topic_ids: req.topic_ids,
    };
    let Some(updated) =
        discussions::edit_opening(&txn, &current, expected, change, &auth, now).await?
    else {
        return etag::unchanged(txn, response(current)).await;
    };
    state.commit(txn).await?;
    let body = response(updated);
    Ok(etag::tagged(body.version, &body))
}

/// Accepts a reply as the answer to a question (its asker, the space's coordinators), or
/// withdraws the acceptance (`post_id: null`). Partners are told (`answer.accepted`).
#[utoipa::path(
    tag = "discussions",
    params(("id" = i64, Path, description = "Discussion id")),
    request_body = AcceptAnswerRequest,
    responses((status = 200, body = DiscussionResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/discussions/{id}/accepted-answer")]
pub async fn accept_answer(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<AcceptAnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let (current, standing) = visible_discussion(&txn, Some(&auth), id.into_inner()).await?;
    standing.require_author_or_moderator(current.author_id == auth.id())?;
    let req = body.into_inner()?;
    let updated = discussions::accept(&txn, &current, req.post_id, (&auth).into(), now).await?;
    state.commit(txn).await?;
    let body = response(updated);
    Ok(etag::tagged(body.version, &body))
}
