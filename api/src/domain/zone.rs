//! Time zones as the API names them: IANA tz database names.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// The zone a workshop is shown in when none is given.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Hebron";

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
}
