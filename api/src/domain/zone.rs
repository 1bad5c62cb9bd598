//! Time zones as the API names them: IANA tz database names.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// The zone a workshop is shown in when none is given.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Hebron";

/// Parses an IANA zone name; 422 on `/time_zone` otherwise.
pub fn parse(name: &str) -> Result<chrono_tz::Tz, crate::error::ApiError> {
    name.parse::<chrono_tz::Tz>().map_err(|_| {
        crate::error::ApiError::field(
            "/time_zone",
            "time_zone",
            crate::i18n::Text::new(
                "not an IANA time zone (e.g. Asia/Hebron)",
                "ليست منطقة زمنية معروفة (مثل Asia/Hebron)",
            ),
        )
    })
}

/// How a reader names a zone: the programme's own zones in words, any other by its IANA name;
/// with the offset at `at`, e.g. ("توقيت غزة", "UTC+02:00").
pub fn label(
    tz: chrono_tz::Tz,
    arabic: bool,
    at: chrono::DateTime<chrono::Utc>,
) -> (String, String) {
    use chrono::{Offset, TimeZone};
    let words = match (tz, arabic) {
        (chrono_tz::Tz::Asia__Hebron, true) => Some("توقيت الضفة الغربية"),
        (chrono_tz::Tz::Asia__Hebron, false) => Some("West Bank time"),
        (chrono_tz::Tz::Asia__Gaza, true) => Some("توقيت غزة"),
        (chrono_tz::Tz::Asia__Gaza, false) => Some("Gaza time"),
        (chrono_tz::Tz::Asia__Jerusalem, true) => Some("توقيت القدس"),
        (chrono_tz::Tz::Asia__Jerusalem, false) => Some("Jerusalem time"),
        (chrono_tz::Tz::Asia__Amman, true) => Some("توقيت عمّان"),
        (chrono_tz::Tz::Asia__Amman, false) => Some("Amman time"),
        (chrono_tz::Tz::Europe__Berlin, true) => Some("توقيت برلين"),
        (chrono_tz::Tz::Europe__Berlin, false) => Some("Berlin time"),
        (chrono_tz::Tz::UTC, true) => Some("التوقيت العالمي"),
        (chrono_tz::Tz::UTC, false) => Some("Coordinated Universal Time"),
        _ => None,
    };
    let secs = tz
        .offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let offset = format!(
        "UTC{sign}{:02}:{:02}",
        secs.abs() / 3600,
        (secs.abs() % 3600) / 60
    );
    (
        words.map_or_else(|| tz.name().to_owned(), str::to_owned),
        offset,
    )
}

/// An IANA time zone name, for the OpenAPI document: every name the tz database (as the server
/// ships it) knows, spelled exactly; `Asia/Hebron` and `Asia/Gaza` are the programme's.
pub struct TimeZoneName;

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An IANA time zone name (`Asia/Hebron`, `Asia/Gaza`, …), spelled exactly.",
            ))
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|z| z.name())))
            .examples([serde_json::json!(DEFAULT_TIME_ZONE)])
            .into()
    }
}

impl utoipa::ToSchema for TimeZoneName {}

#[cfg(test)]
mod tests {
    #[test]
    fn every_listed_name_parses_and_nothing_else_does() {
        for zone in chrono_tz::TZ_VARIANTS {
            assert_eq!(zone.name().parse::<chrono_tz::Tz>().ok(), Some(zone));
        }
        assert!("asia/hebron".parse::<chrono_tz::Tz>().is_err());
        assert!("Mars/Olympus".parse::<chrono_tz::Tz>().is_err());
    }

    #[test]
    fn zones_are_named_in_the_readers_language_with_their_offset() {
        use chrono::TimeZone;
        let winter = chrono::Utc
            .with_ymd_and_hms(2026, 12, 10, 8, 0, 0)
            .single()
            .expect("t");
        let summer = chrono::Utc
            .with_ymd_and_hms(2026, 7, 10, 8, 0, 0)
            .single()
            .expect("t");
        let gaza = chrono_tz::Asia::Gaza;
        assert_eq!(
            super::label(gaza, true, winter),
            ("توقيت غزة".to_owned(), "UTC+02:00".to_owned())
        );
        assert_eq!(super::label(gaza, false, summer).1, "UTC+03:00");
        let tokyo = chrono_tz::Asia::Tokyo;
        assert_eq!(super::label(tokyo, true, winter).0, "Asia/Tokyo");
    }
}
