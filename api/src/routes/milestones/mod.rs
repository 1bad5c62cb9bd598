//! A programme's milestones (`000`'s المراحل المرجعية): read by any signed-in user, written by
//! admins; the seven of `000` load as a template for a programme, and activities name the
//! milestone they serve.

mod template;

use crate::routes::Routes;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use entity::milestone;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{Bilingual, BilingualPatch, BilingualText, BilingualTextPatch};
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::pagination::PageRequest;
use crate::services::events::delete_recorded;
use crate::services::store::versioned;
use crate::state::AppState;

pub use template::*;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list_milestones)
        .service(template::load_milestone_template)
        .service(create_milestone)
        .service(get_milestone)
        .service(update_milestone)
        .service(delete_milestone);
}

/// A milestone as the API shows it. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneResponse {
    pub id: i64,
    #[schema(
        example = "technical-offices",
        min_length = 2,
        max_length = 80,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub programme: String,
    /// Its order in the programme, from 1.
    #[schema(minimum = 1, maximum = 100)]
    pub rank: i32,
    pub name: Bilingual,
    pub summary: BilingualText,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<milestone::Model> for MilestoneResponse {
    fn from(m: milestone::Model) -> Self {
        MilestoneResponse {
            id: m.id,
            programme: m.programme,
            rank: m.rank,
            name: Bilingual {
                ar: m.name_ar,
                en: m.name_en,
            },
            summary: BilingualText::new(m.summary_ar, m.summary_en),
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

crate::listed!(MilestoneResponse => MilestoneList, "A page of milestones, by programme and rank.");

/// The most milestones of one programme.
const MAX_RANK: i32 = 100;

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMilestonesQuery {
    /// Only this programme's.
    #[param(min_length = 2, max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub programme: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Milestones, in the order they were created (a template's in rank order); signed-in users.
#[utoipa::path(tag = "milestones", params(ListMilestonesQuery), responses((status = 200, body = MilestoneList)))]
#[get("/milestones")]
pub async fn list_milestones(
    _auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListMilestonesQuery>,
) -> Result<web::Json<MilestoneList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = milestone::Entity::find();
    if let Some(p) = &q.programme {
        crate::extract::query_slug("programme", p)?;
        select = select.filter(milestone::Column::Programme.eq(p.as_str()));
    }
    if let Some(after) = page.after {
        select = select.filter(milestone::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(milestone::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |m| m.id);
    Ok(web::Json(MilestoneList {
        items: rows.into_iter().map(MilestoneResponse::from).collect(),
        next_cursor,
    }))
}

/// A new milestone.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateMilestoneRequest {
    #[validate(
        length(min = 2, max = 80),
        custom(function = "crate::domain::validate_slug")
    )]
    #[schema(min_length = 2, max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub programme: String,
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub rank: i32,
    #[validate(nested)]
    pub name: Bilingual,
    #[validate(nested)]
    #[serde(default)]
    pub summary: BilingualText,
}

/// Adds a milestone to a programme (admins); a rank taken in the programme → 409.
#[utoipa::path(
    tag = "milestones",
    request_body = CreateMilestoneRequest,
    responses(
        (status = 201, body = MilestoneResponse, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = 409, description = "The programme has a milestone of this rank", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/milestones")]
pub async fn create_milestone(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateMilestoneRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let saved = insert_milestone(
        &txn,
        &auth,
        &req.programme,
        req.rank.min(MAX_RANK),
        req.name.trimmed(),
        req.summary,
        now,
    )
    .await?;
    state.commit(txn).await?;
    let body = MilestoneResponse::from(saved);
    Ok(etag::created(
        body.version,
        format!("/api/v1/milestones/{}", body.id),
        &body,
    ))
}

/// A programme's milestone and its audit entry, in the caller's transaction: what adding one and
/// loading the template both write.
async fn insert_milestone(
    txn: &sea_orm::DatabaseTransaction,
    auth: &AuthUser,
    programme: &str,
    rank: i32,
    name: Bilingual,
    summary: BilingualText,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<milestone::Model, ApiError> {
    let saved = milestone::ActiveModel {
        programme: Set(programme.to_owned()),
        rank: Set(rank),
        name_ar: Set(name.ar),
        name_en: Set(name.en),
        summary_ar: Set(summary.ar),
        summary_en: Set(summary.en),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Entry::new(Action::MilestoneCreate, saved.id)
        .created(&saved)
        .write(txn, auth, now)
        .await?;
    Ok(saved)
}

/// One milestone (signed-in users).
#[utoipa::path(
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id", minimum = 1)),
    responses((status = 200, body = MilestoneResponse))
)]
#[get("/milestones/{id}")]
pub async fn get_milestone(
    _auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let m = find_or_404::<milestone::Entity>(&state.db, id.into_inner()).await?;
    let body = MilestoneResponse::from(m);
    Ok(etag::tagged(body.version, &body))
}

/// Fields to change; absent ones stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMilestoneRequest {
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub rank: Option<i32>,
    #[validate(nested)]
    pub name: Option<BilingualPatch>,
    #[validate(nested)]
    pub summary: Option<BilingualTextPatch>,
}

/// Changes a milestone (admins), with `If-Match`; a rank taken in the programme → 409.
#[utoipa::path(
    tag = "milestones",
    params(
        ("id" = i64, Path, description = "Milestone id", minimum = 1),
        IfMatch,
    ),
    request_body = UpdateMilestoneRequest,
    responses((status = 200, body = MilestoneResponse))
)]
#[patch("/milestones/{id}")]
pub async fn update_milestone(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateMilestoneRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let expected = if_match.expected()?;
    let body = body.into_inner()?;
    let txn = crate::db::begin(&state.db).await?;
    let current = find_or_404::<milestone::Entity>(&txn, id.into_inner()).await?;
    versioned::check::<milestone::Entity>(&current, expected)?;
    let before = current.clone();
    let name = body
        .name
        .map(|n| n.merge(&current.name_ar, &current.name_en));
    let summary = body
        .summary
        .map(|s| s.merge(&current.summary_ar, &current.summary_en));
    let mut m = current.into_active_model();
    if let Some(r) = body.rank {
        m.rank = Set(r);
    }
    if let Some(n) = name {
        m.name_ar = Set(n.ar);
        m.name_en = Set(n.en);
    }
    if let Some(s) = summary {
        m.summary_ar = Set(s.ar);
        m.summary_en = Set(s.en);
    }
    m.updated_at = Set(state.clock.now());
    let updated = versioned::save::<milestone::Entity>(&txn, before.id, expected, m).await?;
    Entry::new(Action::MilestoneUpdate, before.id)
        .updated(&before, &updated)
        .write(&txn, &auth, updated.updated_at)
        .await?;
    let before_view = MilestoneResponse::from(before);
    let body = MilestoneResponse::from(updated);
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// Deletes a milestone (admins); its activities stay, no longer attached to it.
#[utoipa::path(
    tag = "milestones",
    params(("id" = i64, Path, description = "Milestone id", minimum = 1)),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/milestones/{id}")]
pub async fn delete_milestone(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    // The activities that served it serve none now: each is a new version (so that an edit
    // prepared before is refused) and each change is audited (and so reaches the changes feed),
    // as a change through the activity's own PATCH would be.
    let served = entity::activity::Entity::find()
        .filter(entity::activity::Column::MilestoneId.eq(id))
        .all(&txn)
        .await?;
    entity::activity::Entity::update_many()
        .col_expr(
            entity::activity::Column::MilestoneId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            entity::activity::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(entity::activity::Column::Version), 1),
        )
        .col_expr(entity::activity::Column::UpdatedAt, Expr::value(now))
        .filter(entity::activity::Column::MilestoneId.eq(id))
        .exec(&txn)
        .await?;
    for a in served {
        Entry::new(Action::ActivityUpdate, a.id)
            .platform(a.platform_id)
            .field("milestone_id", Option::<i64>::None)
            .field("version", a.version + 1)
            .write(&txn, &auth, now)
            .await?;
    }
    let entry = |m: &milestone::Model| Entry::new(Action::MilestoneDelete, m.id);
    delete_recorded::<milestone::Entity>(&txn, id, entry, &auth, now).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
