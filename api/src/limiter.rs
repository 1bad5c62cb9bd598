//! The request-rate counters of one replica: fixed one-minute windows per caller, in memory,
//! sharded. The middleware that asks them and answers with their fields is [`crate::rate_limit`];
//! the application's state holds them.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window of every policy.
pub const WINDOW: Duration = Duration::from_secs(60);
const SHARDS: usize = 16;
/// A shard sheds its ended windows once it holds this many callers.
const SHARD_SWEEP_AT: usize = 4096;

/// Whom a request is counted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Caller {
    Key(i64),
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

    /// The quota of a caller that is not a key (a key brings its own).
    pub fn quota(&self, caller: Caller) -> u32 {
        match caller {
            Caller::User(_) | Caller::Key(_) => self.per_user,
            Caller::Address(_) | Caller::Unknown => self.per_address,
        }
    }

    /// Counts one request; `None` when the caller has no limit (quota 0).
    pub fn hit(&self, caller: Caller, quota: u32, now: Instant) -> Option<Verdict> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_per_caller_per_window() {
        let limiter = RateLimiter::new(3, 2);
        let start = Instant::now();
        let user = Caller::User(7);
        let seen: Vec<(bool, u32)> = (0..4)
            .map(|_| limiter.hit(user, 3, start).expect("valid"))
            .map(|v| (v.allowed, v.remaining))
            .collect();
        assert_eq!(seen, [(true, 2), (true, 1), (true, 0), (false, 0)]);
        // Another caller has a quota of their own; an address has the address quota.
        let address = Caller::Address("192.0.2.1".parse().expect("valid"));
        assert_eq!(limiter.hit(address, 2, start).expect("valid").quota, 2);
        assert!(
            limiter
                .hit(Caller::User(8), 3, start)
                .expect("valid")
                .allowed
        );
        // A new window starts afresh; the reset counts down within one.
        let v = limiter
            .hit(user, 3, start + Duration::from_secs(20))
            .expect("valid");
        assert!(!v.allowed && v.reset == 40);
        assert!(limiter.hit(user, 3, start + WINDOW).expect("valid").allowed);
    }

    #[test]
    fn a_zero_quota_means_no_limit() {
        let limiter = RateLimiter::new(0, 5);
        let quota = limiter.quota(Caller::User(1));
        assert!(
            limiter
                .hit(Caller::User(1), quota, Instant::now())
                .is_none()
        );
        let quota = limiter.quota(Caller::Unknown);
        assert!(
            limiter
                .hit(Caller::Unknown, quota, Instant::now())
                .is_some()
        );
        // A key brings its own quota.
        assert_eq!(
            limiter
                .hit(Caller::Key(1), 2, Instant::now())
                .map(|v| v.quota),
            Some(2)
        );
    }
}
