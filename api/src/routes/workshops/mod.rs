//! Workshops: scheduling across time zones, registrations with a fair waitlist, attendance,
//! minutes, calendar feeds and the emails that go with them.

mod attendance;
pub mod calendar;
mod clashes;
mod create;
mod list;
mod read;
mod registrations;
mod transitions;
mod update;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{agenda_item, workshop, workshop_expert, workshop_material, workshop_platform};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::domain::stamp::Stamp;
use crate::domain::{ActivityKind, Bilingual, BilingualText, WorkshopStatus};
use crate::error::ApiError;
use crate::i18n::Text;

pub use clashes::Warning;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_workshops)
        .service(create::create_workshop)
        .service(read::get_workshop)
        .service(update::update_workshop)
        .service(transitions::transition_workshop)
        .service(transitions::put_minutes)
        .service(registrations::register)
        .service(registrations::list_registrations)
        .service(registrations::cancel_registration)
        .service(attendance::get_attendance)
        .service(attendance::record_attendance)
        .service(attendance::check_in)
        .service(calendar::workshop_calendar)
        .service(calendar::platform_calendar)
        .service(calendar::personal_calendar)
        .service(calendar::create_calendar_token)
        .service(calendar::revoke_calendar_token);
}

/// The default zone of the programme's workshops.
pub use crate::domain::zone::DEFAULT_TIME_ZONE;

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
    /// Shown to the platform's managers only.
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub organisation: Option<String>,
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

/// The full response of one workshop.
pub async fn response(
    db: &impl ConnectionTrait,
    w: workshop::Model,
    manager: bool,
    warnings: Vec<Warning>,
) -> Result<WorkshopResponse, ApiError> {
    let hosts = crate::services::hosts::parse_hosts(&w.host_ids);
    let agenda = agenda_item::Entity::find()
        .filter(agenda_item::Column::WorkshopId.eq(w.id))
        .order_by_asc(agenda_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AgendaItem {
            title: a.title,
            speaker: a.speaker,
            duration_minutes: a.duration_minutes,
        })
        .collect();
    let experts = workshop_expert::Entity::find()
        .filter(workshop_expert::Column::WorkshopId.eq(w.id))
        .order_by_asc(workshop_expert::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| Expert {
            name: e.name,
            email: e.email.filter(|_| manager),
            organisation: e.organisation,
        })
        .collect();
    let materials = workshop_material::Entity::find()
        .filter(workshop_material::Column::WorkshopId.eq(w.id))
        .order_by_asc(workshop_material::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Material {
            title: m.title,
            url: m.url,
        })
        .collect();
    let tz: Tz = w.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
    Ok(WorkshopResponse {
        id: w.id,
        platform_id: w.platform_id,
        host_platform_ids: hosts,
        topic_id: w.topic_id,
        activity_id: w.activity_id,
        kind: w.kind,
        title: Bilingual {
            ar: w.title_ar,
            en: w.title_en,
        },
        description: BilingualText::new(w.description_ar, w.description_en),
        local: LocalTimes::new(w.starts_at, w.ends_at, tz),
        starts_at: w.starts_at,
        ends_at: w.ends_at,
        time_zone: w.time_zone,
        venue: w.venue_city.map(|city| Venue {
            city,
            address: w.venue_address.unwrap_or_default(),
        }),
        online_url: w.online_url,
        capacity: w.capacity,
        registered_count: w.registered_count,
        seats_left: w.capacity.map(|c| (c - w.registered_count).max(0)),
        registration_opens_at: w.registration_opens_at,
        registration_closes_at: w.registration_closes_at,
        status: w.status,
        is_public: w.is_public,
        agenda,
        experts,
        materials,
        minutes: BilingualText::new(w.minutes_ar, w.minutes_en),
        outcomes: BilingualText::new(w.outcomes_ar, w.outcomes_en),
        reported_attendance: w.reported_attendance,
        check_in_code: manager.then_some(w.check_in_code),
        sequence: w.sequence,
        version: w.version,
        warnings,
        created_at: w.created_at,
        updated_at: w.updated_at,
    })
}

/// Replaces the hosts, agenda, experts and materials given (absent lists stay).
pub async fn write_children(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    hosts: Option<&[i64]>,
    agenda: Option<&[AgendaItem]>,
    experts: Option<&[Expert]>,
    materials: Option<&[Material]>,
) -> Result<(), ApiError> {
    if let Some(hosts) = hosts {
        workshop::Entity::update_many()
            .col_expr(
                workshop::Column::HostIds,
                sea_orm::sea_query::Expr::value(crate::services::hosts::host_text(hosts)),
            )
            .filter(workshop::Column::Id.eq(workshop_id))
            .exec(db)
            .await?;
        workshop_platform::Entity::delete_many()
            .filter(workshop_platform::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        for p in hosts {
            workshop_platform::ActiveModel {
                workshop_id: Set(workshop_id),
                platform_id: Set(*p),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(agenda) = agenda {
        agenda_item::Entity::delete_many()
            .filter(agenda_item::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        for (i, a) in agenda.iter().enumerate() {
            agenda_item::ActiveModel {
                workshop_id: Set(workshop_id),
                position: Set(i as i32 + 1),
                title: Set(a.title.trim().to_owned()),
                speaker: Set(a.speaker.clone()),
                duration_minutes: Set(a.duration_minutes),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(experts) = experts {
        workshop_expert::Entity::delete_many()
            .filter(workshop_expert::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        for e in experts {
            workshop_expert::ActiveModel {
                workshop_id: Set(workshop_id),
                name: Set(e.name.trim().to_owned()),
                email: Set(e.email.clone()),
                organisation: Set(e.organisation.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(materials) = materials {
        workshop_material::Entity::delete_many()
            .filter(workshop_material::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        for m in materials {
            workshop_material::ActiveModel {
                workshop_id: Set(workshop_id),
                title: Set(m.title.trim().to_owned()),
                url: Set(m.url.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Drops sub-second precision.
pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// A random check-in code: 6 characters without look-alikes.
pub fn check_in_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..6)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}
