use actix_web::{post, web};
use entity::{refresh_token, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::model::{RefreshTokenRequest, TokenResponse};
use crate::audit::{Action, Entry};
use crate::auth::tokens;
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::accounts::sessions;
use crate::state::AppState;

fn invalid_refresh() -> ApiError {
    ApiError::Problem(
        ProblemCode::InvalidRefreshToken,
        Text::new(
            "The refresh token is invalid, expired or already used.",
            "رمز التحديث غير صالح أو منتهي الصلاحية أو مستخدم سابقًا.",
        ),
    )
}

/// Rotates a refresh token: the presented one is spent and a new pair is issued. Presenting a
/// token that was already spent revokes its whole family (a stolen copy is in use).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshTokenRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ValidatedJson<RefreshTokenRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let hash = tokens::hash(&body.into_inner()?.refresh_token);
    let now = chrono::Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let Some(current) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(&hash))
        .one(&txn)
        .await?
    else {
        return Err(invalid_refresh());
    };
    if current.revoked_at.is_some() || current.expires_at <= now {
        return Err(invalid_refresh());
    }
    // Spend it only if nobody else has: the conditional update is the race guard.
    let spent = refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel {
            rotated_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(refresh_token::Column::Id.eq(current.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if spent != 1 {
        sessions::revoke_family(&txn, &current.family).await?;
        Entry::new(Action::SessionReuseRevoked, current.user_id)
            .write(&txn, None, now)
            .await?;
        state.commit(txn).await?;
        tracing::warn!(
            user_id = current.user_id,
            "refresh token reuse: family revoked"
        );
        return Err(invalid_refresh());
    }
    let active = user::Entity::find_by_id(current.user_id)
        .one(&txn)
        .await?
        .is_some_and(|u| u.is_active);
    if !active {
        return Err(invalid_refresh());
    }
    let tokens = TokenResponse::from(
        sessions::issue(&txn, &state, current.user_id, Some(current.family)).await?,
    );
    Entry::new(Action::SessionRefresh, current.user_id)
        .write(&txn, Some(current.user_id), now)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(tokens))
}
