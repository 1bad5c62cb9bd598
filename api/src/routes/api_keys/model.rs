//! What the API-key routes read and answer.

use chrono::{DateTime, Utc};
use entity::api_key;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The default request rate of a key, per minute.
pub const DEFAULT_KEY_RATE: i32 = 600;
/// The default grace period of the previous key after a rotation.
pub const DEFAULT_GRACE_SECONDS: i64 = 86_400;

/// A new key.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// Who uses the key, e.g. "Ministry portal (production)".
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// What the key may do, as `resource:action` (`workshops:read`, `registrations:write`, …).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_items = 1, max_items = 64)]
    pub scopes: Vec<String>,
    /// The platforms the key is limited to; required of a coordinator (their own platforms).
    /// Absent: every platform its creator may act on.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub platform_ids: Option<Vec<i64>>,
    /// When the key stops working; absent: never (it can still be revoked).
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests per minute the key may make (each replica counts its own). Default 600.
    #[validate(range(min = 1, max = 6000))]
    #[schema(minimum = 1, maximum = 6000)]
    pub rate_limit_per_minute: Option<i32>,
}

/// A rotation.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RotateApiKeyRequest {
    /// How long the previous key keeps working, in seconds (0: not at all). Default one day.
    #[validate(range(min = 0, max = 604800))]
    #[schema(minimum = 0, maximum = 604800)]
    pub grace_seconds: Option<i64>,
}

/// A key as the API shows it (never the key itself, which only its creation and rotation show).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyResponse {
    pub id: i64,
    #[schema(max_length = 100)]
    pub name: String,
    /// The key's first characters, to recognise it.
    #[schema(example = "epk_3Fh9a2Lq", max_length = 16)]
    pub prefix: String,
    #[schema(max_items = 64)]
    pub scopes: Vec<String>,
    #[schema(max_items = 50)]
    pub platform_ids: Option<Vec<i64>>,
    pub rate_limit_per_minute: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Until when the key before the last rotation still works.
    pub previous_expires_at: Option<DateTime<Utc>>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    /// Whether the key works now.
    pub active: bool,
}

impl ApiKeyResponse {
    pub fn of(k: api_key::Model, now: DateTime<Utc>) -> ApiKeyResponse {
        let grant = crate::auth::keys::grant(&k);
        ApiKeyResponse {
            active: k.revoked_at.is_none() && k.expires_at.is_none_or(|e| e > now),
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            scopes: grant.scopes,
            platform_ids: grant.platforms,
            rate_limit_per_minute: k.rate_limit_per_minute,
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
            last_used_at: k.last_used_at,
            previous_expires_at: k.previous_expires_at.filter(|t| *t > now),
            created_by: k.created_by,
            created_at: k.created_at,
        }
    }
}

/// A key just made (or rotated): the only time the key itself is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeySecret {
    /// The key: send it as `Authorization: Bearer <key>`. It is not stored and cannot be shown again.
    #[schema(example = "epk_3Fh9a2LqZ0x…", max_length = 64)]
    pub key: String,
    pub api_key: ApiKeyResponse,
}

crate::listed!(ApiKeyResponse => ApiKeyList, "A page of API keys.");
