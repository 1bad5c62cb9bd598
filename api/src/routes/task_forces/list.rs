use actix_web::{get, web};
use entity::task_force;
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{TaskForceList, counts, to_response};
use crate::domain::{TaskForceStatus, search};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Filters and paging for task forces.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTaskForcesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<TaskForceStatus>,
    /// Words in the name or mandate, ignoring Arabic diacritics, letter variants and case.
    pub q: Option<String>,
}

/// Task forces with targets and counts (public).
#[utoipa::path(tag = "task-forces", security(()), params(ListTaskForcesQuery), responses((status = 200, body = TaskForceList)))]
#[get("/task-forces")]
pub async fn list_task_forces(
    state: web::Data<AppState>,
    query: web::Query<ListTaskForcesQuery>,
) -> Result<web::Json<TaskForceList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = task_force::Entity::find();
    if let Some(after) = page.after {
        select = select.filter(task_force::Column::Id.gt(after));
    }
    if let Some(status) = q.status {
        select = select.filter(task_force::Column::Status.eq(status));
    }
    if let Some(text) = q.q.as_deref().filter(|t| !search::fold(t).is_empty()) {
        select = select.filter(
            task_force::Column::SearchText
                .like(LikeExpr::new(search::like_pattern(text)).escape('\\')),
        );
    }
    let rows = select
        .order_by_asc(task_force::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |t| t.id);
    let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let c = counts(&state.db, &ids).await?;
    Ok(web::Json(TaskForceList {
        items: rows
            .into_iter()
            .map(|t| {
                let n = c.get(&t.id).copied().unwrap_or((0, 0));
                to_response(t, n)
            })
            .collect(),
        next_cursor,
    }))
}
