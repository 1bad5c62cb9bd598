//! Signed links to a file's content, for emails and calendar attachments, and what each
//! platform's files take in the store (for administrators).

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::download::ready;
use super::visible_file;
use crate::auth::AuthUser;
use crate::auth::file_links as links;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::pagination::PageRequest;
use crate::services::files;
use crate::state::AppState;

/// How long a link holds.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct FileLinkRequest {
    /// Seconds, from 60 to 86 400 (a day); 900 (a quarter of an hour) by default.
    #[validate(range(min = 60, max = 86400))]
    #[schema(minimum = 60, maximum = 86400)]
    pub ttl_seconds: Option<i64>,
}

/// A link to a file's content that needs no token until it expires.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileLink {
    /// The whole URL (on `PUBLIC_BASE_URL`).
    #[schema(
        max_length = 400,
        example = "https://platforms.example.org/api/v1/files/7/content?expires=1796000000&signature=…"
    )]
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A short-lived link to a file's content for an email or a calendar attachment (whoever may
/// read the file): anyone holding it reads the file, whole or by range, until it expires, and
/// nothing else. Nothing is stored; the link is signed.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "File id")),
    request_body = FileLinkRequest,
    responses((status = 200, body = FileLink))
)]
#[post("/files/{id}/links")]
pub async fn create_file_link(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<FileLinkRequest>,
) -> Result<web::Json<FileLink>, ApiError> {
    let req = body.into_inner()?;
    let f = visible_file(&state.db, Some(&auth), id.into_inner()).await?;
    ready(&f)?;
    let ttl = req.ttl_seconds.unwrap_or(links::DEFAULT_TTL_SECONDS);
    let link = links::link(&state.config.jwt_secret, f.id, ttl, state.clock.now());
    Ok(web::Json(FileLink {
        url: format!("{}{}", state.config.public_base_url, link.path),
        expires_at: link.expires_at,
    }))
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StorageUsageQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// What one platform's files take.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformStorage {
    pub platform_id: i64,
    #[schema(max_length = 100)]
    pub slug: String,
    /// Its files, and their bytes.
    #[schema(minimum = 0)]
    pub files: i64,
    #[schema(minimum = 0)]
    pub bytes: i64,
    /// Of those, held for the virus scanner.
    #[schema(minimum = 0)]
    pub pending_scan: i64,
    /// Resumable uploads under way, and the bytes they hold so far.
    #[schema(minimum = 0)]
    pub uploads_in_progress: i64,
    #[schema(minimum = 0)]
    pub uploading_bytes: i64,
}

impl From<files::Usage> for PlatformStorage {
    fn from(u: files::Usage) -> PlatformStorage {
        PlatformStorage {
            platform_id: u.platform_id,
            slug: u.slug,
            files: u.files,
            bytes: u.bytes,
            pending_scan: u.pending_scan,
            uploads_in_progress: u.uploads_in_progress,
            uploading_bytes: u.uploading_bytes,
        }
    }
}

crate::listed!(PlatformStorage => StorageUsageList, "A page of platforms' storage use, by platform.");

/// What each platform's files take in the store (administrators): files and bytes, those held
/// for the virus scanner, and resumable uploads under way. Every platform is listed, those
/// without files too, in the order they were made.
#[utoipa::path(
    tag = "files",
    params(StorageUsageQuery),
    responses((status = 200, body = StorageUsageList))
)]
#[get("/storage-usage")]
pub async fn storage_usage(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<StorageUsageQuery>,
) -> Result<web::Json<StorageUsageList>, ApiError> {
    auth.require_admin()?;
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let rows = files::usage(&state.db, page.after.unwrap_or(0), page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.platform_id);
    Ok(web::Json(StorageUsageList {
        items: rows.into_iter().map(PlatformStorage::from).collect(),
        next_cursor,
    }))
}

/// What the files of no platform take.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnionStorage {
    /// Its files, and their bytes.
    #[schema(minimum = 0)]
    pub files: i64,
    #[schema(minimum = 0)]
    pub bytes: i64,
    /// Of those, held for the virus scanner.
    #[schema(minimum = 0)]
    pub pending_scan: i64,
}

/// What the files that belong to no platform take in the store (administrators): a partnership
/// step's documents, people's photos, the union's own activities' outputs. The platforms' own
/// are in `GET /storage-usage`.
#[utoipa::path(
    tag = "files",
    responses((status = 200, body = UnionStorage))
)]
#[get("/storage-usage/union")]
pub async fn union_storage_usage(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<web::Json<UnionStorage>, ApiError> {
    auth.require_admin()?;
    let u = files::union_usage(&state.db).await?;
    Ok(web::Json(UnionStorage {
        files: u.files,
        bytes: u.bytes,
        pending_scan: u.pending_scan,
    }))
}
