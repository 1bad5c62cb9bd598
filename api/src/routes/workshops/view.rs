//! How the workshops are shown: responses built from rows, with what hangs on them loaded in batches.

use chrono_tz::Tz;
pub use clashes::Warning;
use entity::{agenda_item, workshop, workshop_expert, workshop_material};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::{Bilingual, BilingualText};
use crate::error::ApiError;

use super::*;

/// The full response of one workshop, its agenda, experts and materials read.
pub async fn response(
    db: &impl ConnectionTrait,
    w: workshop::Model,
    manager: bool,
    warnings: Vec<Warning>,
) -> Result<WorkshopResponse, ApiError> {
    let children = load_children(db, w.id).await?;
    Ok(response_with(w, children, manager, warnings))
}

/// The agenda, experts and materials of a workshop, in their order.
pub async fn load_children(db: &impl ConnectionTrait, id: i64) -> Result<Children, ApiError> {
    let agenda = agenda_item::Entity::find()
        .filter(agenda_item::Column::WorkshopId.eq(id))
        .order_by_asc(agenda_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AgendaItem {
            title: a.title,
            title_en: a.title_en,
            speaker: a.speaker,
            duration_minutes: a.duration_minutes,
        })
        .collect();
    let experts = workshop_expert::Entity::find()
        .filter(workshop_expert::Column::WorkshopId.eq(id))
        .order_by_asc(workshop_expert::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| Expert {
            name: e.name,
            name_en: e.name_en,
            email: e.email,
            organisation: e.organisation,
            organisation_en: e.organisation_en,
        })
        .collect();
    let materials = workshop_material::Entity::find()
        .filter(workshop_material::Column::WorkshopId.eq(id))
        .order_by_asc(workshop_material::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Material {
            title: m.title,
            title_en: m.title_en,
            url: m.url,
        })
        .collect();
    Ok(Children {
        agenda,
        experts,
        materials,
    })
}

/// The full response of one workshop from its row and its children (the experts' emails for
/// its managers only).
pub fn response_with(
    w: workshop::Model,
    children: Children,
    manager: bool,
    warnings: Vec<Warning>,
) -> WorkshopResponse {
    let hosts = crate::services::programme::hosts::parse_hosts(&w.host_ids);
    let Children {
        agenda,
        mut experts,
        materials,
    } = children;
    if !manager {
        for e in &mut experts {
            e.email = None;
        }
    }
    let tz: Tz = w.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
    let eligibility = Eligibility::of(&w);
    WorkshopResponse {
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
            city_en: w.venue_city_en,
            address_en: w.venue_address_en,
        }),
        online_url: w.online_url,
        capacity: w.capacity,
        registered_count: w.registered_count,
        seats_left: w.capacity.map(|c| (c - w.registered_count).max(0)),
        registration_opens_at: w.registration_opens_at,
        registration_closes_at: w.registration_closes_at,
        status: w.status,
        is_public: w.is_public,
        eligibility,
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
    }
}
