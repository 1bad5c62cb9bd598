//! Validated values and rules that need no HTTP.

pub mod enums;
pub mod money;
pub mod search;
pub mod text;

pub use enums::*;
pub use text::{Bilingual, BilingualText};

/// The shortest password accepted anywhere.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Emails compare case-insensitively: they are stored trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// For PATCH fields that can be cleared: absent → `None`, `null` → `Some(None)`.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(de).map(Some)
}

/// Slugs: lower-case ASCII letters, digits and single dashes.
pub fn validate_slug(slug: &str) -> Result<(), validator::ValidationError> {
    let ok = slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("slug"))
    }
}

/// Serializes an instant as RFC 3339 in UTC to the second (`2026-03-01T08:00:00Z`), without
/// going through chrono's general formatter.
pub fn utc_seconds<S: serde::Serializer>(
    t: &chrono::DateTime<chrono::Utc>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}
