use actix_web::{post, web};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::model::{TokenPasswordRequest, TokenResponse};
use crate::audit::{Action, Entry};
use crate::auth::password;
use crate::domain::TokenPurpose;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::accounts::action_tokens::consume_action_token;
use crate::services::accounts::sessions;
use crate::state::AppState;

/// Accepts an invitation: sets the password, confirms the email (the link proved it) and signs in.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = TokenPasswordRequest,
    responses((status = 200, body = TokenResponse))
)]
#[post("/auth/invitations/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    body: ValidatedJson<TokenPasswordRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let body = body.into_inner()?;
    let hash = password::hash(body.password).await?;
    let txn = crate::db::begin(&state.db).await?;
    let u = consume_action_token(&txn, &body.token, TokenPurpose::Invitation).await?;
    let id = u.id;
    let now = state.clock.now();
    let before = u.clone();
    let mut model = u.into_active_model();
    model.password_hash = Set(Some(hash));
    model.email_verified_at = Set(Some(now));
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    let tokens = TokenResponse::from(sessions::issue(&txn, &state, id, None).await?);
    Entry::new(Action::UserAcceptInvitation, id)
        .updated(&before, &updated)
        .write(&txn, Some(id), now)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(tokens))
}
