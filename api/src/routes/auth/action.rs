//! Single-use emailed tokens: issued hashed, consumed once, before they expire.

use std::time::Duration;

use entity::{action_token, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::tokens;
use crate::domain::{Locale, MIN_PASSWORD_CHARS, MailKind, TokenPurpose};
use crate::email::{ActionEmail, action_email};
use crate::error::ApiError;
use crate::i18n::Text;
use crate::state::AppState;

pub const PASSWORD_RESET_TTL: Duration = Duration::from_secs(3600);
pub const EMAIL_VERIFICATION_TTL: Duration = Duration::from_secs(3 * 24 * 3600);
pub const INVITATION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// A token from an email and the password to set with it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TokenPasswordRequest {
    #[validate(
        length(min = 1, max = 512),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 512)]
    pub token: String,
    /// At least 10 characters.
    #[validate(
        length(min = 10, max = 1024),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
}

/// A token from an email.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(
        length(min = 1, max = 512),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 512)]
    pub token: String,
}

const _: () = assert!(
    MIN_PASSWORD_CHARS == 10,
    "keep the validate attributes in step"
);

fn purpose(kind: ActionEmail) -> TokenPurpose {
    match kind {
        ActionEmail::PasswordReset => TokenPurpose::PasswordReset,
        ActionEmail::EmailVerification => TokenPurpose::EmailVerification,
        ActionEmail::Invitation => TokenPurpose::Invitation,
    }
}

fn mail_kind(kind: ActionEmail) -> MailKind {
    match kind {
        ActionEmail::PasswordReset => MailKind::PasswordReset,
        ActionEmail::EmailVerification => MailKind::EmailVerification,
        ActionEmail::Invitation => MailKind::Invitation,
    }
}

fn path(kind: ActionEmail) -> &'static str {
    match kind {
        ActionEmail::PasswordReset => "reset-password",
        ActionEmail::EmailVerification => "verify-email",
        ActionEmail::Invitation => "accept-invitation",
    }
}

/// Stores a new token for the user and returns it (the only time it exists in clear).
pub async fn issue_action_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: ActionEmail,
    ttl: Duration,
) -> Result<String, ApiError> {
    let token = tokens::generate();
    let now = chrono::Utc::now();
    action_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose(kind)),
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
    kind: ActionEmail,
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
        .filter(action_token::Column::Purpose.eq(purpose(kind)))
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

/// The mailbox of a user, with their name when it parses.
pub fn mailbox(user: &user::Model) -> Option<lettre::message::Mailbox> {
    format!(
        "{} <{}>",
        user.name_en.replace(['<', '>', '"', ','], ""),
        user.email
    )
    .parse()
    .or_else(|_| user.email.parse())
    .ok()
}

/// Writes the link's email to the outbox, in the transaction that stored the token.
pub async fn send_action_email(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &user::Model,
    kind: ActionEmail,
    token: &str,
) -> Result<(), ApiError> {
    let Some(to) = mailbox(user) else {
        tracing::error!(user_id = user.id, "stored email is not a mailbox");
        return Ok(());
    };
    let locale = user.locale;
    let name = match locale {
        Locale::Ar => &user.name_ar,
        Locale::En if user.name_en.is_empty() => &user.name_ar,
        Locale::En => &user.name_en,
    };
    let link = format!(
        "{}/{}?token={token}",
        state.config.public_base_url,
        path(kind)
    );
    crate::outbox::enqueue(
        db,
        mail_kind(kind),
        action_email(to, locale, kind, name, &link),
        state.clock.now(),
    )
    .await
}
