//! Webhook subscriptions (Standard Webhooks): the event catalogue, subscriptions with their
//! signing secrets, the delivery log and replays. Administrators subscribe to anything;
//! coordinators to their own platforms' events. Delivery itself is `services::events::webhooks`.

mod catalogue;
mod deliveries;
mod model;
mod subscriptions;

pub use model::*;

use crate::routes::Routes;
use entity::webhook_subscription;
use sea_orm::ConnectionTrait;

use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;

pub fn configure(cfg: &mut Routes) {
    cfg.service(catalogue::list_event_types)
        .service(subscriptions::list_webhooks)
        .service(subscriptions::create_webhook)
        .service(subscriptions::get_webhook)
        .service(subscriptions::update_webhook)
        .service(subscriptions::delete_webhook)
        .service(subscriptions::rotate_webhook_secret)
        .service(deliveries::list_deliveries)
        .service(deliveries::replay_delivery)
        .service(deliveries::replay_deliveries);
}

/// A subscription the caller may see and manage: their own, or any for an administrator (404
/// otherwise).
async fn own_subscription(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    id: i64,
) -> Result<webhook_subscription::Model, ApiError> {
    let sub = find_or_404::<webhook_subscription::Entity>(db, id).await?;
    if sub.created_by == auth.id() || auth.is_admin() {
        Ok(sub)
    } else {
        Err(ApiError::not_found())
    }
}
