use actix_web::{HttpResponse, delete, web};
use entity::platform;

use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::events::delete_recorded;
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
    let entry = |p: &platform::Model| Entry::new(Action::PlatformDelete, p.id).platform(p.id);
    delete_recorded::<platform::Entity>(&txn, id.into_inner(), entry, &auth, state.clock.now())
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
