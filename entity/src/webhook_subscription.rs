//! A partner's webhook endpoint: where events go, which ones, and the secret they are signed
//! with (Standard Webhooks).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub description: String,
    pub url: String,
    /// JSON array of event types.
    pub event_types: String,
    /// JSON array of platform ids; none: every platform its creator may see.
    pub platform_ids: Option<String>,
    /// `whsec_…`: needed to sign, so kept (never shown after creation or rotation).
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<DateTimeUtc>,
    pub created_by: i64,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// A worker delivering to this endpoint holds it until then.
    pub lease_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
