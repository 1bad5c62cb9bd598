use actix_web::{HttpResponse, post, web};
use entity::refresh_token;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::model::RefreshTokenRequest;
use crate::audit::{Action, Entry};
use crate::auth::tokens;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::accounts::sessions::revoke_family;
use crate::state::AppState;

/// Ends the session the refresh token belongs to (its whole family). Idempotent: an unknown
/// token is answered the same way.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshTokenRequest,
    responses((status = 204, description = "Signed out"))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: ValidatedJson<RefreshTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = tokens::hash(&body.into_inner()?.refresh_token);
    let txn = crate::db::begin(&state.db).await?;
    if let Some(t) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(&hash))
        .one(&txn)
        .await?
    {
        revoke_family(&txn, &t.family).await?;
        Entry::new(Action::SessionLogout, t.user_id)
            .write(&txn, Some(t.user_id), state.clock.now())
            .await?;
    }
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
