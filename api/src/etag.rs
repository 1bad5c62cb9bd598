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

/// A resource answered (200) with its version as its `ETag`.
pub fn tagged(version: i32, body: &impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header(header(version))
        .json(body)
}

/// A resource created (201) where `location` says, with its version as its `ETag`.
pub fn created(
    version: i32,
    location: String,
    body: &impl serde::Serialize,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header(header(version))
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(body)
}

/// A resource created (201) where `location` says (one that keeps no version).
pub fn created_at(location: String, body: &impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(body)
}

/// The header pair to answer with.
pub fn header(version: i32) -> (actix_web::http::header::HeaderName, HeaderValue) {
    (
        ETAG,
        HeaderValue::from_str(&etag(version)).unwrap_or(HeaderValue::from_static("\"0\"")),
    )
}

/// The version a versioned write expects, from `If-Match`. Every write of a versioned resource
/// takes it in its signature and asks for it ([`IfMatch::expected`]) where it checks the
/// version, after the caller's rights, so that a caller who may not write learns that first:
/// 428 `version_required` without the header, 412 `stale_version` when it names no version.
#[derive(Clone, Copy, Debug)]
pub struct IfMatch(Option<Option<i32>>);

impl IfMatch {
    /// Reads the header: `"3"`, or the tag of a read `"3.<hash of the body>"`, maybe with a
    /// coding suffix; only the version counts.
    pub fn of(req: &HttpRequest) -> IfMatch {
        IfMatch(req.headers().get(IF_MATCH).map(|value| {
            value
                .to_str()
                .ok()
                .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
                .and_then(|v| v.split(['.', '-']).next())
                .and_then(|v| v.parse().ok())
        }))
    }

    /// The version the caller last saw.
    pub fn expected(self) -> Result<i32, ApiError> {
        match self.0 {
            None => Err(ApiError::Problem(
                ProblemCode::VersionRequired,
                Text::new(
                    "Send the ETag you last read in If-Match, so that concurrent edits are not lost.",
                    "أرسل قيمة ETag التي قرأتها آخر مرة في الترويسة If-Match حتى لا تضيع التعديلات المتزامنة.",
                ),
            )),
            Some(version) => version.ok_or_else(stale),
        }
    }
}

/// Documents the header; the contract (`openapi::contract`) gives it its pattern and words, and
/// the written version's `ETag` to the operation's answer.
impl utoipa::IntoParams for IfMatch {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        vec![
            ParameterBuilder::new()
                .name("If-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        ]
    }
}

impl actix_web::FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<IfMatch, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(IfMatch::of(req)))
    }
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

/// The answer to an edit that changed nothing (`services::store::versioned::unchanged`): its
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
