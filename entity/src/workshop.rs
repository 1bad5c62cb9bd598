//! A scheduled workshop: instants in UTC with the IANA zone they are shown in.

use sea_orm::entity::prelude::*;

use crate::vocab::{ActivityKind, WorkshopStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub platform_id: i64,
    pub topic_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub kind: ActivityKind,
    pub title_ar: String,
    pub title_en: String,
    pub description_ar: String,
    pub description_en: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub time_zone: String,
    pub venue_city: Option<String>,
    pub venue_address: Option<String>,
    /// The city and address in English (empty: the Arabic serves).
    pub venue_city_en: String,
    pub venue_address_en: String,
    pub online_url: Option<String>,
    /// `None`: no limit.
    pub capacity: Option<i32>,
    /// Registered (not waitlisted) people, kept in the same transaction as registrations.
    pub registered_count: i32,
    pub registration_opens_at: Option<DateTimeUtc>,
    pub registration_closes_at: Option<DateTimeUtc>,
    /// `draft` | `scheduled` | `completed` | `cancelled`.
    pub status: WorkshopStatus,
    pub is_public: bool,
    pub check_in_code: String,
    /// iCalendar SEQUENCE: grows on every change.
    pub sequence: i32,
    /// Attendance recorded without registrations (history).
    pub reported_attendance: Option<i32>,
    pub minutes_ar: String,
    pub minutes_en: String,
    pub outcomes_ar: String,
    pub outcomes_en: String,
    pub reminder_sent_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    /// The hosting platforms, comma-separated, organiser first (a copy of `workshop_platforms`).
    pub host_ids: String,
    /// Governorates whose people may register, a JSON list (`[]`: any).
    pub eligible_governorates: String,
    /// Kinds of local authority whose people may register, a JSON list (`[]`: any).
    pub eligible_authority_kinds: String,
    /// Title and description folded for search (`domain::search`), indexed by the database's
    /// full-text engine.
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
