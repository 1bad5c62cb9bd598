use actix_web::{HttpResponse, get, web};

use super::response;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::etag;
use crate::state::AppState;

/// One agreement with its parties, contributions, totals and steps (signed-in users).
#[utoipa::path(
    tag = "partnerships",
    params(("id" = i64, Path, description = "Agreement id")),
    responses((status = 200, body = super::PartnershipResponse))
)]
#[get("/partnerships/{id}")]
pub async fn get_partnership(
    _auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let p = find_or_404::<entity::partnership::Entity>(&state.db, id.into_inner()).await?;
    let body = response(&state.db, p, state.clock.now().date_naive()).await?;
    Ok(etag::tagged(body.version, &body))
}
