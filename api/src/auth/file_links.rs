//! Short-lived signed links to a file's content, for an email or a calendar attachment: whoever
//! holds the link reads the file until it expires, without a token. A link is the file's id and
//! its expiry, signed with HMAC-SHA256 under a key derived from the server's secret (so every
//! replica signs and checks alike, and nothing is stored); changing either breaks the signature.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The shortest, default and longest life of a link, in seconds.
pub const MIN_TTL_SECONDS: i64 = 60;
pub const DEFAULT_TTL_SECONDS: i64 = 900;
pub const MAX_TTL_SECONDS: i64 = 86_400;

/// What the key of links is derived under, so that it is no other key of the server's.
const CONTEXT: &[u8] = b"exchange-platforms file links v1";

/// A link: its path (with its expiry and signature) and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub path: String,
    pub expires_at: DateTime<Utc>,
}

fn mac(secret: &str) -> Hmac<Sha256> {
    let mut derive =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    derive.update(CONTEXT);
    let key = derive.finalize().into_bytes();
    Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes a key of any length")
}

fn message(file_id: i64, expires: i64) -> String {
    format!("{file_id}.{expires}")
}

/// A link to file `file_id`'s content, valid for `ttl_seconds` from `now`.
pub fn link(secret: &str, file_id: i64, ttl_seconds: i64, now: DateTime<Utc>) -> Link {
    let expires_at = now + chrono::Duration::seconds(ttl_seconds);
    let expires = expires_at.timestamp();
    let mut mac = mac(secret);
    mac.update(message(file_id, expires).as_bytes());
    let signature =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Link {
        path: format!("/api/v1/files/{file_id}/content?expires={expires}&signature={signature}"),
        expires_at: DateTime::from_timestamp(expires, 0).unwrap_or(expires_at),
    }
}

/// Whether `signature` signs file `file_id` until `expires`, and that is not past (compared in
/// constant time).
pub fn verify(
    secret: &str,
    file_id: i64,
    expires: i64,
    signature: &str,
    now: DateTime<Utc>,
) -> bool {
    if expires < now.timestamp() {
        return false;
    }
    let Ok(given) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = mac(secret);
    mac.update(message(file_id, expires).as_bytes());
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_verifies_until_it_expires_and_only_as_signed() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
        let l = link("secret", 7, 600, now);
        let query = l.path.split_once('?').expect("query").1;
        let (expires, signature) = query
            .strip_prefix("expires=")
            .and_then(|q| q.split_once("&signature="))
            .expect("fields");
        let expires: i64 = expires.parse().expect("expires");
        assert_eq!(expires, 1_800_000_600);
        assert!(verify("secret", 7, expires, signature, now));
        assert!(verify("secret", 7, expires, signature, l.expires_at));
        assert!(!verify(
            "secret",
            7,
            expires,
            signature,
            l.expires_at + chrono::Duration::seconds(1)
        ));
        assert!(!verify("secret", 8, expires, signature, now));
        assert!(!verify("secret", 7, expires + 1, signature, now));
        assert!(!verify("another", 7, expires, signature, now));
        assert!(!verify("secret", 7, expires, "not base64!", now));
    }
}
