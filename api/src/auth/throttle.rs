//! Failed-login throttling per account and per client address: after N failures within the
//! window, further attempts answer 429 with `Retry-After` until the window ends. Kept in
//! memory, so each instance counts on its own; a success clears the account's count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Window {
    started: Instant,
    failures: u32,
}

/// Counters of recent failures.
pub struct LoginThrottle {
    per_account: u32,
    per_ip: u32,
    window: Duration,
    windows: Mutex<HashMap<String, Window>>,
}

impl LoginThrottle {
    pub fn new(per_account: u32, per_ip: u32, window: Duration) -> LoginThrottle {
        LoginThrottle {
            per_account,
            per_ip,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, ip: &str) -> [(String, bool); 2] {
        [
            (format!("account:{email}"), true),
            (format!("ip:{ip}"), false),
        ]
    }

    /// `Some(seconds)` to wait when either the account or the address is locked out.
    pub fn retry_after(&self, email: &str, ip: &str) -> Option<u64> {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        Self::keys(email, ip)
            .iter()
            .filter_map(|(key, is_account)| {
                let w = windows.get(key)?;
                let limit = if *is_account {
                    self.per_account
                } else {
                    self.per_ip
                };
                let ends = w.started + self.window;
                (w.failures >= limit && ends > now).then(|| (ends - now).as_secs().max(1))
            })
            .max()
    }

    /// Counts one failure against both the account and the address.
    pub fn record_failure(&self, email: &str, ip: &str) {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            let window = self.window;
            windows.retain(|_, w| w.started + window > now);
        }
        for (key, _) in Self::keys(email, ip) {
            let w = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if w.started + self.window <= now {
                *w = Window {
                    started: now,
                    failures: 0,
                };
            }
            w.failures += 1;
        }
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn record_success(&self, email: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&format!("account:{email}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_an_account_after_the_limit_and_a_success_unlocks_it() {
        let t = LoginThrottle::new(3, 100, Duration::from_secs(60));
        for _ in 0..2 {
            t.record_failure("a@x", "1.1.1.1");
        }
        assert_eq!(t.retry_after("a@x", "1.1.1.1"), None);
        t.record_failure("a@x", "1.1.1.1");
        assert!(
            t.retry_after("a@x", "1.1.1.1")
                .is_some_and(|s| s > 0 && s <= 60)
        );
        assert_eq!(t.retry_after("b@x", "2.2.2.2"), None);
        t.record_success("a@x");
        assert_eq!(t.retry_after("a@x", "1.1.1.1"), None);
    }
}
