use actix_web::{get, web};

use super::topic_or_404;
use crate::error::ApiError;
use crate::routes::work_plans::TopicResponse;
use crate::state::AppState;

/// One topic (public).
#[utoipa::path(
    tag = "topics",
    security(()),
    params(("id" = i64, Path, description = "Topic id")),
    responses((status = 200, body = TopicResponse))
)]
#[get("/topics/{id}")]
pub async fn get_topic(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<TopicResponse>, ApiError> {
    Ok(web::Json(
        topic_or_404(&state.db, id.into_inner()).await?.into(),
    ))
}
