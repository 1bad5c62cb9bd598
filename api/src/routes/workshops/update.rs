use actix_web::{HttpResponse, patch, web};
use chrono::{DateTime, Utc};
use entity::workshop;
use sea_orm::Set;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::create::check_schedule;
use super::{
    AgendaItem, Expert, Material, Venue, WorkshopResponse, clashes, parse_zone, response,
    write_children,
};
use crate::access::Standing;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::zone::instant_or_local;
use crate::domain::{ActivityKind, BilingualPatch, BilingualTextPatch, WorkshopStatus, search};
use crate::error::{ApiError, ProblemCode};
use crate::etag::{self, IfMatch};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::messages::workshops::{self as mail};
use crate::services::programme::hosts::{self, check_hosts};
use crate::services::programme::seats::promote_waitlisted;
use crate::services::store::versioned;
use crate::state::AppState;

/// Fields to change; absent fields stay. Lists given replace the old ones.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkshopRequest {
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub host_platform_ids: Option<Vec<i64>>,
    pub kind: Option<ActivityKind>,
    #[validate(nested)]
    pub title: Option<BilingualPatch>,
    #[validate(nested)]
    pub description: Option<BilingualTextPatch>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// A new start as a wall-clock time in the workshop's (new) `time_zone`, instead of
    /// `starts_at`; times the clocks skip or pass twice are refused.
    #[schema(value_type = Option<String>, max_length = 19, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-10T10:00")]
    #[validate(length(max = 19))]
    pub starts_at_local: Option<String>,
    /// A new end as a wall-clock time, instead of `ends_at`.
    #[schema(value_type = Option<String>, max_length = 19, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-10T13:00")]
    #[validate(length(max = 19))]
    pub ends_at_local: Option<String>,
    #[validate(length(max = 64))]
    #[schema(value_type = Option<crate::domain::zone::TimeZoneName>)]
    pub time_zone: Option<String>,
    #[validate(nested)]
    pub venue: Option<Venue>,
    #[validate(
        custom(function = "crate::domain::validate_web_url"),
        length(max = 500)
    )]
    #[schema(max_length = 500, format = "uri")]
    pub online_url: Option<String>,
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: Option<i32>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub is_public: Option<bool>,
    /// Replaces who may register (`{}` opens it to all).
    #[validate(nested)]
    pub eligibility: Option<super::Eligibility>,
    #[validate(nested, length(max = 100))]
    #[schema(max_items = 100)]
    pub agenda: Option<Vec<AgendaItem>>,
    #[validate(nested, length(max = 50))]
    #[schema(max_items = 50)]
    pub experts: Option<Vec<Expert>>,
    #[validate(nested, length(max = 100))]
    #[schema(max_items = 100)]
    pub materials: Option<Vec<Material>>,
}

/// Changes or moves a workshop (its platform's managers), with `If-Match`. Every change raises
/// the iCalendar SEQUENCE; a new time or place is mailed to everyone registered. A larger
/// capacity promotes people from the waiting list. Clashes come back as warnings.
#[utoipa::path(
    tag = "workshops",
    params(("id" = i64, Path, description = "Workshop id"), IfMatch),
    request_body = UpdateWorkshopRequest,
    responses(
        (status = 200, body = WorkshopResponse),
        (status = 409, description = "The workshop is completed or cancelled", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/workshops/{id}")]
pub async fn update_workshop(
    if_match: IfMatch,
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ValidatedJson<UpdateWorkshopRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let w = find_or_404::<entity::workshop::Entity>(&txn, id.into_inner()).await?;
    Standing::of_manager(&txn, &auth, w.platform_id).await?;
    let body = body.into_inner()?;
    let expected = if_match.expected()?;
    versioned::check::<workshop::Entity>(&w, expected)?;
    let before_view = response(&txn, w.clone(), true, Vec::new()).await?;
    if matches!(
        w.status,
        WorkshopStatus::Completed | WorkshopStatus::Cancelled
    ) {
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "A completed or cancelled workshop cannot be changed (minutes excepted).",
                "لا يمكن تعديل ورشة منعقدة أو ملغاة (باستثناء المحضر).",
            ),
        ));
    }
    let tz = parse_zone(body.time_zone.as_deref().unwrap_or(&w.time_zone))?;
    let starts = instant_or_local(
        body.starts_at,
        body.starts_at_local.as_deref(),
        tz,
        "starts_at",
        false,
    )?
    .map_or(w.starts_at, crate::clock::whole_seconds);
    let ends = instant_or_local(
        body.ends_at,
        body.ends_at_local.as_deref(),
        tz,
        "ends_at",
        false,
    )?
    .map_or(w.ends_at, crate::clock::whole_seconds);
    let venue = body
        .venue
        .clone()
        .map(|v| (v.city.trim().to_owned(), v.address.trim().to_owned()))
        .or(w
            .venue_city
            .clone()
            .map(|c| (c, w.venue_address.clone().unwrap_or_default())));
    let online = body.online_url.clone().or(w.online_url.clone());
    let opens = body.registration_opens_at.or(w.registration_opens_at);
    let closes = body.registration_closes_at.or(w.registration_closes_at);
    let moved = starts != w.starts_at || ends != w.ends_at;
    check_schedule(
        starts,
        ends,
        venue.is_some() || online.is_some(),
        opens,
        closes,
        !moved,
        now,
    )?;
    if let Some(cap) = body.capacity
        && cap < w.registered_count
    {
        return Err(ApiError::field(
            "/capacity",
            "below_registered",
            Text::new(
                "cannot be below the number already registered",
                "لا يمكن أن تقل عن عدد المسجلين حاليًا",
            ),
        ));
    }
    let hosts = body
        .host_platform_ids
        .as_ref()
        .map(|extra| hosts::host_list(w.platform_id, extra));
    if let Some(h) = &hosts {
        check_hosts(&txn, h).await?;
    }
    let place_changed = venue
        != w.venue_city
            .clone()
            .map(|c| (c, w.venue_address.clone().unwrap_or_default()))
        || online != w.online_url;
    let mut m = workshop::ActiveModel {
        starts_at: Set(starts),
        ends_at: Set(ends),
        time_zone: Set(tz.name().to_owned()),
        venue_city: Set(venue.as_ref().map(|v| v.0.clone())),
        venue_address: Set(venue.as_ref().map(|v| v.1.clone())),
        online_url: Set(online),
        registration_opens_at: Set(opens),
        registration_closes_at: Set(closes),
        updated_at: Set(now),
        ..Default::default()
    };
    // A new venue brings its English (or none); without one the old stays.
    if let Some(v) = &body.venue {
        m.venue_city_en = Set(v.city_en.trim().to_owned());
        m.venue_address_en = Set(v.address_en.trim().to_owned());
    }
    if let Some(k) = body.kind {
        m.kind = Set(k);
    }
    let title = body.title.map(|t| t.merge(&w.title_ar, &w.title_en));
    let description = body
        .description
        .map(|d| d.merge(&w.description_ar, &w.description_en));
    if title.is_some() || description.is_some() {
        // The text search finds it by: written again only when the words change.
        let t = title
            .as_ref()
            .map_or((&*w.title_ar, &*w.title_en), |t| (&*t.ar, &*t.en));
        let d = description
            .as_ref()
            .map_or((&*w.description_ar, &*w.description_en), |d| {
                (&*d.ar, &*d.en)
            });
        m.search_text = Set(search::workshop_search_text(t, d));
    }
    if let Some(t) = title {
        m.title_ar = Set(t.ar);
        m.title_en = Set(t.en);
    }
    if let Some(d) = description {
        m.description_ar = Set(d.ar);
        m.description_en = Set(d.en);
    }
    if let Some(c) = body.capacity {
        m.capacity = Set(Some(c));
    }
    if let Some(p) = body.is_public {
        m.is_public = Set(p);
    }
    if let Some(e) = &body.eligibility {
        let (governorates, kinds) = e.stored();
        m.eligible_governorates = Set(governorates);
        m.eligible_authority_kinds = Set(kinds);
    }
    if moved {
        m.reminder_sent_at = Set(None);
    }
    // A calendar invitation's SEQUENCE grows with every change (the version guard below
    // makes the row's value the one read here).
    m.sequence = Set(w.sequence + 1);
    versioned::save::<workshop::Entity>(&txn, w.id, expected, m).await?;
    write_children(
        &txn,
        w.id,
        hosts.as_deref(),
        body.agenda.as_deref(),
        body.experts.as_deref(),
        body.materials.as_deref(),
    )
    .await?;
    let mut updated = find_or_404::<entity::workshop::Entity>(&txn, w.id).await?;
    let mut entry = Entry::new(Action::WorkshopUpdate, w.id)
        .updated(&w, &updated)
        .platform(w.platform_id);
    if let Some(h) = &hosts {
        entry = entry.field("host_platform_ids", h);
    }
    if let Some(a) = &body.agenda {
        entry = entry.field("agenda", a);
    }
    if let Some(e) = &body.experts {
        entry = entry.field("experts", e);
    }
    if let Some(m) = &body.materials {
        entry = entry.field("materials", m);
    }
    entry.write(&txn, &auth, now).await?;
    if body.capacity.is_some() {
        promote_waitlisted(&txn, &state, &mut updated, auth.actor()).await?;
    }
    if (moved || place_changed) && updated.status == WorkshopStatus::Scheduled {
        mail::notify_registrants(&txn, &state, mail::Kind::Update, &updated).await?;
    }
    let host_list = match hosts {
        Some(h) => h,
        None => hosts::parse_hosts(&updated.host_ids),
    };
    let warnings = clashes::of_saved(&txn, &updated, &host_list, false).await?;
    let body = response(&txn, updated, true, warnings).await?;
    if versioned::unchanged(&before_view, &body) {
        return etag::unchanged(txn, before_view).await;
    }
    state.commit(txn).await?;
    Ok(etag::tagged(body.version, &body))
}
