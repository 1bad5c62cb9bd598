//! Check-in at the door, offline: a coordinator's app scans signed tickets (see
//! `services::programme::tickets`) and registers walk-ins without a connection, then uploads the scans in
//! batches. Each scan carries the app's own nonce: a scan uploaded again (a retried batch) is
//! answered as it was the first time and counts once; a person scanned twice under two nonces
//! is present once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{check_in_scan, registration, user, workshop};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::audit::{Action, Actor, Entry};
use crate::domain::RegistrationStatus;
use crate::error::ApiError;
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

/// Marks registrations present (their ids, and when each was scanned) in one statement a
/// hundred at a time.
async fn mark_present(
    db: &impl ConnectionTrait,
    marked: &[(i64, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use sea_orm::sea_query::CaseStatement;
    for chunk in marked.chunks(100) {
        let mut when = CaseStatement::new();
        for (id, at) in chunk {
            when = when.case(
                Expr::col(registration::Column::Id).eq(*id),
                Expr::value(*at),
            );
        }
        registration::Entity::update_many()
            .col_expr(
                registration::Column::Status,
                Expr::value(RegistrationStatus::Attended.as_str()),
            )
            .col_expr(registration::Column::CheckedInAt, when.into())
            .col_expr(registration::Column::UpdatedAt, Expr::value(now))
            .filter(registration::Column::Id.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Applies a batch of scans to a workshop (its row locked by the caller), in order: the
/// decisions in memory, then the writes in a handful of statements however many scans.
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
    // Registrations marked present (id, when), and walk-ins to register, in scan order.
    let mut marked: Vec<(i64, DateTime<Utc>)> = Vec::new();
    let mut walk_ins: Vec<registration::ActiveModel> = Vec::new();
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
        // Mark the person present (registering a walk-in first): written below, all at once.
        if let (Outcome::CheckedIn | Outcome::WalkedIn, Some(u)) = (outcome, person) {
            match regs.get_mut(&u) {
                Some(r) => {
                    if matches!(
                        r.status,
                        RegistrationStatus::Waitlisted | RegistrationStatus::Cancelled
                    ) {
                        seats += 1;
                    }
                    r.status = RegistrationStatus::Attended;
                    r.checked_in_at = Some(s.scanned_at);
                    r.updated_at = now;
                    marked.push((r.id, s.scanned_at));
                }
                None => {
                    walk_ins.push(registration::ActiveModel {
                        workshop_id: Set(w.id),
                        user_id: Set(u),
                        status: Set(RegistrationStatus::Attended),
                        queued_at: Set(s.scanned_at),
                        registered_by: Set(by.user_id),
                        checked_in_at: Set(Some(s.scanned_at)),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    });
                    seats += 1;
                    // Present from now on in this batch; its id comes with the insert.
                    regs.insert(
                        u,
                        registration::Model {
                            id: 0,
                            workshop_id: w.id,
                            user_id: u,
                            status: RegistrationStatus::Attended,
                            queued_at: s.scanned_at,
                            registered_by: by.user_id,
                            checked_in_at: Some(s.scanned_at),
                            created_at: now,
                            updated_at: now,
                        },
                    );
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
        new_rows.push((result.clone(), s.scanned_at));
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
    // Walk-ins registered in one statement; their ids go to their scans' results and rows.
    if !walk_ins.is_empty() {
        let ids: HashMap<i64, i64> = registration::Entity::insert_many(walk_ins)
            .exec_with_returning(db)
            .await?
            .into_iter()
            .map(|r| (r.user_id, r.id))
            .collect();
        let id_of = |user: Option<i64>| user.and_then(|u| ids.get(&u).copied());
        for r in results.iter_mut().filter(|r| r.registration_id == Some(0)) {
            r.registration_id = id_of(r.user_id);
        }
        for (r, _) in new_rows
            .iter_mut()
            .filter(|(r, _)| r.registration_id == Some(0))
        {
            r.registration_id = id_of(r.user_id);
        }
    }
    mark_present(db, &marked, now).await?;
    let rows: Vec<check_in_scan::ActiveModel> = new_rows
        .into_iter()
        .map(|(r, scanned_at)| check_in_scan::ActiveModel {
            workshop_id: Set(w.id),
            nonce: Set(r.nonce),
            outcome: Set(r.outcome.as_str().to_owned()),
            user_id: Set(r.user_id),
            registration_id: Set(r.registration_id),
            scanned_at: Set(scanned_at),
            recorded_at: Set(now),
            recorded_by: Set(by.user_id),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(250) {
        check_in_scan::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    // The seats taken and the workshop's time of change, in one statement.
    workshop::Entity::update_many()
        .col_expr(
            workshop::Column::RegisteredCount,
            Expr::col(workshop::Column::RegisteredCount).add(seats),
        )
        .col_expr(workshop::Column::UpdatedAt, Expr::value(now))
        .filter(workshop::Column::Id.eq(w.id))
        .exec(db)
        .await?;
    w.registered_count += seats;
    w.updated_at = now;
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
