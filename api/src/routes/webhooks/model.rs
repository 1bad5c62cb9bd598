//! What the webhook routes read and answer.

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_subscription};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::Bilingual;

/// The default grace period of the previous secret after a rotation.
pub const DEFAULT_SECRET_GRACE_SECONDS: i64 = 86_400;
/// The most messages one range replay queues.
pub const MAX_REPLAY: u64 = 10_000;

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// What the endpoint is, for people reading the list.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub description: String,
    /// Where to POST events: `https://` (plain `http://` and private addresses only in
    /// development, see `WEBHOOKS_ALLOW_PRIVATE_TARGETS`).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    pub url: String,
    /// The event types wanted (`GET /api/v1/webhooks/event-types`).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub event_types: Vec<String>,
    /// Only events of these platforms; required of a coordinator (their own platforms).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub platform_ids: Option<Vec<i64>>,
}

/// Changes to a subscription; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub event_types: Option<Vec<String>>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub platform_ids: Option<Vec<i64>>,
    /// `true` re-enables a subscription disabled by a 410 or by hand; `false` pauses it
    /// (messages keep being queued and go out when it is enabled again).
    pub enabled: Option<bool>,
}

/// A secret rotation.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RotateSecretRequest {
    /// How long messages are also signed with the previous secret, in seconds. Default one day.
    #[validate(range(min = 0, max = 604800))]
    #[schema(minimum = 0, maximum = 604800)]
    pub grace_seconds: Option<i64>,
}

/// Which deliveries to send again.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// Messages first queued at or after this instant…
    pub since: DateTime<Utc>,
    /// …and before this one (default: now).
    pub until: Option<DateTime<Utc>>,
    /// Only messages that ended so (default: any).
    pub status: Option<DeliveryStatus>,
}

/// How many messages a replay queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayResponse {
    pub replayed: u64,
}

/// A subscription as the API shows it (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub id: i64,
    #[schema(max_length = 200)]
    pub description: String,
    #[schema(max_length = 2000)]
    pub url: String,
    #[schema(max_items = 50)]
    pub event_types: Vec<String>,
    #[schema(max_items = 50)]
    pub platform_ids: Option<Vec<i64>>,
    pub enabled: bool,
    /// Why it was disabled (a 410 from the endpoint, its creator's lost rights), when it was.
    #[schema(max_length = 200)]
    pub disabled_reason: Option<String>,
    /// Until when messages are also signed with the previous secret.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

impl WebhookResponse {
    pub fn of(s: webhook_subscription::Model, now: DateTime<Utc>) -> WebhookResponse {
        WebhookResponse {
            id: s.id,
            description: s.description,
            url: s.url,
            event_types: serde_json::from_str(&s.event_types).unwrap_or_default(),
            platform_ids: s
                .platform_ids
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok()),
            enabled: s.enabled,
            disabled_reason: s.disabled_reason,
            previous_secret_expires_at: s.previous_secret_expires_at.filter(|t| *t > now),
            created_by: s.created_by,
            created_at: s.created_at,
        }
    }
}

/// A subscription just made, or its secret just rotated: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookSecret {
    /// The signing secret (`whsec_` and base64): verify each message's `webhook-signature`
    /// with it, e.g. with the `standardwebhooks` library.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", max_length = 64)]
    pub secret: String,
    pub webhook: WebhookResponse,
}

pub use crate::domain::DeliveryStatus;

/// One message to one subscription, as the delivery log shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: i64,
    /// The `webhook-id` header: the same for every attempt and replay of the message.
    #[schema(max_length = 40)]
    pub msg_id: String,
    #[schema(max_length = 48)]
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// The endpoint's last answer, when it answered.
    pub response_code: Option<i32>,
    /// How long the last attempt took.
    pub latency_ms: Option<i32>,
    #[schema(max_length = 300)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When a pending message is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The delivery this one replays.
    pub replay_of: Option<i64>,
    /// The message body as sent.
    #[schema(max_length = 65536)]
    pub payload: String,
}

impl From<webhook_delivery::Model> for DeliveryResponse {
    fn from(d: webhook_delivery::Model) -> DeliveryResponse {
        let status = d.status;
        DeliveryResponse {
            id: d.id,
            msg_id: d.msg_id,
            event_type: d.event_type,
            status,
            attempts: d.attempts,
            response_code: d.response_code,
            latency_ms: d.latency_ms,
            last_error: d.last_error,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
            replay_of: d.replay_of,
            payload: d.payload,
        }
    }
}

/// One event type of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventTypeResponse {
    #[serde(rename = "type")]
    #[schema(example = "workshop.scheduled", max_length = 48)]
    pub kind: String,
    pub description: Bilingual,
    /// The JSON Schema of the message body (`{type, timestamp, data}`).
    #[schema(value_type = Object)]
    pub schema: serde_json::Value,
}

/// The event catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventTypeCatalogue {
    #[schema(max_items = 100)]
    pub items: Vec<EventTypeResponse>,
}

crate::listed!(WebhookResponse => WebhookList, "A page of webhook subscriptions.");
crate::listed!(DeliveryResponse => DeliveryList, "A page of deliveries, newest first.");
