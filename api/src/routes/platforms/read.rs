use actix_web::{HttpResponse, get, web};

use super::response;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::etag;
use crate::state::AppState;

/// One platform with its member and authority counts (public). `ETag` carries its version.
#[utoipa::path(
    tag = "platforms",
    security(()),
    params(("id" = i64, Path, description = "Platform id")),
    responses((status = 200, body = super::PlatformResponse))
)]
#[get("/platforms/{id}")]
pub async fn get_platform(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let p = find_or_404::<entity::platform::Entity>(&state.db, id.into_inner()).await?;
    let body = response(&state.db, p).await?;
    Ok(etag::tagged(body.version, &body))
}
