//! Memberships: a user asks to join; the platform's coordinator or deputy (or an admin) approves
//! or rejects; members leave, or managers remove them.

use actix_web::{HttpResponse, delete, get, post, web};
use entity::{coordinator_term, local_authority, membership, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{Standing, holds_seat};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, Gender, MembershipStatus};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::routes::views::AuthoritySummary;
use crate::services::programme::departures::{self, Scope};
use crate::services::reports::platform_stats::member_counts;
use crate::state::AppState;

/// A member (or applicant) of a platform, with their authority.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberResponse {
    pub user_id: i64,
    pub name: Bilingual,
    pub gender: Gender,
    #[schema(max_length = 200)]
    pub job_title: Option<String>,
    pub local_authority: Option<AuthoritySummary>,
    pub status: MembershipStatus,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub left_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl MemberResponse {
    fn new(
        m: membership::Model,
        u: user::Model,
        a: Option<local_authority::Model>,
    ) -> MemberResponse {
        let summary = a.map(AuthoritySummary::from);
        MemberResponse {
            user_id: u.id,
            name: Bilingual {
                ar: u.name_ar,
                en: u.name_en,
            },
            gender: u.gender,
            job_title: u.job_title,
            local_authority: summary,
            status: m.status,
            requested_at: m.requested_at,
            decided_at: m.decided_at,
            left_at: m.left_at,
        }
    }
}

/// A page of members, with the platform's totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<MemberResponse>,
    pub next_cursor: Option<String>,
    /// Active members of the platform.
    pub member_count: i64,
    /// Distinct local authorities of the active members.
    pub authority_count: i64,
}

/// Paging and the status to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMembersQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Default `active`. Other statuses are for the platform's managers.
    pub status: Option<MembershipStatus>,
}

async fn load(
    db: &impl ConnectionTrait,
    platform_id: i64,
    user_id: i64,
) -> Result<Option<membership::Model>, ApiError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::PlatformId.eq(platform_id))
        .filter(membership::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

async fn member_response(
    db: &impl ConnectionTrait,
    m: membership::Model,
) -> Result<MemberResponse, ApiError> {
    let (u, a) = user::Entity::find_by_id(m.user_id)
        .find_also_related(local_authority::Entity)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(MemberResponse::new(m, u, a))
}

/// Members of a platform with their authorities and the totals (signed-in users).
#[utoipa::path(
    tag = "platforms",
    params(("id" = i64, Path, description = "Platform id"), ListMembersQuery),
    responses((status = 200, body = MemberList))
)]
#[get("/platforms/{id}/members")]
pub async fn list_members(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListMembersQuery>,
) -> Result<web::Json<MemberList>, ApiError> {
    let platform = find_or_404::<entity::platform::Entity>(&state.db, id.into_inner()).await?;
    let q = query.into_inner();
    let status = q.status.unwrap_or(MembershipStatus::Active);
    if status != MembershipStatus::Active {
        Standing::of_manager(&state.db, &auth, platform.id).await?;
    }
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = membership::Entity::find()
        .filter(membership::Column::PlatformId.eq(platform.id))
        .filter(membership::Column::Status.eq(status));
    if let Some(after) = page.after {
        select = select.filter(membership::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(membership::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |m| m.id);
    let user_ids: Vec<i64> = rows.iter().map(|m| m.user_id).collect();
    let users: std::collections::HashMap<i64, (user::Model, Option<local_authority::Model>)> =
        user::Entity::find()
            .find_also_related(local_authority::Entity)
            .filter(user::Column::Id.is_in(user_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|(u, a)| (u.id, (u, a)))
            .collect();
    let (member_count, authority_count) = member_counts(&state.db, platform.id).await?;
    let items = rows
        .into_iter()
        .filter_map(|m| {
            let (u, a) = users.get(&m.user_id)?.clone();
            Some(MemberResponse::new(m, u, a))
        })
        .collect();
    Ok(web::Json(MemberList {
        items,
        next_cursor,
        member_count,
        authority_count,
    }))
}

/// Asks to join a platform (the caller). Someone who left or was rejected may ask again.
#[utoipa::path(
    tag = "platforms",
    params(("id" = i64, Path, description = "Platform id")),
    responses(
        (status = 201, body = MemberResponse),
        (status = 409, description = "Already a member or already asked", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/platforms/{id}/members")]
pub async fn request_membership(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let platform = find_or_404::<entity::platform::Entity>(&txn, id.into_inner()).await?;
    let saved = match load(&txn, platform.id, auth.id()).await? {
        Some(m)
            if m.status == MembershipStatus::Active || m.status == MembershipStatus::Pending =>
        {
            return Err(ApiError::Problem(
                ProblemCode::AlreadyAMember,
                Text::new(
                    "You are already a member of this platform, or your request is pending.",
                    "أنت عضو في هذه المنصة أو أن طلبك قيد المراجعة.",
                ),
            ));
        }
        Some(m) => {
            let before = m.clone();
            let mut am = m.into_active_model();
            am.status = Set(MembershipStatus::Pending);
            am.requested_at = Set(now);
            am.decided_at = Set(None);
            am.decided_by = Set(None);
            am.left_at = Set(None);
            let saved = am.update(&txn).await?;
            Entry::new(Action::MembershipRequest, saved.id)
                .updated(&before, &saved)
                .platform(platform.id)
                .write(&txn, auth.actor(), now)
                .await?;
            saved
        }
        None => {
            let saved = membership::ActiveModel {
                platform_id: Set(platform.id),
                user_id: Set(auth.id()),
                status: Set(MembershipStatus::Pending),
                requested_at: Set(now),
                decided_at: Set(None),
                decided_by: Set(None),
                left_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            Entry::new(Action::MembershipRequest, saved.id)
                .created(&saved)
                .platform(platform.id)
                .write(&txn, auth.actor(), now)
                .await?;
            saved
        }
    };
    let body = member_response(&txn, saved).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(body))
}

async fn decide(
    auth: &AuthUser,
    state: &AppState,
    platform_id: i64,
    user_id: i64,
    to: MembershipStatus,
) -> Result<MemberResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let platform = find_or_404::<entity::platform::Entity>(&txn, platform_id).await?;
    Standing::of_manager(&txn, auth, platform.id).await?;
    let m = load(&txn, platform.id, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if m.status != MembershipStatus::Pending {
        return Err(ApiError::Problem(
            ProblemCode::NotPending,
            Text::new(
                "Only a pending request can be approved or rejected.",
                "يمكن قبول أو رفض الطلبات قيد المراجعة فقط.",
            ),
        ));
    }
    if to == MembershipStatus::Active {
        crate::db::active_user(&txn, user_id, "/user_id").await?;
    }
    let before = m.clone();
    let now = state.clock.now();
    let mut am = m.into_active_model();
    am.status = Set(to);
    am.decided_at = Set(Some(now));
    am.decided_by = Set(Some(auth.id()));
    let saved = am.update(&txn).await?;
    let action = if to == MembershipStatus::Active {
        Action::MembershipApprove
    } else {
        Action::MembershipReject
    };
    Entry::new(action, saved.id)
        .updated(&before, &saved)
        .platform(platform.id)
        .write(&txn, auth.actor(), now)
        .await?;
    let body = member_response(&txn, saved).await?;
    state.commit(txn).await?;
    Ok(body)
}

/// Approves a pending request (the platform's coordinator or deputy, or an admin).
#[utoipa::path(
    tag = "platforms",
    params(("id" = i64, Path, description = "Platform id"), ("user_id" = i64, Path, description = "The applicant")),
    responses(
        (status = 200, body = MemberResponse),
        (status = 409, description = "The request is not pending", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/platforms/{id}/members/{user_id}/approve")]
pub async fn approve_membership(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<MemberResponse>, ApiError> {
    let (platform_id, user_id) = path.into_inner();
    Ok(web::Json(
        decide(
            &auth,
            &state,
            platform_id,
            user_id,
            MembershipStatus::Active,
        )
        .await?,
    ))
}

/// Rejects a pending request (the platform's coordinator or deputy, or an admin).
#[utoipa::path(
    tag = "platforms",
    params(("id" = i64, Path, description = "Platform id"), ("user_id" = i64, Path, description = "The applicant")),
    responses(
        (status = 200, body = MemberResponse),
        (status = 409, description = "The request is not pending", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/platforms/{id}/members/{user_id}/reject")]
pub async fn reject_membership(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<MemberResponse>, ApiError> {
    let (platform_id, user_id) = path.into_inner();
    Ok(web::Json(
        decide(
            &auth,
            &state,
            platform_id,
            user_id,
            MembershipStatus::Rejected,
        )
        .await?,
    ))
}

/// Leaves a platform (the member), or removes a member (the platform's managers). A
/// coordinator or deputy who leaves ends their term.
#[utoipa::path(
    tag = "platforms",
    params(("id" = i64, Path, description = "Platform id"), ("user_id" = i64, Path, description = "The member")),
    responses(
        (status = 204, description = "Left"),
        (status = 409, description = "Not a current member", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/platforms/{id}/members/{user_id}")]
pub async fn remove_membership(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (platform_id, user_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let platform = find_or_404::<entity::platform::Entity>(&txn, platform_id).await?;
    if user_id != auth.id() {
        Standing::of_manager(&txn, &auth, platform.id).await?;
    }
    let m = load(&txn, platform.id, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if m.status != MembershipStatus::Active && m.status != MembershipStatus::Pending {
        return Err(ApiError::Problem(
            ProblemCode::NotACurrentMember,
            Text::new(
                "This person is not a current member of the platform.",
                "هذا الشخص ليس عضوًا حاليًا في المنصة.",
            ),
        ));
    }
    let before = m.clone();
    let mut am = m.into_active_model();
    am.status = Set(MembershipStatus::Left);
    am.left_at = Set(Some(now));
    let saved = am.update(&txn).await?;
    let mut entry = Entry::new(Action::MembershipLeave, saved.id)
        .updated(&before, &saved)
        .platform(platform.id);
    if holds_seat(&txn, user_id, platform.id).await? {
        coordinator_term::Entity::update_many()
            .set(coordinator_term::ActiveModel {
                ended_at: Set(Some(now)),
                ..Default::default()
            })
            .filter(coordinator_term::Column::PlatformId.eq(platform.id))
            .filter(coordinator_term::Column::UserId.eq(user_id))
            .filter(coordinator_term::Column::EndedAt.is_null())
            .exec(&txn)
            .await?;
        entry = entry.field("coordinator_term_ended", true);
    }
    let released = departures::release(
        &txn,
        &state,
        user_id,
        Scope::Platform(platform.id),
        auth.actor(),
        now,
    )
    .await?;
    entry
        .field("released", released)
        .write(&txn, auth.actor(), now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
