//! Webhooks as the Standard Webhooks specification describes them. An event is written to every
//! matching subscription's deliveries in the transaction of the change it tells about (an
//! outbox); the supervised `webhooks` job delivers them after commit, one subscription at a time
//! per worker and in `(txid, id)` order within it (see `services::events::changes` for why that order
//! never lets a late commit slip behind), signed with `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64 HMAC-SHA256>` — with both secrets while a rotated one is in its
//! grace period. A failure is retried with exponential backoff and jitter until
//! `give_up_after` (three days); the next message of the subscription waits meanwhile, so order
//! holds. 410 Gone disables the subscription; redirects are not followed; targets in private
//! ranges are refused unless `WEBHOOKS_ALLOW_PRIVATE_TARGETS=true`, checked again at every
//! connection (a name that resolves to a private address is refused too).

mod catalogue;
mod delivery;
mod egress;
mod signing;

pub use catalogue::*;
pub use delivery::*;
pub use egress::*;
pub use signing::*;

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_subscription};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, QueryFilter,
    Statement,
};
use serde::Serialize;
use serde_json::Value as Json;

use crate::config::Webhooks as WebhookConfig;
use crate::domain::DeliveryStatus;
use crate::error::ApiError;
use crate::services::events::changes::txid_sql;

/// The body of a message, as signed and sent.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    data: &'a Json,
}

/// One event's message: its id (the same for every subscription it goes to) and its body.
pub fn message(
    event_type: &str,
    data: &Json,
    at: DateTime<Utc>,
) -> Result<(String, String), ApiError> {
    let payload = serde_json::to_string(&Envelope {
        kind: event_type,
        timestamp: at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        data,
    })
    .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    Ok((format!("msg_{}", uuid::Uuid::new_v4().simple()), payload))
}

/// The SQL condition that subscription `s` wants events of the platform given as text in
/// parameter `$n` (NULL: of no platform), on PostgreSQL: the subscription's `platform_ids` is
/// NULL (every platform) or its JSON list names the platform.
pub fn wants_platform_sql(n: usize) -> String {
    format!(
        "(s.platform_ids IS NULL OR (${n}::text IS NOT NULL AND \
         strpos(',' || translate(s.platform_ids, '[] ', '') || ',', ',' || ${n}::text || ',') > 0))"
    )
}

/// Writes one event to the deliveries of every enabled subscription that wants it (inside the
/// change's transaction). A subscription limited to platforms gets only their events.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    event_type: &str,
    platform_id: Option<i64>,
    data: &Json,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let wanted = format!("%\"{event_type}\"%");
    let subs: Vec<(i64, Option<String>)> = webhook_subscription::Entity::find()
        .select_only_columns()
        .filter(webhook_subscription::Column::Enabled.eq(true))
        .filter(webhook_subscription::Column::EventTypes.like(wanted))
        .into_tuple()
        .all(db)
        .await?;
    let targets: Vec<i64> = subs
        .into_iter()
        .filter(|(_, platforms)| match platforms.as_deref() {
            None => true,
            Some(list) => platform_id.is_some_and(|p| {
                serde_json::from_str::<Vec<i64>>(list).is_ok_and(|l| l.contains(&p))
            }),
        })
        .map(|(id, _)| id)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let (msg_id, payload) = message(event_type, data, at)?;
    let backend = db.get_database_backend();
    let sql = format!(
        "INSERT INTO webhook_deliveries (subscription_id, txid, msg_id, event_type, platform_id, \
         payload, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, {}, $2, $3, $4, $5, 'pending', 0, $6, $6)",
        txid_sql(backend)
    );
    for sub in targets {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql.clone(),
            [
                sub.into(),
                msg_id.clone().into(),
                event_type.into(),
                platform_id.into(),
                payload.clone().into(),
                at.into(),
            ],
        ))
        .await?;
    }
    crate::state::Wake::queued_webhooks();
    Ok(())
}

trait SelectIdAndPlatforms {
    fn select_only_columns(self) -> Self;
}

impl SelectIdAndPlatforms for sea_orm::Select<webhook_subscription::Entity> {
    fn select_only_columns(self) -> Self {
        use sea_orm::QuerySelect;
        self.select_only()
            .column(webhook_subscription::Column::Id)
            .column(webhook_subscription::Column::PlatformIds)
    }
}

/// 409 `limit_reached` when the person already made as many subscriptions as one may.
pub async fn check_subscription_cap(
    db: &impl ConnectionTrait,
    creator: i64,
    config: &WebhookConfig,
) -> Result<(), ApiError> {
    use sea_orm::PaginatorTrait;
    let made = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::CreatedBy.eq(creator))
        .count(db)
        .await?;
    if made >= config.max_subscriptions_per_creator {
        return Err(ApiError::limit_reached(
            "Webhook subscriptions one person may make",
            "اشتراكات الخطافات للشخص الواحد",
            config.max_subscriptions_per_creator,
        ));
    }
    Ok(())
}

/// 422 `too_many` on `/until` when queuing `more` messages would leave more than
/// `WEBHOOK_MAX_QUEUED` waiting for the subscription.
pub async fn check_queue_room(
    db: &impl ConnectionTrait,
    subscription: i64,
    more: u64,
    config: &WebhookConfig,
) -> Result<(), ApiError> {
    use sea_orm::PaginatorTrait;
    let queued = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .count(db)
        .await?;
    if queued + more > config.max_queued {
        return Err(ApiError::field(
            "/until",
            "too_many",
            crate::i18n::Text::new(
                format!(
                    "{queued} messages wait already and a subscription holds at most {} waiting: \
                     replay fewer, or when the queue has drained.",
                    config.max_queued
                ),
                format!(
                    "تنتظر \u{2066}{queued}\u{2069} رسالة بالفعل والحد الأقصى للرسائل المنتظرة \
                     \u{2066}{}\u{2069}: أعد إرسال عدد أقل أو بعد أن تفرغ القائمة.",
                    config.max_queued
                ),
            ),
        ));
    }
    Ok(())
}

/// The ids of the messages waiting for a subscription.
pub async fn waiting_messages(
    db: &impl ConnectionTrait,
    subscription: i64,
) -> Result<std::collections::HashSet<String>, ApiError> {
    use sea_orm::QuerySelect;
    let ids: Vec<String> = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::MsgId)
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Whether a message is waiting already (its first send or a replay): replaying it again then
/// adds nothing.
pub async fn is_waiting(
    db: &impl ConnectionTrait,
    subscription: i64,
    msg_id: &str,
) -> Result<Option<webhook_delivery::Model>, ApiError> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
        .filter(webhook_delivery::Column::MsgId.eq(msg_id))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .one(db)
        .await?)
}

/// Queues one delivery again, as a new attempt of the same message (same `webhook-id`), at the
/// end of its subscription's order.
pub async fn replay(
    db: &impl ConnectionTrait,
    of: &webhook_delivery::Model,
    now: DateTime<Utc>,
) -> Result<webhook_delivery::Model, ApiError> {
    let backend: DatabaseBackend = db.get_database_backend();
    let sql = format!(
        "INSERT INTO webhook_deliveries (subscription_id, txid, msg_id, event_type, platform_id, \
         payload, status, attempts, next_attempt_at, created_at, replay_of) \
         VALUES ($1, {}, $2, $3, $4, $5, 'pending', 0, $6, $6, $7) RETURNING *",
        txid_sql(backend)
    );
    webhook_delivery::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [
            of.subscription_id.into(),
            of.msg_id.clone().into(),
            of.event_type.clone().into(),
            of.platform_id.into(),
            of.payload.clone().into(),
            now.into(),
            of.id.into(),
        ],
    ))
    .one(db)
    .await?
    .ok_or_else(|| ApiError::Unexpected("replay insert returned nothing".into()))
    .inspect(|_| crate::state::Wake::queued_webhooks())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn signs_as_the_specification_example() {
        // The example of the Standard Webhooks specification.
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn private_ranges_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            // IPv6 forms that carry a private IPv4 address, and other local IPv6 ranges.
            "::127.0.0.1",
            "::ffff:0:7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::808:808",
            "2002:a9fe:a9fe::",
            "2002:7f00:1::1",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:0:a00:1::1",
            "fec0::1",
            "100::1",
        ] {
            assert!(is_private(ip.parse().expect("ip")), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "185.12.3.4",
            "2a00:1450::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:0:808:808:0:0:f7f7:f7f7",
        ] {
            assert!(!is_private(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_twelve_hours() {
        let base = Duration::from_secs(5);
        let first = backoff(1, base).num_milliseconds();
        assert!((3750..=6250).contains(&first), "{first}");
        let fourth = backoff(4, base).num_milliseconds();
        assert!((30_000..=50_000).contains(&fourth), "{fourth}");
        let late = backoff(30, base).num_milliseconds();
        assert!(
            (9 * 3600 * 1000..=15 * 3600 * 1000).contains(&late),
            "{late}"
        );
    }

    #[test]
    fn every_event_an_action_raises_is_in_the_catalogue() {
        for action in crate::audit::every_action() {
            for event in crate::services::events::tells(action).webhooks {
                assert!(is_event_type(event), "{action:?}: {event}");
            }
        }
    }
}
