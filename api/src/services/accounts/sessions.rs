//! Sessions: an access token (a short-lived JWT) with a refresh token that is rotated on each
//! use and stored hashed, in families so that a replayed refresh token ends its whole family.

use entity::{calendar_token, refresh_token};
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
    let family = family.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let now = chrono::Utc::now();
    let ttl = chrono::Duration::from_std(state.config.refresh_token_ttl)
        .unwrap_or_else(|_| chrono::Duration::days(30));
    refresh_token::ActiveModel {
        user_id: Set(user_id),
        family: Set(family.clone()),
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
        .issue(user_id, &family)
        .map_err(|e| ApiError::Unexpected(format!("signing failed: {e}")))?;
    Ok(TokenPair {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.jwt.ttl.as_secs(),
    })
}

/// Ends every session of a user (all refresh-token families, and with them every access token).
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

/// Ends one session (a refresh-token family): its refresh tokens and its access tokens.
pub async fn revoke_family(db: &impl ConnectionTrait, family: &str) -> Result<(), ApiError> {
    refresh_token::Entity::update_many()
        .set(refresh_token::ActiveModel {
            revoked_at: Set(Some(chrono::Utc::now())),
            ..Default::default()
        })
        .filter(refresh_token::Column::Family.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes a person's private calendar feeds (on a new feed, on request, on deactivation).
pub async fn revoke_calendar_feeds(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    calendar_token::Entity::update_many()
        .col_expr(
            calendar_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(calendar_token::Column::UserId.eq(user_id))
        .filter(calendar_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
