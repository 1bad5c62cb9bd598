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

macro_rules! problem_codes {
    ($($variant:ident = $code:literal, $status:literal, $en:literal, $ar:literal;)*) => {
        /// Every kind of problem a client may need to tell apart. Each has a stable `code`, a
        /// `type` URI (`urn:problem:` and the code with dashes), an HTTP status and a title.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ProblemCode {
            $(#[doc = $en] $variant,)*
        }

        impl ProblemCode {
            /// Every code, in the order declared.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant,)*];

            /// The stable machine-readable code.
            pub fn code(self) -> &'static str {
                match self { $(ProblemCode::$variant => $code,)* }
            }

            pub fn status(self) -> StatusCode {
                let status = match self { $(ProblemCode::$variant => $status,)* };
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }

            /// The short title, the same for every occurrence.
            pub fn title(self) -> Text {
                match self { $(ProblemCode::$variant => Text::new($en, $ar),)* }
            }
        }
    };
}

problem_codes! {
    BadRequest = "bad_request", 400, "Bad request", "طلب غير صالح";
    MalformedJson = "malformed_json", 400, "The body is not valid JSON", "المحتوى ليس JSON صالحًا";
    ControlCharacter = "control_character", 400, "A control character in the URL", "محرف تحكم في الرابط";
    InvalidParameter = "invalid_parameter", 400, "Invalid query, path or header parameter", "معامل استعلام أو مسار أو ترويسة غير صالح";
    InvalidCursor = "invalid_cursor", 400, "The cursor is not one this API issued", "قيمة cursor غير صادرة عن هذه الواجهة";
    InvalidIdempotencyKey = "invalid_idempotency_key", 400, "Invalid Idempotency-Key", "قيمة Idempotency-Key غير صالحة";
    Unauthorized = "unauthorized", 401, "Authentication required", "المصادقة مطلوبة";
    InvalidCredentials = "invalid_credentials", 401, "Wrong email or password", "البريد الإلكتروني أو كلمة المرور غير صحيحة";
    InvalidRefreshToken = "invalid_refresh_token", 401, "Invalid refresh token", "رمز التحديث غير صالح";
    Forbidden = "forbidden", 403, "Forbidden", "غير مسموح";
    AdminOnly = "admin_only", 403, "Administrators only", "للمسؤولين فقط";
    NotAManager = "not_a_manager", 403, "Not a coordinator of this platform", "ليس منسقًا لهذه المنصة";
    NotAMember = "not_a_member", 403, "Not an active member of this platform", "ليس عضوًا فاعلًا في هذه المنصة";
    NotAnEditor = "not_an_editor", 403, "Not an author or coordinator of this paper", "ليس مؤلفًا للورقة أو منسقًا لها";
    NotAPartnershipManager = "not_a_partnership_manager", 403, "Not a manager of partnership agreements", "ليس مديرًا لاتفاقيات الشراكة";
    NoLocalAuthority = "no_local_authority", 403, "The caller belongs to no local authority", "لا ينتمي المستخدم إلى هيئة محلية";
    MembersOnly = "members_only", 403, "For the platform's members", "مخصص لأعضاء المنصة";
    InsufficientScope = "insufficient_scope", 403, "The API key lacks the scope this needs", "مفتاح الواجهة لا يملك الصلاحية المطلوبة";
    InvalidLink = "invalid_link", 403, "The link is not valid or has expired", "الرابط غير صالح أو انتهت صلاحيته";
    NotForApiKeys = "not_for_api_keys", 403, "For people, not API keys", "للأشخاص لا لمفاتيح الواجهة";
    NomineeOnly = "nominee_only", 403, "Only the nominee may do this", "للمرشح نفسه فقط";
    NotFound = "not_found", 404, "Not found", "غير موجود";
    MethodNotAllowed = "method_not_allowed", 405, "Method not allowed", "الطريقة غير مسموحة";
    Duplicate = "duplicate", 409, "Already exists", "موجود بالفعل";
    StillReferenced = "still_referenced", 409, "Still referenced", "ما زال مرتبطًا";
    LastAdmin = "last_admin", 409, "The last active administrator", "آخر مسؤول نشط";
    CannotDeleteSelf = "cannot_delete_self", 409, "Cannot delete one's own account", "لا يمكن حذف الحساب الشخصي";
    ElectionUnderWay = "election_under_way", 409, "An election is under way", "انتخابات جارية";
    WindowClosed = "window_closed", 409, "The election's window is not open", "نافذة الانتخابات غير مفتوحة";
    AlreadyVoted = "already_voted", 409, "Already voted for this seat", "تم التصويت لهذا المقعد";
    ResultsNotReady = "results_not_ready", 409, "Voting has not closed", "لم يُغلق التصويت بعد";
    AlreadyCertified = "already_certified", 409, "Already certified", "معتمدة بالفعل";
    AlreadyAMember = "already_a_member", 409, "Already a member, or a request is pending", "عضو بالفعل أو الطلب قيد المراجعة";
    NotPending = "not_pending", 409, "The request is not pending", "الطلب ليس قيد المراجعة";
    NotACurrentMember = "not_a_current_member", 409, "Not a current member", "ليس عضوًا حاليًا";
    AuthorityQuotaFull = "authority_quota_full", 409, "The local authority's seats are taken", "مقاعد الهيئة المحلية مشغولة";
    TransitionNotAllowed = "transition_not_allowed", 409, "This status change is not allowed", "تغيير الحالة غير مسموح";
    ConcurrentChange = "concurrent_change", 409, "Changed meanwhile", "تغير في الأثناء";
    NotEditable = "not_editable", 409, "Can no longer be changed", "لم يعد قابلًا للتعديل";
    NotDeletable = "not_deletable", 409, "Cannot be deleted in this state", "لا يمكن حذفه في هذه الحالة";
    NotEndorsable = "not_endorsable", 409, "The paper cannot be endorsed yet", "لا يمكن تأييد الورقة بعد";
    AlreadyEndorsed = "already_endorsed", 409, "Already endorsed by this authority", "أيدتها الهيئة بالفعل";
    PracticeNotPublished = "practice_not_published", 409, "The practice is not published", "الممارسة غير منشورة";
    OwnPractice = "own_practice", 409, "The caller's own authority shared this practice", "الممارسة من مشاركة هيئة المستخدم نفسها";
    AlreadyDecided = "already_decided", 409, "The request was already answered", "أُجيب عن الطلب بالفعل";
    NoVersion = "no_version", 409, "The document has no version yet", "لا نسخة للوثيقة بعد";
    DiscussionLocked = "discussion_locked", 409, "The discussion is locked", "النقاش مقفل";
    PostDeleted = "post_deleted", 409, "The reply was deleted", "حُذف الرد";
    NotAccepted = "not_accepted", 409, "The request is not accepted", "الطلب غير مقبول";
    WorkshopNotOpen = "workshop_not_open", 409, "The workshop is not open", "الورشة غير مفتوحة";
    RegistrationClosed = "registration_closed", 409, "Registration is closed", "التسجيل مغلق";
    AlreadyRegistered = "already_registered", 409, "Already registered", "مسجل بالفعل";
    NotRegistered = "not_registered", 409, "Not registered", "غير مسجل";
    TooEarly = "too_early", 409, "Not yet: the workshop has not reached that point", "لم يحن الوقت بعد";
    CheckInClosed = "check_in_closed", 409, "Check-in is closed", "تسجيل الحضور مغلق";
    IdempotencyKeyInUse = "idempotency_key_in_use", 409, "A request with this Idempotency-Key is still running", "طلب بمفتاح Idempotency-Key نفسه ما زال قيد المعالجة";
    LimitReached = "limit_reached", 409, "The collection is full", "بلغت المجموعة حدها الأقصى";
    PendingScan = "pending_scan", 409, "The file is held until the virus scanner passes it", "الملف محجوز حتى يجتازه فاحص الفيروسات";
    OffsetMismatch = "offset_mismatch", 409, "Upload-Offset is not where the upload stands", "قيمة Upload-Offset ليست موضع الرفع الحالي";
    UploadExpired = "upload_expired", 410, "The upload expired before it was finished", "انتهت مهلة الرفع قبل اكتماله";
    CursorExpired = "cursor_expired", 410, "The cursor is older than the feed keeps: resync", "المؤشر أقدم مما يحتفظ به السجل: أعد المزامنة";
    TusVersion = "tus_version", 412, "Tus-Resumable is not a version of tus this server speaks (1.0.0)", "قيمة Tus-Resumable ليست إصدارًا مدعومًا من tus (1.0.0)";
    StaleVersion = "stale_version", 412, "The version is not the current one", "النسخة ليست الحالية";
    PayloadTooLarge = "payload_too_large", 413, "Payload too large", "حجم الطلب كبير جدًا";
    UnsupportedMediaType = "unsupported_media_type", 415, "Unsupported media type", "نوع المحتوى غير مدعوم";
    RangeNotSatisfiable = "range_not_satisfiable", 416, "The range starts past the file's end", "يبدأ المدى بعد نهاية الملف";
    NotEligible = "not_eligible", 422, "Not among the people this workshop is for", "ليس من الفئة التي تستهدفها الورشة";
    IdempotencyKeyReused = "idempotency_key_reused", 422, "The Idempotency-Key was used for another request", "استُخدم مفتاح Idempotency-Key لطلب آخر";
    ValidationError = "validation_error", 422, "Validation failed", "فشل التحقق من البيانات";
    VersionRequired = "version_required", 428, "If-Match is required", "الترويسة If-Match مطلوبة";
    TooManyRequests = "too_many_requests", 429, "Too many requests", "طلبات كثيرة جدًا";
    ChecksumMismatch = "checksum_mismatch", 460, "The chunk's checksum does not match its bytes", "المجموع الاختباري لا يطابق محتوى الجزء";
    InternalError = "internal_error", 500, "Internal server error", "خطأ داخلي في الخادم";
    Unavailable = "unavailable", 503, "Service unavailable", "الخدمة غير متاحة";
}

/// A security limit that refused a request: its policy name (e.g. `login.pair`), how many uses
/// its window allows, and the window's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HitLimit {
    pub name: &'static str,
    pub quota: u32,
    pub window_secs: u64,
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A client error with its own code; the status comes from the code.
    #[error("{}: {}", .0.code(), .1.en)]
    Problem(ProblemCode, Text),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    #[error("payload too large")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A byte range that starts past the end of a file of `size` bytes.
    #[error("range not satisfiable")]
    RangeNotSatisfiable { size: u64 },
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: u64,
        /// The security limit that was hit (its name, quota and window), for the `RateLimit`
        /// fields; `None` for the request rate, whose fields the rate limiter writes itself.
        limit: Option<HitLimit>,
    },
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
        if is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return ApiError::Unavailable(Text::new(
                "The database is not answering at the moment. Try again shortly.",
                "قاعدة البيانات لا تستجيب حاليًا. حاول مجددًا بعد قليل.",
            ));
        }
        match (err.sql_err(), err) {
            (Some(SqlErr::UniqueConstraintViolation(_)), _) => ApiError::Problem(
                ProblemCode::Duplicate,
                Text::new(
                    "A record with the same unique value already exists.",
                    "يوجد سجل آخر بالقيمة الفريدة نفسها.",
                ),
            ),
            (_, DbErr::RecordNotFound(_)) => ApiError::not_found(),
            (_, other) => ApiError::Db(other),
        }
    }
}

/// The database is down, hung, overloaded or restarting, or a statement ran past its timeout:
/// nothing the caller did, and worth trying again (503 with `Retry-After`).
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(r) | DbErr::Exec(r) | DbErr::Query(r) => r,
        _ => return false,
    };
    let RuntimeErr::SqlxError(e) = runtime else {
        return matches!(err, DbErr::Conn(_));
    };
    match e.as_ref() {
        Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::Protocol(_) => {
            true
        }
        Sqlx::WorkerCrashed => true,
        Sqlx::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some()
            {
                // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
                let primary = code.parse::<i32>().unwrap_or(0) & 0xff;
                return primary == 5 || primary == 6;
            }
            // Connection exceptions, statement timeout, shutdown, too many connections.
            code.starts_with("08")
                || code.starts_with("57")
                || code == "53300"
                || code == "40P01"
                || code == "40001"
        }
        _ => matches!(err, DbErr::Conn(_)),
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

/// How long a caller is asked to wait after a 503.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 2;

/// The RFC 9457 body, as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:problem:` and the code with dashes.
    #[serde(rename = "type")]
    #[schema(
        example = "urn:problem:validation-error",
        max_length = 64,
        pattern = "^urn:problem:[a-z-]+$"
    )]
    pub kind: String,
    /// The same for every occurrence of the kind, in the caller's language.
    #[schema(example = "Validation failed", max_length = 200)]
    pub title: String,
    /// The HTTP status.
    #[schema(example = 422, minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time, in the caller's language.
    #[schema(example = "The request has 1 invalid field(s).", max_length = 2000)]
    pub detail: String,
    /// The kind of problem, for programs.
    pub code: ProblemCode,
    /// The request path that failed.
    #[schema(example = "/api/v1/local-authorities", max_length = 8192)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id (also in the `X-Request-Id` header), for support.
    #[schema(max_length = 128)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Field-level details of a validation error (422 only), at most 100.
    #[schema(max_items = 100)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
}

/// One invalid field in a `Problem`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// Dotted path of the field (`name.ar`), or the parameter's name.
    #[schema(example = "name.ar", max_length = 1000)]
    pub field: String,
    /// JSON Pointer into the request body.
    #[schema(example = "/name/ar", max_length = 1000)]
    pub pointer: String,
    /// A stable machine-readable code for what is wrong with the field (`required`, `length`,
    /// `range`, `type`, `enum`, `url`, `email`, `control_character`, `not_found`, …).
    #[schema(example = "length", max_length = 64, pattern = "^[a-z0-9_]+$")]
    pub code: String,
    /// What is wrong, in the caller's language.
    #[schema(
        example = "must be between 1 and 200 characters long",
        max_length = 2000
    )]
    pub message: String,
}

impl ApiError {
    pub fn not_found() -> ApiError {
        ApiError::Problem(
            ProblemCode::NotFound,
            Text::new(
                "The requested resource does not exist.",
                "المورد المطلوب غير موجود.",
            ),
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::Problem(
            ProblemCode::Forbidden,
            Text::new(
                "You are not allowed to do this.",
                "ليست لديك صلاحية القيام بذلك.",
            ),
        )
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::Problem(
            ProblemCode::Unauthorized,
            Text::new("A valid access token is required.", "يلزم رمز وصول صالح."),
        )
    }

    /// 409: a collection answered whole would pass its ceiling (`crate::domain::limits`).
    pub fn limit_reached(what_en: &str, what_ar: &str, max: u64) -> ApiError {
        ApiError::Problem(
            ProblemCode::LimitReached,
            Text::new(
                format!("{what_en} are limited to {max}."),
                format!("الحد الأقصى لـ{what_ar} هو \u{2066}{max}\u{2069}."),
            ),
        )
    }

    /// A single invalid field.
    pub fn field(pointer: &str, code: &str, message: Text) -> ApiError {
        ApiError::Validation(vec![FieldError::new(pointer, code, message)])
    }

    /// Maps a foreign-key violation on delete ("still referenced") to 409; anything else as usual.
    pub fn from_delete(err: DbErr) -> ApiError {
        if is_foreign_key_violation(&err) {
            return ApiError::Problem(
                ProblemCode::StillReferenced,
                Text::new(
                    "The record is still referenced by other records.",
                    "السجل ما زال مرتبطًا بسجلات أخرى.",
                ),
            );
        }
        ApiError::from(err)
    }

    /// The kind of problem.
    pub fn code(&self) -> ProblemCode {
        match self {
            ApiError::Problem(code, _) => *code,
            ApiError::Validation(_) => ProblemCode::ValidationError,
            ApiError::MethodNotAllowed(_) => ProblemCode::MethodNotAllowed,
            ApiError::PayloadTooLarge(_) => ProblemCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType => ProblemCode::UnsupportedMediaType,
            ApiError::RangeNotSatisfiable { .. } => ProblemCode::RangeNotSatisfiable,
            ApiError::TooManyRequests { .. } => ProblemCode::TooManyRequests,
            ApiError::Unavailable(_) => ProblemCode::Unavailable,
            ApiError::Db(_) | ApiError::Unexpected(_) => ProblemCode::InternalError,
        }
    }

    fn detail(&self) -> Text {
        match self {
            ApiError::Problem(_, t) | ApiError::Unavailable(t) => t.clone(),
            ApiError::Validation(errors) => Text::new(
                format!("The request has {} invalid field(s).", errors.len()),
                format!(
                    "يحتوي الطلب على \u{2066}{}\u{2069} من الحقول غير الصالحة.",
                    errors.len()
                ),
            ),
            ApiError::MethodNotAllowed(allowed) => Text::new(
                format!("This resource allows: {}.", allowed.join(", ")),
                format!(
                    "هذا المورد يسمح بـ: \u{2066}{}\u{2069}.",
                    allowed.join(", ")
                ),
            ),
            ApiError::PayloadTooLarge(limit) => Text::new(
                format!("The request body exceeds the limit of {limit} bytes."),
                format!("يتجاوز حجم الطلب الحد المسموح وهو \u{2066}{limit}\u{2069} بايت."),
            ),
            ApiError::UnsupportedMediaType => Text::new(
                "The request body must be sent as application/json.",
                "يجب إرسال محتوى الطلب بصيغة \u{2066}application/json\u{2069}.",
            ),
            ApiError::RangeNotSatisfiable { size } => Text::new(
                format!("The file has {size} bytes: the range asked for starts past its end."),
                format!("حجم الملف \u{2066}{size}\u{2069} بايت: يبدأ المدى المطلوب بعد نهايته."),
            ),
            ApiError::TooManyRequests {
                retry_after_secs, ..
            } => Text::new(
                format!("Too many attempts. Try again in {retry_after_secs} seconds."),
                format!(
                    "محاولات كثيرة جدًا. حاول مجددًا بعد \u{2066}{retry_after_secs}\u{2069} ثانية."
                ),
            ),
            ApiError::Db(_) | ApiError::Unexpected(_) => Text::new(
                "Something went wrong on our side. The request id identifies it for support.",
                "حدث خطأ من جهتنا. يمكن للدعم الفني تتبعه برقم الطلب.",
            ),
        }
    }

    /// The problem document in one language, for one request (when known).
    pub fn problem(&self, lang: Lang, ctx: Option<&RequestContext>) -> Problem {
        let code = self.code();
        let errors = match self {
            ApiError::Validation(errors) => Some(
                errors
                    .iter()
                    .take(MAX_FIELD_ERRORS)
                    .map(|e| ProblemField {
                        field: printable(&pointer_to_field(&e.pointer)),
                        pointer: printable(&e.pointer),
                        code: e.code.clone(),
                        message: e.message.get(lang).to_owned(),
                    })
                    .collect(),
            ),
            _ => None,
        };
        Problem {
            kind: problem_type(code),
            title: code.title().get(lang).to_owned(),
            status: code.status().as_u16(),
            detail: self.detail().get(lang).to_owned(),
            code,
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
            ApiError::Problem(ProblemCode::Unauthorized, _) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::TooManyRequests {
                retry_after_secs, ..
            } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unavailable(_) => {
                res.insert_header((
                    header::RETRY_AFTER,
                    UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
                ));
            }
            ApiError::MethodNotAllowed(allowed) => {
                if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
                    res.insert_header((header::ALLOW, v));
                }
            }
            ApiError::RangeNotSatisfiable { size } => {
                res.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.problem(lang, ctx)).unwrap_or_default();
        res.body(body)
    }
}

/// Field codes of the rules JSON Schema cannot state, because they depend on stored data or on
/// several fields at once (a reference that must exist, an end after a start, a venue or a link).
/// A request valid by the document can still meet them; the document lists them under
/// `ProblemField.code` as `x-rule-codes`.
pub const RULE_FIELD_CODES: &[&str] = &[
    "ambiguous_local_time",
    "amount",
    "before_from",
    "before_previous",
    "before_start",
    "below_registered",
    "deactivated",
    "duplicate",
    "file_name",
    "format",
    "future",
    "invalid_parent",
    "invalid_token",
    "no_authority",
    "no_local_authority",
    "nonexistent_local_time",
    "not_a_candidate",
    "not_a_member",
    "not_a_permutation",
    "not_allowed",
    "not_found",
    "not_later",
    "not_registered",
    "not_https",
    "order",
    "past",
    "private_target",
    "reference",
    "required",
    "too_few",
    "too_long",
    "too_many",
    "too_much",
    "tus_checksum",
    "tus_metadata",
    "unknown_axis",
    "unknown_event_type",
    "unknown_scope",
    "url",
    "wrong_code",
    "wrong_password",
];

/// The most field errors one problem lists.
pub const MAX_FIELD_ERRORS: usize = 100;

/// A caller's key as it may be echoed: control characters shown as U+FFFD, at most 1 000
/// characters.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .take(1000)
        .collect()
}

/// `urn:problem:` and the code with dashes.
pub fn problem_type(code: ProblemCode) -> String {
    format!("urn:problem:{}", code.code().replace('_', "-"))
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
        self.code().status()
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
        s if s.is_client_error() => ApiError::Problem(
            ProblemCode::BadRequest,
            Text::new(
                s.canonical_reason().unwrap_or("Bad request").to_owned(),
                "طلب غير صالح.",
            ),
        ),
        _ => ApiError::Unexpected(format!("status {status}")),
    }
}

/// Query-string errors: 400 with the parser's reason.
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::Problem(
        ProblemCode::InvalidParameter,
        Text::new(
            format!("Invalid query string: {err}"),
            "معاملات الاستعلام غير صالحة.",
        ),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_their_statuses_are_errors() {
        let mut seen = std::collections::HashSet::new();
        for code in ProblemCode::ALL {
            assert!(seen.insert(code.code()), "{} twice", code.code());
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert_eq!(
                serde_json::to_value(code).expect("json"),
                serde_json::json!(code.code())
            );
        }
    }
}
