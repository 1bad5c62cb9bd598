//! Request rates per caller: an API key by the key (its own limit is part of the key), a
//! signed-in caller by their user id, anyone else by their address (see [`crate::client`]). Fixed one-minute windows, counted in this replica's memory: with N
//! replicas behind a balancer a caller gets up to N times the quota (the README says so). The
//! security limits that must hold across replicas live in the database instead
//! ([`crate::services::accounts::security_limits`]).
//!
//! Every counted answer carries the IETF httpapi draft's fields, e.g.
//! `RateLimit-Policy: "user";q=600;w=60` and `RateLimit: "user";r=598;t=41`; past the quota the
//! answer is 429 with `Retry-After`.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpMessage};

use crate::auth::scopes::KeyAccess;
use crate::auth::{VerifiedClaims, VerifiedKey, keys};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::limiter::{Caller, Verdict, WINDOW};
use crate::route_table::RouteTable;
use crate::state::AppState;

pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

fn policy_name(caller: Caller) -> &'static str {
    match caller {
        Caller::Key(_) => "key",
        Caller::User(_) => "user",
        Caller::Address(_) | Caller::Unknown => "address",
    }
}

fn insert_fields(headers: &mut actix_web::http::header::HeaderMap, name: &str, v: Verdict) {
    insert_limit_fields(
        headers,
        name,
        (v.quota, WINDOW.as_secs()),
        (v.remaining, v.reset),
    );
}

/// `RateLimit-Policy: "name";q=…;w=…` and `RateLimit: "name";r=…;t=…`.
fn insert_limit_fields(
    headers: &mut actix_web::http::header::HeaderMap,
    name: &str,
    (quota, window): (u32, u64),
    (remaining, reset): (u32, u64),
) {
    let policy = format!("\"{name}\";q={quota};w={window}");
    let current = format!("\"{name}\";r={remaining};t={reset}");
    for (field, value) in [(RATELIMIT_POLICY, policy), (RATELIMIT, current)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(field, value);
        }
    }
}

/// What the middleware decided about a request.
enum Decision {
    /// Counted against the caller (or not, when their kind has no limit).
    Counted(Option<(Caller, Verdict)>),
    /// Refused before counting: a bad key, or a key where it may not go.
    Refused(ApiError),
}

/// Who is calling and the request counted against them. An API key is looked up (and its use
/// noted) and checked against the route's scope; a valid access token is verified. Either is
/// left for the `AuthUser` extractor, so that it is checked once.
async fn decide(req: &ServiceRequest, state: &AppState) -> Decision {
    let token = crate::auth::bearer(req.request());
    if let Some(key) = token.as_deref().filter(|t| keys::is_key(t)) {
        let access = req
            .app_data::<Data<RouteTable>>()
            .and_then(|routes| routes.key_access(req.method().as_str(), req.path()));
        let scope = match access {
            // Nothing answers here, or anyone may call it: no need to look the key up.
            None | Some(KeyAccess::Open) => return Decision::Counted(None),
            Some(KeyAccess::Scope(scope)) => Some(scope),
            // For people: the key is no credential here (the `AuthUser` extractor refuses it
            // where a person is needed); the caller is counted by address.
            Some(KeyAccess::PeopleOnly) => None,
        };
        if let Some(scope) = scope {
            return decide_key(req, state, key, &scope).await;
        }
    }
    let claims = token.and_then(|t| state.jwt.verify(&t));
    let caller = match claims.as_ref().and_then(|c| c.sub.parse().ok()) {
        Some(id) => Caller::User(id),
        None => crate::client::client_ip(req.request(), &state.config.trusted_proxies)
            .map_or(Caller::Unknown, Caller::Address),
    };
    if let Some(claims) = claims {
        req.extensions_mut().insert(VerifiedClaims(claims));
    }
    let quota = state.rate_limiter.quota(caller);
    Decision::Counted(
        state
            .rate_limiter
            .hit(caller, quota, Instant::now())
            .map(|v| (caller, v)),
    )
}

/// An API key on an operation that takes keys: looked up, checked against the scope, counted
/// against its own quota.
async fn decide_key(req: &ServiceRequest, state: &AppState, key: &str, scope: &str) -> Decision {
    let grant = match keys::find_valid(&state.db, key, state.clock.now()).await {
        Ok(Some(found)) => keys::grant(&found),
        Ok(None) => return Decision::Refused(ApiError::unauthenticated()),
        Err(e) => return Decision::Refused(e),
    };
    if !grant.has_scope(scope) {
        return Decision::Refused(ApiError::Problem(
            ProblemCode::InsufficientScope,
            Text::new(
                format!("This API key lacks the scope `{scope}`."),
                format!("مفتاح الواجهة هذا لا يملك الصلاحية `{scope}`."),
            ),
        ));
    }
    let caller = Caller::Key(grant.id);
    let quota = grant.rate_limit_per_minute;
    req.extensions_mut().insert(VerifiedKey(grant));
    Decision::Counted(
        state
            .rate_limiter
            .hit(caller, quota, Instant::now())
            .map(|v| (caller, v)),
    )
}

/// An error answer made here, rendered in the caller's language (the fields set on it kept).
fn refuse(req: ServiceRequest, err: ApiError, fields: Option<(&str, Verdict)>) -> ServiceResponse {
    let mut res = actix_web::HttpResponse::from_error(err);
    if let Some((name, verdict)) = fields {
        insert_fields(res.headers_mut(), name, verdict);
    }
    // Not `into_response`: that conversion would drop the error the response carries.
    let (request, _) = req.into_parts();
    ServiceResponse::new(request, res)
}

/// The middleware: checks an API key's scope, counts the request against its caller and
/// answers 429 past the quota. A valid access token is verified once here and handed to the
/// `AuthUser` extractor.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req
        .app_data::<Data<AppState>>()
        .cloned()
        .filter(|_| !req.path().starts_with("/health/"));
    let decision = match state {
        Some(state) => decide(&req, &state).await,
        None => Decision::Counted(None),
    };
    let counted = match decision {
        Decision::Refused(err) => return Ok(refuse(req, err, None)),
        Decision::Counted(counted) => counted,
    };
    let Some((caller, verdict)) = counted else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let name = policy_name(caller);
    if !verdict.allowed {
        let err = ApiError::TooManyRequests {
            retry_after_secs: verdict.reset,
            limit: None,
        };
        return Ok(refuse(req, err, Some((name, verdict))));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    // A security limit refused the request: its fields name that limit, not the request rate.
    let hit = res
        .response()
        .error()
        .and_then(|e| match e.as_error::<ApiError>() {
            Some(ApiError::TooManyRequests {
                retry_after_secs,
                limit: Some(limit),
            }) => Some((*retry_after_secs, *limit)),
            _ => None,
        });
    match hit {
        Some((retry_after, limit)) => insert_limit_fields(
            res.headers_mut(),
            limit.name,
            (limit.quota, limit.window_secs),
            (0, retry_after),
        ),
        None => insert_fields(res.headers_mut(), name, verdict),
    }
    Ok(res)
}
