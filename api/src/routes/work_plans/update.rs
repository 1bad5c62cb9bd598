use actix_web::{HttpResponse, patch, web};
use entity::work_plan;
use sea_orm::Set;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::response;
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::BilingualPatch;
use crate::error::ApiError;
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::services::store::versioned;
use crate::state::AppState;

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkPlanRequest {
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 50)]
    pub period: Option<String>,
    #[validate(nested)]
    pub title: Option<BilingualPatch>,
}

/// Changes a work plan's period or title (the platform's managers), with `If-Match`.
#[utoipa::path(
    tag = "work-plans",
    params(
        ("id" = i64, Path, description = "Work plan id"),
        IfMatch,
    ),
    request_body = UpdateWorkPlanRequest,
    responses(
        (status = 200, body = super::WorkPlanResponse),
        (status = 409, description = "The platform has a plan for this period", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/work-plans/{id}")]
pub async fn update_work_plan(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateWorkPlanRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let plan = find_or_404::<entity::work_plan::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, plan.platform_id).await?;
    let body = body.into_inner()?;
    let expected = if_match.expected()?;
    let before_view = response(&txn, plan.clone()).await?;
    let mut m = work_plan::ActiveModel {
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(p) = body.period {
        m.period = Set(p.trim().to_owned());
    }
    if let Some(t) = body.title.map(|t| t.merge(&plan.title_ar, &plan.title_en)) {
        m.title_ar = Set(t.ar);
        m.title_en = Set(t.en);
    }
    let updated = versioned::save::<work_plan::Entity>(&txn, plan.id, expected, m).await?;
    Entry::new(Action::WorkPlanUpdate, plan.id)
        .updated(&plan, &updated)
        .platform(plan.platform_id)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, updated).await?;
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}
