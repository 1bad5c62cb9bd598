use actix_web::{get, web};
use entity::platform;
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{PlatformList, PlatformResponse};
use crate::domain::{PlatformKind, PlatformStatus, search};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::services::reports::platform_stats::stats;
use crate::state::AppState;

/// Filters and paging for the list of platforms.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPlatformsQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub kind: Option<PlatformKind>,
    pub status: Option<PlatformStatus>,
    /// Only the sub-platforms of this platform.
    pub parent_id: Option<i64>,
    /// Words in the names or descriptions, ignoring Arabic diacritics, letter variants and case.
    pub q: Option<String>,
}

/// Platforms by id, with member and authority counts (public).
#[utoipa::path(tag = "platforms", security(()), params(ListPlatformsQuery), responses((status = 200, body = PlatformList)))]
#[get("/platforms")]
pub async fn list_platforms(
    state: web::Data<AppState>,
    query: web::Query<ListPlatformsQuery>,
) -> Result<web::Json<PlatformList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = platform::Entity::find();
    if let Some(after) = page.after {
        select = select.filter(platform::Column::Id.gt(after));
    }
    if let Some(kind) = q.kind {
        select = select.filter(platform::Column::Kind.eq(kind));
    }
    if let Some(status) = q.status {
        select = select.filter(platform::Column::Status.eq(status));
    }
    if let Some(parent) = q.parent_id {
        select = select.filter(platform::Column::ParentId.eq(parent));
    }
    if let Some(text) = q.q.as_deref().filter(|t| !search::fold(t).is_empty()) {
        select = select.filter(
            platform::Column::SearchText
                .like(LikeExpr::new(search::like_pattern(text)).escape('\\')),
        );
    }
    let rows = select
        .order_by_asc(platform::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = stats(&state.db, &ids).await?;
    Ok(web::Json(PlatformList {
        items: rows
            .into_iter()
            .map(|p| {
                let c = counts.get(&p.id).copied().unwrap_or((0, 0));
                PlatformResponse::new(p, c)
            })
            .collect(),
        next_cursor,
    }))
}
