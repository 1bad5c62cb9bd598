use actix_web::{get, web};
use entity::local_authority;

use super::LocalAuthorityResponse;
use crate::db::find_or_404;
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
    let model = find_or_404::<local_authority::Entity>(&state.db, id.into_inner()).await?;
    Ok(web::Json(model.into()))
}
