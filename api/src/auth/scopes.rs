//! What an API key may call: every operation needs one `resource:action` scope, derived from the
//! operation itself (its tag, or `registrations` for the registration, attendance, check-in and ticket
//! routes; `read` for GET, `write` otherwise). The same rule builds the OpenAPI document's
//! per-operation scopes and the check each request passes, so they cannot disagree.
//!
//! Signing in, the caller's own account and the keys themselves are for people: a key gets 403
//! there, whatever its scopes.

use std::collections::BTreeSet;

/// What a key needs to call an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAccess {
    /// Liveness and readiness: anyone, keys included.
    Open,
    /// The key must hold this scope.
    Scope(String),
    /// Not for keys at all.
    PeopleOnly,
}

/// Tags whose operations are for people only.
const PEOPLE_ONLY: &[&str] = &["auth", "me", "api-keys"];
/// Path segments that make an operation about registrations, whatever its tag.
const REGISTRATION_SEGMENTS: &[&str] = &[
    "registrations",
    "attendance",
    "check-in",
    "check-ins",
    "ticket",
];

/// What a key needs to call `method path` (a documented template) tagged `tag`.
pub fn key_access(path: &str, method: &str, tag: &str) -> KeyAccess {
    // `operations` (health, readiness) and tus's discovery are anyone's.
    if tag == "operations" || method.eq_ignore_ascii_case("options") {
        return KeyAccess::Open;
    }
    // The caller's own calendar token is an account matter.
    if PEOPLE_ONLY.contains(&tag) || path.starts_with("/api/v1/me/") {
        return KeyAccess::PeopleOnly;
    }
    let resource = if path.split('/').any(|s| REGISTRATION_SEGMENTS.contains(&s)) {
        "registrations"
    } else {
        tag
    };
    let action = if method.eq_ignore_ascii_case("get") {
        "read"
    } else {
        "write"
    };
    KeyAccess::Scope(format!("{resource}:{action}"))
}

/// Every scope a key may hold: those of the document's operations.
pub fn all(doc: &serde_json::Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if let Some(op) = item.get(method)
                && let KeyAccess::Scope(s) = key_access(path, method, tag_of(op))
            {
                out.insert(s);
            }
        }
    }
    out
}

/// An operation's first tag.
pub fn tag_of(op: &serde_json::Value) -> &str {
    op["tags"][0].as_str().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_tags_and_methods() {
        let s = |p, m, t| key_access(p, m, t);
        assert_eq!(
            s("/api/v1/workshops", "get", "workshops"),
            KeyAccess::Scope("workshops:read".into())
        );
        assert_eq!(
            s("/api/v1/workshops/{id}/registrations", "post", "workshops"),
            KeyAccess::Scope("registrations:write".into())
        );
        assert_eq!(
            s("/api/v1/workshops/{id}/check-in", "post", "workshops"),
            KeyAccess::Scope("registrations:write".into())
        );
        assert_eq!(
            s("/api/v1/auth/login", "post", "auth"),
            KeyAccess::PeopleOnly
        );
        assert_eq!(
            s("/api/v1/api-keys", "get", "api-keys"),
            KeyAccess::PeopleOnly
        );
        assert_eq!(
            s("/api/v1/me/calendar-token", "post", "calendars"),
            KeyAccess::PeopleOnly
        );
        assert_eq!(s("/health/ready", "get", "operations"), KeyAccess::Open);
    }
}
