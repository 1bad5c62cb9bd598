//! A service account's key: what a partner portal sends as `Authorization: Bearer epk_…`. Only
//! a hash of the key is stored; it acts as the person who created it, within its scopes and
//! platforms.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The key's first characters, shown to recognise it (`epk_3Fh9a2Lq`).
    pub prefix: String,
    /// SHA-256 (hex) of the key.
    pub secret_hash: String,
    /// The key before the last rotation, valid until `previous_expires_at`.
    pub previous_hash: Option<String>,
    pub previous_expires_at: Option<DateTimeUtc>,
    pub created_by: i64,
    /// JSON array of `resource:action` scopes.
    pub scopes: String,
    /// JSON array of platform ids the key is limited to; none: every platform its creator has.
    pub platform_ids: Option<String>,
    pub rate_limit_per_minute: i32,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
