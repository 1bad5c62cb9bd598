//! Opaque random tokens (refresh, reset, verification, invitation), stored only as SHA-256.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// A fresh 256-bit token, URL-safe.
pub fn generate() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token: lower-case hex SHA-256.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
