use actix_web::{HttpResponse, delete, patch, web};
use entity::task_force;
use sea_orm::{IntoActiveModel, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{response, search_text};
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{BilingualPatch, BilingualTextPatch, TaskForceStatus};
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::services::events::delete_recorded;
use crate::services::store::versioned;
use crate::state::AppState;

/// Fields to change; absent fields stay as they are, `null` clears a target or limit.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaskForceRequest {
    #[validate(nested)]
    pub name: Option<BilingualPatch>,
    #[validate(nested)]
    pub mandate: Option<BilingualTextPatch>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[validate(range(min = 1, max = 10000))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 10000)]
    pub target_members: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[validate(range(min = 1, max = 10000))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 10000)]
    pub target_authorities: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::domain::double_option")]
    #[validate(range(min = 1, max = 1000))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 1000)]
    pub max_members_per_authority: Option<Option<i32>>,
    pub status: Option<TaskForceStatus>,
}

/// Changes a task force (admins), with `If-Match`.
#[utoipa::path(
    tag = "task-forces",
    params(
        ("id" = i64, Path, description = "Task force id"),
        IfMatch,
    ),
    request_body = UpdateTaskForceRequest,
    responses((status = 200, body = super::TaskForceResponse))
)]
#[patch("/task-forces/{id}")]
pub async fn update_task_force(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateTaskForceRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let expected = if_match.expected()?;
    let body = body.into_inner()?;
    let txn = crate::db::begin(&state.db).await?;
    let current = find_or_404::<entity::task_force::Entity>(&txn, id.into_inner()).await?;
    versioned::check::<task_force::Entity>(&current, expected)?;
    let before_view = response(&txn, current.clone()).await?;
    let task_force_id = current.id;
    let name = body
        .name
        .unwrap_or_default()
        .merge(&current.name_ar, &current.name_en);
    let mandate = body
        .mandate
        .unwrap_or_default()
        .merge(&current.mandate_ar, &current.mandate_en);
    let before = current.clone();
    let mut m = current.into_active_model();
    m.search_text = Set(search_text(&name, &mandate));
    m.name_ar = Set(name.ar);
    m.name_en = Set(name.en);
    m.mandate_ar = Set(mandate.ar);
    m.mandate_en = Set(mandate.en);
    if let Some(v) = body.target_members {
        m.target_members = Set(v);
    }
    if let Some(v) = body.target_authorities {
        m.target_authorities = Set(v);
    }
    if let Some(v) = body.max_members_per_authority {
        m.max_members_per_authority = Set(v);
    }
    if let Some(s) = body.status {
        m.status = Set(s);
    }
    m.updated_at = Set(state.clock.now());
    let updated = versioned::save::<task_force::Entity>(&txn, task_force_id, expected, m).await?;
    Entry::new(Action::TaskForceUpdate, task_force_id)
        .updated(&before, &updated)
        .write(&txn, &auth, updated.updated_at)
        .await?;
    let body = response(&txn, updated).await?;
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}

/// Deletes a task force and its memberships (admins).
#[utoipa::path(
    tag = "task-forces",
    params(("id" = i64, Path, description = "Task force id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/task-forces/{id}")]
pub async fn delete_task_force(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let txn = crate::db::begin(&state.db).await?;
    let entry = |t: &task_force::Model| Entry::new(Action::TaskForceDelete, t.id);
    delete_recorded::<task_force::Entity>(&txn, id.into_inner(), entry, &auth, state.clock.now())
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
