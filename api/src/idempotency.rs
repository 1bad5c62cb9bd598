//! The `Idempotency-Key` header (IETF httpapi draft) on every write: a retry of the same request
//! with the same key gets the first answer again, marked `Idempotent-Replayed: true`; the
//! workflow and its storage are in [`crate::services::store::idempotency_keys`].

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{Error, HttpMessage, HttpResponse};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::auth::{VerifiedClaims, VerifiedKey};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::store::idempotency_keys::{self as store, Answer, Begin, Claim};
use crate::state::AppState;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// The longest key taken.
pub const MAX_KEY_CHARS: usize = 255;
/// What the document says a key looks like: an sf-string, or (as many clients send it) the bare
/// characters.
pub const KEY_PATTERN: &str = r#"^("[ !#-\[\]-~]{1,253}"|[!#-\[\]-~]{1,255})$"#;

/// The key's characters: quoted as an sf-string (RFC 8941), or bare.
fn parse_key(value: &HeaderValue) -> Option<&str> {
    let s = value.to_str().ok()?.trim();
    let (inner, quoted) = match s.strip_prefix('"') {
        Some(rest) => (rest.strip_suffix('"')?, true),
        None => (s, false),
    };
    let ok = !inner.is_empty()
        && inner.len() <= MAX_KEY_CHARS - if quoted { 2 } else { 0 }
        && inner.bytes().all(|b| {
            (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\' && (quoted || b != b' ')
        });
    ok.then_some(inner)
}

fn problem(code: ProblemCode, en: &'static str, ar: &'static str) -> Error {
    ApiError::Problem(code, Text::new(en, ar)).into()
}

/// Who the key belongs to: the API key, the signed-in person, or else the address.
fn caller(req: &ServiceRequest, state: &AppState) -> String {
    if let Some(VerifiedKey(grant)) = req.extensions().get::<VerifiedKey>() {
        return format!("key:{}", grant.id);
    }
    if let Some(VerifiedClaims(claims)) = req.extensions().get::<VerifiedClaims>() {
        return format!("user:{}", claims.sub);
    }
    format!(
        "address:{}",
        crate::client::client_addr(req.request(), &state.config.trusted_proxies)
    )
}

/// Reads the body (up to the configured limit) and puts it back for the handler.
async fn take_body(req: &mut ServiceRequest, limit: usize) -> Result<Bytes, Error> {
    let mut payload = req.take_payload();
    let body = crate::extract::read_body(&mut payload, limit).await?;
    req.set_payload(body.clone().into());
    Ok(body)
}

/// What the headers say of a streamed body, standing in for it when a key is checked.
fn described_body(req: &ServiceRequest) -> Bytes {
    let said = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    Bytes::from(format!(
        "streamed body\ncontent-type: {}\ncontent-length: {}\ncontent-digest: {}",
        // A form's boundary is drawn anew for every sending.
        said("content-type").split(';').next().unwrap_or("").trim(),
        said("content-length"),
        said("content-digest")
    ))
}

/// Headers that belong to one sending, not to the answer.
fn kept(name: &HeaderName) -> bool {
    !matches!(
        name.as_str(),
        "date" | "content-length" | "transfer-encoding" | "connection"
    )
}

fn replay(req: ServiceRequest, answer: Answer) -> ServiceResponse<BoxBody> {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    for (name, value) in &answer.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            res.append_header((n, v));
        }
    }
    res.insert_header((REPLAYED, HeaderValue::from_static("true")));
    let body = STANDARD.decode(&answer.body).unwrap_or_default();
    req.into_response(res.body(body))
}

/// Honours `Idempotency-Key` on POST, PUT, PATCH and DELETE.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let write = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    // Only where a documented operation answers (anything else ends in 404 or 405, key or
    // not), and for a caller it knows or an operation open to anyone (an unknown caller of
    // another ends in 401).
    let identified =
        req.extensions().contains::<VerifiedKey>() || req.extensions().contains::<VerifiedClaims>();
    let applies = req
        .app_data::<Data<crate::route_table::RouteTable>>()
        .and_then(|routes| routes.operation(req.method().as_str(), req.path()))
        .is_some_and(|(_, public)| public || identified);
    let Some(value) = req
        .headers()
        .get(IDEMPOTENCY_KEY)
        .filter(|_| write && applies)
        .cloned()
    else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Some(key) = parse_key(&value) else {
        return Err(problem(
            ProblemCode::InvalidIdempotencyKey,
            "Idempotency-Key is a quoted string of 1 to 253 printable ASCII characters, such as \
             \"8e03978e-40d5-43e8-bc93-6894a57f9324\".",
            "الترويسة Idempotency-Key نص بين علامتي تنصيص من 1 إلى 253 محرفًا مطبوعًا من ASCII.",
        ));
    };
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    // An upload's body is a file, streamed to the store and not held here: the request is told
    // apart by what its headers say of the body (type, length, and a digest when one is sent).
    let uploads = req
        .app_data::<Data<crate::route_table::RouteTable>>()
        .is_some_and(|routes| routes.streams_body(req.method().as_str(), req.path()));
    let body = if uploads {
        described_body(&req)
    } else {
        take_body(&mut req, state.config.body_limit_bytes).await?
    };
    let caller = caller(&req, &state);
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let claim = Claim::new(&store::Request {
        caller: &caller,
        key,
        method: req.method().as_str(),
        target: &target,
        body: &body,
    });
    let hold = state.config.request_timeout + std::time::Duration::from_secs(5);
    let begun = store::begin(&state.db, &claim, state.clock.now(), hold)
        .await
        .map_err(ApiError::from)?;
    match begun {
        Begin::Replay(answer) => Ok(replay(req, answer)),
        Begin::InFlight => Err(problem(
            ProblemCode::IdempotencyKeyInUse,
            "A request with this Idempotency-Key is still being processed. Retry after it ends.",
            "ما زال طلب بمفتاح Idempotency-Key نفسه قيد المعالجة. أعد المحاولة بعد انتهائه.",
        )),
        Begin::Mismatch => Err(problem(
            ProblemCode::IdempotencyKeyReused,
            "This Idempotency-Key was already used for a different request. Use a new key for a \
             new request.",
            "استُخدم مفتاح Idempotency-Key هذا لطلب مختلف. استخدم مفتاحًا جديدًا لكل طلب جديد.",
        )),
        Begin::Run => {
            let res = match next.call(req).await {
                Ok(res) => res,
                Err(e) => {
                    let _ = store::release(&state.db, &claim).await;
                    return Err(e);
                }
            };
            if !res.status().is_success() {
                if let Err(e) = store::release(&state.db, &claim).await {
                    tracing::warn!(error = %e, "idempotency key not released");
                }
                return Ok(res.map_into_boxed_body());
            }
            let (http_req, res) = res.into_parts();
            let (res, body) = res.into_parts();
            let bytes = match body.try_into_bytes() {
                Ok(b) => b,
                Err(body) => actix_web::body::to_bytes(body)
                    .await
                    .map_err(|_| ApiError::Unexpected("answer body unreadable".to_owned()))?,
            };
            let answer = Answer {
                status: res.status().as_u16(),
                headers: res
                    .headers()
                    .iter()
                    .filter(|(n, _)| kept(n))
                    .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                    .collect(),
                body: STANDARD.encode(&bytes),
            };
            if let Err(e) = store::finish(&state.db, &claim, &answer).await {
                // The write is done; only a retry's replay is lost (it will run again).
                tracing::warn!(error = %e, "idempotent answer not stored");
                let _ = store::release(&state.db, &claim).await;
            }
            let mut res = res.set_body(BoxBody::new(bytes));
            res.headers_mut().remove(header::CONTENT_LENGTH);
            Ok(ServiceResponse::new(http_req, res))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sf_strings_or_bare_tokens() {
        let parse = |s: &'static str| parse_key(&HeaderValue::from_static(s)).map(str::to_owned);
        assert_eq!(parse("\"abc-1\"").as_deref(), Some("abc-1"));
        assert_eq!(parse("abc-1").as_deref(), Some("abc-1"));
        assert_eq!(parse("\"a b\"").as_deref(), Some("a b"));
        assert_eq!(parse("a b"), None);
        assert_eq!(parse("\"\""), None);
        assert_eq!(parse("\"abc"), None);
        assert_eq!(parse("\"a\\\"b\""), None);
    }
}
