use actix_web::{get, web};
use entity::local_authority;
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{LocalAuthorityList, LocalAuthorityResponse};
use crate::domain::{AuthorityKind, Region, search};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Filters and paging for the list of local authorities.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListLocalAuthoritiesQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub kind: Option<AuthorityKind>,
    pub region: Option<Region>,
    /// Exact governorate name.
    pub governorate: Option<String>,
    /// Words in either name or the governorate, ignoring Arabic diacritics, letter variants and case.
    pub q: Option<String>,
}

/// Local authorities by id (public).
#[utoipa::path(
    tag = "local-authorities",
    security(()),
    params(ListLocalAuthoritiesQuery),
    responses((status = 200, body = LocalAuthorityList))
)]
#[get("/local-authorities")]
pub async fn list_local_authorities(
    state: web::Data<AppState>,
    query: web::Query<ListLocalAuthoritiesQuery>,
) -> Result<web::Json<LocalAuthorityList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = local_authority::Entity::find();
    if let Some(after) = page.after {
        select = select.filter(local_authority::Column::Id.gt(after));
    }
    if let Some(kind) = q.kind {
        select = select.filter(local_authority::Column::Kind.eq(kind));
    }
    if let Some(region) = q.region {
        select = select.filter(local_authority::Column::Region.eq(region));
    }
    if let Some(g) = q
        .governorate
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        select = select.filter(local_authority::Column::Governorate.eq(g));
    }
    if let Some(text) = q.q.as_deref().filter(|t| !search::fold(t).is_empty()) {
        select = select.filter(
            local_authority::Column::SearchText
                .like(LikeExpr::new(search::like_pattern(text)).escape('\\')),
        );
    }
    let rows = select
        .order_by_asc(local_authority::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id);
    Ok(web::Json(LocalAuthorityList {
        items: rows.into_iter().map(LocalAuthorityResponse::from).collect(),
        next_cursor,
    }))
}
