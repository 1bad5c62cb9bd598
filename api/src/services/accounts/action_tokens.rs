//! Single-use emailed tokens (password reset, email verification, invitation): issued hashed,
//! consumed once, before they expire.

use std::time::Duration;

use entity::{action_token, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::auth::tokens;
use crate::domain::TokenPurpose;
use crate::error::ApiError;
use crate::i18n::Text;

pub const PASSWORD_RESET_TTL: Duration = Duration::from_secs(3600);
pub const EMAIL_VERIFICATION_TTL: Duration = Duration::from_secs(3 * 24 * 3600);
pub const INVITATION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long a token of the purpose stays valid.
pub fn ttl(purpose: TokenPurpose) -> Duration {
    match purpose {
        TokenPurpose::PasswordReset => PASSWORD_RESET_TTL,
        TokenPurpose::EmailVerification => EMAIL_VERIFICATION_TTL,
        TokenPurpose::Invitation => INVITATION_TTL,
    }
}

/// Stores a new token for the user and returns it (the only time it exists in clear).
pub async fn issue_action_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    ttl: Duration,
) -> Result<String, ApiError> {
    let token = tokens::generate();
    let now = chrono::Utc::now();
    action_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose),
        token_hash: Set(tokens::hash(&token)),
        expires_at: Set(now + chrono::Duration::from_std(ttl).unwrap_or_default()),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Spends a token: the conditional update succeeds once, so a token works a single time.
/// Returns its user. Unknown, used, expired or other-purpose tokens → 422 on `/token`.
pub async fn consume_action_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
) -> Result<user::Model, ApiError> {
    let invalid = || {
        ApiError::field(
            "/token",
            "invalid_token",
            Text::new(
                "the link is invalid, expired or already used",
                "الرابط غير صالح أو منتهي الصلاحية أو مستخدم سابقًا",
            ),
        )
    };
    let now = chrono::Utc::now();
    let hash = tokens::hash(token);
    let found = action_token::Entity::find()
        .filter(action_token::Column::TokenHash.eq(&hash))
        .filter(action_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    let spent = action_token::Entity::update_many()
        .set(action_token::ActiveModel {
            used_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(action_token::Column::Id.eq(found.id))
        .filter(action_token::Column::UsedAt.is_null())
        .filter(action_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?
        .rows_affected;
    if spent != 1 {
        return Err(invalid());
    }
    user::Entity::find_by_id(found.user_id)
        .one(db)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(invalid)
}
