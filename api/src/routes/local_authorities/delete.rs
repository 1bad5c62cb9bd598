use actix_web::{HttpResponse, delete, web};
use entity::local_authority;

use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::events::delete_recorded;
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
    let entry = |a: &local_authority::Model| Entry::new(Action::LocalAuthorityDelete, a.id);
    delete_recorded::<local_authority::Entity>(
        &txn,
        id.into_inner(),
        entry,
        &auth,
        state.clock.now(),
    )
    .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
