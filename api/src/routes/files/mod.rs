//! Files attached to the programme's work: a workshop's materials, agenda and minutes, a
//! position paper version's PDF, a partnership step's documents, an activity's outputs, a
//! platform's guides and a person's photo; uploaded (a multipart form, the raw bytes, or
//! resumably by tus), listed under their parent, described, read back (whole or by byte range,
//! with their original name) and removed. A file is as visible as its parent ([`rules`]): a
//! members-only workshop's material is for its members, a draft paper's PDF for its editors;
//! anyone else is told it does not exist (404).

mod attached;
mod download;
mod links;
mod resumable;
mod rules;
mod upload;

pub(crate) use rules::visible_file;

pub use resumable::TusVersion;

use crate::routes::Routes;
use chrono::{DateTime, Utc};
use entity::stored_file;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use actix_web::{HttpResponse, delete, get, web};

use crate::auth::AuthUser;
use crate::domain::files::{FileStatus, Purpose};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::services::files::{self, Parent};
use crate::state::AppState;

pub fn configure(cfg: &mut Routes) {
    cfg.service(upload::upload_file)
        .service(upload::upload_raw_file)
        .service(list_workshop_files)
        .service(attached::upload_version_file)
        .service(attached::list_version_files)
        .service(attached::upload_step_file)
        .service(attached::list_step_files)
        .service(attached::upload_activity_file)
        .service(attached::list_activity_files)
        .service(attached::upload_guide)
        .service(attached::list_guides)
        .service(attached::put_my_photo)
        .service(attached::delete_my_photo)
        .service(attached::get_user_photo)
        .service(attached::upload_practice_file)
        .service(attached::list_practice_files)
        .service(attached::upload_document_version)
        .service(attached::list_document_versions)
        .service(download::download_document)
        .service(get_file)
        .service(download::download_file)
        .service(delete_file)
        .service(links::create_file_link)
        .service(links::storage_usage)
        .service(links::union_storage_usage)
        .scope(
            "/uploads",
            Some(actix_web::middleware::DefaultHeaders::new().add(resumable::tus_resumable())),
            |cfg| {
                cfg.service(resumable::discover_uploads)
                    .service(resumable::create_upload)
                    .service(resumable::get_upload)
                    .service(resumable::append_upload)
                    .service(resumable::terminate_upload);
            },
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
    /// What it is attached as.
    pub purpose: Purpose,
    /// What it is attached to: exactly one of `workshop_id`, `paper_version_id`,
    /// `partnership_step_id`, `activity_id`, `guide_platform_id`, `person_id`, `practice_id` and
    /// `document_id` is set.
    /// The workshop it is a material, agenda or minutes of.
    pub workshop_id: Option<i64>,
    /// The position paper version it is the PDF of.
    pub paper_version_id: Option<i64>,
    /// The partnership agreement's step it documents.
    pub partnership_step_id: Option<i64>,
    /// The activity it is an output of.
    pub activity_id: Option<i64>,
    /// The platform it is a guide of.
    pub guide_platform_id: Option<i64>,
    /// The person it is the photo of.
    pub person_id: Option<i64>,
    /// The practice it documents.
    pub practice_id: Option<i64>,
    /// The document it is a version of.
    pub document_id: Option<i64>,
    /// Which version of the document it is, from 1.
    #[schema(minimum = 1)]
    pub document_version: Option<i32>,
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

/// What a workshop's file is attached as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkshopFilePurpose {
    /// Slides, handouts, a recording.
    #[default]
    Material,
    /// The agenda, scanned or written.
    Agenda,
    /// The minutes, scanned or written.
    Minutes,
}

impl WorkshopFilePurpose {
    pub fn domain(self) -> Purpose {
        match self {
            WorkshopFilePurpose::Material => Purpose::Material,
            WorkshopFilePurpose::Agenda => Purpose::Agenda,
            WorkshopFilePurpose::Minutes => Purpose::Minutes,
        }
    }
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
            purpose: Purpose::parse(&f.purpose).unwrap_or(Purpose::Material),
            workshop_id: f.workshop_id,
            paper_version_id: f.paper_version_id,
            partnership_step_id: f.partnership_step_id,
            activity_id: f.activity_id,
            guide_platform_id: f.guide_platform_id,
            person_id: f.person_id,
            practice_id: f.practice_id,
            document_id: f.document_id,
            document_version: f.document_version,
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

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Paging, and what the files are attached as.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListWorkshopFilesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Only the files attached as this (all of them when absent).
    pub purpose: Option<WorkshopFilePurpose>,
}

/// A page of a parent's files (of one purpose, or all), for a caller who may see them.
pub(crate) async fn list_of(
    state: &AppState,
    auth: Option<&AuthUser>,
    parent: Parent,
    purpose: Option<Purpose>,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<web::Json<FileList>, ApiError> {
    let page = PageRequest::new(limit, cursor)?;
    rules::sees(&state.db, auth, parent).await?;
    let rows = files::of_parent(&state.db, parent, purpose, page.after, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |f| f.id);
    Ok(web::Json(FileList {
        items: rows.into_iter().map(FileResponse::from).collect(),
        next_cursor,
    }))
}

/// A workshop's files (its materials, agenda and minutes), in the order they were attached (as
/// visible as the workshop).
#[utoipa::path(
    tag = "files",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Workshop id"), ListWorkshopFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/workshops/{id}/files")]
pub async fn list_workshop_files(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListWorkshopFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let q = query.into_inner();
    list_of(
        &state,
        auth.as_ref(),
        Parent::Workshop(id.into_inner()),
        q.purpose.map(WorkshopFilePurpose::domain),
        q.limit,
        q.cursor.as_deref(),
    )
    .await
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

/// Removes a file (whoever attaches files to its parent: a workshop's platform's managers, a
/// paper's editors until it is adopted, the agreements' managers, an activity's or a platform's
/// managers, the person for their photo); its bytes are deleted once the removal has committed.
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
    let parent = Parent::of(&f).ok_or_else(ApiError::not_found)?;
    rules::changes(&state.db, &auth, parent).await?;
    crate::services::files::remove(&state, &auth, f, state.clock.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
