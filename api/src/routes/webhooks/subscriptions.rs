use actix_web::{HttpResponse, delete, get, patch, post, web};
use entity::webhook_subscription;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    CreateWebhookRequest, DEFAULT_SECRET_GRACE_SECONDS, RotateSecretRequest, UpdateWebhookRequest,
    WebhookList, WebhookResponse, WebhookSecret, own_subscription,
};
use crate::access;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::error::{ApiError, FieldError};
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::services::{events::webhooks, store::versioned};
use crate::state::AppState;

/// Paging for subscriptions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListWebhooksQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The caller's subscriptions (an administrator sees every one).
#[utoipa::path(tag = "webhooks", params(ListWebhooksQuery), responses((status = 200, body = WebhookList)))]
#[get("/webhooks")]
pub async fn list_webhooks(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListWebhooksQuery>,
) -> Result<web::Json<WebhookList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = webhook_subscription::Entity::find();
    if !auth.is_admin() {
        select = select.filter(webhook_subscription::Column::CreatedBy.eq(auth.id()));
    }
    if let Some(after) = page.after {
        select = select.filter(webhook_subscription::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(webhook_subscription::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |s| s.id);
    let now = state.clock.now();
    Ok(web::Json(WebhookList {
        items: rows
            .into_iter()
            .map(|s| WebhookResponse::of(s, now))
            .collect(),
        next_cursor,
    }))
}

/// The field errors of a target URL and event types.
async fn check(
    state: &AppState,
    url: Option<&str>,
    event_types: Option<&[String]>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(url) = url
        && let Some((code, text)) = webhooks::target_problem(url, &state.config).await
    {
        errors.push(FieldError::new("/url", code, text));
    }
    for (i, t) in event_types.into_iter().flatten().enumerate() {
        if !webhooks::is_event_type(t) {
            errors.push(FieldError::new(
                format!("/event_types/{i}"),
                "unknown_event_type",
                Text::new(
                    "Not an event type of the catalogue (GET /api/v1/webhooks/event-types).",
                    "ليس نوع حدث من القائمة (GET /api/v1/webhooks/event-types).",
                ),
            ));
        }
    }
    errors
}

fn distinct<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut v = items.to_vec();
    v.sort();
    v.dedup();
    v
}

fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_default()
}

/// Subscribes an endpoint to events (administrators; coordinators for their own platforms).
/// The answer is the only time the signing secret is shown.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhookRequest,
    responses((status = 201, body = WebhookSecret, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    access::require_some_manager(&state.db, &auth).await?;
    let req = body.into_inner()?;
    let mut errors = check(&state, Some(&req.url), Some(&req.event_types)).await;
    errors.extend(
        access::check_granted_platforms(
            &state.db,
            &auth,
            req.platform_ids.as_deref(),
            "/platform_ids",
        )
        .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = state.clock.now();
    let secret = webhooks::new_secret();
    let txn = crate::db::begin(&state.db).await?;
    // The creator's row is held, so that two requests at once cannot both pass the cap.
    crate::db::lock_caller(&txn, auth.id()).await?;
    webhooks::check_subscription_cap(&txn, auth.id(), &state.config.webhooks).await?;
    let created = webhook_subscription::ActiveModel {
        description: Set(req.description.trim().to_owned()),
        url: Set(req.url),
        event_types: Set(json_list(&distinct(&req.event_types))),
        platform_ids: Set(req.platform_ids.map(|p| json_list(&distinct(&p)))),
        secret: Set(secret.clone()),
        previous_secret: Set(None),
        previous_secret_expires_at: Set(None),
        created_by: Set(auth.id()),
        enabled: Set(true),
        disabled_reason: Set(None),
        lease_until: Set(None),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::WebhookCreate, created.id)
        .created(&created)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    let id = created.id;
    Ok(etag::created(
        created.version,
        format!("/api/v1/webhooks/{id}"),
        &WebhookSecret {
            secret,
            webhook: WebhookResponse::of(created, now),
        },
    ))
}

/// One of the caller's subscriptions; its `ETag` goes back in `If-Match` to change it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Subscription id")),
    responses((status = 200, body = WebhookResponse))
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let sub = own_subscription(&state.db, &auth, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag::header(sub.version))
        .json(WebhookResponse::of(sub, state.clock.now())))
}

/// Changes a subscription: its target, events, platforms, or whether it is enabled. Send the
/// `ETag` you read in `If-Match`: a stale one is 412.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = i64, Path, description = "Subscription id"),
        IfMatch,
    ),
    request_body = UpdateWebhookRequest,
    responses((status = 200, body = WebhookResponse))
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let current = own_subscription(&state.db, &auth, id).await?;
    let expected = if_match.expected()?;
    versioned::check::<webhook_subscription::Entity>(&current, expected)?;
    let req = body.into_inner()?;
    let mut errors = check(&state, req.url.as_deref(), req.event_types.as_deref()).await;
    if let Some(ids) = req.platform_ids.as_deref() {
        errors.extend(
            access::check_granted_platforms(&state.db, &auth, Some(ids), "/platform_ids").await?,
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let before = own_subscription(&txn, &auth, id).await?;
    let mut am = <webhook_subscription::ActiveModel as Default>::default();
    if let Some(d) = req.description {
        am.description = Set(d.trim().to_owned());
    }
    if let Some(u) = req.url {
        am.url = Set(u);
    }
    if let Some(t) = req.event_types {
        am.event_types = Set(json_list(&distinct(&t)));
    }
    if let Some(p) = req.platform_ids {
        am.platform_ids = Set(Some(json_list(&distinct(&p))));
    }
    if let Some(enabled) = req.enabled {
        am.enabled = Set(enabled);
        am.disabled_reason = Set((!enabled).then(|| "disabled by hand".to_owned()));
    }
    let after = versioned::save::<webhook_subscription::Entity>(&txn, id, expected, am).await?;
    Entry::new(Action::WebhookUpdate, id)
        .updated(&before, &after)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(etag::tagged(
        after.version,
        &WebhookResponse::of(after, now),
    ))
}

/// Deletes a subscription with its delivery log; nothing more is sent to it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Subscription id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let sub = own_subscription(&txn, &auth, id.into_inner()).await?;
    entity::webhook_delivery::Entity::delete_many()
        .filter(entity::webhook_delivery::Column::SubscriptionId.eq(sub.id))
        .exec(&txn)
        .await?;
    crate::services::events::delete_row::<webhook_subscription::Entity>(
        &txn,
        sub.id,
        &sub,
        Entry::new(Action::WebhookDelete, sub.id),
        &auth,
        now,
    )
    .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces the signing secret. For the grace period chosen (default one day) every message
/// carries two signatures, one per secret, so that the endpoint can switch when it is ready.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Subscription id")),
    request_body = RotateSecretRequest,
    responses((status = 200, body = WebhookSecret))
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<RotateSecretRequest>,
) -> Result<web::Json<WebhookSecret>, ApiError> {
    let req = body.into_inner()?;
    let grace = req.grace_seconds.unwrap_or(DEFAULT_SECRET_GRACE_SECONDS);
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let before = own_subscription(&txn, &auth, id.into_inner()).await?;
    let secret = webhooks::new_secret();
    let am = webhook_subscription::ActiveModel {
        previous_secret: Set((grace > 0).then(|| before.secret.clone())),
        previous_secret_expires_at: Set((grace > 0).then(|| now + chrono::Duration::seconds(grace))),
        secret: Set(secret.clone()),
        ..Default::default()
    };
    // The version read in this transaction: a rotation that raced another change is 412.
    let after =
        versioned::save::<webhook_subscription::Entity>(&txn, before.id, before.version, am)
            .await?;
    Entry::new(Action::WebhookRotateSecret, after.id)
        .updated(&before, &after)
        .field("grace_seconds", grace)
        .write(&txn, &auth, now)
        .await?;
    state.commit(txn).await?;
    Ok(web::Json(WebhookSecret {
        secret,
        webhook: WebhookResponse::of(after, now),
    }))
}
