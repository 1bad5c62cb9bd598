//! Request rates per caller: a signed-in caller by their user id, anyone else by their address
//! (see [`crate::client`]). Fixed one-minute windows, counted in this replica's memory: with N
//! replicas behind a balancer a caller gets up to N times the quota (the README says so). The
//! security limits that must hold across replicas live in the database instead
//! ([`crate::services::limits`]).
//!
//! Every counted answer carries the IETF httpapi draft's fields, e.g.
//! `RateLimit-Policy: "user";q=600;w=60` and `RateLimit: "user";r=598;t=41`; past the quota the
//! answer is 429 with `Retry-After`.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpMessage};

use crate::auth::VerifiedClaims;
use crate::error::ApiError;
use crate::state::AppState;

pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// The window of every policy.
pub const WINDOW: Duration = Duration::from_secs(60);
const SHARDS: usize = 16;
/// A shard sheds its ended windows once it holds this many callers.
const SHARD_SWEEP_AT: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Caller {
    User(i64),
    Address(IpAddr),
    Unknown,
}

struct Window {
    started: Instant,
    used: u32,
}

/// The outcome of one request against its caller's quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    pub quota: u32,
    pub remaining: u32,
    /// Seconds until the window ends.
    pub reset: u64,
}

/// The counters of this replica.
pub struct RateLimiter {
    per_user: u32,
    per_address: u32,
    hasher: RandomState,
    shards: Box<[Mutex<HashMap<Caller, Window>>]>,
}

impl RateLimiter {
    pub fn new(per_user: u32, per_address: u32) -> RateLimiter {
        RateLimiter {
            per_user,
            per_address,
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    fn quota(&self, caller: Caller) -> u32 {
        match caller {
            Caller::User(_) => self.per_user,
            Caller::Address(_) | Caller::Unknown => self.per_address,
        }
    }

    /// Counts one request; `None` when the caller's kind has no limit (quota 0).
    fn hit(&self, caller: Caller, now: Instant) -> Option<Verdict> {
        let quota = self.quota(caller);
        if quota == 0 {
            return None;
        }
        let shard = &self.shards[(self.hasher.hash_one(caller) as usize) % SHARDS];
        let mut windows = shard.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= SHARD_SWEEP_AT && !windows.contains_key(&caller) {
            windows.retain(|_, w| now.duration_since(w.started) < WINDOW);
        }
        let w = windows.entry(caller).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(w.started) >= WINDOW {
            *w = Window {
                started: now,
                used: 0,
            };
        }
        let allowed = w.used < quota;
        if allowed {
            w.used += 1;
        }
        let reset = WINDOW
            .saturating_sub(now.duration_since(w.started))
            .as_secs()
            .max(1);
        Some(Verdict {
            allowed,
            quota,
            remaining: quota - w.used,
            reset,
        })
    }
}

fn policy_name(caller: Caller) -> &'static str {
    match caller {
        Caller::User(_) => "user",
        Caller::Address(_) | Caller::Unknown => "address",
    }
}

fn insert_fields(headers: &mut actix_web::http::header::HeaderMap, name: &str, v: Verdict) {
    let policy = format!("\"{name}\";q={};w={}", v.quota, WINDOW.as_secs());
    let current = format!("\"{name}\";r={};t={}", v.remaining, v.reset);
    for (field, value) in [(RATELIMIT_POLICY, policy), (RATELIMIT, current)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(field, value);
        }
    }
}

/// Who is calling (a valid token's user, else the client's address; the verified claims are
/// left for the `AuthUser` extractor) and the request counted against them; `None` when their
/// kind has no limit.
fn count(req: &ServiceRequest, state: &AppState) -> Option<(Caller, Verdict)> {
    let claims = crate::auth::bearer(req.request()).and_then(|t| state.jwt.verify(&t));
    let caller = match claims.as_ref().and_then(|c| c.sub.parse().ok()) {
        Some(id) => Caller::User(id),
        None => crate::client::client_ip(req.request(), &state.config.trusted_proxies)
            .map_or(Caller::Unknown, Caller::Address),
    };
    if let Some(claims) = claims {
        req.extensions_mut().insert(VerifiedClaims(claims));
    }
    Some((caller, state.rate_limiter.hit(caller, Instant::now())?))
}

/// The middleware: counts the request against its caller and answers 429 past the quota.
/// A valid access token is verified once here and handed to the `AuthUser` extractor.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let counted = req
        .app_data::<Data<AppState>>()
        .cloned()
        .filter(|_| !req.path().starts_with("/health/"))
        .and_then(|state| count(&req, &state));
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
        };
        // Carries the error, so that the problem is rendered in the caller's language; the
        // fields set here are kept.
        let mut res = actix_web::HttpResponse::from_error(err);
        insert_fields(res.headers_mut(), name, verdict);
        // Not `into_response`: that conversion would drop the error the response carries.
        let (request, _) = req.into_parts();
        return Ok(ServiceResponse::new(request, res));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    insert_fields(res.headers_mut(), name, verdict);
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_per_caller_per_window() {
        let limiter = RateLimiter::new(3, 2);
        let start = Instant::now();
        let user = Caller::User(7);
        let seen: Vec<(bool, u32)> = (0..4)
            .map(|_| limiter.hit(user, start).expect("valid"))
            .map(|v| (v.allowed, v.remaining))
            .collect();
        assert_eq!(seen, [(true, 2), (true, 1), (true, 0), (false, 0)]);
        // Another caller has a quota of their own; an address has the address quota.
        let address = Caller::Address("192.0.2.1".parse().expect("valid"));
        assert_eq!(limiter.hit(address, start).expect("valid").quota, 2);
        assert!(limiter.hit(Caller::User(8), start).expect("valid").allowed);
        // A new window starts afresh; the reset counts down within one.
        let v = limiter
            .hit(user, start + Duration::from_secs(20))
            .expect("valid");
        assert!(!v.allowed && v.reset == 40);
        assert!(limiter.hit(user, start + WINDOW).expect("valid").allowed);
    }

    #[test]
    fn a_zero_quota_means_no_limit() {
        let limiter = RateLimiter::new(0, 5);
        assert!(limiter.hit(Caller::User(1), Instant::now()).is_none());
        assert!(limiter.hit(Caller::Unknown, Instant::now()).is_some());
    }
}
