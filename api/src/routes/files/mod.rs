//! Files: a workshop's materials uploaded (a multipart form, or the raw bytes), listed,
//! described, read back (whole or by byte range, with their original name) and removed. A file
//! is as visible as its workshop: a members-only workshop's material is for its members, a
//! draft's for its platform's managers; anyone else is told it does not exist (404).

mod download;
mod links;
mod resumable;
mod upload;

pub use resumable::TusVersion;

use chrono::{DateTime, Utc};
use entity::stored_file;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::{HttpResponse, delete, get, web};

use crate::access::Standing;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::files::FileStatus;
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload::upload_file)
        .service(upload::upload_raw_file)
        .service(list_workshop_files)
        .service(get_file)
        .service(download::download_file)
        .service(delete_file)
        .service(links::create_file_link)
        .service(links::storage_usage)
        .service(
            utoipa_actix_web::scope::scope("/uploads")
                .wrap(actix_web::middleware::DefaultHeaders::new().add(resumable::tus_resumable()))
                .service(resumable::discover_uploads)
                .service(resumable::create_upload)
                .service(resumable::get_upload)
                .service(resumable::append_upload)
                .service(resumable::terminate_upload),
        );
}

/// A file's title, in both languages (either may be empty).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct FileTitle {
    #[schema(max_length = 200)]
    pub ar: String,
    #[schema(max_length = 200)]
    pub en: String,
}

/// A file: what it is and where to read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileResponse {
    pub id: i64,
    /// What it is attached as (`material`: a workshop's slides, handouts, guide or recording).
    #[schema(max_length = 32, example = "material")]
    pub purpose: String,
    /// The workshop it is a material of.
    pub workshop_id: Option<i64>,
    /// The name it was uploaded with, its extension saying what it is.
    #[schema(max_length = 255, example = "دليل إدارة المشاريع.pdf")]
    pub name: String,
    pub title: FileTitle,
    /// The type of its bytes (told from them, not from the name or what the client declared).
    #[schema(max_length = 128, example = "application/pdf")]
    pub content_type: String,
    /// Its size in bytes.
    #[schema(minimum = 0)]
    pub size: i64,
    /// SHA-256 of its bytes, in lower-case hex (its first 96 bits, in URL-safe base64, are the
    /// `ETag` of its content).
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
    /// `ready` to read; `pending_scan` while the virus scanner has not passed it (its content
    /// answers 409 until then; a file found infected is removed).
    pub status: FileState,
    /// Who uploaded it (null once their account is gone).
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Where to read its bytes.
    #[schema(max_length = 200, example = "/api/v1/files/7/content")]
    pub content_url: String,
}

/// Where a file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    Ready,
    PendingScan,
}

impl FileState {
    fn of(status: &str) -> FileState {
        if status == FileStatus::PendingScan.as_str() {
            FileState::PendingScan
        } else {
            FileState::Ready
        }
    }
}

crate::listed!(FileResponse => FileList, "A page of files, in the order they were attached.");

impl From<stored_file::Model> for FileResponse {
    fn from(f: stored_file::Model) -> FileResponse {
        FileResponse {
            content_url: format!("/api/v1/files/{}/content", f.id),
            id: f.id,
            purpose: f.purpose,
            workshop_id: f.workshop_id,
            name: f.name,
            title: FileTitle {
                ar: f.title_ar,
                en: f.title_en,
            },
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
            status: FileState::of(&f.status),
            uploaded_by: f.uploaded_by,
            created_at: f.created_at,
        }
    }
}

use crate::access::visible_workshop;

/// A file the caller may see (its workshop's visibility), or 404.
pub(crate) async fn visible_file(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<stored_file::Model, ApiError> {
    let f = find_or_404::<stored_file::Entity>(db, id).await?;
    match f.workshop_id {
        Some(w) => {
            visible_workshop(db, auth, w).await?;
        }
        None => return Err(ApiError::not_found()),
    }
    Ok(f)
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A workshop's files, in the order they were attached (as visible as the workshop).
#[utoipa::path(
    tag = "files",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Workshop id"), ListFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/workshops/{id}/files")]
pub async fn list_workshop_files(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let (w, _) = visible_workshop(&state.db, auth.as_ref(), id.into_inner()).await?;
    let mut select = stored_file::Entity::find().filter(stored_file::Column::WorkshopId.eq(w.id));
    if let Some(after) = page.after {
        select = select.filter(stored_file::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(stored_file::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |f| f.id);
    Ok(web::Json(FileList {
        items: rows.into_iter().map(FileResponse::from).collect(),
        next_cursor,
    }))
}

/// One file's description (as visible as its workshop).
#[utoipa::path(
    tag = "files",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "File id")),
    responses((status = 200, body = FileResponse))
)]
#[get("/files/{id}")]
pub async fn get_file(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<FileResponse>, ApiError> {
    let f = visible_file(&state.db, auth.as_ref(), id.into_inner()).await?;
    Ok(web::Json(FileResponse::from(f)))
}

/// Removes a file (its workshop's platform's managers); its bytes are deleted once the removal
/// has committed.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "File id")),
    responses((status = 204, description = "Removed"))
)]
#[delete("/files/{id}")]
pub async fn delete_file(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let f = visible_file(&state.db, Some(&auth), id.into_inner()).await?;
    let platform = f.platform_id.ok_or_else(ApiError::forbidden)?;
    Standing::of_manager(&state.db, &auth, platform).await?;
    crate::services::files::remove(&state, &auth, f, state.clock.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
