//! Signing as Standard Webhooks states it: `whsec_` secrets, and `v1,<base64 HMAC-SHA256>` over
//! `<webhook-id>.<webhook-timestamp>.<body>`, once per secret while a rotated one is in its grace.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use entity::webhook_subscription;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How every signing secret starts.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// `v1,<signature>` of one message with one secret.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX)?)
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` value: one signature per secret in use, space-separated.
pub fn signature_header(
    sub: &webhook_subscription::Model,
    msg_id: &str,
    timestamp: i64,
    body: &str,
    now: DateTime<Utc>,
) -> String {
    let mut secrets = vec![sub.secret.as_str()];
    if let (Some(previous), Some(until)) = (&sub.previous_secret, sub.previous_secret_expires_at)
        && until > now
    {
        secrets.push(previous);
    }
    secrets
        .into_iter()
        .filter_map(|s| sign(s, msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}
