//! What a person holds is released when they leave. Deactivating an account releases
//! everything; leaving a platform, or being removed from it, releases what they held there.
//! What happened stays as it was: past attendance, authorship of papers, the audit trail, and
//! the ended memberships and seats themselves (dated, so the reports of past periods stand).
//!
//! Each release is written through the audit trail (`Entry`), so the changes feed, the
//! webhooks and the notices follow it exactly as they follow the same act done by hand: a
//! freed seat promotes the first person waiting, who is told.

use chrono::{DateTime, Utc};
use entity::{
    coordinator_term, election, election_candidate, membership, registration, task_force_member,
    working_group, working_group_member, workshop,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::audit::{Action, Actor, Entry};
use crate::domain::{MembershipStatus, RegistrationStatus, WorkshopStatus};
use crate::error::ApiError;
use crate::state::AppState;

/// What is released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything the person holds (their account is deactivated).
    Everything,
    /// What they hold on one platform (they left it or were removed): registrations for its
    /// members-only workshops, its working-group seats, its nominations. Their membership and
    /// coordinator term are ended by the leaving itself.
    Platform(i64),
}

/// How much was released, for the audit entry of the act that caused it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Released {
    pub registrations: u64,
    pub memberships: u64,
    pub coordinator_terms: u64,
    pub working_group_seats: u64,
    pub task_force_seats: u64,
    pub nominations: u64,
}

/// Releases what `person` holds within `scope`, in the caller's transaction.
pub async fn release(
    db: &impl ConnectionTrait,
    state: &AppState,
    person: i64,
    scope: Scope,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<Released, ApiError> {
    let mut released = Released {
        registrations: cancel_future_registrations(db, state, person, scope, by, now).await?,
        working_group_seats: end_group_seats(db, person, scope, by, now).await?,
        nominations: withdraw_nominations(db, person, scope, by, now).await?,
        ..Released::default()
    };
    if scope == Scope::Everything {
        released.memberships = end_memberships(db, person, by, now).await?;
        released.coordinator_terms = end_terms(db, person, by, now).await?;
        released.task_force_seats = end_task_force_seats(db, person, by, now).await?;
    }
    Ok(released)
}

/// Seats and waiting-list places in workshops that have not started, each cancelled as the
/// person would cancel it (without the churn limit): a freed seat goes to the first waiting.
async fn cancel_future_registrations(
    db: &impl ConnectionTrait,
    state: &AppState,
    person: i64,
    scope: Scope,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let mut workshops = registration::Entity::find()
        .select_only()
        .column(registration::Column::WorkshopId)
        .inner_join(workshop::Entity)
        .filter(registration::Column::UserId.eq(person))
        .filter(registration::Column::Status.is_in([
            RegistrationStatus::Registered,
            RegistrationStatus::Waitlisted,
        ]))
        .filter(workshop::Column::StartsAt.gt(now))
        .filter(workshop::Column::Status.is_in([WorkshopStatus::Scheduled, WorkshopStatus::Draft]));
    if let Scope::Platform(p) = scope {
        // A public workshop stays open to someone who left its platform.
        workshops = workshops
            .filter(workshop::Column::PlatformId.eq(p))
            .filter(workshop::Column::IsPublic.eq(false));
    }
    // In id order, as every registration transaction locks workshops.
    let ids: Vec<i64> = workshops
        .order_by_asc(registration::Column::WorkshopId)
        .into_tuple()
        .all(db)
        .await?;
    for id in &ids {
        let mut w = crate::db::lock::<workshop::Entity>(db, *id).await?;
        crate::services::programme::seats::release(db, state, &mut w, person, by, now).await?;
    }
    Ok(ids.len() as u64)
}

/// Active and pending memberships, ended (`left`, dated).
async fn end_memberships(
    db: &impl ConnectionTrait,
    person: i64,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let held = membership::Entity::find()
        .filter(membership::Column::UserId.eq(person))
        .filter(
            membership::Column::Status.is_in([MembershipStatus::Active, MembershipStatus::Pending]),
        )
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    for m in &held {
        let mut am = m.clone().into_active_model();
        am.status = Set(MembershipStatus::Left);
        am.left_at = Set(Some(now));
        let ended = am.update(db).await?;
        Entry::new(Action::MembershipLeave, ended.id)
            .updated(m, &ended)
            .platform(ended.platform_id)
            .field("reason", "deactivated")
            .write(db, by, now)
            .await?;
    }
    Ok(held.len() as u64)
}

/// Open coordinator and deputy terms, ended.
async fn end_terms(
    db: &impl ConnectionTrait,
    person: i64,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let open = coordinator_term::Entity::find()
        .filter(coordinator_term::Column::UserId.eq(person))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .all(db)
        .await?;
    for t in &open {
        let mut am = t.clone().into_active_model();
        am.ended_at = Set(Some(now));
        let ended = am.update(db).await?;
        Entry::new(Action::CoordinatorTermEnd, ended.id)
            .updated(t, &ended)
            .platform(ended.platform_id)
            .field("reason", "deactivated")
            .write(db, by, now)
            .await?;
    }
    Ok(open.len() as u64)
}

/// Ends a working-group seat (dated; the row stays as history).
pub async fn end_group_seat(
    db: &impl ConnectionTrait,
    seat: &working_group_member::Model,
    now: DateTime<Utc>,
) -> Result<working_group_member::Model, ApiError> {
    let mut am = seat.clone().into_active_model();
    am.left_at = Set(Some(now));
    Ok(am.update(db).await?)
}

/// Ends a task-force seat (dated; the row stays as history).
pub async fn end_task_force_seat(
    db: &impl ConnectionTrait,
    seat: &task_force_member::Model,
    now: DateTime<Utc>,
) -> Result<task_force_member::Model, ApiError> {
    let mut am = seat.clone().into_active_model();
    am.left_at = Set(Some(now));
    Ok(am.update(db).await?)
}

/// Open working-group seats (of the platform's groups, for a platform), ended; a group the
/// person led is left without a lead.
async fn end_group_seats(
    db: &impl ConnectionTrait,
    person: i64,
    scope: Scope,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let open = working_group_member::Entity::find()
        .filter(working_group_member::Column::UserId.eq(person))
        .filter(working_group_member::Column::LeftAt.is_null())
        .all(db)
        .await?;
    let groups: std::collections::HashMap<i64, working_group::Model> =
        working_group::Entity::find()
            .filter(working_group::Column::Id.is_in(open.iter().map(|s| s.working_group_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|g| (g.id, g))
            .collect();
    let seats: Vec<(working_group_member::Model, Option<&working_group::Model>)> = open
        .into_iter()
        .map(|s| {
            let g = groups.get(&s.working_group_id);
            (s, g)
        })
        .filter(|(_, g)| match scope {
            Scope::Platform(p) => g.is_some_and(|g| g.platform_id == p),
            Scope::Everything => true,
        })
        .collect();
    for (seat, group) in &seats {
        let ended = end_group_seat(db, seat, now).await?;
        let led = group.is_some_and(|g| g.lead_user_id == Some(person));
        Entry::new(Action::WorkingGroupRemoveMember, seat.id)
            .updated(seat, &ended)
            .platform(group.map(|g| g.platform_id))
            .field("lead_removed", led)
            .write(db, by, now)
            .await?;
        if let Some(g) = group.filter(|_| led) {
            let mut am = (*g).clone().into_active_model();
            am.lead_user_id = Set(None);
            am.updated_at = Set(now);
            am.update(db).await?;
        }
    }
    Ok(seats.len() as u64)
}

/// Open task-force seats, ended.
async fn end_task_force_seats(
    db: &impl ConnectionTrait,
    person: i64,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let seats = task_force_member::Entity::find()
        .filter(task_force_member::Column::UserId.eq(person))
        .filter(task_force_member::Column::LeftAt.is_null())
        .all(db)
        .await?;
    for seat in &seats {
        let ended = end_task_force_seat(db, seat, now).await?;
        Entry::new(Action::TaskForceRemoveMember, seat.id)
            .updated(seat, &ended)
            .write(db, by, now)
            .await?;
    }
    Ok(seats.len() as u64)
}

/// Nominations in elections whose voting has not begun, withdrawn. (Once voting has begun a
/// nomination is part of the ballot and stays; the count shows what was cast.)
async fn withdraw_nominations(
    db: &impl ConnectionTrait,
    person: i64,
    scope: Scope,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let nominations = election_candidate::Entity::find()
        .filter(election_candidate::Column::UserId.eq(person))
        .all(db)
        .await?;
    if nominations.is_empty() {
        return Ok(0);
    }
    let elections: std::collections::HashMap<i64, election::Model> = election::Entity::find()
        .filter(election::Column::Id.is_in(nominations.iter().map(|n| n.election_id)))
        .filter(election::Column::VotingStartsAt.gt(now))
        .filter(election::Column::CertifiedAt.is_null())
        .filter(election::Column::CancelledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter(|e| match scope {
            Scope::Platform(p) => e.platform_id == p,
            Scope::Everything => true,
        })
        .map(|e| (e.id, e))
        .collect();
    let open: Vec<(election_candidate::Model, Option<&election::Model>)> = nominations
        .into_iter()
        .filter_map(|n| {
            let e = elections.get(&n.election_id)?;
            Some((n, Some(e)))
        })
        .collect();
    for (nomination, e) in &open {
        election_candidate::Entity::delete_by_id(nomination.id)
            .exec(db)
            .await?;
        Entry::new(Action::ElectionWithdrawCandidate, nomination.id)
            .deleted(nomination)
            .platform(e.as_ref().map(|e| e.platform_id))
            .write(db, by, now)
            .await?;
    }
    Ok(open.len() as u64)
}
