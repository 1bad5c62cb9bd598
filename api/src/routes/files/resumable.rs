//! Resumable uploads, by the tus 1.0 protocol (core, creation, termination, checksum,
//! expiration), for large files over connections that drop: announce the upload (`POST`, its
//! length in `Upload-Length`, its name in `Upload-Metadata`), send its bytes (`PATCH` from
//! `Upload-Offset`), and after a drop ask where it stands (`HEAD`) and send from there. Any tus
//! client works (tus-js-client, tuspy, TUSKit, tus-android-client); the answers also carry JSON
//! for clients generated from this document.

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, delete, get, options, patch, post, web};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::upload::{managed_workshop, title_part};
use crate::auth::AuthUser;
use crate::domain::BilingualText;
use crate::domain::files::Purpose;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::files::resumable::{self, Algorithm, Announcement, Checksum};
use crate::state::AppState;

/// The version of tus spoken here.
pub const TUS_VERSION: &str = TusVersion::V1_0_0.as_str();
/// The extensions of tus taken here.
const TUS_EXTENSIONS: &str = "creation,termination,checksum,expiration";
/// The longest `Upload-Metadata`, in bytes.
const MAX_METADATA_BYTES: usize = 4096;

/// The header every tus answer carries.
pub fn tus_resumable() -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static("tus-resumable"),
        HeaderValue::from_static(TUS_VERSION),
    )
}

/// The one version of tus spoken here.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum TusVersion {
    #[serde(rename = "1.0.0")]
    V1_0_0,
}

impl TusVersion {
    pub const fn as_str(self) -> &'static str {
        match self {
            TusVersion::V1_0_0 => "1.0.0",
        }
    }
}

/// An upload in progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResponse {
    /// Random, 32 hex digits.
    #[schema(min_length = 32, max_length = 32, pattern = "^[0-9a-f]{32}$")]
    pub id: String,
    /// The workshop the file will be a material of.
    pub workshop_id: i64,
    /// The name the file will have.
    #[schema(max_length = 255)]
    pub name: String,
    /// Its length in bytes, as announced.
    #[schema(minimum = 1)]
    pub length: i64,
    /// How many bytes have arrived: send the rest from here (`Upload-Offset`).
    #[schema(minimum = 0)]
    pub offset: i64,
    /// Until when it may be resumed.
    pub expires_at: DateTime<Utc>,
    /// The file it became, once whole.
    pub file_id: Option<i64>,
    /// Where to send its bytes and ask where it stands.
    #[schema(
        max_length = 100,
        example = "/api/v1/uploads/0f3c9a1e2b4d4c6f8a7b9c0d1e2f3a4b"
    )]
    pub upload_url: String,
}

impl From<entity::upload::Model> for UploadResponse {
    fn from(u: entity::upload::Model) -> UploadResponse {
        UploadResponse {
            upload_url: format!("/api/v1/uploads/{}", u.id),
            id: u.id,
            workshop_id: u.workshop_id,
            name: u.name,
            length: u.length,
            offset: u.received,
            expires_at: u.expires_at,
            file_id: u.file_id,
        }
    }
}

/// The workshop an upload is for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreateUploadQuery {
    /// The workshop the file will be attached to (its platform's managers upload).
    pub workshop_id: i64,
    /// What it will be attached as: `material` when absent.
    pub purpose: Option<super::WorkshopFilePurpose>,
}

/// What tus's discovery answers: the version, the extensions, the largest upload and the
/// checksum algorithms taken here.
#[utoipa::path(
    tag = "files",
    security(()),
    responses((status = 204, description = "What this server speaks of tus", headers(
        ("Tus-Version" = String, description = "1.0.0"),
        ("Tus-Extension" = String, description = "creation,termination,checksum,expiration"),
        ("Tus-Max-Size" = i64, description = "The largest upload, in bytes"),
        ("Tus-Checksum-Algorithm" = String, description = "sha256,sha1"),
        ("Tus-Resumable" = String, description = "1.0.0"),
    )))
)]
#[options("")]
pub async fn discover_uploads(state: web::Data<AppState>) -> HttpResponse {
    let algorithms: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
    HttpResponse::NoContent()
        .insert_header(("Tus-Version", TUS_VERSION))
        .insert_header(("Tus-Extension", TUS_EXTENSIONS))
        .insert_header((
            "Tus-Max-Size",
            state.config.files.max_bytes(Purpose::Material).to_string(),
        ))
        .insert_header(("Tus-Checksum-Algorithm", algorithms.join(",")))
        .insert_header((header::ALLOW, "POST, OPTIONS"))
        .finish()
}

/// Announces a resumable upload of a workshop's material, agenda or minutes (its platform's
/// managers), by tus:
/// `Upload-Length` is its length, `Upload-Metadata` its `filename` (required) and optional
/// `title_ar` and `title_en`, each base64-encoded as tus says. Answers where to send its bytes
/// (`Location`) and until when it may be resumed (`Upload-Expires`).
#[utoipa::path(
    tag = "files",
    params(
        CreateUploadQuery,
        ("Tus-Resumable" = TusVersion, Header, description = "The tus version: 1.0.0"),
        ("Upload-Length" = i64, Header, description = "The file's length in bytes (decimal digits): at most the kind's largest size, 200 MiB unless the server is configured otherwise (`UPLOAD_MAX_MIB_MATERIAL`; 413 past it)", minimum = 1, maximum = 209715200),
        ("Upload-Metadata" = String, Header, description = "`filename` (required), `title_ar`, `title_en` (at most 200 characters each): comma-separated `key base64(value)` pairs, each value UTF-8 text; other keys are ignored. What breaks these rules is 422 `tus_metadata`", max_length = 4096),
    ),
    responses(
        (status = 201, body = UploadResponse, headers(
            ("Location" = String, description = "The upload's URL: PATCH its bytes there"),
            ("Upload-Offset" = i64, description = "0"),
            ("Upload-Expires" = String, description = "Until when it may be resumed (an HTTP date)"),
            ("Tus-Resumable" = String, description = "1.0.0"),
        )),
        (status = 412, description = "Tus-Resumable is missing or another version", body = crate::error::Problem, content_type = "application/problem+json", headers(
            ("Tus-Version" = String, description = "1.0.0"),
        )),
        (status = 413, description = "Longer than the largest upload", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_upload(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<CreateUploadQuery>,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers();
    check_version(headers, true)?;
    let length = number(headers, "upload-length")?.ok_or_else(|| {
        if headers.contains_key("upload-defer-length") {
            bad_header(
                "Upload-Defer-Length",
                "a length sent later is not taken here: send Upload-Length",
            )
        } else {
            bad_header("Upload-Length", "required")
        }
    })?;
    let metadata = metadata(headers)?;
    let platform_id = managed_workshop(&state, &auth, query.workshop_id).await?;
    let name = metadata
        .iter()
        .find(|(k, _)| k == "filename")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| bad_metadata("filename is required"))?;
    let get = |key: &str| {
        metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let title = BilingualText {
        ar: title_part("title_ar", get("title_ar")).map_err(|_| {
            bad_metadata("title_ar is longer than 200 characters or holds a control character")
        })?,
        en: title_part("title_en", get("title_en")).map_err(|_| {
            bad_metadata("title_en is longer than 200 characters or holds a control character")
        })?,
    };
    let row = resumable::announce(
        &state,
        &auth,
        Announcement {
            purpose: query.purpose.unwrap_or_default().domain(),
            workshop_id: query.workshop_id,
            platform_id,
            name: &name,
            title,
            length,
        },
    )
    .await?;
    let body = UploadResponse::from(row);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, body.upload_url.clone()))
        .insert_header(("Upload-Offset", "0"))
        .insert_header(("Upload-Expires", http_date(body.expires_at)))
        .json(body))
}

/// Where one of the caller's uploads stands (tus's `HEAD`, answered alike to `GET`): how many
/// bytes arrived (`Upload-Offset`) and until when it may be resumed. Another's upload is 404,
/// an expired one 410.
#[utoipa::path(
    tag = "files",
    params(("id" = String, Path, description = "Upload id", max_length = 32)),
    responses(
        (status = 200, body = UploadResponse, headers(
            ("Upload-Offset" = i64, description = "How many bytes arrived"),
            ("Upload-Length" = i64, description = "The announced length"),
            ("Upload-Expires" = String, description = "Until when it may be resumed (an HTTP date)"),
            ("Cache-Control" = String, description = "no-store"),
            ("Tus-Resumable" = String, description = "1.0.0"),
        )),
        (status = 410, description = "Expired before it was finished", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_upload(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    check_version(req.headers(), false)?;
    let row = resumable::own(&state, &auth, &id).await?;
    let body = UploadResponse::from(row);
    Ok(HttpResponse::Ok()
        .insert_header(("Upload-Offset", body.offset.to_string()))
        .insert_header(("Upload-Length", body.length.to_string()))
        .insert_header(("Upload-Expires", http_date(body.expires_at)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
}

/// Sends an upload's bytes from `Upload-Offset`, which must be where it stands (409 otherwise:
/// ask with `HEAD`), as `application/offset+octet-stream` (tus's type; plain
/// `application/octet-stream` is taken too). A connection that drops keeps what arrived. With `Upload-Checksum` the
/// chunk is kept only if it matches (460 otherwise). The chunk that completes the upload makes
/// the file: its type is told from its bytes, and `Content-Location` names it.
#[utoipa::path(
    tag = "files",
    params(
        ("id" = String, Path, description = "Upload id", max_length = 32),
        ("Tus-Resumable" = TusVersion, Header, description = "The tus version: 1.0.0"),
        ("Upload-Offset" = i64, Header, description = "Where these bytes begin (decimal digits): where the upload stands (409 elsewhere)", minimum = 0),
        ("Upload-Checksum" = Option<String>, Header, nullable = false, description = "The chunk's checksum: `sha256 ` or `sha1 ` and the base64 digest (460 when it does not match)", max_length = 51, pattern = "^(sha1 [A-Za-z0-9+/]{27}=|sha256 [A-Za-z0-9+/]{43}=)$"),
    ),
    request_body(content(
        (super::upload::FileBytes = "application/offset+octet-stream"),
        (super::upload::FileBytes = "application/octet-stream"),
    )),
    responses(
        (status = 204, description = "Kept", headers(
            ("Upload-Offset" = i64, description = "Where the upload now stands"),
            ("Upload-Expires" = String, description = "Until when it may be resumed (an HTTP date)"),
            ("Content-Location" = String, description = "The file it became, when this chunk completed it"),
            ("Tus-Resumable" = String, description = "1.0.0"),
        )),
        (status = 410, description = "Expired before it was finished", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Tus-Resumable is missing or another version", body = crate::error::Problem, content_type = "application/problem+json", headers(
            ("Tus-Version" = String, description = "1.0.0"),
        )),
        (status = 413, description = "Past the announced length, or the upload is longer than its kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/offset+octet-stream (or application/octet-stream), or the whole file is not a type taken here", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 460, description = "The chunk does not match Upload-Checksum: nothing of it was kept", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn append_upload(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers();
    check_version(headers, true)?;
    // tus's own type, or plain bytes (what clients generated from this document send).
    let is_bytes = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            [
                "application/offset+octet-stream",
                "application/octet-stream",
            ]
            .iter()
            .any(|b| t.trim().eq_ignore_ascii_case(b))
        });
    if !is_bytes {
        return Err(ApiError::UnsupportedMediaType);
    }
    let offset =
        number(headers, "upload-offset")?.ok_or_else(|| bad_header("Upload-Offset", "required"))?;
    let checksum = checksum(headers)?;
    let row = resumable::own(&state, &auth, &id).await?;
    // The caller must still manage the workshop's platform.
    managed_workshop(&state, &auth, row.workshop_id).await?;
    let done = resumable::append(&state, &auth, row, offset, checksum, &mut body).await?;
    let mut res = HttpResponse::NoContent();
    res.insert_header(("Upload-Offset", done.upload.received.to_string()))
        .insert_header(("Upload-Expires", http_date(done.upload.expires_at)));
    if let Some(file) = done.file {
        res.insert_header((
            header::CONTENT_LOCATION,
            format!("/api/v1/files/{}", file.id),
        ));
    }
    Ok(res.finish())
}

/// Abandons one of the caller's uploads (tus's termination): what arrived is removed. A file it
/// already became stays.
#[utoipa::path(
    tag = "files",
    params(
        ("id" = String, Path, description = "Upload id", max_length = 32),
        ("Tus-Resumable" = TusVersion, Header, description = "The tus version: 1.0.0"),
    ),
    responses(
        (status = 204, description = "Removed", headers(("Tus-Resumable" = String, description = "1.0.0"))),
        (status = 410, description = "Expired before it was finished (the housekeeping job removes it)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Tus-Resumable is missing or another version", body = crate::error::Problem, content_type = "application/problem+json", headers(
            ("Tus-Version" = String, description = "1.0.0"),
        )),
    )
)]
#[delete("/{id}")]
pub async fn terminate_upload(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    check_version(req.headers(), true)?;
    let row = resumable::own(&state, &auth, &id).await?;
    resumable::terminate(&state, row).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `Tus-Resumable` must say 1.0.0 (and be there at all where `required`).
fn check_version(headers: &HeaderMap, required: bool) -> Result<(), ApiError> {
    match headers.get("tus-resumable").map(HeaderValue::as_bytes) {
        Some(v) if v == TUS_VERSION.as_bytes() => Ok(()),
        None if !required => Ok(()),
        _ => Err(ApiError::Problem(
            ProblemCode::TusVersion,
            Text::new(
                "Send Tus-Resumable: 1.0.0, the version of tus this server speaks.",
                "أرسل Tus-Resumable: 1.0.0، إصدار tus الذي يتحدثه هذا الخادم.",
            ),
        )),
    }
}

/// A header of decimal digits.
fn number(headers: &HeaderMap, name: &str) -> Result<Option<u64>, ApiError> {
    let Some(v) = headers.get(name) else {
        return Ok(None);
    };
    let text = v.to_str().unwrap_or_default();
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_header(name, "expected decimal digits"));
    }
    text.parse()
        .map(Some)
        .map_err(|_| bad_header(name, "expected decimal digits"))
}

/// `Upload-Metadata`: comma-separated `key base64(value)` pairs (a key alone has an empty
/// value); values must be UTF-8.
fn metadata(headers: &HeaderMap) -> Result<Vec<(String, String)>, ApiError> {
    let Some(v) = headers.get("upload-metadata") else {
        return Ok(Vec::new());
    };
    if v.len() > MAX_METADATA_BYTES {
        return Err(bad_metadata("it is longer than 4096 bytes"));
    }
    let text = v.to_str().map_err(|_| bad_metadata("it is not ASCII"))?;
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        if key.is_empty() || out.iter().any(|(k, _)| k == key) {
            return Err(bad_metadata("each key once, as `key base64(value)`"));
        }
        let bytes = LENIENT_BASE64
            .decode(value.trim())
            .map_err(|_| bad_metadata("a value is not base64"))?;
        let value =
            String::from_utf8(bytes).map_err(|_| bad_metadata("a value is not UTF-8 text"))?;
        out.push((key.to_owned(), value));
    }
    Ok(out)
}

fn bad_metadata(why: &str) -> ApiError {
    ApiError::field(
        "/Upload-Metadata",
        "tus_metadata",
        Text::new(
            format!("Upload-Metadata: {why}."),
            "الترويسة Upload-Metadata غير صالحة: أزواج مفتاح وقيمة بترميز base64، ومنها filename."
                .to_owned(),
        ),
    )
}

/// Base64 as tus clients write it: padded, and trailing bits not insisted on.
const LENIENT_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// `Upload-Checksum`: an algorithm and a base64 digest of its length.
fn checksum(headers: &HeaderMap) -> Result<Option<Checksum>, ApiError> {
    let Some(v) = headers.get("upload-checksum") else {
        return Ok(None);
    };
    let text = v.to_str().unwrap_or_default();
    let (name, digest) = text.split_once(' ').unwrap_or((text, ""));
    let algorithm = Algorithm::parse(name)
        .ok_or_else(|| bad_checksum("the algorithm is not one taken here (sha256, sha1)"))?;
    let digest = LENIENT_BASE64
        .decode(digest.trim())
        .ok()
        .filter(|d| {
            d.len()
                == match algorithm {
                    Algorithm::Sha1 => 20,
                    Algorithm::Sha256 => 32,
                }
        })
        .ok_or_else(|| bad_checksum("the digest is not base64 of its length"))?;
    Ok(Some(Checksum { algorithm, digest }))
}

fn bad_checksum(why: &str) -> ApiError {
    ApiError::field(
        "/Upload-Checksum",
        "tus_checksum",
        Text::new(
            format!("Upload-Checksum: {why}."),
            "الترويسة Upload-Checksum غير صالحة: sha256 أو sha1 ثم الملخص بترميز base64."
                .to_owned(),
        ),
    )
}

fn bad_header(name: &str, why: &str) -> ApiError {
    ApiError::Problem(
        ProblemCode::InvalidParameter,
        Text::new(
            format!("{name}: {why}."),
            format!("الترويسة {name} غير صالحة."),
        ),
    )
}

fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}
