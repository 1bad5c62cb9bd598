use actix_web::{HttpResponse, get, post, web};
use entity::webhook_delivery;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    DeliveryList, DeliveryResponse, DeliveryStatus, MAX_REPLAY, ReplayRequest, ReplayResponse,
    own_subscription,
};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::error::{ApiError, FieldError};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::services::events::webhooks;
use crate::state::AppState;

/// Filters and paging for the delivery log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListDeliveriesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<DeliveryStatus>,
}

/// The delivery log of a subscription, newest first: each message's status, the endpoint's
/// last answer and its latency, and the attempts made.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Subscription id"), ListDeliveriesQuery),
    responses((status = 200, body = DeliveryList))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListDeliveriesQuery>,
) -> Result<web::Json<DeliveryList>, ApiError> {
    let sub = own_subscription(&state.db, &auth, id.into_inner()).await?;
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(sub.id));
    if let Some(before) = page.after {
        select = select.filter(webhook_delivery::Column::Id.lt(before));
    }
    if let Some(status) = q.status {
        select = select.filter(webhook_delivery::Column::Status.eq(status));
    }
    let rows = select
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |d| d.id);
    Ok(web::Json(DeliveryList {
        items: rows.into_iter().map(DeliveryResponse::from).collect(),
        next_cursor,
    }))
}

/// Sends one message again (same `webhook-id`, so the endpoint can tell it has seen it), after
/// what is already queued for the subscription. 404 for a delivery of another subscription.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = i64, Path, description = "Subscription id"),
        ("delivery_id" = i64, Path, description = "Delivery id"),
    ),
    responses((status = 202, body = DeliveryResponse))
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/replay")]
pub async fn replay_delivery(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let sub = own_subscription(&txn, &auth, id).await?;
    let original = webhook_delivery::Entity::find_by_id(delivery_id)
        .filter(webhook_delivery::Column::SubscriptionId.eq(sub.id))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    crate::db::lock::<entity::webhook_subscription::Entity>(&txn, sub.id).await?;
    // A message waiting already is not queued twice: the answer is the send that waits.
    if let Some(waiting) = webhooks::is_waiting(&txn, sub.id, &original.msg_id).await? {
        txn.rollback().await?;
        return Ok(HttpResponse::Accepted().json(DeliveryResponse::from(waiting)));
    }
    webhooks::check_queue_room(&txn, sub.id, 1, &state.config.webhooks).await?;
    let replayed = webhooks::replay(&txn, &original, now).await?;
    Entry::new(Action::WebhookReplay, sub.id)
        .field("delivery_id", delivery_id)
        .field("replay_id", replayed.id)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Accepted().json(DeliveryResponse::from(replayed)))
}

/// Sends again every message first queued for the subscription in a time range (optionally
/// only those that failed, or succeeded), in their order, after what is already queued. At
/// most 10 000 at once: a wider range is 422 on `until`.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Subscription id")),
    request_body = ReplayRequest,
    responses((status = 202, body = ReplayResponse))
)]
#[post("/webhooks/{id}/replay")]
pub async fn replay_deliveries(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<ReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner()?;
    let now = state.clock.now();
    let until = req.until.unwrap_or(now);
    if until <= req.since {
        return Err(ApiError::field(
            "/until",
            "before_from",
            Text::new(
                "`until` is after `since`.",
                "يجب أن يكون `until` بعد `since`.",
            ),
        ));
    }
    let txn = crate::db::begin(&state.db).await?;
    let sub = own_subscription(&txn, &auth, id.into_inner()).await?;
    crate::db::lock::<entity::webhook_subscription::Entity>(&txn, sub.id).await?;
    let mut select = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(sub.id))
        .filter(webhook_delivery::Column::ReplayOf.is_null())
        .filter(webhook_delivery::Column::CreatedAt.gte(req.since))
        .filter(webhook_delivery::Column::CreatedAt.lt(until));
    if let Some(status) = req.status {
        select = select.filter(webhook_delivery::Column::Status.eq(status));
    }
    if select.clone().count(&txn).await? > MAX_REPLAY {
        return Err(ApiError::Validation(vec![FieldError::new(
            "/until",
            "too_many",
            Text::new(
                "More than 10 000 messages in the range: replay a shorter one.",
                "أكثر من 10000 رسالة في النطاق: أعد إرسال نطاق أقصر.",
            ),
        )]));
    }
    // Messages waiting already (their first send or an earlier replay) are not queued again,
    // so replaying a range twice adds nothing the second time.
    let waiting = webhooks::waiting_messages(&txn, sub.id).await?;
    let originals: Vec<_> = select
        .order_by_asc(webhook_delivery::Column::Txid)
        .order_by_asc(webhook_delivery::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .filter(|d| !waiting.contains(&d.msg_id))
        .collect();
    webhooks::check_queue_room(&txn, sub.id, originals.len() as u64, &state.config.webhooks)
        .await?;
    for original in &originals {
        webhooks::replay(&txn, original, now).await?;
    }
    let replayed = originals.len() as u64;
    Entry::new(Action::WebhookReplayRange, sub.id)
        .field("since", req.since)
        .field("until", until)
        .field("replayed", replayed)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Accepted().json(ReplayResponse { replayed }))
}
