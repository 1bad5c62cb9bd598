//! The rules of the workshops: checks and derived values the handlers share.

use crate::error::ApiError;
use crate::i18n::Text;
use chrono_tz::Tz;

/// Parses an IANA zone name; 422 on `/time_zone` otherwise.
pub fn parse_zone(name: &str) -> Result<Tz, ApiError> {
    name.parse::<Tz>().map_err(|_| {
        ApiError::field(
            "/time_zone",
            "time_zone",
            Text::new(
                "not an IANA time zone (e.g. Asia/Hebron)",
                "ليست منطقة زمنية معروفة (مثل Asia/Hebron)",
            ),
        )
    })
}

/// A random check-in code: 6 characters without look-alikes.
pub fn check_in_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..6)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}
