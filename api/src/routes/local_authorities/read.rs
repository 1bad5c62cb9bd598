use actix_web::{get, web};
use entity::local_authority;
use sea_orm::EntityTrait;

use super::LocalAuthorityResponse;
use crate::error::ApiError;
use crate::state::AppState;

/// One local authority (public).
#[utoipa::path(
    tag = "local-authorities",
    security(()),
    params(("id" = i64, Path, description = "Local authority id")),
    responses((status = 200, body = LocalAuthorityResponse))
)]
#[get("/local-authorities/{id}")]
pub async fn get_local_authority(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<LocalAuthorityResponse>, ApiError> {
    let model = local_authority::Entity::find_by_id(id.into_inner())
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(web::Json(model.into()))
}
