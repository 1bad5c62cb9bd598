use actix_web::{get, web};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{workshop, workshop_platform};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{LocalTimes, Venue, local_text, parse_hosts};
use crate::domain::{ActivityKind, Bilingual, WorkshopStatus};
use crate::error::ApiError;
use crate::pagination::{decode_instant, encode_instant, limit};
use crate::state::AppState;

/// A workshop in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopSummary {
    pub id: i64,
    pub platform_id: i64,
    pub host_platform_ids: Vec<i64>,
    pub topic_id: Option<i64>,
    pub kind: ActivityKind,
    pub title: Bilingual,
    #[serde(serialize_with = "crate::domain::utc_seconds")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::domain::utc_seconds")]
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub local: LocalTimes,
    pub venue: Option<Venue>,
    pub online_url: Option<String>,
    pub capacity: Option<i32>,
    pub seats_left: Option<i32>,
    pub status: WorkshopStatus,
}

/// The columns a list needs, and no more.
#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    platform_id: i64,
    host_ids: String,
    topic_id: Option<i64>,
    kind: String,
    title_ar: String,
    title_en: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    time_zone: String,
    venue_city: Option<String>,
    venue_address: Option<String>,
    online_url: Option<String>,
    capacity: Option<i32>,
    registered_count: i32,
    status: String,
}

/// A page of workshops, soonest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopList {
    pub items: Vec<WorkshopSummary>,
    pub next_cursor: Option<String>,
}

/// Filters and paging. Without `from`, only workshops that have not ended are listed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListWorkshopsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Hosted by this platform (as organiser or co-host).
    pub platform_id: Option<i64>,
    pub topic_id: Option<i64>,
    /// Venue city, exactly.
    pub city: Option<String>,
    pub kind: Option<ActivityKind>,
    /// Starting at or after (default: not yet ended).
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
    /// At least this many seats left (workshops without a limit always qualify).
    pub seats_left: Option<i32>,
    /// Default `scheduled`.
    pub status: Option<WorkshopStatus>,
}

/// Public workshops across platforms, soonest first, with keyset paging.
#[utoipa::path(tag = "workshops", security(()), params(ListWorkshopsQuery), responses((status = 200, body = WorkshopList)))]
#[get("/workshops")]
pub async fn list_workshops(
    state: web::Data<AppState>,
    query: web::Query<ListWorkshopsQuery>,
) -> Result<web::Json<WorkshopList>, ApiError> {
    let q = query.into_inner();
    let limit = limit(q.limit)?;
    let status = q.status.unwrap_or(WorkshopStatus::Scheduled);
    let mut select = workshop::Entity::find()
        .filter(workshop::Column::IsPublic.eq(true))
        .filter(workshop::Column::Status.eq(status.as_str()));
    if status == WorkshopStatus::Draft {
        select = select.filter(Expr::val(false));
    }
    match q.from {
        Some(from) => select = select.filter(workshop::Column::StartsAt.gte(from)),
        None if q.to.is_none() => {
            select = select.filter(workshop::Column::EndsAt.gt(state.clock.now()))
        }
        None => {}
    }
    if let Some(to) = q.to {
        select = select.filter(workshop::Column::StartsAt.lt(to));
    }
    if let Some(c) = q.cursor.as_deref() {
        let (at, id) = decode_instant(c)?;
        select = select.filter(
            Condition::any().add(workshop::Column::StartsAt.gt(at)).add(
                Condition::all()
                    .add(workshop::Column::StartsAt.eq(at))
                    .add(workshop::Column::Id.gt(id)),
            ),
        );
    }
    if let Some(p) = q.platform_id {
        select = select.filter(
            workshop::Column::Id.in_subquery(
                Query::select()
                    .column(workshop_platform::Column::WorkshopId)
                    .from(workshop_platform::Entity)
                    .and_where(workshop_platform::Column::PlatformId.eq(p))
                    .to_owned(),
            ),
        );
    }
    if let Some(t) = q.topic_id {
        select = select.filter(workshop::Column::TopicId.eq(t));
    }
    if let Some(city) = q.city.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        select = select.filter(workshop::Column::VenueCity.eq(city));
    }
    if let Some(k) = q.kind {
        select = select.filter(workshop::Column::Kind.eq(k.as_str()));
    }
    if let Some(n) = q.seats_left {
        select = select.filter(
            Condition::any()
                .add(workshop::Column::Capacity.is_null())
                .add(
                    Expr::col(workshop::Column::Capacity)
                        .sub(Expr::col(workshop::Column::RegisteredCount))
                        .gte(n),
                ),
        );
    }
    use workshop::Column as C;
    let mut rows: Vec<Row> = select
        .select_only()
        .columns([
            C::Id,
            C::PlatformId,
            C::HostIds,
            C::TopicId,
            C::Kind,
            C::TitleAr,
            C::TitleEn,
            C::StartsAt,
            C::EndsAt,
            C::TimeZone,
            C::VenueCity,
            C::VenueAddress,
            C::OnlineUrl,
            C::Capacity,
            C::RegisteredCount,
            C::Status,
        ])
        .order_by_asc(C::StartsAt)
        .order_by_asc(C::Id)
        .limit(limit + 1)
        .into_model::<Row>()
        .all(&state.db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|w| encode_instant(w.starts_at, w.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|w| {
            let tz: Tz = w.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
            WorkshopSummary {
                host_platform_ids: parse_hosts(&w.host_ids),
                id: w.id,
                platform_id: w.platform_id,
                topic_id: w.topic_id,
                kind: ActivityKind::from_db(&w.kind),
                title: Bilingual {
                    ar: w.title_ar,
                    en: w.title_en,
                },
                local: LocalTimes {
                    starts_at: local_text(w.starts_at, tz),
                    ends_at: local_text(w.ends_at, tz),
                },
                starts_at: w.starts_at,
                ends_at: w.ends_at,
                time_zone: w.time_zone,
                venue: w.venue_city.map(|city| Venue {
                    city,
                    address: w.venue_address.unwrap_or_default(),
                }),
                online_url: w.online_url,
                seats_left: w.capacity.map(|c| std::cmp::max(c - w.registered_count, 0)),
                capacity: w.capacity,
                status: WorkshopStatus::from_db(&w.status),
            }
        })
        .collect();
    Ok(web::Json(WorkshopList { items, next_cursor }))
}
