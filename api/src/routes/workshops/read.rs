use actix_web::{HttpResponse, get, web};

use super::response;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::etag;
use crate::state::AppState;

/// One workshop (public unless a draft or private; the platform's managers also see the
/// check-in code and the experts' emails).
#[utoipa::path(
    tag = "workshops",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Workshop id")),
    responses((status = 200, body = super::WorkshopResponse))
)]
#[get("/workshops/{id}")]
pub async fn get_workshop(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (w, manager) = super::visible_workshop(&state.db, auth.as_ref(), id.into_inner()).await?;
    let body = response(&state.db, w, manager, Vec::new()).await?;
    Ok(etag::tagged(body.version, &body))
}
