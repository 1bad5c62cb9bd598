//! What partners and people are told of a change, written beside its audit entry in the same
//! transaction: the resource's row in the changes feed (`services::changes`), the webhook events
//! it raises (`services::webhooks`) and the notices in people's inboxes
//! (`services::notifications`). The audit trail already records every write with its entity, its
//! platform and what changed, so this one hook sees every change and no handler can forget one.

use chrono::{DateTime, Utc};
use entity::{membership, registration};
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};
use serde_json::{Map, Value as Json};

use crate::error::ApiError;
use crate::services::changes::{self, Change, Op};
use crate::services::{notifications, webhooks};

/// An audited change, as the audit entry describes it.
#[derive(Clone, Copy, Debug)]
pub struct Fact<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<i64>,
    pub platform_id: Option<i64>,
    pub changes: &'a Map<String, Json>,
}

/// Records the change in the feed and queues its events.
pub async fn record(
    db: &impl ConnectionTrait,
    fact: &Fact<'_>,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let feed = changes::TYPES
        .iter()
        .find(|(e, _)| *e == fact.entity_type)
        .map(|(e, _)| *e);
    let events = webhooks::events_of(fact.action, fact.changes);
    let Some(id) = fact.entity_id else {
        return Ok(());
    };
    let tells = notifications::concerns(fact.action);
    if feed.is_none() && events.is_empty() && !tells {
        return Ok(());
    }
    let owner = owner_of(db, fact.entity_type, id).await?;
    if let Some(entity_type) = feed {
        changes::record(
            db,
            Change {
                entity_type,
                entity_id: id,
                op: Op::of_action(fact.action),
                platform_id: fact.platform_id,
                user_id: owner.map(|(user, _)| user),
            },
            at,
        )
        .await?;
    }
    if !events.is_empty() {
        let data = webhooks::data_of(fact.entity_type, id, fact.platform_id, fact.changes, owner);
        for event in events {
            webhooks::enqueue(db, event, fact.platform_id, &data, at).await?;
        }
    }
    if tells {
        notifications::from_fact(db, fact, owner, at).await?;
    }
    Ok(())
}

/// The person a registration or a membership belongs to (and a registration's workshop).
async fn owner_of(
    db: &impl ConnectionTrait,
    entity_type: &str,
    id: i64,
) -> Result<Option<(i64, Option<i64>)>, ApiError> {
    Ok(match entity_type {
        "registration" => registration::Entity::find_by_id(id)
            .select_only()
            .column(registration::Column::UserId)
            .column(registration::Column::WorkshopId)
            .into_tuple::<(i64, i64)>()
            .one(db)
            .await?
            .map(|(u, w)| (u, Some(w))),
        "membership" => membership::Entity::find_by_id(id)
            .select_only()
            .column(membership::Column::UserId)
            .into_tuple::<i64>()
            .one(db)
            .await?
            .map(|u| (u, None)),
        _ => None,
    })
}
