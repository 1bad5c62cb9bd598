//! Argon2id password hashing, always on the blocking pool: it is slow on purpose.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::ApiError;

/// Hashes a password to a PHC string.
pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Unexpected(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| ApiError::Unexpected(format!("password hashing task failed: {e}")))?
}

/// Checks a password against a PHC string. A missing hash is still checked against a dummy, so
/// that unknown accounts take as long as known ones.
pub async fn verify(
    password: String,
    hash: Option<String>,
    dummy: String,
) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let stored = hash.unwrap_or(dummy);
        let ok = PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && ok
    })
    .await
    .map_err(|e| ApiError::Unexpected(format!("password check task failed: {e}")))
}

/// A hash of a random password, used to spend the same time on unknown accounts.
pub async fn dummy_hash() -> Result<String, ApiError> {
    use base64::Engine as _;
    let random: [u8; 24] = rand::random();
    hash(base64::engine::general_purpose::STANDARD.encode(random)).await
}
