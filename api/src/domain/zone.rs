//! Time zones as the API names them: IANA tz database names.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// The zone a workshop is shown in when none is given.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Hebron";

/// Whether the API offers a zone. Every IANA name but the sign-inverted POSIX offsets
/// (`Etc/GMT+12` is UTC−12, `GMT-0`…): nobody schedules a workshop in them, and their names
/// differ only by a sign that client generators drop, so `Etc/GMT+12` and `Etc/GMT-12` would
/// become one identifier. `UTC`, `Etc/UTC` and `Etc/GMT` stay.
pub fn offered(tz: chrono_tz::Tz) -> bool {
    let name = tz.name();
    !(name.contains("GMT+") || name.contains("GMT-"))
}

/// Parses an IANA zone name the API offers ([`offered`]); 422 on `/time_zone` otherwise.
pub fn parse(name: &str) -> Result<chrono_tz::Tz, crate::error::ApiError> {
    name.parse::<chrono_tz::Tz>().ok().filter(|tz| offered(*tz)).ok_or_else(|| {
        crate::error::ApiError::field(
            "/time_zone",
            "time_zone",
            crate::i18n::Text::new(
                "not an IANA time zone the API offers (e.g. Asia/Hebron; the Etc/GMT±N offsets are not)",
                "ليست منطقة زمنية معروفة تقبلها الواجهة (مثل Asia/Hebron؛ لا تُقبل إزاحات Etc/GMT±N)",
            ),
        )
    })
}

/// What a local wall-clock time looks like: `2026-12-10T10:00`, seconds optional.
pub const LOCAL_TIME_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$";

/// The instant a wall-clock time in `tz` names; 422 on `pointer` when it is malformed, when the
/// clocks skip it (the spring change) or when it happens twice (the autumn change).
pub fn resolve_local(
    tz: chrono_tz::Tz,
    text: &str,
    pointer: &str,
) -> Result<chrono::DateTime<chrono::Utc>, crate::error::ApiError> {
    use crate::error::ApiError;
    use crate::i18n::Text;
    use chrono::{LocalResult, NaiveDateTime, TimeZone};
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            ApiError::field(
                pointer,
                "format",
                Text::new(
                    "a local date and time such as 2026-12-10T10:00",
                    "تاريخ ووقت محليان مثل 2026-12-10T10:00",
                ),
            )
        })?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&chrono::Utc)),
        LocalResult::None => Err(ApiError::field(
            pointer,
            "nonexistent_local_time",
            Text::new(
                format!(
                    "{text} does not exist in {}: the clocks skip it that day (daylight saving starts); choose another time",
                    tz.name()
                ),
                format!(
                    "الوقت {text} غير موجود في {}: تُقدَّم الساعة في ذلك اليوم (بدء التوقيت الصيفي)؛ اختر وقتًا آخر",
                    tz.name()
                ),
            ),
        )),
        LocalResult::Ambiguous(a, b) => Err(ApiError::field(
            pointer,
            "ambiguous_local_time",
            Text::new(
                format!(
                    "{text} happens twice in {} that day (daylight saving ends): send the instant with its offset instead ({} or {})",
                    tz.name(),
                    a.to_rfc3339(),
                    b.to_rfc3339()
                ),
                format!(
                    "الوقت {text} يتكرر مرتين في {} ذلك اليوم (انتهاء التوقيت الصيفي): أرسل الموعد مع فرق التوقيت ({} أو {})",
                    tz.name(),
                    a.to_rfc3339(),
                    b.to_rfc3339()
                ),
            ),
        )),
    }
}

/// One of an instant (`starts_at`) and a wall-clock time in `tz` (`starts_at_local`): 422 when
/// both or neither are given (`required` says whether neither is an error).
pub fn instant_or_local(
    instant: Option<chrono::DateTime<chrono::Utc>>,
    local: Option<&str>,
    tz: chrono_tz::Tz,
    name: &str,
    required: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, crate::error::ApiError> {
    use crate::error::ApiError;
    use crate::i18n::Text;
    match (instant, local) {
        (Some(_), Some(_)) => Err(ApiError::field(
            &format!("/{name}_local"),
            "not_allowed",
            Text::new(
                format!("give {name} or {name}_local, not both"),
                format!("أرسل {name} أو {name}_local لا كليهما"),
            ),
        )),
        (Some(t), None) => Ok(Some(t)),
        (None, Some(l)) => resolve_local(tz, l, &format!("/{name}_local")).map(Some),
        (None, None) if required => Err(ApiError::field(
            &format!("/{name}"),
            "required",
            Text::new(
                format!("give {name} (an instant) or {name}_local (a wall-clock time)"),
                format!("أرسل {name} (لحظة زمنية) أو {name}_local (وقتًا محليًا)"),
            ),
        )),
        (None, None) => Ok(None),
    }
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
            .enum_values(Some(
                chrono_tz::TZ_VARIANTS
                    .iter()
                    .filter(|z| offered(**z))
                    .map(|z| z.name()),
            ))
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
            let parsed = super::parse(zone.name()).ok();
            if super::offered(zone) {
                assert_eq!(parsed, Some(zone));
            } else {
                assert_eq!(parsed, None, "{}", zone.name());
            }
        }
        assert!(super::parse("Etc/GMT+12").is_err() && super::parse("Etc/GMT-12").is_err());
        assert!(super::parse("Etc/GMT").is_ok() && super::parse("UTC").is_ok());
        assert!("asia/hebron".parse::<chrono_tz::Tz>().is_err());
        assert!("Mars/Olympus".parse::<chrono_tz::Tz>().is_err());
    }

    #[test]
    fn wall_clock_times_around_the_changes_are_refused_clearly() {
        let hebron = chrono_tz::Asia::Hebron;
        let code = |r: Result<_, crate::error::ApiError>| match r {
            Err(crate::error::ApiError::Validation(e)) => e[0].code.clone(),
            other => panic!("{other:?}"),
        };
        // 2026-12-10 10:00 in winter: UTC+2.
        let t = super::resolve_local(hebron, "2026-12-10T10:00", "/x").expect("exists");
        assert_eq!(t.to_rfc3339(), "2026-12-10T08:00:00+00:00");
        // Walk the year hour by hour (at :30): the first refused time in spring is skipped, the
        // first in autumn repeated.
        let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 30, 0))
            .expect("start");
        let refused: Vec<(String, String)> = (0..365 * 24)
            .map(|h| {
                (start + chrono::Duration::hours(h))
                    .format("%Y-%m-%dT%H:%M")
                    .to_string()
            })
            .filter_map(|l| match super::resolve_local(hebron, &l, "/x") {
                Ok(_) => None,
                other => Some((l, code(other))),
            })
            .collect();
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(refused[0].0.as_str() < "2026-07" && refused[0].1 == "nonexistent_local_time");
        assert!(refused[1].0.as_str() > "2026-07" && refused[1].1 == "ambiguous_local_time");
        assert_eq!(code(super::resolve_local(hebron, "10 Dec", "/x")), "format");
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
