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

/// A PHC string with the parameters of [`hash`]'s, a random salt and a random output: checking
/// any password against it costs what checking a real hash costs, and never succeeds. It is
/// written, not hashed: a hash at start-up would take argon2's 19 MiB of memory for nothing
/// (and raise the C allocator's threshold for returning large blocks, which kept the service's
/// later large buffers resident).
pub fn dummy_hash() -> Result<String, ApiError> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    let params = argon2::Params::default();
    let salt: [u8; 16] = rand::random();
    let output: [u8; 32] = rand::random();
    let phc = format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        b64.encode(salt),
        b64.encode(output)
    );
    PasswordHash::new(&phc)
        .map_err(|e| ApiError::Unexpected(format!("the dummy hash does not parse: {e}")))?;
    Ok(phc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_dummy_costs_what_a_real_hash_costs_and_matches_nothing() {
        let real = hash("correct horse battery staple".to_owned())
            .await
            .expect("in a test");
        let dummy = dummy_hash().expect("in a test");
        let (real, parsed) = (
            PasswordHash::new(&real).expect("in a test"),
            PasswordHash::new(&dummy).expect("in a test"),
        );
        assert_eq!(parsed.algorithm, real.algorithm);
        assert_eq!(parsed.version, real.version);
        assert_eq!(parsed.params, real.params);
        assert_eq!(parsed.salt.map(|s| s.len()), real.salt.map(|s| s.len()));
        assert_eq!(parsed.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert_ne!(
            dummy,
            dummy_hash().expect("in a test"),
            "each start draws its own"
        );
        for attempt in ["", "correct horse battery staple", &dummy] {
            assert!(
                !verify(attempt.to_owned(), None, dummy.clone())
                    .await
                    .expect("in a test")
            );
            assert!(
                !verify(attempt.to_owned(), Some(dummy.clone()), dummy.clone())
                    .await
                    .expect("in a test")
            );
        }
    }
}
