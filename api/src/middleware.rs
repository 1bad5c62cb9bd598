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

use crate::error::{ApiError, PROBLEM_JSON, RequestContext, from_status};
use crate::i18n::Lang;

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

    let res = match next.call(req).instrument(span.clone()).await {
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
        Some(r) => r,
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
