//! Check-in at the door, offline: a coordinator's app scans signed tickets (see
//! `services::programme::tickets`) and registers walk-ins without a connection, then uploads the scans in
//! batches. Each scan carries the app's own nonce: a scan uploaded again (a retried batch) is
//! answered as it was the first time and counts once; a person scanned twice under two nonces
//! is present once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{check_in_scan, registration, user, workshop};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::audit::{Action, Actor, Entry};
use crate::domain::RegistrationStatus;
use crate::error::ApiError;
use crate::services::programme::seats::set_count;
use crate::services::programme::tickets::Keys;

/// What was scanned.
#[derive(Clone, Debug)]
pub enum Scanned {
    /// A ticket's QR payload.
    Ticket(String),
    /// A person without a ticket, by their account.
    WalkIn(i64),
}

/// One scan as the app recorded it.
#[derive(Clone, Debug)]
pub struct Scan {
    pub nonce: String,
    pub scanned: Scanned,
    pub scanned_at: DateTime<Utc>,
}

macro_rules! outcomes {
    ($($variant:ident => $text:literal,)*) => {
        /// What a scan did.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Outcome { $($variant,)* }

        impl Outcome {
            pub const ALL: &'static [&'static str] = &[$($text,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Outcome::$variant => $text,)* }
            }

            fn parse(text: &str) -> Option<Outcome> {
                match text { $($text => Some(Outcome::$variant),)* _ => None }
            }
        }
    };
}

outcomes! {
    CheckedIn => "checked_in",
    AlreadyPresent => "already_present",
    WalkedIn => "walked_in",
    InvalidTicket => "invalid_ticket",
    WrongWorkshop => "wrong_workshop",
    OutsideValidity => "outside_validity",
    NotRegistered => "not_registered",
    UnknownPerson => "unknown_person",
}

/// The answer to one scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanResult {
    pub nonce: String,
    pub outcome: Outcome,
    pub user_id: Option<i64>,
    pub registration_id: Option<i64>,
    /// This nonce was recorded before: the answer is the first one, and nothing changed now.
    pub repeated: bool,
}

/// When a person may be scanned in: from an hour before the start to the end.
pub fn window(w: &workshop::Model) -> (DateTime<Utc>, DateTime<Utc>) {
    (w.starts_at - Duration::hours(1), w.ends_at)
}

/// Applies a batch of scans to a workshop (its row locked by the caller), in order.
pub async fn apply(
    db: &impl ConnectionTrait,
    keys: &Keys,
    w: &mut workshop::Model,
    scans: &[Scan],
    by: Actor,
    now: DateTime<Utc>,
) -> Result<Vec<ScanResult>, ApiError> {
    // What was recorded before, by nonce: one query.
    let nonces: Vec<String> = scans.iter().map(|s| s.nonce.clone()).collect();
    let mut recorded: HashMap<String, ScanResult> = HashMap::new();
    for chunk in nonces.chunks(500) {
        for s in check_in_scan::Entity::find()
            .filter(check_in_scan::Column::WorkshopId.eq(w.id))
            .filter(check_in_scan::Column::Nonce.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            let outcome = Outcome::parse(&s.outcome).unwrap_or(Outcome::InvalidTicket);
            recorded.insert(
                s.nonce.clone(),
                ScanResult {
                    nonce: s.nonce,
                    outcome,
                    user_id: s.user_id,
                    registration_id: s.registration_id,
                    repeated: true,
                },
            );
        }
    }
    // The people the new scans name, and their registrations: two queries.
    let mut tickets = HashMap::new();
    let mut people: Vec<i64> = Vec::new();
    for s in scans.iter().filter(|s| !recorded.contains_key(&s.nonce)) {
        match &s.scanned {
            Scanned::Ticket(t) => {
                let read = keys.read(t, now);
                if let Some(c) = &read {
                    people.push(c.u);
                }
                tickets.insert(s.nonce.clone(), read);
            }
            Scanned::WalkIn(u) => people.push(*u),
        }
    }
    people.sort_unstable();
    people.dedup();
    let active: Vec<i64> = user::Entity::find()
        .filter(user::Column::Id.is_in(people.iter().copied()))
        .filter(user::Column::IsActive.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let mut regs: HashMap<i64, registration::Model> = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.is_in(people.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r))
        .collect();

    let (opens, closes) = window(w);
    let mut results = Vec::with_capacity(scans.len());
    let mut new_rows = Vec::new();
    let mut seats = 0;
    for s in scans {
        if let Some(first) = recorded.get(&s.nonce) {
            results.push(first.clone());
            continue;
        }
        let in_window = s.scanned_at >= opens
            && s.scanned_at <= closes
            && s.scanned_at <= now + Duration::minutes(5);
        let (outcome, person) = match &s.scanned {
            Scanned::Ticket(_) => match tickets.remove(&s.nonce).flatten() {
                Some(c) if c.w != w.id => (Outcome::WrongWorkshop, Some(c.u)),
                Some(c) if !in_window || !c.valid_at(s.scanned_at) => {
                    (Outcome::OutsideValidity, Some(c.u))
                }
                Some(c) => {
                    let seated = regs.get(&c.u).filter(|r| r.id == c.r).map(|r| r.status);
                    match seated {
                        Some(RegistrationStatus::Attended) => (Outcome::AlreadyPresent, Some(c.u)),
                        Some(RegistrationStatus::Registered | RegistrationStatus::NoShow) => {
                            (Outcome::CheckedIn, Some(c.u))
                        }
                        _ => (Outcome::NotRegistered, Some(c.u)),
                    }
                }
                None => (Outcome::InvalidTicket, None),
            },
            Scanned::WalkIn(u) if !active.contains(u) => (Outcome::UnknownPerson, None),
            Scanned::WalkIn(u) if !in_window => (Outcome::OutsideValidity, Some(*u)),
            Scanned::WalkIn(u) => match regs.get(u).map(|r| r.status) {
                Some(RegistrationStatus::Attended) => (Outcome::AlreadyPresent, Some(*u)),
                // Someone with a seat who came without the ticket.
                Some(RegistrationStatus::Registered | RegistrationStatus::NoShow) => {
                    (Outcome::CheckedIn, Some(*u))
                }
                _ => (Outcome::WalkedIn, Some(*u)),
            },
        };
        // Mark the person present (registering a walk-in first).
        if let (Outcome::CheckedIn | Outcome::WalkedIn, Some(u)) = (outcome, person) {
            match regs.get(&u).cloned() {
                Some(r) => {
                    if matches!(
                        r.status,
                        RegistrationStatus::Waitlisted | RegistrationStatus::Cancelled
                    ) {
                        seats += 1;
                    }
                    let mut am: registration::ActiveModel = r.into();
                    am.status = Set(RegistrationStatus::Attended);
                    am.checked_in_at = Set(Some(s.scanned_at));
                    am.updated_at = Set(now);
                    let saved = am.update(db).await?;
                    regs.insert(u, saved);
                }
                None => {
                    let saved = registration::ActiveModel {
                        workshop_id: Set(w.id),
                        user_id: Set(u),
                        status: Set(RegistrationStatus::Attended),
                        queued_at: Set(s.scanned_at),
                        registered_by: Set(by.user_id),
                        checked_in_at: Set(Some(s.scanned_at)),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?;
                    seats += 1;
                    regs.insert(u, saved);
                }
            }
        }
        let result = ScanResult {
            nonce: s.nonce.clone(),
            outcome,
            user_id: person,
            registration_id: person.and_then(|u| regs.get(&u)).map(|r| r.id),
            repeated: false,
        };
        new_rows.push(check_in_scan::ActiveModel {
            workshop_id: Set(w.id),
            nonce: Set(s.nonce.clone()),
            outcome: Set(outcome.as_str().to_owned()),
            user_id: Set(result.user_id),
            registration_id: Set(result.registration_id),
            scanned_at: Set(s.scanned_at),
            recorded_at: Set(now),
            recorded_by: Set(by.user_id),
            ..Default::default()
        });
        recorded.insert(
            s.nonce.clone(),
            ScanResult {
                repeated: true,
                ..result.clone()
            },
        );
        results.push(result);
    }
    if new_rows.is_empty() {
        return Ok(results);
    }
    for chunk in new_rows.chunks(200) {
        check_in_scan::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    if seats != 0 {
        set_count(db, w, seats).await?;
    }
    workshop::Entity::update_many()
        .col_expr(workshop::Column::UpdatedAt, Expr::value(now))
        .filter(workshop::Column::Id.eq(w.id))
        .exec(db)
        .await?;
    let recorded_now: Vec<serde_json::Value> = results
        .iter()
        .filter(|r| !r.repeated)
        .map(|r| {
            serde_json::json!({
                "nonce": r.nonce,
                "outcome": r.outcome.as_str(),
                "user_id": r.user_id,
                "registration_id": r.registration_id,
            })
        })
        .collect();
    Entry::new(Action::WorkshopCheckIns, w.id)
        .platform(w.platform_id)
        .field("scans", recorded_now)
        .write(db, by, now)
        .await?;
    Ok(results)
}
