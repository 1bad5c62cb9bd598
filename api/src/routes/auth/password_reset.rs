use actix_web::{HttpResponse, post, web};
use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::model::TokenPasswordRequest;
use crate::audit::Entry;
use crate::auth::password;
use crate::domain::{self, TokenPurpose};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::mail::send_link;
use crate::services::sessions::revoke_sessions;
use crate::services::tokens::consume_action_token;
use crate::state::AppState;

/// The account to reset.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254, format = Email)]
    pub email: String,
}

/// Emails a single-use reset link (valid one hour) when the account exists. Always 202, so the
/// answer does not reveal which emails have accounts.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = PasswordResetRequest,
    responses((status = 202, description = "If the account exists, a link was mailed"))
)]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: ValidatedJson<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = domain::normalize_email(&body.into_inner()?.email);
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .filter(user::Column::IsActive.eq(true))
        .one(&state.db)
        .await?;
    if let Some(u) = found {
        let txn = crate::db::begin(&state.db).await?;
        send_link(&txn, &state, &u, TokenPurpose::PasswordReset).await?;
        Entry::new("user.password_reset_request", "user", u.id)
            .write(&txn, None, state.clock.now())
            .await?;
        state.commit(txn).await?;
    }
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the emailed token, and ends every session of the account.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = TokenPasswordRequest,
    responses((status = 204, description = "Password changed"))
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: ValidatedJson<TokenPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let hash = password::hash(body.password).await?;
    let txn = crate::db::begin(&state.db).await?;
    let u = consume_action_token(&txn, &body.token, TokenPurpose::PasswordReset).await?;
    let id = u.id;
    let before = u.clone();
    let now = state.clock.now();
    let mut model = u.into_active_model();
    model.password_hash = Set(Some(hash));
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    revoke_sessions(&txn, id).await?;
    Entry::new("user.password_reset", "user", id)
        .updated(&before, &updated)
        .write(&txn, Some(id), now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
