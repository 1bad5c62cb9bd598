use actix_web::{get, web};

use crate::db::find_or_404;
use crate::error::ApiError;
use crate::routes::views::TopicResponse;
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
        find_or_404::<entity::topic::Entity>(&state.db, id.into_inner())
            .await?
            .into(),
    ))
}
