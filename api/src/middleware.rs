//! The request-context middleware: a request id on every request and response, one JSON log line
//! per request, and every error answer rendered as a localized problem document.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

use actix_web::error::InternalError;

use crate::error::{ApiError, PROBLEM_JSON, ProblemCode, RequestContext, from_status};
use crate::i18n::{Lang, Text};

/// The header a request id travels in, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A caller's id is kept when it is short and printable, so it cannot forge log lines.
fn accepted_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?.trim();
    let ok = !value.is_empty()
        && value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b));
    ok.then(|| value.to_owned())
}

/// Request id, access log and problem rendering.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = accepted_request_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", request_id = %request_id);
    // Captured now: the request cannot be cloned while the router still needs it.
    let lang = Lang::of(req.request());
    let ctx = RequestContext {
        path: req.path().to_owned(),
        request_id: Some(request_id.clone()),
    };
    let fields = SecurityFields::for_request(&req);

    if let Some(err) = control_characters(&req).or_else(|| overlong_parameter(&req)) {
        span.in_scope(|| tracing::info!(method, status = 400, "request refused: its URL"));
        let mut res = req.into_response(err.render(lang, Some(&ctx)));
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            res.headers_mut().insert(REQUEST_ID, v);
        }
        fields.apply(res.headers_mut());
        content_language(res.headers_mut(), lang);
        return Ok(res);
    }
    // An upload streams its body for as long as the connection takes (a phone on a slow line):
    // its database work is bounded by the statement timeout instead.
    let upload = req
        .app_data::<actix_web::web::Data<crate::route_table::RouteTable>>()
        .is_some_and(|routes| routes.streams_body(req.method().as_str(), req.path()));
    let deadline = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|s| s.config.request_timeout)
        .filter(|_| !upload);
    let served = crate::state::Wake::noting(next.call(req)).instrument(span.clone());
    let outcome = match deadline {
        Some(limit) => tokio::time::timeout(limit, served)
            .await
            .unwrap_or_else(|_| Err(timed_out().into())),
        None => served.await,
    };
    let res = match outcome {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => {
            // A middleware (not a handler) failed: answer with the problem, as an error.
            let status = err.as_response_error().status_code();
            let mut rendered = match err.as_error::<ApiError>() {
                Some(e) => e.render(lang, Some(&ctx)),
                None => from_status(status).render(lang, Some(&ctx)),
            };
            if let Ok(v) = HeaderValue::from_str(&request_id) {
                rendered.headers_mut().insert(REQUEST_ID, v);
            }
            fields.apply(rendered.headers_mut());
            content_language(rendered.headers_mut(), lang);
            span.in_scope(|| {
                tracing::info!(
                    method,
                    status = status.as_u16(),
                    "request refused by middleware"
                );
            });
            return Err(InternalError::from_response(err.to_string(), rendered).into());
        }
    };
    let mut res = problem_for(res, lang, &ctx);
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    fields.apply(res.headers_mut());
    content_language(res.headers_mut(), lang);
    // The route template, not the path: private calendar tokens never reach the logs.
    if tracing::enabled!(tracing::Level::INFO) {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "(unmatched)".to_owned());
        let status = res.status().as_u16();
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        span.in_scope(|| {
            tracing::info!(method, route, status, elapsed_ms, "request served");
        });
    }
    Ok(res)
}

/// Says which language an answer's text is in: a problem and an export (its headings) are in
/// the caller's language; the JSON of resources and calendars carry both (`{ar, en}`).
fn content_language(headers: &mut actix_web::http::header::HeaderMap, lang: Lang) {
    if headers.contains_key(header::CONTENT_LANGUAGE) {
        return;
    }
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return;
    };
    let one = match lang {
        Lang::Ar => "ar",
        Lang::En => "en",
    };
    let value = if ct.starts_with(PROBLEM_JSON)
        || ct.starts_with("text/csv")
        || ct.starts_with("application/vnd.openxmlformats")
    {
        one
    } else if ct.starts_with("application/json") || ct.starts_with("text/calendar") {
        "ar, en"
    } else {
        return;
    };
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(value));
}

/// The answer to a request that ran past `REQUEST_TIMEOUT_MS` (its work is dropped: an open
/// transaction rolls back).
fn timed_out() -> ApiError {
    ApiError::Unavailable(Text::new(
        "The request took too long; the service or its database is busy. Try again shortly.",
        "استغرق الطلب وقتًا طويلًا؛ الخدمة أو قاعدة بياناتها مشغولة. حاول مجددًا بعد قليل.",
    ))
}

/// The documentation's page loads its own scripts, styles and images, and nothing else.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'none'";
/// Everything else is data: nothing in it may load, run or be framed.
const API_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The security fields every answer carries: no sniffing, no framing, no referrer, a content
/// policy (the documentation's allows its own assets), HSTS in production (browsers then keep
/// to HTTPS), and `Cache-Control: no-store` on any answer that [`crate::conditional`] did not
/// give a policy (those refused before reaching it).
struct SecurityFields {
    docs: bool,
    production: bool,
}

impl SecurityFields {
    fn for_request(req: &ServiceRequest) -> SecurityFields {
        let path = req.path();
        SecurityFields {
            docs: path.starts_with("/docs"),
            production: req
                .app_data::<actix_web::web::Data<crate::state::AppState>>()
                .is_some_and(|s| s.config.mode == crate::config::Mode::Production),
        }
    }

    fn apply(&self, headers: &mut header::HeaderMap) {
        let set = |headers: &mut header::HeaderMap, name: HeaderName, value: &'static str| {
            headers.insert(name, HeaderValue::from_static(value));
        };
        set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        set(headers, header::X_FRAME_OPTIONS, "DENY");
        set(headers, header::REFERRER_POLICY, "no-referrer");
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            if self.docs { DOCS_POLICY } else { API_POLICY },
        );
        if self.production {
            set(
                headers,
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=31536000; includeSubDomains",
            );
        }
        if !headers.contains_key(header::CACHE_CONTROL) {
            set(headers, header::CACHE_CONTROL, "no-store");
        }
    }
}

/// Percent-decodes a piece of a URL (`+` stays as it is: it never decodes to a control).
fn percent_decoded(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn holds_control(raw: &str) -> bool {
    if !raw.bytes().any(|b| b == b'%' || b < 0x20 || b == 0x7f) {
        return false;
    }
    String::from_utf8_lossy(&percent_decoded(raw))
        .chars()
        .any(char::is_control)
}

/// The longest value a query parameter may have, in characters.
pub const MAX_PARAM_CHARS: usize = 200;

/// 400 when a query parameter is longer than [`MAX_PARAM_CHARS`].
fn overlong_parameter(req: &ServiceRequest) -> Option<ApiError> {
    let key = req.query_string().split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        // Cheap first: a value is at least a third as many characters as its bytes.
        (value.len() > MAX_PARAM_CHARS
            && String::from_utf8_lossy(&percent_decoded(&value.replace('+', " ")))
                .chars()
                .count()
                > MAX_PARAM_CHARS)
            .then(|| String::from_utf8_lossy(&percent_decoded(key)).into_owned())
    })?;
    Some(ApiError::Problem(
        ProblemCode::InvalidParameter,
        Text::new(
            format!("The query parameter `{key}` is longer than {MAX_PARAM_CHARS} characters."),
            format!(
                "معامل الاستعلام \u{2066}{key}\u{2069} أطول من \u{2066}{MAX_PARAM_CHARS}\u{2069} حرفًا."
            ),
        ),
    ))
}

/// 400 when a query parameter or a path segment, decoded, holds a control character (none is
/// ever meaningful there, and PostgreSQL refuses NUL in text): checked before any route runs.
fn control_characters(req: &ServiceRequest) -> Option<ApiError> {
    let name =
        |raw: &str| String::from_utf8_lossy(&percent_decoded(raw)).replace(char::is_control, "?");
    let culprit = req
        .query_string()
        .split('&')
        .find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (holds_control(key) || holds_control(value)).then(|| name(key))
        })
        .map(|key| {
            (
                format!("The query parameter `{key}`"),
                format!("معامل الاستعلام \u{2066}{key}\u{2069}"),
            )
        })
        .or_else(|| {
            req.path().split('/').position(holds_control).map(|n| {
                (
                    format!("Path segment {n}"),
                    format!("الجزء \u{2066}{n}\u{2069} من المسار"),
                )
            })
        })?;
    Some(ApiError::Problem(
        ProblemCode::ControlCharacter,
        Text::new(
            format!("{} contains a control character.", culprit.0),
            format!("{} يحتوي على محرف تحكم.", culprit.1),
        ),
    ))
}

/// Re-renders error answers as problems in the caller's language, with `instance` and the id.
fn problem_for(
    res: ServiceResponse<BoxBody>,
    lang: Lang,
    ctx: &RequestContext,
) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    if status.is_server_error()
        && let Some(err) = res.response().error()
    {
        tracing::error!(error = %err, "request failed");
    }
    let api_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .map(|e| e.render(lang, Some(ctx)));
    let rendered = match api_error {
        Some(mut r) => {
            // Keep fields set beside the error (the rate limit's).
            for (name, value) in res.headers() {
                if !r.headers().contains_key(name)
                    && name != header::CONTENT_TYPE
                    && name != header::CONTENT_LENGTH
                {
                    r.headers_mut().insert(name.clone(), value.clone());
                }
            }
            r
        }
        None => {
            let already = res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
            if already {
                return res;
            }
            let mut r = from_status(status).render(lang, Some(ctx));
            // Keep headers such as `Allow` that actix set on its own answers.
            for (name, value) in res.headers() {
                if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                    r.headers_mut().insert(name.clone(), value.clone());
                }
            }
            r
        }
    };
    let (req, _) = res.into_parts();
    ServiceResponse::new(req, rendered)
}

/// Refuses a query parameter the operation does not document: 400 `invalid_parameter` naming
/// it (as an unknown body field is refused), so that `?q=` on a list that has no `q` is not
/// silently answered with everything.
pub async fn known_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    if let Some(name) = unknown_parameter(&req) {
        return Err(ApiError::Problem(
            ProblemCode::InvalidParameter,
            Text::new(
                format!("Unknown query parameter `{name}`: this operation does not take it."),
                format!("معامل الاستعلام `{name}` غير معروف: هذه العملية لا تأخذه."),
            ),
        )
        .into());
    }
    next.call(req).await
}

fn unknown_parameter(req: &ServiceRequest) -> Option<String> {
    let query = req.query_string();
    if query.is_empty() {
        return None;
    }
    let routes = req.app_data::<actix_web::web::Data<crate::route_table::RouteTable>>()?;
    let known = routes.query_parameters(req.method().as_str(), req.path())?;
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, _)| name)
        .find(|name| !known.iter().any(|k| k == name))
        .map(|name| name.chars().take(64).collect())
}

/// `HEAD` is answered as `GET` (RFC 9110 §9.3.2): the same status and fields, and no body (the
/// HTTP layer, which parsed the request as `HEAD`, sends none), on every route that answers
/// `GET`.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}
