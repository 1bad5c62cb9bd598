//! Reading a file back: its bytes as they were uploaded, whole or one byte range (RFC 9110
//! §14: a phone resumes a large PDF where it stopped), tagged by their SHA-256, named as they
//! were uploaded (RFC 6266, Arabic names included), never compressed on the way.

use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, get, web};
use futures_util::TryStreamExt;

use serde::Deserialize;
use utoipa::IntoParams;

use super::visible_file;
use crate::access::require_signed_link;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::files::FileStatus;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::state::AppState;

/// A signed link's fields (both, or neither).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignedLink {
    /// Until when the link holds (Unix seconds), as `POST /files/{id}/links` wrote it.
    #[param(minimum = 0)]
    pub expires: Option<i64>,
    /// The link's signature, as written.
    #[param(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub signature: Option<String>,
}

/// A file held for scanning is not read.
pub(super) fn ready(f: &entity::stored_file::Model) -> Result<(), ApiError> {
    if f.status == FileStatus::PendingScan.as_str() {
        return Err(ApiError::Problem(
            ProblemCode::PendingScan,
            Text::new(
                "The file is held until the virus scanner passes it: try again shortly.",
                "الملف محجوز حتى يجتازه فاحص الفيروسات: حاول بعد قليل.",
            ),
        ));
    }
    Ok(())
}

/// The bytes of a file as an answer's body.
pub struct FileContent;

impl utoipa::PartialSchema for FileContent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("binary".into())))
            .max_length(Some(super::upload::MAX_UPLOAD_BYTES))
            .description(Some(
                "The file's bytes (or the range asked for), of the type its `content_type` says.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for FileContent {}

/// A file's bytes (as visible as its workshop, or to whoever holds a signed link until it expires:
/// `expires` and `signature` as `POST /files/{id}/links` wrote them, 403 `invalid_link` when they
/// do not hold; 409 `pending_scan` while the virus scanner has not passed it), labelled with their type (`application/octet-stream`
/// when `Accept` asks for that and not their own): whole, or the one range `Range: bytes=…` asks
/// for (206; 416 when it starts past the end; a list of ranges is answered whole). `ETag` is
/// the bytes' SHA-256: `If-None-Match` answers 304, and `If-Range` with another tag answers
/// whole. `Content-Disposition` names the file as uploaded.
#[utoipa::path(
    tag = "files",
    security((), ("bearer" = [])),
    params(
        ("id" = i64, Path, description = "File id"),
        SignedLink,
        ("Range" = Option<String>, Header, description = "One byte range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; anything else (another unit, several ranges, a malformed one) is answered whole, as RFC 9110 allows", max_length = 100),
        ("If-Range" = Option<String>, Header, description = "The tag the range was read from: another tag answers the whole file", max_length = 100),
    ),
    responses(
        (status = 200, description = "The whole file, of the type it is (its `content_type`)", content((FileContent = "application/octet-stream"), (FileContent = "application/pdf"), (FileContent = "image/png"), (FileContent = "image/jpeg"), (FileContent = "image/webp"), (FileContent = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileContent = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (FileContent = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (FileContent = "application/vnd.oasis.opendocument.text"), (FileContent = "application/vnd.oasis.opendocument.spreadsheet"), (FileContent = "application/vnd.oasis.opendocument.presentation"), (FileContent = "video/mp4")), headers(
            ("ETag" = String, description = "The bytes' SHA-256, quoted"),
            ("Content-Disposition" = String, description = "attachment, with the file's name (RFC 6266)"),
            ("Accept-Ranges" = String, description = "bytes"),
        )),
        (status = 206, description = "The range asked for", content((FileContent = "application/octet-stream"), (FileContent = "application/pdf"), (FileContent = "image/png"), (FileContent = "image/jpeg"), (FileContent = "image/webp"), (FileContent = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileContent = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (FileContent = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (FileContent = "application/vnd.oasis.opendocument.text"), (FileContent = "application/vnd.oasis.opendocument.spreadsheet"), (FileContent = "application/vnd.oasis.opendocument.presentation"), (FileContent = "video/mp4")), headers(
            ("Content-Range" = String, description = "bytes first-last/size"),
            ("ETag" = String, description = "The bytes' SHA-256, quoted"),
        )),
        (status = 304, description = "Unchanged since the tag in If-None-Match"),
        (status = 416, description = "The range starts past the end", body = crate::error::Problem, content_type = "application/problem+json", headers(
            ("Content-Range" = String, description = "bytes */size"),
        )),
    )
)]
#[get("/files/{id}/content")]
pub async fn download_file(
    req: HttpRequest,
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    link: web::Query<SignedLink>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let f = match (link.expires, link.signature.as_deref()) {
        (None, None) => visible_file(&state.db, auth.as_ref(), id).await?,
        // A signed link reads the file whoever holds it, until it expires; half a link is
        // no link.
        (expires, signature) => {
            let now = state.clock.now();
            require_signed_link(
                &state.config.jwt_secret,
                id,
                expires.unwrap_or(i64::MIN),
                signature.unwrap_or_default(),
                now,
            )?;
            find_or_404::<entity::stored_file::Entity>(&state.db, id).await?
        }
    };
    serve(&req, &state, f).await
}

/// The latest version of a document (as visible as the document), read as any file is (see
/// `GET /files/{id}/content`: ranges, `ETag`, its name): its first byte counts a download.
/// 409 `no_version` before it has one.
#[utoipa::path(
    tag = "documents",
    security((), ("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Document id"),
        ("Range" = Option<String>, Header, description = "One byte range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; anything else is answered whole", max_length = 100),
        ("If-Range" = Option<String>, Header, description = "The tag the range was read from: another tag answers the whole file", max_length = 100),
    ),
    responses(
        (status = 200, description = "The whole latest version, of the type it is", content((FileContent = "application/octet-stream"), (FileContent = "application/pdf"), (FileContent = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileContent = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (FileContent = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (FileContent = "application/vnd.oasis.opendocument.text"), (FileContent = "application/vnd.oasis.opendocument.spreadsheet"), (FileContent = "application/vnd.oasis.opendocument.presentation")), headers(
            ("ETag" = String, description = "The bytes' SHA-256, quoted"),
            ("Content-Disposition" = String, description = "attachment, with the file's name (RFC 6266)"),
            ("Accept-Ranges" = String, description = "bytes"),
        )),
        (status = 206, description = "The range asked for", content((FileContent = "application/octet-stream"), (FileContent = "application/pdf"), (FileContent = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileContent = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (FileContent = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (FileContent = "application/vnd.oasis.opendocument.text"), (FileContent = "application/vnd.oasis.opendocument.spreadsheet"), (FileContent = "application/vnd.oasis.opendocument.presentation")), headers(
            ("Content-Range" = String, description = "bytes first-last/size"),
            ("ETag" = String, description = "The bytes' SHA-256, quoted"),
        )),
        (status = 304, description = "Unchanged since the tag in If-None-Match"),
        (status = 409, description = "The document has no version yet, or its latest is held for the virus scanner", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range starts past the end", body = crate::error::Problem, content_type = "application/problem+json", headers(
            ("Content-Range" = String, description = "bytes */size"),
        )),
    )
)]
#[get("/documents/{id}/content")]
pub async fn download_document(
    req: HttpRequest,
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    use entity::stored_file;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let (d, _) = crate::access::visible_document(&state.db, auth.as_ref(), id.into_inner()).await?;
    let latest = stored_file::Entity::find()
        .filter(stored_file::Column::DocumentId.eq(d.id))
        .order_by_desc(stored_file::Column::DocumentVersion)
        .one(&state.db)
        .await?
        .ok_or_else(|| {
            ApiError::Problem(
                ProblemCode::NoVersion,
                Text::new("The document has no version yet.", "لا نسخة للوثيقة بعد."),
            )
        })?;
    serve(&req, &state, latest).await
}

/// A file's bytes as the answer to `req` (whole, a range, or 304); a read of a document's
/// version from its first byte counts a download.
async fn serve(
    req: &HttpRequest,
    state: &AppState,
    f: entity::stored_file::Model,
) -> Result<HttpResponse, ApiError> {
    ready(&f)?;
    let tag = tag_of(&f.sha256);
    let size = u64::try_from(f.size).unwrap_or(0);
    let headers = req.headers();
    if let Some(none_match) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && none_match
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == tag)
    {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .finish());
    }
    let if_range_holds = header_text(req, header::IF_RANGE)?.is_none_or(|t| t.trim() == tag);
    let range = match header_text(req, header::RANGE)? {
        Some(r) if if_range_holds => match parse_range(r, size) {
            Asked::Whole => None,
            Asked::Part(part) => Some(part),
            Asked::Unsatisfiable => return Err(ApiError::RangeNotSatisfiable { size }),
        },
        _ => None,
    };
    if let Some(document) = f.document_id
        && range.as_ref().is_none_or(|r| r.start == 0)
    {
        crate::services::programme::documents::count_download(&state.db, document).await?;
    }
    let fetched = state
        .storage
        .get(&f.storage_key, range.clone())
        .await
        .map_err(|e| {
            tracing::error!(file = f.id, error = %e, "a file's bytes could not be read");
            ApiError::Unavailable(Text::new(
                "The file store does not answer.",
                "مخزن الملفات لا يستجيب.",
            ))
        })?;
    let mut res = match &range {
        Some(_) => HttpResponse::PartialContent(),
        None => HttpResponse::Ok(),
    };
    let sent = fetched.range.end - fetched.range.start;
    res.insert_header((header::CONTENT_TYPE, answered_type(req, &f.content_type)))
        .insert_header((header::ETAG, tag))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        // Stored bytes go out as they are: a PDF or an image gains nothing from compression,
        // and a range of a compressed answer would not be a range of the file.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header(disposition(&f.name))
        .no_chunking(sent);
    if range.is_some() {
        res.insert_header((
            header::CONTENT_RANGE,
            format!(
                "bytes {}-{}/{}",
                fetched.range.start,
                fetched.range.end.saturating_sub(1),
                fetched.size
            ),
        ));
    }
    Ok(res.streaming(fetched.body.map_err(|e| {
        tracing::warn!(error = %e, "a file's bytes broke off while being sent");
        actix_web::error::ErrorServiceUnavailable("the file store broke off")
    })))
}

/// The longest `Range` or `If-Range` read, as the document says.
const MAX_RANGE_CHARS: usize = 100;

/// A `Range` or `If-Range` field as text; 400 when it holds anything but printable ASCII or is
/// longer than the document allows (a malformed range of printable text is answered whole).
fn header_text(req: &HttpRequest, name: header::HeaderName) -> Result<Option<&str>, ApiError> {
    let Some(value) = req.headers().get(&name) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(text) if text.len() <= MAX_RANGE_CHARS => Ok(Some(text)),
        _ => Err(ApiError::Problem(
            crate::error::ProblemCode::InvalidParameter,
            Text::new(
                format!("{name} holds at most {MAX_RANGE_CHARS} printable ASCII characters."),
                format!(
                    "الترويسة \u{2066}{name}\u{2069} تحمل \u{2066}{MAX_RANGE_CHARS}\u{2069} محرفًا مطبوعًا من ASCII على الأكثر."
                ),
            ),
        )),
    }
}

/// The type an answer is labelled with: the file's own, unless `Accept` takes only
/// `application/octet-stream` of the two (a client that wants bytes, whatever they are).
fn answered_type(req: &HttpRequest, own: &str) -> String {
    const BYTES: &str = "application/octet-stream";
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return own.to_owned();
    };
    let family = own.split('/').next().unwrap_or(own);
    let ranges: Vec<&str> = accept
        .split(',')
        .map(|r| r.split(';').next().unwrap_or("").trim())
        .collect();
    let takes_own = ranges
        .iter()
        .any(|r| *r == "*/*" || r.eq_ignore_ascii_case(own) || *r == format!("{family}/*"));
    if !takes_own && ranges.iter().any(|r| r.eq_ignore_ascii_case(BYTES)) {
        BYTES.to_owned()
    } else {
        own.to_owned()
    }
}

/// A file's `ETag`: the first 96 bits of its SHA-256, in URL-safe base64 (the shape of every tag
/// this API answers).
fn tag_of(sha256_hex: &str) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..sha256_hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(sha256_hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    format!("\"{}\"", encoded.get(..16).unwrap_or(&encoded))
}

/// `attachment`, with an ASCII name for old clients and the UTF-8 one (RFC 5987) for the rest.
fn disposition(name: &str) -> ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut parameters = vec![DispositionParam::Filename(ascii)];
    if !name.is_ascii() {
        parameters.push(DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".to_owned()),
            language_tag: None,
            value: name.as_bytes().to_vec(),
        }));
    }
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters,
    }
}

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Asked {
    /// Nothing it can be held to (not bytes, a list of ranges, malformed): the whole file.
    Whole,
    /// These bytes.
    Part(std::ops::Range<u64>),
    /// A range that starts past the end (or an empty file's suffix).
    Unsatisfiable,
}

fn parse_range(value: &str, size: u64) -> Asked {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Asked::Whole;
    };
    if spec.contains(',') {
        return Asked::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Asked::Whole;
    };
    let number = |s: &str| -> Option<Option<u64>> {
        match s.trim() {
            "" => Some(None),
            t if t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok().map(Some),
            _ => None,
        }
    };
    let (Some(first), Some(last)) = (number(first), number(last)) else {
        return Asked::Whole;
    };
    match (first, last) {
        (Some(a), last) => {
            if last.is_some_and(|b| b < a) {
                return Asked::Whole;
            }
            if a >= size {
                return Asked::Unsatisfiable;
            }
            let end = last.map_or(size, |b| b.saturating_add(1).min(size));
            Asked::Part(a..end)
        }
        (None, Some(suffix)) => {
            if suffix == 0 || size == 0 {
                return Asked::Unsatisfiable;
            }
            Asked::Part(size.saturating_sub(suffix)..size)
        }
        (None, None) => Asked::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(parse_range("bytes=0-99", 1000), Asked::Part(0..100));
        assert_eq!(parse_range("bytes=900-", 1000), Asked::Part(900..1000));
        assert_eq!(parse_range("bytes=-100", 1000), Asked::Part(900..1000));
        assert_eq!(parse_range("bytes=-5000", 1000), Asked::Part(0..1000));
        assert_eq!(parse_range("bytes=990-2000", 1000), Asked::Part(990..1000));
        assert_eq!(parse_range("bytes=1000-", 1000), Asked::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Asked::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), Asked::Whole);
        assert_eq!(parse_range("bytes=0-1,5-9", 1000), Asked::Whole);
        assert_eq!(parse_range("items=0-1", 1000), Asked::Whole);
        assert_eq!(parse_range("bytes=a-b", 1000), Asked::Whole);
        assert_eq!(parse_range("bytes=-", 1000), Asked::Whole);
    }

    #[test]
    fn the_document_names_every_type_a_file_can_be_read_as() {
        let doc = crate::openapi::document();
        let answers = &doc["paths"]["/api/v1/files/{id}/content"]["get"]["responses"];
        let known: Vec<&str> = crate::domain::files::KNOWN.iter().map(|t| t.mime).collect();
        for status in ["200", "206"] {
            let documented: Vec<&str> = answers[status]["content"]
                .as_object()
                .map(|c| c.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let mut expected = known.clone();
            // Asked for by `Accept` alone.
            expected.push("application/octet-stream");
            expected.sort_unstable();
            let mut documented = documented;
            documented.sort_unstable();
            assert_eq!(documented, expected, "{status}");
        }
    }

    #[test]
    fn an_arabic_name_goes_out_in_utf_8_beside_an_ascii_one() {
        let d = disposition("دليل المشاريع 2026.pdf").to_string();
        assert!(d.starts_with("attachment; filename=\""), "{d}");
        assert!(
            d.contains("filename*=UTF-8''%D8%AF%D9%84%D9%8A%D9%84"),
            "{d}"
        );
        assert_eq!(
            disposition("slides.pdf").to_string(),
            "attachment; filename=\"slides.pdf\""
        );
    }
}
