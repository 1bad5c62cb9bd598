use actix_web::{HttpResponse, post, web};
use entity::work_plan_axis;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::response;
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::Bilingual;
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::services::store::versioned;
use crate::state::AppState;

/// A new axis, appended after the existing ones.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AddAxisRequest {
    #[validate(nested)]
    pub name: Bilingual,
}

/// Adds an axis (محور) to a work plan (the platform's managers).
#[utoipa::path(
    tag = "work-plans",
    params(("id" = i64, Path, description = "Work plan id")),
    request_body = AddAxisRequest,
    responses((status = 201, body = super::WorkPlanResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/work-plans/{id}/axes")]
pub async fn add_axis(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<AddAxisRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let plan = find_or_404::<entity::work_plan::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, plan.platform_id).await?;
    let name = body.into_inner()?.name.trimmed();
    versioned::bump::<entity::work_plan::Entity>(&txn, plan.id, None, now).await?;
    crate::db::ensure_room(
        &txn,
        work_plan_axis::Entity::find().filter(work_plan_axis::Column::WorkPlanId.eq(plan.id)),
        crate::domain::limits::MAX_AXES_PER_PLAN,
        ("Axes of a work plan", "محاور خطة العمل"),
    )
    .await?;
    let columns = (
        work_plan_axis::Column::Rank,
        work_plan_axis::Column::WorkPlanId,
    );
    let rank = crate::services::programme::work_plans::next_rank::<work_plan_axis::Entity>(
        &txn, columns, plan.id,
    )
    .await?;
    let axis = work_plan_axis::ActiveModel {
        work_plan_id: Set(plan.id),
        rank: Set(rank),
        name_ar: Set(name.ar),
        name_en: Set(name.en),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::WorkPlanAddAxis, axis.id)
        .created(&axis)
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
