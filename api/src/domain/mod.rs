//! Validated values and rules that need no HTTP.

pub mod enums;
pub mod files;
pub mod hosts;
pub mod limits;
pub mod markdown;
pub mod money;
pub mod search;
pub mod stamp;
pub mod text;
pub mod zone;

pub use enums::*;
pub use text::{Bilingual, BilingualPatch, BilingualText, BilingualTextPatch};

/// The shortest password accepted anywhere.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Emails compare case-insensitively: they are stored trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The JSON Schema pattern of [`validate_web_url`], for the OpenAPI document.
pub const WEB_URL_PATTERN: &str = "^https?://[^\\s]+$";

/// Links people follow from emails and calendars: absolute `https://` or `http://` URLs with a
/// host, written in lower case (`javascript:`, `file:` and the like are refused).
pub fn validate_web_url(value: &str) -> Result<(), validator::ValidationError> {
    let literal = (value.starts_with("https://") || value.starts_with("http://"))
        && !value.chars().any(char::is_whitespace);
    let parsed = url::Url::parse(value).ok().is_some_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    });
    if literal && parsed {
        Ok(())
    } else {
        Err(validator::ValidationError::new("url"))
    }
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

/// Serializes an instant as RFC 3339 in UTC (`2026-03-01T08:00:00Z`), written on the stack when
/// it is a whole second in years 0–9999 (as the API stores them), by chrono otherwise.
pub fn utc_seconds<S: serde::Serializer>(
    t: &chrono::DateTime<chrono::Utc>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use chrono::{Datelike, Timelike};
    if t.nanosecond() == 0 && (0..=9999).contains(&t.year()) {
        serde::Serialize::serialize(&stamp::Stamp::utc(*t), s)
    } else {
        s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

/// Text that a `minLength` of 1 or more asks for: something other than white space (the API trims
/// such text before it keeps it, so blank text would be kept empty).
pub fn validate_not_blank(value: &str) -> Result<(), validator::ValidationError> {
    // Empty text is the length rule's to refuse; this one refuses spaces alone.
    if !value.is_empty() && value.trim().is_empty() {
        Err(validator::ValidationError::new("blank"))
    } else {
        Ok(())
    }
}
