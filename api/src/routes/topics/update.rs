use actix_web::{HttpResponse, delete, patch, web};
use entity::topic;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{BilingualPatch, search};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::routes::views::TopicResponse;
use crate::services::programme::work_plans::renumber;
use crate::services::store::versioned;
use crate::state::AppState;

/// Fields to change; absent fields stay as they are. Use the plan's reorder to change ranks.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateTopicRequest {
    #[validate(nested)]
    pub title: Option<BilingualPatch>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[schema(value_type = Option<i64>)]
    pub axis_id: Option<Option<i64>>,
}

/// Changes a topic's title or axis (the platform's managers).
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id")),
    request_body = UpdateTopicRequest,
    responses((status = 200, body = TopicResponse))
)]
#[patch("/topics/{id}")]
pub async fn update_topic(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateTopicRequest>,
) -> Result<web::Json<TopicResponse>, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let t = find_or_404::<entity::topic::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, t.platform_id).await?;
    let req = body.into_inner()?;
    if let Some(axis) = req.axis_id {
        crate::services::programme::work_plans::check_axis(&txn, t.work_plan_id, axis).await?;
    }
    versioned::bump::<entity::work_plan::Entity>(&txn, t.work_plan_id, None, now).await?;
    let before = t.clone();
    let title = req.title.map(|p| p.merge(&t.title_ar, &t.title_en));
    let mut m = t.into_active_model();
    if let Some(title) = title {
        m.search_text = Set(search::fold_all([title.ar.as_str(), title.en.as_str()]));
        m.title_ar = Set(title.ar);
        m.title_en = Set(title.en);
    }
    if let Some(axis) = req.axis_id {
        m.axis_id = Set(axis);
    }
    m.updated_at = Set(now);
    let saved = m.update(&txn).await?;
    Entry::new(Action::TopicUpdate, saved.id)
        .updated(&before, &saved)
        .platform(saved.platform_id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(saved.into()))
}

/// Deletes a topic and its working group; the remaining topics close ranks (the platform's managers).
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/topics/{id}")]
pub async fn delete_topic(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let t = find_or_404::<entity::topic::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, t.platform_id).await?;
    versioned::bump::<entity::work_plan::Entity>(&txn, t.work_plan_id, None, now).await?;
    topic::Entity::delete_by_id(t.id)
        .exec(&txn)
        .await
        .map_err(ApiError::from_delete)?;
    let rest: Vec<i64> = topic::Entity::find()
        .select_only()
        .column(topic::Column::Id)
        .filter(topic::Column::WorkPlanId.eq(t.work_plan_id))
        .order_by_asc(topic::Column::Rank)
        .into_tuple::<i64>()
        .all(&txn)
        .await?;
    renumber(&txn, t.work_plan_id, &rest).await?;
    Entry::new(Action::TopicDelete, t.id)
        .platform(t.platform_id)
        .deleted(&t)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
