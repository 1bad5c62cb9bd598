use actix_web::{HttpResponse, delete, web};
use entity::platform;
use sea_orm::EntityTrait;

use crate::audit::Entry;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::state::AppState;

/// Deletes a platform (admins); 409 while members, plans, elections or sub-platforms refer to it.
#[utoipa::path(
    tag = "platforms",
    params(("id" = i64, Path, description = "Platform id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Still referenced", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/platforms/{id}")]
pub async fn delete_platform(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let txn = crate::db::begin(&state.db).await?;
    let current = find_or_404::<platform::Entity>(&txn, id.into_inner()).await?;
    platform::Entity::delete_by_id(current.id)
        .exec(&txn)
        .await
        .map_err(ApiError::from_delete)?;
    Entry::new("platform.delete", "platform", current.id)
        .platform(current.id)
        .deleted(&current)
        .write(&txn, Some(auth.id()), state.clock.now())
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
