//! One message to one subscription: written in the transaction of the change it tells about,
//! delivered in `(txid, id)` order per subscription, retried until it succeeds or gives up.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subscription_id: i64,
    pub txid: i64,
    /// The `webhook-id` header: the same for every attempt and every replay of the message.
    pub msg_id: String,
    pub event_type: String,
    pub platform_id: Option<i64>,
    /// The JSON body, exactly as signed.
    pub payload: String,
    pub status: crate::vocab::DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i32>,
    pub last_error: Option<String>,
    pub replay_of: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
