use actix_web::{HttpResponse, delete, web};
use entity::local_authority;
use sea_orm::EntityTrait;

use crate::audit::Entry;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::state::AppState;

/// Deletes a local authority (admins); 409 while users or other records refer to it.
#[utoipa::path(
    tag = "local-authorities",
    params(("id" = i64, Path, description = "Local authority id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Still referenced", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/local-authorities/{id}")]
pub async fn delete_local_authority(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let txn = crate::db::begin(&state.db).await?;
    let current = find_or_404::<local_authority::Entity>(&txn, id.into_inner()).await?;
    local_authority::Entity::delete_by_id(current.id)
        .exec(&txn)
        .await
        .map_err(ApiError::from_delete)?;
    Entry::new("local_authority.delete", "local_authority", current.id)
        .deleted(&current)
        .write(&txn, Some(auth.id()), state.clock.now())
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
