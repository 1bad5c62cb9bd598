use actix_web::{get, web};
use entity::work_plan;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{WorkPlanResponse, responses};
use crate::db::find_or_404;
use crate::domain::WorkPlanStatus;
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Paging and filters for a platform's work plans.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListWorkPlansQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<WorkPlanStatus>,
}

crate::listed!(WorkPlanResponse => WorkPlanList, "A page of work plans.");

/// A platform's work plans with their topics (public).
#[utoipa::path(
    tag = "work-plans",
    security(()),
    params(("id" = i64, Path, description = "Platform id"), ListWorkPlansQuery),
    responses((status = 200, body = WorkPlanList))
)]
#[get("/platforms/{id}/work-plans")]
pub async fn list_work_plans(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListWorkPlansQuery>,
) -> Result<web::Json<WorkPlanList>, ApiError> {
    let platform = find_or_404::<entity::platform::Entity>(&state.db, id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select =
        work_plan::Entity::find().filter(work_plan::Column::PlatformId.eq(platform.id));
    if let Some(after) = page.after {
        select = select.filter(work_plan::Column::Id.gt(after));
    }
    if let Some(status) = query.status {
        select = select.filter(work_plan::Column::Status.eq(status));
    }
    let rows = select
        .order_by_asc(work_plan::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |p| p.id);
    Ok(web::Json(WorkPlanList {
        items: responses(&state.db, rows).await?,
        next_cursor,
    }))
}
