//! What the workshops routes read and answer: request bodies, query parameters and responses.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
pub use clashes::Warning;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::stamp::Stamp;
use crate::domain::{ActivityKind, Bilingual, BilingualText, WorkshopStatus};

use super::*;

/// A venue.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(example = "رام الله", min_length = 1, max_length = 100)]
    pub city: String,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    #[serde(default)]
    pub address: String,
    /// The city in English (empty: English readers see the Arabic).
    #[validate(length(max = 100))]
    #[schema(max_length = 100, example = "Ramallah")]
    #[serde(default)]
    pub city_en: String,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    #[serde(default)]
    pub address_en: String,
}

/// An agenda item, in order.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// The title in English (empty: the Arabic serves).
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    #[serde(default)]
    pub title_en: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub speaker: Option<String>,
    #[validate(range(min = 1, max = 1440))]
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: Option<i32>,
}

/// An invited expert, who may come from outside the programme.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Expert {
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The name as written in English (empty: as above).
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub name_en: String,
    /// Shown to the platform's managers only.
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub organisation: Option<String>,
    /// The organisation in English (empty: as above).
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub organisation_en: String,
}

/// A material (a link).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Material {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// The title in English (empty: the Arabic serves).
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    #[serde(default)]
    pub title_en: String,
    #[validate(
        custom(function = "crate::domain::validate_web_url"),
        length(max = 1000)
    )]
    #[schema(max_length = 1000, format = "uri")]
    pub url: String,
}

/// Start and end in the workshop's own zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalTimes {
    #[schema(value_type = String, example = "2026-03-01T10:00:00+02:00", format = DateTime)]
    pub starts_at: Stamp,
    #[schema(value_type = String, example = "2026-03-01T13:00:00+02:00", format = DateTime)]
    pub ends_at: Stamp,
}

impl LocalTimes {
    pub fn new(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, tz: Tz) -> LocalTimes {
        LocalTimes {
            starts_at: Stamp::local(starts_at, tz),
            ends_at: Stamp::local(ends_at, tz),
        }
    }
}

/// Who may register beyond the platform's own rules: people of local authorities in these
/// governorates and of these kinds (an empty list: any). Someone outside them is refused with
/// 422 `not_eligible`; the platform's managers may still register them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// Governorate names, as the local authorities give them (e.g. `الخليل`, `بيت لحم`).
    #[validate(length(max = 20), custom(function = "governorate_names"))]
    #[schema(max_items = 20, example = json!(["الخليل", "بيت لحم"]))]
    #[serde(default)]
    pub governorates: Vec<String>,
    #[validate(length(max = 4))]
    #[schema(max_items = 4)]
    #[serde(default)]
    pub authority_kinds: Vec<crate::domain::AuthorityKind>,
}

fn governorate_names(names: &[String]) -> Result<(), validator::ValidationError> {
    if names
        .iter()
        .all(|n| !n.trim().is_empty() && n.chars().count() <= 100)
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("length")
            .with_message("each governorate is 1 to 100 characters".into()))
    }
}

impl Eligibility {
    /// The stored form of each list (JSON arrays).
    pub fn stored(&self) -> (String, String) {
        let names: Vec<&str> = self.governorates.iter().map(|g| g.trim()).collect();
        (
            serde_json::to_string(&names).unwrap_or_else(|_| "[]".into()),
            serde_json::to_string(&self.authority_kinds).unwrap_or_else(|_| "[]".into()),
        )
    }

    /// The lists a workshop stores (unreadable ones read as empty).
    pub fn of(w: &entity::workshop::Model) -> Eligibility {
        Eligibility {
            governorates: serde_json::from_str(&w.eligible_governorates).unwrap_or_default(),
            authority_kinds: serde_json::from_str(&w.eligible_authority_kinds).unwrap_or_default(),
        }
    }

    /// Whether a person of this authority (none: `None`) may register.
    pub fn admits(&self, authority: Option<&entity::local_authority::Model>) -> bool {
        if self.governorates.is_empty() && self.authority_kinds.is_empty() {
            return true;
        }
        authority.is_some_and(|a| {
            (self.governorates.is_empty() || self.governorates.contains(&a.governorate))
                && (self.authority_kinds.is_empty() || self.authority_kinds.contains(&a.kind))
        })
    }
}

/// A workshop as the API shows it. `version` is its `ETag`; `sequence` is its iCalendar SEQUENCE.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopResponse {
    pub id: i64,
    /// The platform that organises it.
    pub platform_id: i64,
    /// Every hosting platform (joint workshops have several), the organiser first.
    #[schema(max_items = 21)]
    pub host_platform_ids: Vec<i64>,
    pub topic_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub kind: ActivityKind,
    pub title: Bilingual,
    pub description: BilingualText,
    /// UTC.
    pub starts_at: DateTime<Utc>,
    /// UTC.
    pub ends_at: DateTime<Utc>,
    #[schema(example = "Asia/Hebron", value_type = crate::domain::zone::TimeZoneName)]
    pub time_zone: String,
    pub local: LocalTimes,
    pub venue: Option<Venue>,
    #[schema(max_length = 500, format = "uri")]
    pub online_url: Option<String>,
    /// `null`: no limit.
    pub capacity: Option<i32>,
    pub registered_count: i32,
    /// `null` when there is no limit.
    pub seats_left: Option<i32>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub status: WorkshopStatus,
    pub is_public: bool,
    pub eligibility: Eligibility,
    #[schema(max_items = 100)]
    pub agenda: Vec<AgendaItem>,
    #[schema(max_items = 50)]
    pub experts: Vec<Expert>,
    #[schema(max_items = 100)]
    pub materials: Vec<Material>,
    pub minutes: BilingualText,
    pub outcomes: BilingualText,
    /// Attendance recorded without registrations (the launch meetings, for instance).
    pub reported_attendance: Option<i32>,
    /// The code for self check-in; shown to the platform's managers only.
    #[schema(min_length = 6, max_length = 6, pattern = "^[A-HJ-NP-Z2-9]{6}$")]
    pub check_in_code: Option<String>,
    pub sequence: i32,
    pub version: i32,
    /// Clashes found when the workshop was created or moved.
    #[schema(max_items = 3)]
    pub warnings: Vec<Warning>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
