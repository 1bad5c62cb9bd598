use actix_web::{HttpResponse, get, web};

use super::response;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::etag;
use crate::state::AppState;

/// One work plan with its axes, ranked topics and warnings (public).
#[utoipa::path(
    tag = "work-plans",
    security(()),
    params(("id" = i64, Path, description = "Work plan id")),
    responses((status = 200, body = super::WorkPlanResponse))
)]
#[get("/work-plans/{id}")]
pub async fn get_work_plan(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let plan = find_or_404::<entity::work_plan::Entity>(&state.db, id.into_inner()).await?;
    let body = response(&state.db, plan).await?;
    Ok(etag::tagged(body.version, &body))
}
