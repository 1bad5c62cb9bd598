use actix_web::{HttpResponse, get, web};
use entity::practice;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{PracticeResponse, PracticeSummary};
use super::rules::visible_practice;
use super::view::{response, summary};
use crate::auth::AuthUser;
use crate::domain::PracticeStatus;
use crate::error::ApiError;
use crate::etag;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// One practice with its whole text (published and archived ones: anyone; a draft or a
/// submitted one: its editors and its platform's managers).
#[utoipa::path(
    tag = "practices",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Practice id")),
    responses((status = 200, body = PracticeResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[get("/practices/{id}")]
pub async fn get_practice(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (p, _) = visible_practice(&state.db, auth.as_ref(), id.into_inner()).await?;
    let body = response(p);
    Ok(etag::tagged(body.version, &body))
}

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPracticesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub platform_id: Option<i64>,
    /// Of this authority.
    pub local_authority_id: Option<i64>,
    pub topic_id: Option<i64>,
    pub status: Option<PracticeStatus>,
}

crate::listed!(PracticeSummary => PracticeList, "A page of practices.");

/// Practices the caller may see, in the order they were drafted: published and archived ones for
/// everybody; drafts and submitted ones to their drafters and contact people, and to the
/// managers of their platform (administrators: all).
#[utoipa::path(
    tag = "practices",
    security((), ("bearer" = [])),
    params(ListPracticesQuery),
    responses((status = 200, body = PracticeList))
)]
#[get("/practices")]
pub async fn list_practices(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    query: web::Query<ListPracticesQuery>,
) -> Result<web::Json<PracticeList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = practice::Entity::find().filter(
        crate::access::readable(&state.db, auth.as_ref(), crate::access::readable_practices)
            .await?,
    );
    if let Some(after) = page.after {
        select = select.filter(practice::Column::Id.gt(after));
    }
    if let Some(p) = q.platform_id {
        select = select.filter(practice::Column::PlatformId.eq(p));
    }
    if let Some(l) = q.local_authority_id {
        select = select.filter(practice::Column::LocalAuthorityId.eq(l));
    }
    if let Some(t) = q.topic_id {
        select = select.filter(practice::Column::TopicId.eq(t));
    }
    if let Some(s) = q.status {
        select = select.filter(practice::Column::Status.eq(s));
    }
    let rows = select
        .order_by_asc(practice::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |p| p.id);
    Ok(web::Json(PracticeList {
        items: rows.into_iter().map(summary).collect(),
        next_cursor,
    }))
}
