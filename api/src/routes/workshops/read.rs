use actix_web::{HttpResponse, get, web};

use super::response;
use crate::access::Standing;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::WorkshopStatus;
use crate::error::ApiError;
use crate::etag;
use crate::state::AppState;

/// One workshop (public unless a draft or private; the platform's managers also see the
/// check-in code and the experts' emails).
#[utoipa::path(
    tag = "workshops",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Workshop id")),
    responses((status = 200, body = super::WorkshopResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[get("/workshops/{id}")]
pub async fn get_workshop(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let w = find_or_404::<entity::workshop::Entity>(&state.db, id.into_inner()).await?;
    let manager = Standing::of_caller(&state.db, auth.as_ref(), w.platform_id)
        .await?
        .manages();
    if !manager && (w.status == WorkshopStatus::Draft || (!w.is_public && auth.is_none())) {
        return Err(ApiError::not_found());
    }
    let body = response(&state.db, w, manager, Vec::new()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag::header(body.version))
        .json(body))
}
