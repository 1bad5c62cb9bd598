use actix_web::{HttpResponse, delete, get, post, web};
use entity::{local_authority, task_force, task_force_member, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::{active_user, find_or_404};
use crate::domain::Bilingual;
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::routes::views::AuthoritySummary;
use crate::state::AppState;

/// A member of a task force and the authority they represent.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskForceMemberResponse {
    pub user_id: i64,
    pub name: Bilingual,
    pub local_authority: Option<AuthoritySummary>,
    pub joined_at: chrono::DateTime<chrono::Utc>,
}

crate::listed!(TaskForceMemberResponse => TaskForceMemberList, "A page of task-force members.");

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTaskForceMembersQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Members of a task force with their authorities (signed-in users).
#[utoipa::path(
    tag = "task-forces",
    params(("id" = i64, Path, description = "Task force id"), ListTaskForceMembersQuery),
    responses((status = 200, body = TaskForceMemberList))
)]
#[get("/task-forces/{id}/members")]
pub async fn list_task_force_members(
    _auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListTaskForceMembersQuery>,
) -> Result<web::Json<TaskForceMemberList>, ApiError> {
    let tf = find_or_404::<entity::task_force::Entity>(&state.db, id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select = task_force_member::Entity::find()
        .find_also_related(user::Entity)
        .filter(task_force_member::Column::TaskForceId.eq(tf.id))
        .filter(task_force_member::Column::LeftAt.is_null());
    if let Some(after) = page.after {
        select = select.filter(task_force_member::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(task_force_member::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(m, _)| m.id);
    let authority_ids: Vec<i64> = rows.iter().map(|(m, _)| m.local_authority_id).collect();
    let authorities: std::collections::HashMap<i64, local_authority::Model> =
        local_authority::Entity::find()
            .filter(local_authority::Column::Id.is_in(authority_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    let items = rows
        .into_iter()
        .filter_map(|(m, u)| {
            let u = u?;
            // The authority they represent here: the one recorded when they joined.
            let a = authorities.get(&m.local_authority_id).cloned();
            let summary = a.map(AuthoritySummary::from);
            Some(TaskForceMemberResponse {
                user_id: m.user_id,
                name: Bilingual {
                    ar: u.name_ar,
                    en: u.name_en,
                },
                local_authority: summary,
                joined_at: m.joined_at,
            })
        })
        .collect();
    Ok(web::Json(TaskForceMemberList { items, next_cursor }))
}

/// A person to add.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AddTaskForceMemberRequest {
    /// A user who belongs to a local authority.
    pub user_id: i64,
}

/// Adds a member (admins). They represent their local authority; when the task force limits
/// members per authority, one more from a full authority is 409.
#[utoipa::path(
    tag = "task-forces",
    params(("id" = i64, Path, description = "Task force id")),
    request_body = AddTaskForceMemberRequest,
    responses(
        (status = 201, body = super::TaskForceResponse),
        (status = 409, description = "Already a member, or the authority is at its limit", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/task-forces/{id}/members")]
pub async fn add_task_force_member(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<AddTaskForceMemberRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let user_id = body.into_inner()?.user_id;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let tf_id = id.into_inner();
    // Holding the task force's row serializes additions to it, so the per-authority count below
    // cannot be raced past its limit.
    let tf = crate::db::lock::<task_force::Entity>(&txn, tf_id).await?;
    let member = active_user(&txn, user_id, "/user_id").await?;
    let authority = member.local_authority_id.ok_or_else(|| {
        ApiError::field(
            "/user_id",
            "no_authority",
            Text::new(
                "the user does not belong to a local authority",
                "المستخدم لا يتبع أي هيئة محلية",
            ),
        )
    })?;
    let already = task_force_member::Entity::find()
        .filter(task_force_member::Column::TaskForceId.eq(tf.id))
        .filter(task_force_member::Column::UserId.eq(user_id))
        .filter(task_force_member::Column::LeftAt.is_null())
        .count(&txn)
        .await?;
    if already > 0 {
        return Err(ApiError::Problem(
            ProblemCode::AlreadyAMember,
            Text::new(
                "This person is already a member of the task force.",
                "هذا الشخص عضو في فريق العمل بالفعل.",
            ),
        ));
    }
    if let Some(max) = tf.max_members_per_authority {
        let from_authority = task_force_member::Entity::find()
            .filter(task_force_member::Column::TaskForceId.eq(tf.id))
            .filter(task_force_member::Column::LocalAuthorityId.eq(authority))
            .filter(task_force_member::Column::LeftAt.is_null())
            .count(&txn)
            .await?;
        if from_authority >= max as u64 {
            return Err(ApiError::Problem(
                ProblemCode::AuthorityQuotaFull,
                Text::new(
                    format!(
                        "This task force takes at most {max} member(s) from one local authority."
                    ),
                    format!("يقبل فريق العمل {max} عضو/أعضاء كحد أقصى من الهيئة المحلية الواحدة."),
                ),
            ));
        }
    }
    let added = task_force_member::ActiveModel {
        task_force_id: Set(tf.id),
        user_id: Set(user_id),
        local_authority_id: Set(authority),
        joined_at: Set(now),
        left_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::TaskForceAddMember, added.id)
        .created(&added)
        .write(&txn, &auth, now)
        .await?;
    let body = super::response(&txn, tf).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(body))
}

/// Removes a member (admins).
#[utoipa::path(
    tag = "task-forces",
    params(("id" = i64, Path, description = "Task force id"), ("user_id" = i64, Path, description = "The member")),
    responses((status = 204, description = "Removed"))
)]
#[delete("/task-forces/{id}/members/{user_id}")]
pub async fn remove_task_force_member(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let (tf_id, user_id) = path.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let member = task_force_member::Entity::find()
        .filter(task_force_member::Column::TaskForceId.eq(tf_id))
        .filter(task_force_member::Column::UserId.eq(user_id))
        .filter(task_force_member::Column::LeftAt.is_null())
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let ended = crate::services::programme::departures::end_task_force_seat(
        &txn,
        &member,
        state.clock.now(),
    )
    .await?;
    Entry::new(Action::TaskForceRemoveMember, member.id)
        .updated(&member, &ended)
        .write(&txn, &auth, state.clock.now())
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
