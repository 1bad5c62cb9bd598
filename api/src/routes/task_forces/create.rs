use actix_web::{HttpResponse, post, web};
use entity::task_force;
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{TaskForceResponse, response, search_text};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::{Bilingual, BilingualText, TaskForceStatus};
use crate::error::ApiError;
use crate::etag;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// A new task force.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskForceRequest {
    #[validate(nested)]
    pub name: Bilingual,
    #[validate(
        length(min = 2, max = 80),
        custom(function = "crate::domain::validate_slug")
    )]
    #[schema(min_length = 2, max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: String,
    #[validate(nested)]
    #[serde(default)]
    pub mandate: BilingualText,
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub target_members: Option<i32>,
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub target_authorities: Option<i32>,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_members_per_authority: Option<i32>,
}

/// Creates a task force (admins).
#[utoipa::path(
    tag = "task-forces",
    request_body = CreateTaskForceRequest,
    responses(
        (status = 201, body = TaskForceResponse, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = 409, description = "The slug is taken", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/task-forces")]
pub async fn create_task_force(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateTaskForceRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let name = req.name.trimmed();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let created = task_force::ActiveModel {
        slug: Set(req.slug),
        search_text: Set(search_text(&name, &req.mandate)),
        name_ar: Set(name.ar),
        name_en: Set(name.en),
        mandate_ar: Set(req.mandate.ar),
        mandate_en: Set(req.mandate.en),
        target_members: Set(req.target_members),
        target_authorities: Set(req.target_authorities),
        max_members_per_authority: Set(req.max_members_per_authority),
        status: Set(TaskForceStatus::Active),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Entry::new(Action::TaskForceCreate, created.id)
        .created(&created)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, created).await?;
    state.commit(txn).await?;
    Ok(etag::created(
        body.version,
        format!("/api/v1/task-forces/{}", body.id),
        &body,
    ))
}
