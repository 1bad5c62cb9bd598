use actix_web::{get, web};
use entity::practice_version;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::PracticeVersionResponse;
use super::rules::visible_practice;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPracticeVersionsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

crate::listed!(PracticeVersionResponse => PracticeVersionList, "A page of a practice's versions, oldest first.");

fn to_response(v: practice_version::Model) -> Result<PracticeVersionResponse, ApiError> {
    Ok(PracticeVersionResponse {
        number: v.number,
        text: serde_json::from_str(&v.content)
            .map_err(|e| ApiError::Unexpected(format!("practice version {}: {e}", v.id)))?,
        note: v.note,
        edited_by: v.edited_by,
        created_at: v.created_at,
    })
}

/// A practice's versions, oldest first (whoever may see the practice).
#[utoipa::path(
    tag = "practices",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Practice id"), ListPracticeVersionsQuery),
    responses((status = 200, body = PracticeVersionList))
)]
#[get("/practices/{id}/versions")]
pub async fn list_practice_versions(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListPracticeVersionsQuery>,
) -> Result<web::Json<PracticeVersionList>, ApiError> {
    let (p, _) = visible_practice(&state.db, auth.as_ref(), id.into_inner()).await?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut select =
        practice_version::Entity::find().filter(practice_version::Column::PracticeId.eq(p.id));
    if let Some(after) = page.after {
        select = select.filter(practice_version::Column::Number.gt(after));
    }
    let rows = select
        .order_by_asc(practice_version::Column::Number)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |v| i64::from(v.number));
    let items = rows
        .into_iter()
        .map(to_response)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(PracticeVersionList { items, next_cursor }))
}

/// One version of a practice's text (whoever may see the practice).
#[utoipa::path(
    tag = "practices",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Practice id"), ("number" = i32, Path, description = "Version number, from 1")),
    responses((status = 200, body = PracticeVersionResponse))
)]
#[get("/practices/{id}/versions/{number}")]
pub async fn get_practice_version(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
) -> Result<web::Json<PracticeVersionResponse>, ApiError> {
    let (id, number) = path.into_inner();
    let (p, _) = visible_practice(&state.db, auth.as_ref(), id).await?;
    let v = practice_version::Entity::find()
        .filter(practice_version::Column::PracticeId.eq(p.id))
        .filter(practice_version::Column::Number.eq(number))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(web::Json(to_response(v)?))
}
