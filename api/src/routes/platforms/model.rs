//! What the platforms routes read and answer: request bodies, query parameters and responses.

use entity::platform;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Bilingual, BilingualText, PlatformKind, PlatformStatus};

/// A platform as the API shows it. Its `version` is also its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformResponse {
    pub id: i64,
    #[schema(
        example = "financial-management",
        min_length = 2,
        max_length = 80,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: String,
    pub name: Bilingual,
    pub kind: PlatformKind,
    /// The parent of a regional sub-platform.
    pub parent_id: Option<i64>,
    pub description: BilingualText,
    pub target_audience: BilingualText,
    pub launched_on: Option<chrono::NaiveDate>,
    /// The quarter it was launched in, where a source gives that rather than the day.
    #[schema(example = "2019-Q4", pattern = "^[0-9]{4}-Q[1-4]$", max_length = 7)]
    pub launch_quarter: Option<String>,
    pub launch_city: Option<Bilingual>,
    pub launch_attendance: Option<i32>,
    /// Local authorities taking part at the launch, where the sources give it.
    pub launch_authority_count: Option<i32>,
    pub status: PlatformStatus,
    /// The zone its workshops are shown in unless they name another.
    #[schema(value_type = crate::domain::zone::TimeZoneName)]
    pub time_zone: String,
    /// Active members.
    pub member_count: i64,
    /// Distinct local authorities of the active members.
    pub authority_count: i64,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl PlatformResponse {
    pub fn new(p: platform::Model, counts: (i64, i64)) -> PlatformResponse {
        let launch_city = match (p.launch_city_ar, p.launch_city_en) {
            (Some(ar), en) => Some(Bilingual {
                ar,
                en: en.unwrap_or_default(),
            }),
            _ => None,
        };
        PlatformResponse {
            id: p.id,
            slug: p.slug,
            name: Bilingual {
                ar: p.name_ar,
                en: p.name_en,
            },
            kind: p.kind,
            parent_id: p.parent_id,
            description: BilingualText::new(p.description_ar, p.description_en),
            target_audience: BilingualText::new(p.audience_ar, p.audience_en),
            launched_on: p.launched_on,
            launch_quarter: p.launch_quarter,
            launch_city,
            launch_attendance: p.launch_attendance,
            launch_authority_count: p.launch_authority_count,
            status: p.status,
            time_zone: p.time_zone,
            member_count: counts.0,
            authority_count: counts.1,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

crate::listed!(PlatformResponse => PlatformList, "A page of platforms.");
