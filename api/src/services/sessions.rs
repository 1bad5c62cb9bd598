//! Sessions: an access token (a short-lived JWT) with a refresh token that is rotated on each
//! use and stored hashed, in families so that a replayed refresh token ends its whole family.

use entity::refresh_token;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::auth::tokens;
use crate::error::ApiError;
use crate::state::AppState;

/// A fresh pair: the refresh token exists in clear only here, on its way to the client.
#[derive(Debug)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// Issues an access token and a refresh token in `family` (a new family when `None`).
pub async fn issue(
    db: &impl ConnectionTrait,
    state: &AppState,
    user_id: i64,
    family: Option<String>,
) -> Result<TokenPair, ApiError> {
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
    Ok(TokenPair {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.jwt.ttl.as_secs(),
    })
}

/// Ends every session of a user (all refresh-token families).
pub async fn revoke_sessions(db: &impl ConnectionTrait, user_id: i64) -> Result<(), ApiError> {
    refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel {
            revoked_at: Set(Some(chrono::Utc::now())),
            ..Default::default()
        })
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
