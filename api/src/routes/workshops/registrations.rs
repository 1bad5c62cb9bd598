//! Registrations: registered while seats remain, then waitlisted in order; a cancellation
//! promotes the first person waiting. The workshop's row is written first in every change, so
//! concurrent registrations are serialized and capacity is never exceeded.

use actix_web::{HttpResponse, delete, get, post, web};
use entity::{registration, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::access::{Standing, is_active_member};
use crate::audit::Entry;
use crate::auth::AuthUser;
use crate::db::{active_user, find_or_404};
use crate::domain::{Bilingual, RegistrationStatus, WorkshopStatus};
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::services::seats::{lock, promote_waitlisted, set_count, waitlist_position};
use crate::services::workshop_mail::{self as mail};
use crate::state::AppState;

/// A person's place at a workshop.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationResponse {
    pub workshop_id: i64,
    pub user_id: i64,
    pub name: Bilingual,
    pub status: RegistrationStatus,
    /// 1-based place on the waiting list, when waitlisted.
    pub waitlist_position: Option<u64>,
    pub queued_at: chrono::DateTime<chrono::Utc>,
    pub checked_in_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Who to register: the caller by default; a coordinator may register someone else.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub user_id: Option<i64>,
}

fn to_response(
    r: registration::Model,
    u: &user::Model,
    position: Option<u64>,
) -> RegistrationResponse {
    RegistrationResponse {
        workshop_id: r.workshop_id,
        user_id: r.user_id,
        name: Bilingual {
            ar: u.name_ar.clone(),
            en: u.name_en.clone(),
        },
        status: r.status,
        waitlist_position: position,
        queued_at: r.queued_at,
        checked_in_at: r.checked_in_at,
    }
}

fn conflict(code: ProblemCode, en: &'static str, ar: &'static str) -> ApiError {
    ApiError::Problem(code, Text::new(en, ar))
}

/// Registers the caller (or, for the platform's managers, someone else). When the workshop is
/// full the person joins the waiting list. Closed registration, a cancelled or unscheduled
/// workshop, or a second registration → 409.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id")),
    request_body = RegisterRequest,
    responses(
        (status = 201, body = RegistrationResponse),
        (status = 409, description = "Registration closed, workshop not open, or already registered", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/workshops/{id}/registrations")]
pub async fn register(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let target = body.into_inner()?.user_id.unwrap_or(auth.id());
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let mut w = lock(&txn, id.into_inner()).await?;
    // Asked once: who the caller is to the workshop's platform.
    let standing = Standing::of(&txn, &auth, w.platform_id).await?;
    if target != auth.id() {
        standing.require_manager()?;
    }
    let person = active_user(&txn, target, "/user_id").await?;
    let target_is_member = if target == auth.id() {
        standing.member
    } else {
        is_active_member(&txn, target, w.platform_id).await?
    };
    if !w.is_public && !standing.manages() && !target_is_member {
        return Err(ApiError::Problem(
            ProblemCode::MembersOnly,
            Text::new(
                "This workshop is for the platform's members.",
                "هذه الورشة مخصصة لأعضاء المنصة.",
            ),
        ));
    }
    match w.status {
        WorkshopStatus::Scheduled => {}
        WorkshopStatus::Cancelled => {
            return Err(conflict(
                ProblemCode::WorkshopNotOpen,
                "The workshop is cancelled.",
                "الورشة ملغاة.",
            ));
        }
        _ => {
            return Err(conflict(
                ProblemCode::WorkshopNotOpen,
                "The workshop is not open for registration.",
                "الورشة غير مفتوحة للتسجيل.",
            ));
        }
    }
    let closes = w.registration_closes_at.unwrap_or(w.starts_at);
    if w.registration_opens_at.is_some_and(|o| now < o) || now >= closes {
        return Err(conflict(
            ProblemCode::RegistrationClosed,
            "Registration for this workshop is closed.",
            "التسجيل في هذه الورشة مغلق.",
        ));
    }
    let existing = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.eq(target))
        .one(&txn)
        .await?;
    let full = w.capacity.is_some_and(|c| w.registered_count >= c);
    let status = if full {
        RegistrationStatus::Waitlisted
    } else {
        RegistrationStatus::Registered
    };
    let saved = match existing {
        Some(r) if r.status != RegistrationStatus::Cancelled => {
            return Err(conflict(
                ProblemCode::AlreadyRegistered,
                "Already registered for this workshop.",
                "مسجل في هذه الورشة بالفعل.",
            ));
        }
        Some(r) => {
            let before = r.clone();
            let mut am = r.into_active_model();
            am.status = Set(status);
            am.queued_at = Set(now);
            am.registered_by = Set(Some(auth.id()));
            am.updated_at = Set(now);
            let saved = am.update(&txn).await?;
            Entry::new("registration.create", "registration", saved.id)
                .updated(&before, &saved)
                .platform(w.platform_id)
                .write(&txn, Some(auth.id()), now)
                .await?;
            saved
        }
        None => {
            let saved = registration::ActiveModel {
                workshop_id: Set(w.id),
                user_id: Set(target),
                status: Set(status),
                queued_at: Set(now),
                registered_by: Set(Some(auth.id())),
                checked_in_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            Entry::new("registration.create", "registration", saved.id)
                .created(&saved)
                .platform(w.platform_id)
                .write(&txn, Some(auth.id()), now)
                .await?;
            saved
        }
    };
    if status == RegistrationStatus::Registered {
        set_count(&txn, &mut w, 1).await?;
    }
    let kind = if full {
        mail::Kind::Waitlisted
    } else {
        mail::Kind::Confirmation
    };
    mail::notify(&txn, &state, kind, &w, std::slice::from_ref(&person)).await?;
    let pos = waitlist_position(&txn, &saved).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(to_response(saved, &person, pos)))
}

/// Paging and a status filter for registrations.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRegistrationsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<RegistrationStatus>,
}

crate::listed!(RegistrationResponse => RegistrationList, "A page of registrations.");

/// Registrations of a workshop (its platform's managers), in the order they came.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id"), ListRegistrationsQuery),
    responses((status = 200, body = RegistrationList))
)]
#[get("/workshops/{id}/registrations")]
pub async fn list_registrations(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListRegistrationsQuery>,
) -> Result<web::Json<RegistrationList>, ApiError> {
    let w = find_or_404::<entity::workshop::Entity>(&state.db, id.into_inner()).await?;
    Standing::of_manager(&state.db, &auth, w.platform_id).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = registration::Entity::find()
        .find_also_related(user::Entity)
        .filter(registration::Column::WorkshopId.eq(w.id));
    if let Some(s) = query.status {
        select = select.filter(registration::Column::Status.eq(s));
    }
    if let Some(after) = page.after {
        select = select.filter(registration::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(registration::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(r, _)| r.id);
    // Waiting-list positions follow queue order; compute them for the page in one pass.
    let queue: Vec<i64> = registration::Entity::find()
        .select_only()
        .column(registration::Column::Id)
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Waitlisted))
        .order_by_asc(registration::Column::QueuedAt)
        .order_by_asc(registration::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let items = rows
        .into_iter()
        .filter_map(|(r, u)| {
            let u = u?;
            let pos = queue
                .iter()
                .position(|id| *id == r.id)
                .map(|p| p as u64 + 1);
            Some(to_response(r, &u, pos))
        })
        .collect();
    Ok(web::Json(RegistrationList { items, next_cursor }))
}

/// Cancels a registration (the person, or the platform's managers). A freed seat goes to the
/// first person on the waiting list, who is told by email.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id"), ("user_id" = i64, Path, description = "The registered person")),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 409, description = "Nothing to cancel", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/workshops/{id}/registrations/{user_id}")]
pub async fn cancel_registration(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (workshop_id, user_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let mut w = lock(&txn, workshop_id).await?;
    if user_id != auth.id() {
        Standing::of_manager(&txn, &auth, w.platform_id).await?;
    }
    let r = registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let was = r.status;
    if !matches!(
        was,
        RegistrationStatus::Registered | RegistrationStatus::Waitlisted
    ) {
        return Err(conflict(
            ProblemCode::NotRegistered,
            "There is no active registration to cancel.",
            "لا يوجد تسجيل فعال لإلغائه.",
        ));
    }
    let before = r.clone();
    let mut am = r.into_active_model();
    am.status = Set(RegistrationStatus::Cancelled);
    am.updated_at = Set(now);
    let cancelled = am.update(&txn).await?;
    Entry::new("registration.cancel", "registration", cancelled.id)
        .updated(&before, &cancelled)
        .platform(w.platform_id)
        .write(&txn, Some(auth.id()), now)
        .await?;
    if was == RegistrationStatus::Registered {
        set_count(&txn, &mut w, -1).await?;
        if w.status == WorkshopStatus::Scheduled {
            promote_waitlisted(&txn, &state, &mut w, auth.id()).await?;
        }
    }
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
