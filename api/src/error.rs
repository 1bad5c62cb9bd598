//! One error type for the whole API, rendered as `application/problem+json` (RFC 9457).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use sea_orm::{DbErr, RuntimeErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{Lang, Text};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// JSON Pointer (RFC 6901) into the request body, or the query parameter's name.
    pub pointer: String,
    pub code: String,
    pub message: Text,
}

impl FieldError {
    pub fn new(pointer: impl Into<String>, code: impl Into<String>, message: Text) -> FieldError {
        FieldError {
            pointer: pointer.into(),
            code: code.into(),
            message,
        }
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {}", .0.en)]
    BadRequest(Text),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("unauthorized: {}", .0.en)]
    Unauthorized(Text),
    #[error("forbidden: {}", .0.en)]
    Forbidden(Text),
    #[error("not found: {}", .0.en)]
    NotFound(Text),
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    #[error("conflict: {}", .0.en)]
    Conflict(Text),
    #[error("precondition failed: {}", .0.en)]
    PreconditionFailed(Text),
    #[error("precondition required: {}", .0.en)]
    PreconditionRequired(Text),
    #[error("payload too large")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("unavailable: {}", .0.en)]
    Unavailable(Text),
    #[error("database error: {0}")]
    Db(DbErr),
    #[error("unexpected error: {0}")]
    Unexpected(String),
}

impl From<DbErr> for ApiError {
    /// Constraint violations are the caller's doing and answer alike on both databases; anything
    /// else is ours.
    fn from(err: DbErr) -> Self {
        if is_foreign_key_violation(&err) {
            return ApiError::field(
                "",
                "reference",
                Text::new(
                    "The request refers to a record that does not exist.",
                    "يشير الطلب إلى سجل غير موجود.",
                ),
            );
        }
        match (err.sql_err(), err) {
            (Some(SqlErr::UniqueConstraintViolation(_)), _) => ApiError::Conflict(Text::new(
                "A record with the same unique value already exists.",
                "يوجد سجل آخر بالقيمة الفريدة نفسها.",
            )),
            (_, DbErr::RecordNotFound(_)) => ApiError::not_found(),
            (_, other) => ApiError::Db(other),
        }
    }
}

/// A foreign-key violation on either backend. SQLite reports a parent row deleted under its
/// children as `SQLITE_CONSTRAINT_TRIGGER` (extended code 1811), which `sql_err()` leaves
/// unclassified; the code (not the message text) identifies it.
pub fn is_foreign_key_violation(err: &DbErr) -> bool {
    if matches!(
        err.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    ) {
        return true;
    }
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sea_orm::sqlx::Error::Database(db) => {
                    db.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                        .is_some()
                        && db.code().as_deref() == Some("1811")
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The RFC 9457 body, as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI identifying the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "urn:problem:validation-error")]
    pub kind: String,
    #[schema(example = "Validation failed")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    #[schema(example = "The request body has 1 invalid field.")]
    pub detail: String,
    /// The request path that failed.
    #[schema(example = "/api/v1/local-authorities")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id (also in the `X-Request-Id` header), for support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Field-level details of a validation error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
}

/// One invalid field in a `Problem`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// Dotted path of the field (`name.ar`), or the parameter's name.
    #[schema(example = "name.ar")]
    pub field: String,
    /// JSON Pointer into the request body.
    #[schema(example = "/name/ar")]
    pub pointer: String,
    /// A stable machine-readable code.
    #[schema(example = "length")]
    pub code: String,
    #[schema(example = "must be between 1 and 200 characters long")]
    pub message: String,
}

impl ApiError {
    pub fn not_found() -> ApiError {
        ApiError::NotFound(Text::new(
            "The requested resource does not exist.",
            "المورد المطلوب غير موجود.",
        ))
    }

    pub fn forbidden() -> ApiError {
        ApiError::Forbidden(Text::new(
            "You are not allowed to do this.",
            "ليست لديك صلاحية القيام بذلك.",
        ))
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::Unauthorized(Text::new(
            "A valid access token is required.",
            "يلزم رمز وصول صالح.",
        ))
    }

    /// A single invalid field.
    pub fn field(pointer: &str, code: &str, message: Text) -> ApiError {
        ApiError::Validation(vec![FieldError::new(pointer, code, message)])
    }

    /// Maps a foreign-key violation on delete ("still referenced") to 409; anything else as usual.
    pub fn from_delete(err: DbErr) -> ApiError {
        if is_foreign_key_violation(&err) {
            return ApiError::Conflict(Text::new(
                "The record is still referenced by other records.",
                "السجل ما زال مرتبطًا بسجلات أخرى.",
            ));
        }
        ApiError::from(err)
    }

    fn slug_and_title(&self) -> (&'static str, Text) {
        match self {
            ApiError::BadRequest(_) => ("bad-request", Text::new("Bad request", "طلب غير صالح")),
            ApiError::Validation(_) => (
                "validation-error",
                Text::new("Validation failed", "فشل التحقق من البيانات"),
            ),
            ApiError::Unauthorized(_) => (
                "unauthorized",
                Text::new("Authentication required", "المصادقة مطلوبة"),
            ),
            ApiError::Forbidden(_) => ("forbidden", Text::new("Forbidden", "غير مسموح")),
            ApiError::NotFound(_) => ("not-found", Text::new("Not found", "غير موجود")),
            ApiError::MethodNotAllowed(_) => (
                "method-not-allowed",
                Text::new("Method not allowed", "الطريقة غير مسموحة"),
            ),
            ApiError::Conflict(_) => ("conflict", Text::new("Conflict", "تعارض")),
            ApiError::PreconditionFailed(_) => (
                "precondition-failed",
                Text::new("Precondition failed", "فشل الشرط المسبق"),
            ),
            ApiError::PreconditionRequired(_) => (
                "precondition-required",
                Text::new("Precondition required", "الشرط المسبق مطلوب"),
            ),
            ApiError::PayloadTooLarge(_) => (
                "payload-too-large",
                Text::new("Payload too large", "حجم الطلب كبير جدًا"),
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported-media-type",
                Text::new("Unsupported media type", "نوع المحتوى غير مدعوم"),
            ),
            ApiError::TooManyRequests { .. } => (
                "too-many-requests",
                Text::new("Too many requests", "طلبات كثيرة جدًا"),
            ),
            ApiError::Unavailable(_) => (
                "unavailable",
                Text::new("Service unavailable", "الخدمة غير متاحة"),
            ),
            ApiError::Db(_) | ApiError::Unexpected(_) => (
                "internal-error",
                Text::new("Internal server error", "خطأ داخلي في الخادم"),
            ),
        }
    }

    fn detail(&self) -> Text {
        match self {
            ApiError::BadRequest(t)
            | ApiError::Unauthorized(t)
            | ApiError::Forbidden(t)
            | ApiError::NotFound(t)
            | ApiError::Conflict(t)
            | ApiError::PreconditionFailed(t)
            | ApiError::PreconditionRequired(t)
            | ApiError::Unavailable(t) => t.clone(),
            ApiError::Validation(errors) => Text::new(
                format!("The request has {} invalid field(s).", errors.len()),
                format!("يحتوي الطلب على {} من الحقول غير الصالحة.", errors.len()),
            ),
            ApiError::MethodNotAllowed(allowed) => Text::new(
                format!("This resource allows: {}.", allowed.join(", ")),
                format!("هذا المورد يسمح بـ: {}.", allowed.join("، ")),
            ),
            ApiError::PayloadTooLarge(limit) => Text::new(
                format!("The request body exceeds the limit of {limit} bytes."),
                format!("يتجاوز حجم الطلب الحد المسموح وهو {limit} بايت."),
            ),
            ApiError::UnsupportedMediaType => Text::new(
                "The request body must be sent as application/json.",
                "يجب إرسال محتوى الطلب بصيغة application/json.",
            ),
            ApiError::TooManyRequests { retry_after_secs } => Text::new(
                format!("Too many attempts. Try again in {retry_after_secs} seconds."),
                format!("محاولات كثيرة جدًا. حاول مجددًا بعد {retry_after_secs} ثانية."),
            ),
            ApiError::Db(_) | ApiError::Unexpected(_) => Text::new(
                "Something went wrong on our side. The request id identifies it for support.",
                "حدث خطأ من جهتنا. يمكن للدعم الفني تتبعه برقم الطلب.",
            ),
        }
    }

    /// The problem document in one language, for one request (when known).
    pub fn problem(&self, lang: Lang, ctx: Option<&RequestContext>) -> Problem {
        let (slug, title) = self.slug_and_title();
        let errors = match self {
            ApiError::Validation(errors) => Some(
                errors
                    .iter()
                    .map(|e| ProblemField {
                        field: pointer_to_field(&e.pointer),
                        pointer: e.pointer.clone(),
                        code: e.code.clone(),
                        message: e.message.get(lang).to_owned(),
                    })
                    .collect(),
            ),
            _ => None,
        };
        Problem {
            kind: format!("urn:problem:{slug}"),
            title: title.get(lang).to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail().get(lang).to_owned(),
            instance: ctx.map(|c| c.path.clone()),
            request_id: ctx.and_then(|c| c.request_id.clone()),
            errors,
        }
    }

    /// Renders the full response, localized for the request.
    pub fn render(&self, lang: Lang, ctx: Option<&RequestContext>) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::Unauthorized(_) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed(allowed) => {
                if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
                    res.insert_header((header::ALLOW, v));
                }
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.problem(lang, ctx)).unwrap_or_default();
        res.body(body)
    }
}

/// What a problem document says of the request it answers.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub path: String,
    pub request_id: Option<String>,
}

/// `/name/ar` → `name.ar`.
fn pointer_to_field(pointer: &str) -> String {
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Db(_) | ApiError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// English without request context; the middleware re-renders it for the request.
    fn error_response(&self) -> HttpResponse {
        self.render(Lang::En, None)
    }
}

/// Turns any error that is not ours (an extractor's, actix's own) into the matching problem.
pub fn from_status(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(0),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ApiError::unauthenticated(),
        StatusCode::FORBIDDEN => ApiError::forbidden(),
        s if s.is_client_error() => ApiError::BadRequest(Text::new(
            s.canonical_reason().unwrap_or("Bad request").to_owned(),
            "طلب غير صالح.",
        )),
        _ => ApiError::Unexpected(format!("status {status}")),
    }
}

/// Query-string errors: 400 with the parser's reason.
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(Text::new(
        format!("Invalid query string: {err}"),
        format!("معاملات الاستعلام غير صالحة: {err}"),
    ))
    .into()
}

/// Path-segment errors (`/users/abc`): 400.
pub fn path_error(err: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(Text::new(
        format!("Invalid path parameter: {err}"),
        format!("معامل المسار غير صالح: {err}"),
    ))
    .into()
}
