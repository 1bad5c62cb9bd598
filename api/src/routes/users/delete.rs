use actix_web::{HttpResponse, delete, web};
use entity::user;

use super::ensure_other_admin;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::Role;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::events::delete_row;
use crate::state::AppState;

/// Deletes a user (admins). Administrators cannot delete themselves; records that refer to the
/// user (409) keep it, and deactivation (`PATCH is_active=false`) is the alternative.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Self-deletion, the last administrator, or still referenced", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/users/{id}")]
pub async fn delete_user(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    if id == auth.id() {
        return Err(ApiError::Problem(
            ProblemCode::CannotDeleteSelf,
            Text::new("You cannot delete your own account.", "لا يمكنك حذف حسابك."),
        ));
    }
    let txn = crate::db::begin(&state.db).await?;
    let target = find_or_404::<user::Entity>(&txn, id).await?;
    if target.is_active && target.role == Role::Admin {
        ensure_other_admin(&txn, id).await?;
    }
    let entry = Entry::new(Action::UserDelete, target.id);
    delete_row::<user::Entity>(&txn, id, &target, entry, &auth, state.clock.now()).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
