//! The working group of a topic: its members are active members of the platform; one leads.

use actix_web::{HttpResponse, delete, get, post, put, web};
use entity::{local_authority, topic, user, working_group, working_group_member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, search};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::routes::views::AuthoritySummary;
use crate::state::AppState;

/// A member of a working group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMember {
    pub user_id: i64,
    pub name: Bilingual,
    pub local_authority: Option<AuthoritySummary>,
    pub is_lead: bool,
}

/// A topic's working group.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingGroupResponse {
    pub id: i64,
    pub topic_id: i64,
    pub platform_id: i64,
    pub name: Bilingual,
    pub lead_user_id: Option<i64>,
    #[schema(max_items = 500)]
    pub members: Vec<GroupMember>,
}

async fn group_of(
    db: &impl ConnectionTrait,
    topic_id: i64,
) -> Result<Option<working_group::Model>, ApiError> {
    Ok(working_group::Entity::find()
        .filter(working_group::Column::TopicId.eq(topic_id))
        .one(db)
        .await?)
}

async fn group_response(
    db: &impl ConnectionTrait,
    g: working_group::Model,
) -> Result<WorkingGroupResponse, ApiError> {
    let rows = working_group_member::Entity::find()
        .find_also_related(user::Entity)
        .filter(working_group_member::Column::WorkingGroupId.eq(g.id))
        .filter(working_group_member::Column::LeftAt.is_null())
        .order_by_asc(working_group_member::Column::Id)
        .all(db)
        .await?;
    let authority_ids: Vec<i64> = rows
        .iter()
        .filter_map(|(_, u)| u.as_ref().and_then(|u| u.local_authority_id))
        .collect();
    let authorities: std::collections::HashMap<i64, local_authority::Model> =
        local_authority::Entity::find()
            .filter(local_authority::Column::Id.is_in(authority_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    let members = rows
        .into_iter()
        .filter_map(|(m, u)| {
            let u = u?;
            let a = u
                .local_authority_id
                .and_then(|id| authorities.get(&id).cloned());
            let summary = a.map(AuthoritySummary::from);
            Some(GroupMember {
                user_id: m.user_id,
                name: Bilingual {
                    ar: u.name_ar,
                    en: u.name_en,
                },
                local_authority: summary,
                is_lead: g.lead_user_id == Some(m.user_id),
            })
        })
        .collect();
    Ok(WorkingGroupResponse {
        id: g.id,
        topic_id: g.topic_id,
        platform_id: g.platform_id,
        name: Bilingual {
            ar: g.name_ar,
            en: g.name_en,
        },
        lead_user_id: g.lead_user_id,
        members,
    })
}

async fn add_member(
    db: &impl ConnectionTrait,
    group_id: i64,
    user_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let exists = working_group_member::Entity::find()
        .filter(working_group_member::Column::WorkingGroupId.eq(group_id))
        .filter(working_group_member::Column::UserId.eq(user_id))
        .filter(working_group_member::Column::LeftAt.is_null())
        .one(db)
        .await?
        .is_some();
    if !exists {
        working_group_member::ActiveModel {
            working_group_id: Set(group_id),
            user_id: Set(user_id),
            joined_at: Set(now),
            left_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The working group of a topic (signed-in users); 404 when it has none yet.
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id")),
    responses((status = 200, body = WorkingGroupResponse))
)]
#[get("/topics/{id}/working-group")]
pub async fn get_working_group(
    _auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<WorkingGroupResponse>, ApiError> {
    let t = find_or_404::<entity::topic::Entity>(&state.db, id.into_inner()).await?;
    let g = group_of(&state.db, t.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(web::Json(group_response(&state.db, g).await?))
}

/// The working group's name and lead.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PutWorkingGroupRequest {
    /// Default: the topic's title.
    #[validate(nested)]
    pub name: Option<Bilingual>,
    /// An active member of the platform; joins the group. `null` for no lead.
    pub lead_user_id: Option<i64>,
}

/// Forms the topic's working group, or changes its name and lead (the platform's managers).
/// 201 when formed, 200 when changed.
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id")),
    request_body = PutWorkingGroupRequest,
    responses(
        (status = 201, description = "Formed", body = WorkingGroupResponse),
        (status = 200, description = "Changed", body = WorkingGroupResponse),
    )
)]
#[put("/topics/{id}/working-group")]
pub async fn put_working_group(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<PutWorkingGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let t: topic::Model = find_or_404::<entity::topic::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, t.platform_id).await?;
    let req = body.into_inner()?;
    if let Some(lead) = req.lead_user_id {
        super::rules::must_be_member(&txn, lead, t.platform_id, "/lead_user_id").await?;
    }
    let name = req.name.map(Bilingual::trimmed).unwrap_or(Bilingual {
        ar: t.title_ar.clone(),
        en: t.title_en.clone(),
    });
    let search_text = search::fold_all([name.ar.as_str(), name.en.as_str()]);
    let mut before = None;
    let (saved, created) = match group_of(&txn, t.id).await? {
        Some(g) => {
            before = Some(g.clone());
            let mut m = g.into_active_model();
            m.name_ar = Set(name.ar);
            m.name_en = Set(name.en);
            m.search_text = Set(search_text);
            m.lead_user_id = Set(req.lead_user_id);
            m.updated_at = Set(now);
            (m.update(&txn).await?, false)
        }
        None => (
            working_group::ActiveModel {
                topic_id: Set(t.id),
                platform_id: Set(t.platform_id),
                name_ar: Set(name.ar),
                name_en: Set(name.en),
                lead_user_id: Set(req.lead_user_id),
                search_text: Set(search_text),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
            true,
        ),
    };
    if let Some(lead) = req.lead_user_id {
        add_member(&txn, saved.id, lead, now).await?;
    }
    let entry = match &before {
        Some(b) => Entry::new(Action::WorkingGroupUpdate, saved.id).updated(b, &saved),
        None => Entry::new(Action::WorkingGroupCreate, saved.id).created(&saved),
    };
    entry
        .platform(saved.platform_id)
        .write(&txn, &auth, now)
        .await?;
    let body = group_response(&txn, saved).await?;
    state.commit(txn).await?;
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// A person to add to a working group.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AddGroupMemberRequest {
    pub user_id: i64,
}

/// Adds an active member of the platform to the working group (the platform's managers).
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id")),
    request_body = AddGroupMemberRequest,
    responses(
        (status = 201, body = WorkingGroupResponse),
        (status = 409, description = "Already in the group", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/topics/{id}/working-group/members")]
pub async fn add_working_group_member(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<AddGroupMemberRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let t = find_or_404::<entity::topic::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, t.platform_id).await?;
    let user_id = body.into_inner()?.user_id;
    let g = group_of(&txn, t.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    super::rules::must_be_member(&txn, user_id, t.platform_id, "/user_id").await?;
    crate::db::ensure_room(
        &txn,
        working_group_member::Entity::find()
            .filter(working_group_member::Column::WorkingGroupId.eq(g.id))
            .filter(working_group_member::Column::LeftAt.is_null()),
        crate::domain::limits::MAX_WORKING_GROUP_MEMBERS,
        ("Members of a working group", "أعضاء مجموعة العمل"),
    )
    .await?;
    let added = working_group_member::ActiveModel {
        working_group_id: Set(g.id),
        user_id: Set(user_id),
        joined_at: Set(now),
        left_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::WorkingGroupAddMember, added.id)
        .created(&added)
        .platform(g.platform_id)
        .write(&txn, &auth, now)
        .await?;
    let body = group_response(&txn, g).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(body))
}

/// Removes someone from the working group (the platform's managers, or the member themself).
/// Removing the lead leaves the group without one.
#[utoipa::path(
    tag = "topics",
    params(("id" = i64, Path, description = "Topic id"), ("user_id" = i64, Path, description = "The member")),
    responses((status = 204, description = "Removed"))
)]
#[delete("/topics/{id}/working-group/members/{user_id}")]
pub async fn remove_working_group_member(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (topic_id, user_id) = path.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let t = find_or_404::<entity::topic::Entity>(&txn, topic_id).await?;
    if user_id != auth.id() {
        Standing::of_manager(&txn, &auth, t.platform_id).await?;
    }
    let g = group_of(&txn, t.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let member = working_group_member::Entity::find()
        .filter(working_group_member::Column::WorkingGroupId.eq(g.id))
        .filter(working_group_member::Column::UserId.eq(user_id))
        .filter(working_group_member::Column::LeftAt.is_null())
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let ended =
        crate::services::programme::departures::end_group_seat(&txn, &member, state.clock.now())
            .await?;
    Entry::new(Action::WorkingGroupRemoveMember, member.id)
        .updated(&member, &ended)
        .platform(g.platform_id)
        .field("lead_removed", g.lead_user_id == Some(user_id))
        .write(&txn, &auth, state.clock.now())
        .await?;
    if g.lead_user_id == Some(user_id) {
        let mut m = g.into_active_model();
        m.lead_user_id = Set(None);
        m.update(&txn).await?;
    }
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
