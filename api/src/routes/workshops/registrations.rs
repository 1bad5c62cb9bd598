//! Registrations over HTTP: who may register whom, and the answers. The seats, the waiting list
//! and the mail are `services::programme::seats`, which never lets capacity be exceeded: a
//! registration takes its seat last, a cancellation locks the workshop's row first.

use actix_web::{HttpResponse, delete, get, post, web};
use entity::{registration, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::access::Standing;
use crate::auth::AuthUser;
use crate::db::lock;
use crate::db::{active_user, find_or_404};
use crate::domain::{Bilingual, RegistrationStatus};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::pagination::PageRequest;
use crate::services::programme::seats;
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
    /// On a new registration: the person is registered for another workshop at an overlapping
    /// time (`participant_clash`; a warning, not an error). Empty otherwise.
    #[schema(max_items = 1)]
    pub warnings: Vec<super::clashes::Warning>,
}

/// Who to register: the caller by default; a coordinator may register someone else.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub user_id: Option<i64>,
}

pub(crate) fn to_response(
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
        warnings: Vec::new(),
    }
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
    let id = id.into_inner();
    let now = state.clock.now();
    // The workshop is read without a lock and its row held only by the seat, last; when it
    // changed in between, once more under the row's lock (`seats::Hold`).
    for hold in [seats::Hold::Read, seats::Hold::Locked] {
        let txn = crate::db::begin(&state.db).await?;
        // One statement: the workshop, who the caller is to its platform, whether the person is
        // a member, and their registration there.
        let mut desk = seats::Desk::read(&txn, id, auth.id(), target, hold).await?;
        let w = &desk.workshop;
        let standing = Standing::with(&auth, w.platform_id, desk.caller_seat, desk.caller_member);
        let (person, target_is_member) = if target == auth.id() {
            (auth.user.clone(), standing.member)
        } else {
            standing.require_manager()?;
            (
                active_user(&txn, target, "/user_id").await?,
                desk.person_member,
            )
        };
        crate::access::require_open_to(w, standing, target_is_member)?;
        // A workshop for some governorates or kinds of authority: its managers may still
        // register anyone.
        if !standing.manages() {
            super::check_eligible(&txn, w, &person).await?;
        }
        // Someone registering another names only the clashing workshops they may see
        // themselves.
        let warnings =
            super::clashes::of_person(&txn, w, person.id, target == auth.id() || auth.is_admin())
                .await?;
        let Ok((saved, pos)) =
            seats::register(&txn, &state, &mut desk, hold, &person, auth.actor(), now).await?
        else {
            continue;
        };
        state.commit(txn).await?;
        let mut body = to_response(saved, &person, pos);
        body.warnings = warnings;
        return Ok(HttpResponse::Created().json(body));
    }
    Err(ApiError::Unexpected(
        "a registration under the workshop's lock asked to start again".into(),
    ))
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
    let mut w = lock::<entity::workshop::Entity>(&txn, workshop_id).await?;
    if user_id != auth.id() {
        Standing::of_manager(&txn, &auth, w.platform_id).await?;
    }
    seats::cancel(&txn, &state, &mut w, user_id, auth.actor(), now).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
