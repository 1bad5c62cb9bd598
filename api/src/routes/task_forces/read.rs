use actix_web::{HttpResponse, get, web};

use super::response;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::etag;
use crate::state::AppState;

/// One task force with its targets and actual counts (public).
#[utoipa::path(
    tag = "task-forces",
    security(()),
    params(("id" = i64, Path, description = "Task force id")),
    responses((status = 200, body = super::TaskForceResponse))
)]
#[get("/task-forces/{id}")]
pub async fn get_task_force(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let t = find_or_404::<entity::task_force::Entity>(&state.db, id.into_inner()).await?;
    let body = response(&state.db, t).await?;
    Ok(etag::tagged(body.version, &body))
}
