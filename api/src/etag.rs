//! Optimistic concurrency: a versioned resource answers with `ETag: "<version>"` (made
//! `"<version>.<hash>"` on its way out by [`crate::conditional`]), and every change must send it
//! back in `If-Match`. A stale version is 412, a missing one 428. Only the version counts: a
//! seat count that moved since the read changes the tag but does not make an edit stale.

use actix_web::HttpRequest;
use actix_web::http::header::{ETAG, HeaderValue, IF_MATCH};

use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// The ETag of a version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The header pair to answer with.
pub fn header(version: i32) -> (actix_web::http::header::HeaderName, HeaderValue) {
    (
        ETAG,
        HeaderValue::from_str(&etag(version)).unwrap_or(HeaderValue::from_static("\"0\"")),
    )
}

/// The version the caller last saw, from `If-Match`.
pub fn expected_version(req: &HttpRequest) -> Result<i32, ApiError> {
    let Some(value) = req.headers().get(IF_MATCH) else {
        return Err(ApiError::Problem(
            ProblemCode::VersionRequired,
            Text::new(
                "Send the ETag you last read in If-Match, so that concurrent edits are not lost.",
                "أرسل قيمة ETag التي قرأتها آخر مرة في الترويسة If-Match حتى لا تضيع التعديلات المتزامنة.",
            ),
        ));
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        // `"3"`, or the tag of a read: `"3.<hash of the body>"`, maybe with a coding suffix.
        .and_then(|v| v.split(['.', '-']).next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(stale)
}

/// 412: someone else changed the resource since the caller read it.
pub fn stale() -> ApiError {
    ApiError::Problem(
        ProblemCode::StaleVersion,
        Text::new(
            "The resource changed since you read it. Read it again and reapply your change.",
            "تغير المورد منذ قراءتك له. اقرأه مجددًا ثم أعد تطبيق تعديلك.",
        ),
    )
}

/// The answer to an edit that changed nothing (`services::versioned::unchanged`): its
/// transaction is rolled back, so nothing is written, audited or sent, and the resource is
/// answered as it was, with its unchanged `ETag`.
pub async fn unchanged<T: serde::Serialize>(
    txn: sea_orm::DatabaseTransaction,
    before: T,
) -> Result<actix_web::HttpResponse, ApiError> {
    txn.rollback().await?;
    let version = serde_json::to_value(&before)
        .ok()
        .and_then(|v| v["version"].as_i64())
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or_default();
    Ok(actix_web::HttpResponse::Ok()
        .insert_header(header(version))
        .json(before))
}
