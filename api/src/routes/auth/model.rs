//! What the authentication routes read and answer.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::MIN_PASSWORD_CHARS;
use crate::services::accounts::sessions::TokenPair;

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

impl From<TokenPair> for TokenResponse {
    fn from(p: TokenPair) -> Self {
        TokenResponse {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "Bearer",
            expires_in: p.expires_in,
        }
    }
}
