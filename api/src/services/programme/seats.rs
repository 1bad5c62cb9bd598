//! Seats and the waiting list. A workshop's registered people never exceed its capacity: a
//! seat is taken by one conditional statement on the workshop's row (`take_seat`: only while
//! one is free), which a registration runs last, so the row is held only from there to the
//! commit and registrations of one workshop wait on each other for that long alone; cancelling,
//! promoting and recording take the row first (`db::lock`). A freed seat goes to the first person
//! waiting, who is told by email in the same transaction.

use chrono::{DateTime, Utc};
use entity::{registration, user, workshop};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic,
    IntoActiveModel, Iterable, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::access::standing_columns;
use crate::audit::{Action, Actor, Entry};
use crate::domain::{MembershipStatus, RegistrationStatus, Seat, WorkshopStatus};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::accounts::security_limits;
use crate::services::messages::workshops::{self as mail, Kind};
use crate::state::AppState;

/// Users registered (and, optionally, waitlisted) for a workshop.
pub async fn active_registrants(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    with_waitlist: bool,
) -> Result<Vec<user::Model>, ApiError> {
    let mut statuses = vec![RegistrationStatus::Registered];
    if with_waitlist {
        statuses.push(RegistrationStatus::Waitlisted);
    }
    registrants_in(db, workshop_id, &statuses).await
}

/// The people whose registration has one of `statuses`, in the order they registered.
pub async fn registrants_in(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    statuses: &[RegistrationStatus],
) -> Result<Vec<user::Model>, ApiError> {
    Ok(registration::Entity::find()
        .find_also_related(user::Entity)
        .filter(registration::Column::WorkshopId.eq(workshop_id))
        .filter(registration::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(registration::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, u)| u)
        .collect())
}

/// Moves the registered count by `delta`, in the database and in `w`.
pub async fn set_count(
    db: &impl ConnectionTrait,
    w: &mut workshop::Model,
    delta: i32,
) -> Result<(), ApiError> {
    write_count(db, w.id, delta).await?;
    w.registered_count += delta;
    Ok(())
}

/// Moves the registered count of workshop `id` by `delta` in the database.
async fn write_count(db: &impl ConnectionTrait, id: i64, delta: i32) -> Result<(), ApiError> {
    workshop::Entity::update_many()
        .col_expr(
            workshop::Column::RegisteredCount,
            Expr::col(workshop::Column::RegisteredCount).add(delta),
        )
        .filter(workshop::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Fills free seats from the waiting list, first come first served, and mails each promotion.
pub async fn promote_waitlisted(
    db: &impl ConnectionTrait,
    state: &AppState,
    w: &mut workshop::Model,
    by: Actor,
) -> Result<(), ApiError> {
    fill_seats(db, state, w, by, 0).await
}

/// [`promote_waitlisted`], after a change of the count already made in `w` but not yet in the
/// database (`unwritten`): the count is written once, at the end, with the promotions (a
/// cancellation whose seat goes to the next person waiting leaves it as it was, unwritten).
async fn fill_seats(
    db: &impl ConnectionTrait,
    state: &AppState,
    w: &mut workshop::Model,
    by: Actor,
    unwritten: i32,
) -> Result<(), ApiError> {
    let mut delta = unwritten;
    while w.capacity.is_none_or(|c| w.registered_count < c) {
        let Some((next, person)) = registration::Entity::find()
            .find_also_related(user::Entity)
            .filter(registration::Column::WorkshopId.eq(w.id))
            .filter(registration::Column::Status.eq(RegistrationStatus::Waitlisted))
            .order_by_asc(registration::Column::QueuedAt)
            .order_by_asc(registration::Column::Id)
            .one(db)
            .await?
        else {
            break;
        };
        let before = next.clone();
        let now = state.clock.now();
        let mut am = next.into_active_model();
        am.status = Set(RegistrationStatus::Registered);
        am.updated_at = Set(now);
        let promoted = am.update(db).await?;
        let told = person.map_or_else(Vec::new, |p| {
            mail::mail(state, Kind::Promotion, w, std::slice::from_ref(&p))
        });
        Entry::new(Action::RegistrationPromote, promoted.id)
            .updated(&before, &promoted)
            .platform(w.platform_id)
            .owner(promoted.user_id, Some(w.id))
            .mail(told)
            .write(db, by, now)
            .await?;
        w.registered_count += 1;
        delta += 1;
    }
    if delta != 0 {
        write_count(db, w.id, delta).await?;
    }
    Ok(())
}

/// 1-based place on the waiting list, for a waitlisted registration.
pub async fn waitlist_position(
    db: &impl ConnectionTrait,
    r: &registration::Model,
) -> Result<Option<u64>, ApiError> {
    if r.status != RegistrationStatus::Waitlisted {
        return Ok(None);
    }
    let ahead = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(r.workshop_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Waitlisted))
        .filter(
            sea_orm::Condition::any()
                .add(registration::Column::QueuedAt.lt(r.queued_at))
                .add(
                    sea_orm::Condition::all()
                        .add(registration::Column::QueuedAt.eq(r.queued_at))
                        .add(registration::Column::Id.lt(r.id)),
                ),
        )
        .count(db)
        .await?;
    Ok(Some(ahead + 1))
}

fn problem(code: ProblemCode, en: &'static str, ar: &'static str) -> ApiError {
    ApiError::Problem(code, Text::new(en, ar))
}

/// How a registration holds the workshop's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// The caller read the workshop without a lock: the registration is written as the read
    /// row says (a seat while one was free, else the waiting list), and the seat is taken — or
    /// the waiting list confirmed — by the transaction's last statement on the row, so the row
    /// is held only from there to the commit. When the row no longer agrees (the last seat went,
    /// a seat came free, the workshop moved), that statement answers [`Retry`] and the caller
    /// starts again under [`Hold::Locked`].
    Read,
    /// The caller locked the workshop's row first (`db::lock`).
    Locked,
}

/// The workshop changed between the read and the seat: roll back and register again under
/// [`Hold::Locked`].
#[derive(Debug)]
pub struct Retry;

/// What a registration reads before it writes, in one statement: the workshop (held, under
/// [`Hold::Locked`]), the caller's standing on its platform, whether the person registered is an
/// active member of it, and the person's registration there, if any.
#[derive(Debug)]
pub struct Desk {
    pub workshop: workshop::Model,
    /// The caller's open coordinator or deputy seat on the workshop's platform.
    pub caller_seat: Option<Seat>,
    /// The caller is an active member of the workshop's platform.
    pub caller_member: bool,
    /// The person registered is an active member of the workshop's platform.
    pub person_member: bool,
    /// The person's registration at the workshop (of any status).
    pub existing: Option<registration::Model>,
}

impl Desk {
    /// Reads the desk of `caller` registering `person` at workshop `id` (404 when there is none).
    pub async fn read(
        db: &impl ConnectionTrait,
        id: i64,
        caller: i64,
        person: i64,
        hold: Hold,
    ) -> Result<Desk, ApiError> {
        let backend = db.get_database_backend();
        let existing: Vec<String> = registration::Column::iter()
            .map(|c| format!("r.{0} AS r_{0}", c.as_str()))
            .collect();
        let lock = match (hold, backend) {
            (Hold::Locked, sea_orm::DatabaseBackend::Postgres) => " FOR NO KEY UPDATE OF w",
            // SQLite: the write transaction already holds the database (`db::begin`).
            _ => "",
        };
        let sql = format!(
            "SELECT w.*, {standing}, EXISTS (SELECT 1 FROM memberships WHERE platform_id = \
             w.platform_id AND user_id = $3 AND status = '{active}') AS person_member, {existing} \
             FROM workshops w LEFT JOIN registrations r ON r.workshop_id = w.id AND r.user_id = $3 \
             WHERE w.id = $1{lock}",
            standing = standing_columns("w.platform_id", "$2"),
            active = MembershipStatus::Active.as_str(),
            existing = existing.join(", "),
        );
        let row = db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                sql,
                [id.into(), caller.into(), person.into()],
            ))
            .await?
            .ok_or_else(ApiError::not_found)?;
        let existing = match row.try_get::<Option<i64>>("", "r_id")? {
            Some(_) => Some(registration::Model::from_query_result(&row, "r_")?),
            None => None,
        };
        Ok(Desk {
            workshop: workshop::Model::from_query_result(&row, "")?,
            caller_seat: row.try_get("", "standing_seat")?,
            caller_member: row.try_get("", "standing_member")?,
            person_member: row.try_get("", "person_member")?,
            existing,
        })
    }
}

/// Registers `person` at the [`Desk`]'s workshop: a seat while one is free, else the end of the
/// waiting list; a cancelled registration (the desk's) is taken up again. Only a scheduled
/// workshop inside its registration window takes registrations (409 otherwise). The person is mailed a
/// confirmation or a waitlist notice; answers the registration and its place on the waiting
/// list, or `Err(Retry)` under [`Hold::Read`] when the row no longer agrees (see [`Hold`]).
pub async fn register(
    db: &impl ConnectionTrait,
    state: &AppState,
    desk: &mut Desk,
    hold: Hold,
    person: &user::Model,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<Result<(registration::Model, Option<u64>), Retry>, ApiError> {
    let existing = desk.existing.take();
    let w = &mut desk.workshop;
    open_for_registration(w, now)?;
    limit_changes(db, state, w.id, person.id, now).await?;
    if existing
        .as_ref()
        .is_some_and(|r| r.status != RegistrationStatus::Cancelled)
    {
        return Err(problem(
            ProblemCode::AlreadyRegistered,
            "Already registered for this workshop.",
            "مسجل في هذه الورشة بالفعل.",
        ));
    }
    let full = w.capacity.is_some_and(|c| w.registered_count >= c);
    let (status, kind) = if full {
        (RegistrationStatus::Waitlisted, mail::Kind::Waitlisted)
    } else {
        (RegistrationStatus::Registered, mail::Kind::Confirmation)
    };
    let action = Action::RegistrationCreate { status };
    // Queued with the audit entry (one statement on PostgreSQL).
    let message = mail::mail(state, kind, w, std::slice::from_ref(person));
    let saved = match existing {
        // A cancelled registration, taken up again.
        Some(r) => {
            let before = r.clone();
            let mut am = r.into_active_model();
            am.status = Set(status);
            am.queued_at = Set(now);
            am.registered_by = Set(by.user_id);
            am.updated_at = Set(now);
            let saved = am.update(db).await?;
            Entry::new(action, saved.id)
                .updated(&before, &saved)
                .platform(w.platform_id)
                .owner(person.id, Some(w.id))
                .mail(message)
                .write(db, by, now)
                .await?;
            saved
        }
        None => {
            let saved = registration::ActiveModel {
                workshop_id: Set(w.id),
                user_id: Set(person.id),
                status: Set(status),
                queued_at: Set(now),
                registered_by: Set(by.user_id),
                checked_in_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            Entry::new(action, saved.id)
                .created(&saved)
                .platform(w.platform_id)
                .owner(person.id, Some(w.id))
                .mail(message)
                .write(db, by, now)
                .await?;
            saved
        }
    };
    let position = waitlist_position(db, &saved).await?;
    // Last: the seat (or the place in the queue) against the row as it is now.
    match (hold, status) {
        (Hold::Locked, RegistrationStatus::Registered) => set_count(db, w, 1).await?,
        (Hold::Locked, _) => {}
        (Hold::Read, RegistrationStatus::Registered) => match take_seat(db, w.id).await? {
            Some(count) => w.registered_count = count,
            None => return Ok(Err(Retry)),
        },
        (Hold::Read, _) => {
            let row = crate::db::lock::<workshop::Entity>(db, w.id).await?;
            let still_full = row.capacity.is_some_and(|c| row.registered_count >= c);
            if row.status != WorkshopStatus::Scheduled || !still_full {
                return Ok(Err(Retry));
            }
            *w = row;
        }
    }
    Ok(Ok((saved, position)))
}

/// 409 unless the workshop is scheduled and inside its registration window.
fn open_for_registration(w: &workshop::Model, now: DateTime<Utc>) -> Result<(), ApiError> {
    match w.status {
        WorkshopStatus::Scheduled => {}
        WorkshopStatus::Cancelled => {
            return Err(problem(
                ProblemCode::WorkshopNotOpen,
                "The workshop is cancelled.",
                "الورشة ملغاة.",
            ));
        }
        _ => {
            return Err(problem(
                ProblemCode::WorkshopNotOpen,
                "The workshop is not open for registration.",
                "الورشة غير مفتوحة للتسجيل.",
            ));
        }
    }
    let closes = w.registration_closes_at.unwrap_or(w.starts_at);
    if w.registration_opens_at.is_some_and(|o| now < o) || now >= closes {
        return Err(problem(
            ProblemCode::RegistrationClosed,
            "Registration for this workshop is closed.",
            "التسجيل في هذه الورشة مغلق.",
        ));
    }
    Ok(())
}

/// Takes a seat of a scheduled workshop while one is free, in one statement that holds the row
/// to the commit: the count of seats taken then, or `None` (no seat, or no longer scheduled).
async fn take_seat(db: &impl ConnectionTrait, workshop_id: i64) -> Result<Option<i32>, ApiError> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            "UPDATE workshops SET registered_count = registered_count + 1 \
             WHERE id = $1 AND status = $2 AND (capacity IS NULL OR registered_count < capacity) \
             RETURNING registered_count",
            [
                workshop_id.into(),
                WorkshopStatus::Scheduled.as_str().into(),
            ],
        ))
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("", "registered_count")?),
        None => None,
    })
}

/// Counts a registration or cancellation of a person at a workshop, in the caller's transaction
/// (so only changes that happen count): past the daily limit, 429. Each change mails the
/// person, so this also bounds the mail a register/cancel loop can send.
async fn limit_changes(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    security_limits::take(
        db,
        &security_limits::key(
            "registration.changes",
            &[&workshop_id.to_string(), &user_id.to_string()],
        ),
        state.config.limits.registration_changes,
        security_limits::REGISTRATION_WINDOW,
        now,
    )
    .await
}

/// Cancels a person's registration at the workshop (whose row the caller has locked): 404 when
/// there is none, 409 when it is not active. A freed seat goes to the first person waiting.
pub async fn cancel(
    db: &impl ConnectionTrait,
    state: &AppState,
    w: &mut workshop::Model,
    user_id: i64,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let r = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !matches!(
        r.status,
        RegistrationStatus::Registered | RegistrationStatus::Waitlisted
    ) {
        return Err(problem(
            ProblemCode::NotRegistered,
            "There is no active registration to cancel.",
            "لا يوجد تسجيل فعال لإلغائه.",
        ));
    }
    limit_changes(db, state, w.id, user_id, now).await?;
    cancel_registration(db, state, w, r, by, now).await
}

/// Releases a person's seat or waiting-list place at the workshop (whose row the caller has
/// locked) when they leave: a cancellation without the churn limit. Nothing when they hold none.
pub async fn release(
    db: &impl ConnectionTrait,
    state: &AppState,
    w: &mut workshop::Model,
    user_id: i64,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let held = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.eq(user_id))
        .filter(registration::Column::Status.is_in([
            RegistrationStatus::Registered,
            RegistrationStatus::Waitlisted,
        ]))
        .one(db)
        .await?;
    match held {
        Some(r) => cancel_registration(db, state, w, r, by, now).await,
        None => Ok(()),
    }
}

/// Cancels an active registration, audited; a freed seat goes to the first person waiting.
async fn cancel_registration(
    db: &impl ConnectionTrait,
    state: &AppState,
    w: &mut workshop::Model,
    r: registration::Model,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let was = r.status;
    let before = r.clone();
    let mut am = r.into_active_model();
    am.status = Set(RegistrationStatus::Cancelled);
    am.updated_at = Set(now);
    let cancelled = am.update(db).await?;
    Entry::new(Action::RegistrationCancel, cancelled.id)
        .updated(&before, &cancelled)
        .platform(w.platform_id)
        .owner(cancelled.user_id, Some(w.id))
        .write(db, by, now)
        .await?;
    if was == RegistrationStatus::Registered {
        // The seat is freed in `w` now and in the database once, with any promotion it makes.
        w.registered_count -= 1;
        if w.status == WorkshopStatus::Scheduled {
            fill_seats(db, state, w, by, -1).await?;
        } else {
            write_count(db, w.id, -1).await?;
        }
    }
    Ok(())
}

/// Records who took part in a workshop that has ended (whose row the caller has locked): each
/// person's registration, made when they had none, is marked attended or no-show, and audited
/// (`registration.record`); a person named twice keeps the last mark. A workshop that has not
/// ended, or is cancelled or a draft: 409 `too_early`.
pub async fn record_participation(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    marks: Vec<(i64, crate::domain::AttendanceMark)>,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let ended = matches!(
        w.status,
        WorkshopStatus::Scheduled | WorkshopStatus::Completed
    ) && now >= w.ends_at;
    if !ended {
        return Err(problem(
            ProblemCode::TooEarly,
            "Participants are recorded once a scheduled or completed workshop has ended.",
            "يُسجل المشاركون بعد انتهاء الورشة المجدولة أو المنعقدة.",
        ));
    }
    let existing: std::collections::HashMap<i64, registration::Model> =
        registration::Entity::find()
            .filter(registration::Column::WorkshopId.eq(w.id))
            .filter(registration::Column::UserId.is_in(marks.iter().map(|(u, _)| *u)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.user_id, r))
            .collect();
    let mut last: Vec<(i64, crate::domain::AttendanceMark)> = Vec::with_capacity(marks.len());
    for (user_id, mark) in marks {
        match last.iter_mut().find(|(u, _)| *u == user_id) {
            Some(entry) => entry.1 = mark,
            None => last.push((user_id, mark)),
        }
    }
    for (user_id, mark) in last {
        let status = mark.status();
        match existing.get(&user_id) {
            Some(r) if r.status == status => {}
            Some(r) => {
                let mut am = r.clone().into_active_model();
                am.status = Set(status);
                am.updated_at = Set(now);
                let saved = am.update(db).await?;
                Entry::new(Action::RegistrationRecord, saved.id)
                    .updated(r, &saved)
                    .platform(w.platform_id)
                    .write(db, by, now)
                    .await?;
            }
            None => {
                let saved = registration::ActiveModel {
                    workshop_id: Set(w.id),
                    user_id: Set(user_id),
                    status: Set(status),
                    queued_at: Set(w.starts_at),
                    registered_by: Set(by.user_id),
                    checked_in_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                Entry::new(Action::RegistrationRecord, saved.id)
                    .created(&saved)
                    .platform(w.platform_id)
                    .write(db, by, now)
                    .await?;
            }
        }
    }
    Ok(())
}
