use actix_web::{get, web};

use super::{UserResponse, find_with_authority};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

/// One user (admins, or the user themself).
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = UserResponse))
)]
#[get("/users/{id}")]
pub async fn get_user(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let id = id.into_inner();
    if id != auth.id() {
        auth.require_admin()?;
    }
    Ok(web::Json(find_with_authority(&state.db, id).await?))
}
