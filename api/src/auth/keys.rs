//! API keys as credentials: `epk_` followed by 43 random characters, recognised by the prefix,
//! found by the SHA-256 of the whole key (the only form stored). A key is valid until it expires
//! or is revoked; after a rotation the previous key stays valid for the grace period chosen.

use chrono::{DateTime, Utc};
use entity::{api_key, user};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::tokens;
use crate::error::ApiError;

/// How every key starts, so that a leaked one is recognisable (and secret scanners can match it).
pub const PREFIX: &str = "epk_";
/// How many characters of a key are kept in clear to recognise it in a list.
pub const SHOWN_CHARS: usize = 12;
/// `last_used_at` is written at most this often per key.
pub const LAST_USED_GRANULARITY_SECS: i64 = 60;

/// Whether a bearer token is an API key (and not an access token).
pub fn is_key(token: &str) -> bool {
    token.starts_with(PREFIX)
}

/// A new key: the key itself (shown once) and its hash.
pub fn generate() -> (String, String) {
    let key = format!("{PREFIX}{}", tokens::generate());
    let hash = tokens::hash(&key);
    (key, hash)
}

/// The characters of a key shown to recognise it.
pub fn shown(key: &str) -> String {
    key.chars().take(SHOWN_CHARS).collect()
}

/// A key's grant, as the request carries it: what the key adds to (rather, takes from) its
/// creator's rights.
#[derive(Clone, Debug)]
pub struct KeyGrant {
    pub id: i64,
    pub scopes: Vec<String>,
    /// The platforms the key is limited to; `None`: its creator's.
    pub platforms: Option<Vec<i64>>,
    pub rate_limit_per_minute: u32,
    pub created_by: i64,
}

impl KeyGrant {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Whether the key reaches the platform.
    pub fn reaches(&self, platform_id: i64) -> bool {
        self.platforms
            .as_ref()
            .is_none_or(|ps| ps.contains(&platform_id))
    }
}

/// The grant of a stored key.
pub fn grant(key: &api_key::Model) -> KeyGrant {
    KeyGrant {
        id: key.id,
        scopes: serde_json::from_str(&key.scopes).unwrap_or_default(),
        platforms: key
            .platform_ids
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()),
        rate_limit_per_minute: key.rate_limit_per_minute.max(0) as u32,
        created_by: key.created_by,
    }
}

/// The valid key with this secret at `now` (unexpired, unrevoked, its creator's account active;
/// the previous secret of a rotated key within its grace period), and notes its use.
pub async fn find_valid(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<api_key::Model>, ApiError> {
    let hash = tokens::hash(key);
    let found = api_key::Entity::find()
        .filter(
            Condition::any()
                .add(api_key::Column::SecretHash.eq(hash.clone()))
                .add(
                    Condition::all()
                        .add(api_key::Column::PreviousHash.eq(hash))
                        .add(api_key::Column::PreviousExpiresAt.gt(now)),
                ),
        )
        .filter(api_key::Column::RevokedAt.is_null())
        .filter(
            api_key::Column::CreatedBy.in_subquery(
                Query::select()
                    .column(user::Column::Id)
                    .from(user::Entity)
                    .and_where(user::Column::IsActive.eq(true))
                    .to_owned(),
            ),
        )
        .filter(
            Condition::any()
                .add(api_key::Column::ExpiresAt.is_null())
                .add(api_key::Column::ExpiresAt.gt(now)),
        )
        .one(db)
        .await?;
    if let Some(k) = &found
        && k.last_used_at
            .is_none_or(|t| (now - t).num_seconds() >= LAST_USED_GRANULARITY_SECS)
    {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(k.id))
            .exec(db)
            .await?;
    }
    Ok(found)
}
