//! Following a topic (audited; following again or unfollowing what one does not follow
//! changes nothing): a person who follows one is told when a practice on it is published on
//! its platform, if they are a member of that platform (`practice.published` in their inbox).

use actix_web::{HttpResponse, delete, get, put, web};
use entity::{topic, topic_follow};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::routes::views::TopicResponse;
use crate::state::AppState;

/// Follows a topic (anyone signed in; following it again changes nothing).
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id")),
    responses((status = 204, description = "Followed"))
)]
#[put("/topics/{id}/follow")]
pub async fn follow_topic(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let t = find_or_404::<topic::Entity>(&txn, id.into_inner()).await?;
    let added = topic_follow::Entity::insert(topic_follow::ActiveModel {
        topic_id: Set(t.id),
        user_id: Set(auth.id()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([topic_follow::Column::TopicId, topic_follow::Column::UserId])
            .do_nothing()
            .to_owned(),
    )
    .try_insert()
    .exec(&txn)
    .await?;
    if let sea_orm::TryInsertResult::Inserted(row) = added {
        Entry::new(Action::TopicFollow, row.last_insert_id)
            .platform(t.platform_id)
            .field("topic_id", t.id)
            .write(&txn, &auth, now)
            .await?;
    }
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops following a topic (not following it changes nothing).
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id")),
    responses((status = 204, description = "No longer followed"))
)]
#[delete("/topics/{id}/follow")]
pub async fn unfollow_topic(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let t = find_or_404::<topic::Entity>(&txn, id.into_inner()).await?;
    let held = topic_follow::Entity::find()
        .filter(topic_follow::Column::TopicId.eq(t.id))
        .filter(topic_follow::Column::UserId.eq(auth.id()))
        .one(&txn)
        .await?;
    if let Some(f) = held {
        topic_follow::Entity::delete_by_id(f.id).exec(&txn).await?;
        Entry::new(Action::TopicUnfollow, f.id)
            .platform(t.platform_id)
            .field("topic_id", t.id)
            .write(&txn, &auth, now)
            .await?;
    }
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowedTopicsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

crate::listed!(TopicResponse => FollowedTopics, "A page of the topics the caller follows, in the order they followed them.");

/// The topics the caller follows, in the order they followed them.
#[utoipa::path(
    tag = "me",
    params(FollowedTopicsQuery),
    responses((status = 200, body = FollowedTopics))
)]
#[get("/me/followed-topics")]
pub async fn list_followed_topics(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<FollowedTopicsQuery>,
) -> Result<web::Json<FollowedTopics>, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = topic_follow::Entity::find()
        .filter(topic_follow::Column::UserId.eq(auth.id()))
        .find_also_related(topic::Entity);
    if let Some(after) = page.after {
        select = select.filter(topic_follow::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(topic_follow::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(f, _)| f.id);
    Ok(web::Json(FollowedTopics {
        items: rows
            .into_iter()
            .filter_map(|(_, t)| t.map(TopicResponse::from))
            .collect(),
        next_cursor,
    }))
}
