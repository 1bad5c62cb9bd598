//! Extractors: a validated JSON body, the authenticated caller, and list paging.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{BytesMut, Data};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError};
use crate::i18n::Text;
use crate::state::AppState;

/// A JSON body that was parsed and validated: 415 for another media type, 413 over the body
/// limit, 400 for malformed JSON, 422 (with the field) for wrong types and failed rules.
#[derive(Debug)]
pub struct ValidatedJson<T>(pub T);

impl<T> ValidatedJson<T> {
    pub fn into_inner(self) -> T {
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
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::BadRequest(Text::new(
                        format!("The request body could not be read: {e}"),
                        "تعذرت قراءة محتوى الطلب.",
                    ))
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            let value = parse_json::<T>(&body)?;
            value.validate().map_err(validation_errors)?;
            Ok(ValidatedJson(value))
        })
    }
}

/// Parses a JSON body, telling syntax errors (400) from wrong content (422, with its pointer).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = match result {
        Ok(v) => v,
        Err(err) => {
            let inner = err.inner();
            if inner.is_data() {
                let pointer = path_to_pointer(err.path());
                let msg = inner.to_string();
                // serde's message ends with " at line L column C", which is noise here.
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
                return Err(ApiError::field(
                    &pointer,
                    "invalid",
                    Text::new(msg.clone(), format!("قيمة غير صالحة: {msg}")),
                ));
            }
            return Err(malformed(inner));
        }
    };
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::BadRequest(Text::new(
        format!("The request body is not valid JSON: {err}"),
        format!("محتوى الطلب ليس JSON صالحًا: {err}"),
    ))
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    pointer
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
        "url" => Text::new("must be a valid URL", "يجب أن يكون رابطًا صالحًا"),
        "blank" => Text::new("must not be blank", "يجب ألا يكون فارغًا"),
        _ => Text::new("is invalid", "قيمة غير صالحة"),
    }
}
