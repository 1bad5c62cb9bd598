use actix_web::{HttpResponse, get, web};
use entity::document;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::DocumentResponse;
use super::rules::visible_document;
use super::view::response;
use crate::auth::AuthUser;
use crate::domain::{DocumentKind, DocumentStatus};
use crate::error::ApiError;
use crate::etag;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// One document (published and archived ones: anyone; a planned or draft one: its platform's
/// members and coordinators, and its authors).
#[utoipa::path(
    tag = "documents",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = DocumentResponse, headers(("ETag" = String, description = "The version, for If-Match"))))
)]
#[get("/documents/{id}")]
pub async fn get_document(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (d, _) = visible_document(&state.db, auth.as_ref(), id.into_inner()).await?;
    let body = response(d);
    Ok(etag::tagged(body.version, &body))
}

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListDocumentsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub platform_id: Option<i64>,
    pub working_group_id: Option<i64>,
    pub kind: Option<DocumentKind>,
    pub status: Option<DocumentStatus>,
    /// The outputs of this activity.
    pub activity_id: Option<i64>,
    /// The outputs of this milestone.
    pub milestone_id: Option<i64>,
}

crate::listed!(DocumentResponse => DocumentList, "A page of documents.");

/// Documents the caller may see, in the order they were planned: published and archived ones
/// for everybody; planned and draft ones to the members and coordinators of their platform and
/// to their authors (administrators: all). `activity_id` or `milestone_id` lists what an
/// activity or a milestone produced (the programme's "guide produced" indicators).
#[utoipa::path(
    tag = "documents",
    security((), ("bearer" = [])),
    params(ListDocumentsQuery),
    responses((status = 200, body = DocumentList))
)]
#[get("/documents")]
pub async fn list_documents(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    query: web::Query<ListDocumentsQuery>,
) -> Result<web::Json<DocumentList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = document::Entity::find().filter(
        crate::access::readable(&state.db, auth.as_ref(), crate::access::readable_documents)
            .await?,
    );
    if let Some(after) = page.after {
        select = select.filter(document::Column::Id.gt(after));
    }
    if let Some(p) = q.platform_id {
        select = select.filter(document::Column::PlatformId.eq(p));
    }
    if let Some(g) = q.working_group_id {
        select = select.filter(document::Column::WorkingGroupId.eq(g));
    }
    if let Some(k) = q.kind {
        select = select.filter(document::Column::Kind.eq(k));
    }
    if let Some(s) = q.status {
        select = select.filter(document::Column::Status.eq(s));
    }
    if let Some(a) = q.activity_id {
        select = select.filter(document::Column::ActivityId.eq(a));
    }
    if let Some(m) = q.milestone_id {
        select = select.filter(document::Column::MilestoneId.eq(m));
    }
    let rows = select
        .order_by_asc(document::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |d| d.id);
    Ok(web::Json(DocumentList {
        items: rows.into_iter().map(response).collect(),
        next_cursor,
    }))
}
