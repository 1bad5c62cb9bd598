//! Uploads: a multipart form (a browser's `<input type=file>`), or the raw bytes with the name in
//! the query (a script's or a partner portal's). Either streams to the file store as it arrives.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{FileResponse, WorkshopFilePurpose, rules};
use crate::auth::AuthUser;
use crate::domain::BilingualText;
use crate::domain::files::Purpose;
use crate::error::ApiError;
use crate::i18n::Text;
use crate::services::files::{self, Held, Parent, Upload};
use crate::state::AppState;

/// The largest upload the configuration allows (1 TiB), as the document states it.
pub const MAX_UPLOAD_BYTES: usize = 1 << 40;

/// The longest title, in characters.
const MAX_TITLE_CHARS: usize = 200;

/// A request body of bytes, at most `max` of them.
fn bytes_schema(
    max: usize,
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom("binary".into())))
        .max_length(Some(max))
        .description(Some(description))
        .into()
}

/// The bytes of a file, as a request's body.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        bytes_schema(
            MAX_UPLOAD_BYTES,
            "The file's bytes: a PDF, a PNG, JPEG or WebP image, a Word, Excel or PowerPoint \
             file (OOXML), an OpenDocument text, spreadsheet or presentation, or an MP4 video; \
             for a material at most 200 MiB, for an agenda or minutes (PDF, image, Word or \
             OpenDocument text) 50 MiB, unless the server is configured otherwise \
             (`UPLOAD_MAX_MIB_MATERIAL`, `UPLOAD_MAX_MIB_AGENDA`, `UPLOAD_MAX_MIB_MINUTES`). The \
             type is told from the bytes.",
        )
    }
}

impl ToSchema for FileBytes {}

/// The bytes of a photo, as a request's body.
pub struct PhotoBytes;

impl utoipa::PartialSchema for PhotoBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        bytes_schema(
            MAX_UPLOAD_BYTES,
            "The photo's bytes: a PNG, JPEG or WebP image, at most 5 MiB unless the server is \
             configured otherwise (`UPLOAD_MAX_MIB_PHOTO`). The type is told from the bytes.",
        )
    }
}

impl ToSchema for PhotoBytes {}

/// A multipart upload: the file, and its title (no other part).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct FileUploadForm {
    /// The file (its part's `filename` is kept as its name).
    #[schema(value_type = String, format = Binary, max_length = 1099511627776usize)]
    file: Vec<u8>,
    /// Its title in Arabic (none: empty), without control characters.
    #[schema(
        max_length = 200,
        required = false,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    title_ar: String,
    /// Its title in English (none: empty), without control characters.
    #[schema(
        max_length = 200,
        required = false,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    title_en: String,
}

/// What a workshop's upload is attached as.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkshopUploadQuery {
    /// `material` when absent.
    pub purpose: Option<WorkshopFilePurpose>,
}

/// A raw upload's name and title, and what it is attached as.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RawUploadQuery {
    /// `material` when absent.
    pub purpose: Option<WorkshopFilePurpose>,
    /// The file's name (folders are dropped; an extension that says what it is is added when
    /// it has none). At most 200 characters here, as every query parameter; a multipart form's
    /// file name may have 255.
    #[param(min_length = 1, max_length = 200)]
    pub name: String,
    /// Its title in Arabic.
    #[param(max_length = 200)]
    pub title_ar: Option<String>,
    /// Its title in English.
    #[param(max_length = 200)]
    pub title_en: Option<String>,
}

/// The platform of a workshop whose platform the caller manages.
pub(super) async fn managed_workshop(
    state: &AppState,
    auth: &AuthUser,
    id: i64,
) -> Result<Option<i64>, ApiError> {
    rules::changes(&state.db, auth, Parent::Workshop(id)).await
}

pub(super) fn title_part(field: &str, value: Option<String>) -> Result<String, ApiError> {
    let value = value.unwrap_or_default().trim().to_owned();
    if value.chars().count() > MAX_TITLE_CHARS || value.chars().any(char::is_control) {
        return Err(bad_title(field));
    }
    Ok(value)
}

fn bad_title(field: &str) -> ApiError {
    ApiError::field(
        &format!("/{field}"),
        "title",
        Text::new(
            format!("A title is at most {MAX_TITLE_CHARS} characters, without control characters."),
            format!("العنوان \u{2066}{MAX_TITLE_CHARS}\u{2069} محرفًا على الأكثر، بلا محارف تحكم."),
        ),
    )
}

pub(super) fn created(row: entity::stored_file::Model) -> HttpResponse {
    let body = FileResponse::from(row);
    HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/files/{}", body.id),
        ))
        .json(body)
}

/// Attaches a file to a workshop (its platform's managers) as a material, its agenda or its
/// minutes (`purpose`), from a multipart form: the `file` part (its `filename` is kept) and
/// optional `title_ar` and `title_en` parts. The file streams to the store as it arrives; its
/// type is told from its bytes.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Workshop id"), WorkshopUploadQuery),
    request_body(content = FileUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileResponse),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a type taken here (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/workshops/{id}/files")]
pub async fn upload_file(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<WorkshopUploadQuery>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let purpose = query.purpose.unwrap_or_default().domain();
    attach_form(
        &state,
        &auth,
        Parent::Workshop(id.into_inner()),
        purpose,
        form,
    )
    .await
}

/// Attaches a file from a multipart form to a parent the caller changes: the rights first, then
/// the form ([`read_form`]), then the row.
pub(super) async fn attach_form(
    state: &AppState,
    auth: &AuthUser,
    parent: Parent,
    purpose: Purpose,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let platform_id = rules::changes(&state.db, auth, parent).await?;
    let (held, name, title) = read_form(state, purpose, form).await?;
    record(state, auth, (parent, platform_id), (&name, title), held).await
}

/// Records held bytes as a file of `parent` (counted against `platform_id`), named and titled.
async fn record(
    state: &AppState,
    auth: &AuthUser,
    (parent, platform_id): (Parent, Option<i64>),
    (name, title): (&str, BilingualText),
    held: Held,
) -> Result<HttpResponse, ApiError> {
    let upload = Upload {
        parent,
        platform_id,
        name,
        title,
        resumable: None,
    };
    Ok(created(files::attach(state, auth, upload, held).await?))
}

/// Reads an upload's form: the `file` part streamed to the store, and the titles. Refused, the
/// stored bytes are removed.
async fn read_form(
    state: &AppState,
    purpose: Purpose,
    mut form: Multipart,
) -> Result<(Held, String, BilingualText), ApiError> {
    let mut held: Option<(Held, String)> = None;
    let mut titles = (None, None);
    let outcome: Result<(), ApiError> = async {
        while let Some(field) = form.next().await {
            let mut field = field.map_err(|e| malformed(&e.to_string()))?;
            let name = field.name().unwrap_or_default().to_owned();
            match name.as_str() {
                "file" if held.is_none() => {
                    let file_name = field
                        .content_disposition()
                        .and_then(|d| d.get_filename().map(str::to_owned))
                        .unwrap_or_default();
                    let bytes = files::hold(state, purpose, &mut field).await?;
                    held = Some((bytes, file_name));
                }
                "title_ar" | "title_en" => {
                    let text = small_text(&mut field).await?;
                    if name == "title_ar" {
                        titles.0 = Some(text);
                    } else {
                        titles.1 = Some(text);
                    }
                }
                "file" => return Err(malformed("Send one file per upload.")),
                other => {
                    return Err(malformed(&format!(
                        "Unknown part {other:?}: send file, title_ar and title_en."
                    )));
                }
            }
        }
        Ok(())
    }
    .await;
    let title = outcome.and_then(|()| {
        Ok(BilingualText {
            ar: title_part("title_ar", titles.0.take())?,
            en: title_part("title_en", titles.1.take())?,
        })
    });
    match (held, title) {
        (Some((held, name)), Ok(title)) => Ok((held, name, title)),
        (Some((h, _)), Err(e)) => {
            files::discard(state, h).await;
            Err(e)
        }
        (None, Err(e)) => Err(e),
        (None, Ok(_)) => Err(ApiError::field(
            "/file",
            "required",
            Text::new(
                "The form has no file part.",
                "لا يحوي النموذج جزءًا باسم file.",
            ),
        )),
    }
}

/// Attaches a file to a workshop (its platform's managers) as a material, its agenda or its
/// minutes (`purpose`), from the raw bytes of the body, the name in the query. The body streams to the store as it arrives; its type is
/// told from its bytes, whatever `Content-Type` says.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Workshop id"), RawUploadQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = FileResponse),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a type taken here (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/workshops/{id}/files/raw")]
pub async fn upload_raw_file(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<RawUploadQuery>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let title = BilingualText {
        ar: title_part("title_ar", q.title_ar)?,
        en: title_part("title_en", q.title_en)?,
    };
    let purpose = q.purpose.unwrap_or_default().domain();
    let parent = Parent::Workshop(id.into_inner());
    attach_raw(&state, &auth, parent, (purpose, &q.name, title), body).await
}

/// Attaches a file from a request's raw body to a parent the caller changes: the rights first,
/// then the bytes, then the row. `what` is its purpose, its name and its title.
pub(super) async fn attach_raw(
    state: &AppState,
    auth: &AuthUser,
    parent: Parent,
    what: (Purpose, &str, BilingualText),
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (purpose, name, title) = what;
    let platform_id = rules::changes(&state.db, auth, parent).await?;
    let held = files::hold(state, purpose, &mut body).await?;
    record(state, auth, (parent, platform_id), (name, title), held).await
}

/// A text part of a form, read whole (a title: a few hundred bytes at most).
async fn small_text(field: &mut actix_multipart::Field) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| malformed(&e.to_string()))?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() > 4 * MAX_TITLE_CHARS {
            return Err(bad_title(&name));
        }
    }
    String::from_utf8(bytes).map_err(|_| malformed("A title is not UTF-8 text."))
}

fn malformed(reason: &str) -> ApiError {
    ApiError::Problem(
        crate::error::ProblemCode::BadRequest,
        Text::new(
            format!("The multipart form cannot be read: {reason}"),
            "تعذرت قراءة النموذج متعدد الأجزاء.".to_owned(),
        ),
    )
}
