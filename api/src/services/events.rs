//! What partners and people are told of a change, written beside its audit entry in the same
//! transaction: the resource's row in the changes feed (`services::changes`), the webhook events
//! it raises (`services::webhooks`) and the notices in people's inboxes
//! (`services::notifications`). The audit trail already records every write with its entity, its
//! platform and what changed, so this one hook sees every change and no handler can forget one.

use chrono::{DateTime, Utc};
use entity::{membership, registration};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QuerySelect};
use serde_json::{Map, Value as Json};

use crate::audit::{Action, Actor, Entity, Entry};
use crate::error::ApiError;
use crate::services::changes::{self, Change};
use crate::services::{notifications, webhooks};

/// An audited change, as the audit entry describes it.
#[derive(Clone, Copy, Debug)]
pub struct Fact<'a> {
    pub action: Action,
    pub entity_id: Option<i64>,
    pub platform_id: Option<i64>,
    pub changes: &'a Map<String, Json>,
}

impl Entry {
    /// Writes the entry on `db` (the write's transaction), and with it what partners and people
    /// are told of the change: its row in the changes feed, its webhook messages, its notices.
    pub async fn write(
        self,
        db: &impl ConnectionTrait,
        actor: impl Into<Actor>,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let fact = Fact {
            action: self.action,
            entity_id: self.entity_id,
            platform_id: self.platform_id,
            changes: &self.changes,
        };
        record(db, &fact, at).await?;
        self.row(actor.into(), at).insert(db).await?;
        Ok(())
    }
}

/// Deletes a row by id and records it with its last state: 404 when there is none, 409
/// `still_referenced` while other rows refer to it. `entry` names the action for the row.
pub async fn delete_recorded<E>(
    db: &impl ConnectionTrait,
    id: i64,
    entry: impl FnOnce(&E::Model) -> Entry,
    actor: impl Into<Actor>,
    at: DateTime<Utc>,
) -> Result<E::Model, ApiError>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    E::Model: Sync,
{
    let current = crate::db::find_or_404::<E>(db, id).await?;
    delete_row::<E>(db, id, &current, entry(&current), actor, at).await?;
    Ok(current)
}

/// Deletes a row already read (and checked) and records it with that state; 409
/// `still_referenced` while other rows refer to it.
pub async fn delete_row<E>(
    db: &impl ConnectionTrait,
    id: i64,
    row: &E::Model,
    entry: Entry,
    actor: impl Into<Actor>,
    at: DateTime<Utc>,
) -> Result<(), ApiError>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::delete_by_id(id)
        .exec(db)
        .await
        .map_err(ApiError::from_delete)?;
    entry.deleted(row).write(db, actor, at).await
}

/// Records the change in the feed and queues its events.
pub async fn record(
    db: &impl ConnectionTrait,
    fact: &Fact<'_>,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let feed = changes::feed_of(fact.action);
    let events = webhooks::events_of(fact.action);
    let notice = notifications::notice_of(fact.action);
    let Some(id) = fact.entity_id else {
        return Ok(());
    };
    if feed.is_none() && events.is_empty() && notice.is_none() {
        return Ok(());
    }
    let entity = fact.action.entity();
    let owner = owner_of(db, entity, id).await?;
    if let Some((entity_type, op)) = feed {
        changes::record(
            db,
            Change {
                entity_type,
                entity_id: id,
                op,
                platform_id: fact.platform_id,
                user_id: owner.map(|(user, _)| user),
            },
            at,
        )
        .await?;
    }
    if !events.is_empty() {
        let data = webhooks::data_of(entity, id, fact.platform_id, fact.changes, owner);
        for event in events {
            webhooks::enqueue(db, event, fact.platform_id, &data, at).await?;
        }
    }
    if let Some(notice) = notice {
        notifications::from_fact(db, notice, fact, owner, at).await?;
    }
    Ok(())
}

/// The person a registration or a membership belongs to (and a registration's workshop).
async fn owner_of(
    db: &impl ConnectionTrait,
    entity: Entity,
    id: i64,
) -> Result<Option<(i64, Option<i64>)>, ApiError> {
    Ok(match entity {
        Entity::Registration => registration::Entity::find_by_id(id)
            .select_only()
            .column(registration::Column::UserId)
            .column(registration::Column::WorkshopId)
            .into_tuple::<(i64, i64)>()
            .one(db)
            .await?
            .map(|(u, w)| (u, Some(w))),
        Entity::Membership => membership::Entity::find_by_id(id)
            .select_only()
            .column(membership::Column::UserId)
            .into_tuple::<i64>()
            .one(db)
            .await?
            .map(|u| (u, None)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status a data-carrying action names, as the trail's diff showed it.
    fn status_of(action: Action) -> &'static str {
        match action {
            Action::WorkshopCreate { status } => status.as_str(),
            Action::WorkshopTransition { to } => to.as_str(),
            Action::RegistrationCreate { status } => status.as_str(),
            Action::PositionPaperTransition { to } => to.as_str(),
            _ => "-",
        }
    }

    /// What each action tells the feed, partners and inboxes is what the string dispatch told
    /// before actions were typed (`decisions.txt`, written from that code): the feed's and the
    /// webhooks' wire format do not change.
    #[test]
    fn every_action_tells_what_it_told_before() {
        let actual: Vec<String> = crate::audit::every_action()
            .into_iter()
            .map(|a| {
                let feed = changes::feed_of(a)
                    .map_or("-".to_owned(), |(e, op)| format!("{e}:{}", op.as_str()));
                let events = webhooks::events_of(a).join(",");
                let notice = notifications::notice_of(a).map_or("-", |k| k.as_str());
                format!(
                    "{} {} feed={feed} webhooks={} notice={notice}",
                    a.name(),
                    status_of(a),
                    if events.is_empty() { "-" } else { &events },
                )
            })
            .collect();
        let expected: Vec<&str> = include_str!("decisions.txt").lines().collect();
        assert_eq!(actual, expected);
    }
}
