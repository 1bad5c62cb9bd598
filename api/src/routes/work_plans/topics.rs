use actix_web::{HttpResponse, post, web};
use entity::topic;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::response;
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, search};
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::programme::work_plans::{check_axis, renumber};
use crate::services::store::versioned;
use crate::state::AppState;

/// A new topic, appended as the lowest priority (reorder to move it).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AddTopicRequest {
    #[validate(nested)]
    pub title: Bilingual,
    /// An axis of the same plan.
    pub axis_id: Option<i64>,
}

/// Adds a topic to a work plan (the platform's managers). More than 5 topics is a warning.
#[utoipa::path(
    tag = "work-plans",
    params(("id" = i64, Path, description = "Work plan id")),
    request_body = AddTopicRequest,
    responses((status = 201, body = super::WorkPlanResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/work-plans/{id}/topics")]
pub async fn add_topic(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<AddTopicRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let plan = find_or_404::<entity::work_plan::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, plan.platform_id).await?;
    let req = body.into_inner()?;
    let title = req.title.trimmed();
    check_axis(&txn, plan.id, req.axis_id).await?;
    // Taking the plan's row first serializes concurrent additions to the same plan.
    versioned::bump::<entity::work_plan::Entity>(&txn, plan.id, None, now).await?;
    crate::db::ensure_room(
        &txn,
        topic::Entity::find().filter(topic::Column::WorkPlanId.eq(plan.id)),
        crate::domain::limits::MAX_TOPICS_PER_PLAN,
        ("Topics of a work plan", "مواضيع خطة العمل"),
    )
    .await?;
    let columns = (topic::Column::Rank, topic::Column::WorkPlanId);
    let rank =
        crate::services::programme::work_plans::next_rank::<topic::Entity>(&txn, columns, plan.id)
            .await?;
    let added = topic::ActiveModel {
        work_plan_id: Set(plan.id),
        platform_id: Set(plan.platform_id),
        axis_id: Set(req.axis_id),
        rank: Set(rank),
        search_text: Set(search::fold_all([title.ar.as_str(), title.en.as_str()])),
        title_ar: Set(title.ar),
        title_en: Set(title.en),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::TopicCreate, added.id)
        .created(&added)
        .platform(plan.platform_id)
        .write(&txn, &auth, now)
        .await?;
    let body = response(
        &txn,
        find_or_404::<entity::work_plan::Entity>(&txn, plan.id).await?,
    )
    .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header(etag::header(body.version))
        .json(body))
}

/// The plan's topics in their new order, highest priority first.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReorderTopicsRequest {
    /// Every topic id of the plan, exactly once.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub topic_ids: Vec<i64>,
}

/// Reorders a plan's topics (the platform's managers), with `If-Match`.
#[utoipa::path(
    tag = "work-plans",
    params(
        ("id" = i64, Path, description = "Work plan id"),
        IfMatch,
    ),
    request_body = ReorderTopicsRequest,
    responses((status = 200, body = super::WorkPlanResponse))
)]
#[post("/work-plans/{id}/topics/reorder")]
pub async fn reorder_topics(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<ReorderTopicsRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let plan = find_or_404::<entity::work_plan::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, plan.platform_id).await?;
    let ids = body.into_inner()?.topic_ids;
    let expected = if_match.expected()?;
    let mut current: Vec<i64> = topic::Entity::find()
        .select_only()
        .column(topic::Column::Id)
        .filter(topic::Column::WorkPlanId.eq(plan.id))
        .order_by_asc(topic::Column::Id)
        .into_tuple::<i64>()
        .all(&txn)
        .await?;
    let mut given = ids.clone();
    given.sort_unstable();
    current.sort_unstable();
    if given != current {
        return Err(ApiError::field(
            "/topic_ids",
            "not_a_permutation",
            Text::new(
                "must list every topic of this plan exactly once",
                "يجب أن تتضمن كل مواضيع الخطة مرة واحدة لكل منها",
            ),
        ));
    }
    versioned::bump::<entity::work_plan::Entity>(&txn, plan.id, Some(expected), now).await?;
    renumber(&txn, plan.id, &ids).await?;
    Entry::new(Action::WorkPlanReorderTopics, plan.id)
        .platform(plan.platform_id)
        .field("topic_ids", &ids)
        .write(&txn, &auth, now)
        .await?;
    let body = response(
        &txn,
        find_or_404::<entity::work_plan::Entity>(&txn, plan.id).await?,
    )
    .await?;
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}
