//! Issuing and rotating token pairs.

use entity::refresh_token;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::tokens;
use crate::error::ApiError;
use crate::state::AppState;

/// A fresh pair of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT (HS256) to send as `Authorization: Bearer …`.
    #[schema(
        max_length = 2048,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub access_token: String,
    /// Opaque; exchange it once at `POST /api/v1/auth/refresh`.
    #[schema(max_length = 128, pattern = "^[A-Za-z0-9_-]+$")]
    pub refresh_token: String,
    #[schema(example = "Bearer", max_length = 6, pattern = "^Bearer$")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
}

/// A refresh token presented by the client.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RefreshTokenRequest {
    #[validate(
        length(min = 1, max = 512),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: String,
}

/// Issues an access token and a refresh token in `family` (a new family when `None`).
pub async fn issue(
    db: &impl ConnectionTrait,
    state: &AppState,
    user_id: i64,
    family: Option<String>,
) -> Result<TokenResponse, ApiError> {
    let refresh = tokens::generate();
    let now = chrono::Utc::now();
    let ttl = chrono::Duration::from_std(state.config.refresh_token_ttl)
        .unwrap_or_else(|_| chrono::Duration::days(30));
    refresh_token::ActiveModel {
        user_id: Set(user_id),
        family: Set(family.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())),
        token_hash: Set(tokens::hash(&refresh)),
        expires_at: Set(now + ttl),
        rotated_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let access = state
        .jwt
        .issue(user_id)
        .map_err(|e| ApiError::Unexpected(format!("signing failed: {e}")))?;
    Ok(TokenResponse {
        access_token: access,
        refresh_token: refresh,
        token_type: "Bearer",
        expires_in: state.jwt.ttl.as_secs(),
    })
}
