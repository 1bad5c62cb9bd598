//! Extractors: a validated JSON body, the authenticated caller, and list paging.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{Bytes, BytesMut, Data};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError, ProblemCode};
use crate::i18n::Text;
use crate::state::AppState;

/// A JSON body, parsed strictly (see [`crate::json`]) and validated: 415 for another media type,
/// 413 over the body limit, 400 for malformed JSON, 422 (with each field) for control characters,
/// wrong types and failed rules.
///
/// Extraction itself never fails: the outcome waits in [`ValidatedJson::into_inner`], which a
/// handler calls after it has checked who the caller is and what they may do, so that a caller who
/// may not use a route learns that (401/403) rather than what is wrong with the body.
#[derive(Debug)]
pub struct ValidatedJson<T>(Result<T, ApiError>);

impl<T> ValidatedJson<T> {
    /// The valid body, or the answer explaining why it is not.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<Data<AppState>>()
            .map_or(256 * 1024, |s| s.config.body_limit_bytes);
        let json = is_json(req);
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            let outcome = async {
                if declared.is_some_and(|n| n > limit) {
                    return Err(ApiError::PayloadTooLarge(limit));
                }
                if !json {
                    return Err(ApiError::UnsupportedMediaType);
                }
                let body = read_body(&mut payload, limit).await?;
                let value = crate::json::from_slice::<T>(&body)?;
                value.validate().map_err(validation_errors)?;
                Ok(value)
            };
            Ok(ValidatedJson(outcome.await))
        })
    }
}

/// Reads a whole body: 413 past `limit`, 400 when the connection breaks mid-body.
pub async fn read_body(payload: &mut Payload, limit: usize) -> Result<Bytes, ApiError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::Problem(
                ProblemCode::BadRequest,
                Text::new(
                    format!("The request body could not be read: {e}"),
                    "تعذرت قراءة محتوى الطلب.",
                ),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Flattens validator's nested errors into field errors with pointers, sorted by pointer.
pub fn validation_errors(errors: ValidationErrors) -> ApiError {
    let mut out = Vec::new();
    flatten(&errors, "", &mut out);
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    ApiError::Validation(out)
}

fn flatten(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let pointer = format!("{prefix}/{field}");
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    out.push(FieldError::new(
                        pointer.clone(),
                        e.code.to_string(),
                        message_for(e),
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, &pointer, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    flatten(inner, &format!("{pointer}/{index}"), out);
                }
            }
        }
    }
}

fn message_for(e: &validator::ValidationError) -> Text {
    let param = |name: &str| e.params.get(name).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => Text::new(
                format!("must be between {min} and {max} characters long"),
                format!("يجب أن يكون طوله بين {min} و{max} حرفًا"),
            ),
            (Some(min), None) => Text::new(
                format!("must be at least {min} characters long"),
                format!("يجب ألا يقل طوله عن {min} حرفًا"),
            ),
            (None, Some(max)) => Text::new(
                format!("must be at most {max} characters long"),
                format!("يجب ألا يزيد طوله عن {max} حرفًا"),
            ),
            _ => Text::new("has an invalid length", "طوله غير صالح"),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => Text::new(
                format!("must be between {min} and {max}"),
                format!("يجب أن يكون بين {min} و{max}"),
            ),
            _ => Text::new("is out of range", "خارج النطاق المسموح"),
        },
        "email" => Text::new(
            "must be a valid email address",
            "يجب أن يكون عنوان بريد إلكتروني صالحًا",
        ),
        "url" => Text::new(
            "must be an absolute https:// or http:// URL",
            "يجب أن يكون رابطًا كاملًا يبدأ بـ https:// أو http://",
        ),
        "blank" => Text::new("must not be blank", "يجب ألا يكون فارغًا"),
        "pattern" => Text::new(
            "holds characters it may not (see the field's pattern)",
            "يحتوي محارف غير مسموح بها (انظر نمط الحقل)",
        ),
        _ => Text::new("is invalid", "قيمة غير صالحة"),
    }
}

/// Checks a slug given as a query parameter (e.g. `?programme=`): 2 to 80 lowercase letters,
/// digits and single hyphens, as the document's pattern says; anything else is malformed (400).
pub fn query_slug(name: &str, value: &str) -> Result<(), ApiError> {
    if (2..=80).contains(&value.len()) && crate::domain::validate_slug(value).is_ok() {
        return Ok(());
    }
    Err(ApiError::Problem(
        crate::error::ProblemCode::InvalidParameter,
        crate::i18n::Text::new(
            format!("{name} is a slug: 2 to 80 lowercase letters, digits and single hyphens."),
            format!("{name} معرف نصي: من 2 إلى 80 حرفًا لاتينيًا صغيرًا أو رقمًا أو شرطة مفردة."),
        ),
    ))
}
