use actix_web::{HttpResponse, delete, web};
use entity::work_plan;

use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::WorkPlanStatus;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::events::delete_row;
use crate::state::AppState;

/// Deletes a draft work plan with its axes, topics and working groups (the platform's managers).
#[utoipa::path(
    tag = "work-plans",
    params(("id" = i64, Path, description = "Work plan id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Approved plans are kept", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/work-plans/{id}")]
pub async fn delete_work_plan(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let plan = find_or_404::<entity::work_plan::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, plan.platform_id).await?;
    if plan.status != WorkPlanStatus::Draft {
        return Err(ApiError::Problem(
            ProblemCode::NotDeletable,
            Text::new(
                "An approved work plan cannot be deleted.",
                "لا يمكن حذف خطة عمل معتمدة.",
            ),
        ));
    }
    let entry = Entry::new(Action::WorkPlanDelete, plan.id).platform(plan.platform_id);
    delete_row::<work_plan::Entity>(&txn, plan.id, &plan, entry, &auth, state.clock.now()).await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
