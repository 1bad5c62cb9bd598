use actix_web::{HttpResponse, post, web};
use entity::work_plan;
use sea_orm::Set;

use super::response;
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::WorkPlanStatus;
use crate::error::{ApiError, ProblemCode};
use crate::etag::{self, IfMatch};
use crate::i18n::Text;
use crate::services::store::versioned;
use crate::state::AppState;

/// Approves a draft work plan (the platform's managers), with `If-Match`.
#[utoipa::path(
    tag = "work-plans",
    params(
        ("id" = i64, Path, description = "Work plan id"),
        IfMatch,
    ),
    responses(
        (status = 200, body = super::WorkPlanResponse),
        (status = 409, description = "Already approved", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/work-plans/{id}/approve")]
pub async fn approve_work_plan(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let plan = find_or_404::<entity::work_plan::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, plan.platform_id).await?;
    let expected = if_match.expected()?;
    if plan.status != WorkPlanStatus::Draft {
        return Err(ApiError::Problem(
            ProblemCode::TransitionNotAllowed,
            Text::new(
                "Only a draft work plan can be approved.",
                "يمكن اعتماد خطة العمل في مرحلة المسودة فقط.",
            ),
        ));
    }
    let approved = versioned::save::<work_plan::Entity>(
        &txn,
        plan.id,
        expected,
        work_plan::ActiveModel {
            status: Set(WorkPlanStatus::Approved),
            approved_at: Set(Some(now)),
            approved_by: Set(Some(auth.id())),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    Entry::new(Action::WorkPlanApprove, plan.id)
        .updated(&plan, &approved)
        .platform(plan.platform_id)
        .write(&txn, &auth, now)
        .await?;
    let body = response(&txn, approved).await?;
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}
