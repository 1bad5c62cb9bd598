use std::fmt::Write as _;

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sqlx;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{LocalTimes, Venue};
use crate::domain::{ActivityKind, Bilingual, WorkshopStatus};
use crate::error::ApiError;
use crate::pagination::{decode_instant, encode_instant, limit};
use crate::services::programme::hosts::host_ids;
use crate::state::AppState;

/// A workshop in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopSummary<'r> {
    pub id: i64,
    pub platform_id: i64,
    #[schema(value_type = Vec<i64>, max_items = 21)]
    pub host_platform_ids: HostIds<'r>,
    pub topic_id: Option<i64>,
    pub kind: ActivityKind,
    #[schema(value_type = Bilingual)]
    pub title: TitleRef<'r>,
    #[serde(serialize_with = "crate::domain::utc_seconds")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::domain::utc_seconds")]
    pub ends_at: DateTime<Utc>,
    #[schema(value_type = crate::domain::zone::TimeZoneName)]
    pub time_zone: &'r str,
    pub local: LocalTimes,
    #[schema(value_type = Option<Venue>)]
    pub venue: Option<VenueRef<'r>>,
    #[schema(value_type = Option<String>, max_length = 500, format = "uri")]
    pub online_url: Option<&'r str>,
    pub capacity: Option<i32>,
    pub seats_left: Option<i32>,
    pub status: WorkshopStatus,
}

/// A title borrowed from its row, serialized as a [`Bilingual`].
#[derive(Debug, Serialize)]
pub struct TitleRef<'r> {
    pub ar: &'r str,
    pub en: &'r str,
}

/// A venue borrowed from its row, serialized as a [`Venue`].
#[derive(Debug, Serialize)]
pub struct VenueRef<'r> {
    pub city: &'r str,
    pub address: &'r str,
    pub city_en: &'r str,
    pub address_en: &'r str,
}

/// A stored host list (`"3,5"`), serialized as the array of ids it holds.
#[derive(Debug)]
pub struct HostIds<'r>(&'r str);

impl Serialize for HostIds<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(host_ids(self.0))
    }
}

/// The columns a list needs, and no more, borrowed from the driver's row: a page is decoded
/// and written out without copying its texts.
struct Row<'r> {
    id: i64,
    platform_id: i64,
    host_ids: &'r str,
    topic_id: Option<i64>,
    kind: &'r str,
    title_ar: &'r str,
    title_en: &'r str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    time_zone: &'r str,
    venue_city: Option<&'r str>,
    venue_address: Option<&'r str>,
    online_url: Option<&'r str>,
    capacity: Option<i32>,
    registered_count: i32,
    status: &'r str,
    venue_city_en: &'r str,
    venue_address_en: &'r str,
}

/// Decodes by position. The column types are fixed by the SELECT below and the migrations, and
/// the list tests read every column on both databases, so the driver's per-column type check
/// is skipped.
fn decode<'r, R>(r: &'r R) -> Result<Row<'r>, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database>,
    i32: sqlx::Decode<'r, R::Database>,
    &'r str: sqlx::Decode<'r, R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database>,
{
    Ok(Row {
        id: r.try_get_unchecked(0)?,
        platform_id: r.try_get_unchecked(1)?,
        host_ids: r.try_get_unchecked(2)?,
        topic_id: r.try_get_unchecked(3)?,
        kind: r.try_get_unchecked(4)?,
        title_ar: r.try_get_unchecked(5)?,
        title_en: r.try_get_unchecked(6)?,
        starts_at: r.try_get_unchecked(7)?,
        ends_at: r.try_get_unchecked(8)?,
        time_zone: r.try_get_unchecked(9)?,
        venue_city: r.try_get_unchecked(10)?,
        venue_address: r.try_get_unchecked(11)?,
        online_url: r.try_get_unchecked(12)?,
        capacity: r.try_get_unchecked(13)?,
        registered_count: r.try_get_unchecked(14)?,
        status: r.try_get_unchecked(15)?,
        venue_city_en: r.try_get_unchecked(16)?,
        venue_address_en: r.try_get_unchecked(17)?,
    })
}

fn decode_result(r: &QueryResult) -> Result<Row<'_>, ApiError> {
    let decoded = if let Some(pg) = r.try_as_pg_row() {
        decode(pg)
    } else if let Some(lite) = r.try_as_sqlite_row() {
        decode(lite)
    } else {
        return Err(ApiError::Unexpected("unsupported database row".into()));
    };
    decoded.map_err(|e| ApiError::Unexpected(format!("workshop list row: {e}")))
}

impl<'r> Row<'r> {
    fn summary(self) -> Result<WorkshopSummary<'r>, ApiError> {
        let tz: Tz = self.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
        Ok(WorkshopSummary {
            id: self.id,
            platform_id: self.platform_id,
            host_platform_ids: HostIds(self.host_ids),
            topic_id: self.topic_id,
            kind: ActivityKind::from_stored(self.kind)?,
            title: TitleRef {
                ar: self.title_ar,
                en: self.title_en,
            },
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            time_zone: self.time_zone,
            local: LocalTimes::new(self.starts_at, self.ends_at, tz),
            venue: self.venue_city.map(|city| VenueRef {
                city,
                address: self.venue_address.unwrap_or_default(),
                city_en: self.venue_city_en,
                address_en: self.venue_address_en,
            }),
            online_url: self.online_url,
            seats_left: self
                .capacity
                .map(|c| std::cmp::max(c - self.registered_count, 0)),
            capacity: self.capacity,
            status: WorkshopStatus::from_stored(self.status)?,
        })
    }
}

crate::listed!(WorkshopSummary<'r> => WorkshopList, "A page of workshops, soonest first.");

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
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let limit = limit(q.limit)?;
    let status = q.status.unwrap_or(WorkshopStatus::Scheduled);
    let backend = state.db.get_database_backend();
    // The busiest endpoint: its SQL is written out once per combination of filters (so the
    // driver's prepared-statement cache serves it) and rows are decoded by position.
    let mut sql = String::with_capacity(600);
    sql.push_str(
        "SELECT id, platform_id, host_ids, topic_id, kind, title_ar, title_en, starts_at, ends_at, \
         time_zone, venue_city, venue_address, online_url, capacity, registered_count, status, \
         venue_city_en, venue_address_en FROM workshops WHERE is_public = ",
    );
    sql.push_str(if backend == DbBackend::Postgres {
        "TRUE"
    } else {
        "1"
    });
    let mut values: Vec<Value> = Vec::with_capacity(8);
    let mut bind = |sql: &mut String, v: Value| {
        values.push(v);
        if backend == DbBackend::Postgres {
            let _ = write!(sql, "${}", values.len());
        } else {
            sql.push('?');
        }
    };
    // Values of a fixed vocabulary and the page size are written into the SQL, not bound: the
    // first page (no cursor, no other filter) then has no parameter at all, and PostgreSQL
    // plans it once per connection and keeps the plan. With parameters it plans every
    // execution anew (its generic plan looks dearer than a custom one for `LIMIT $n`), and that
    // planning was a third of its CPU per request. None of them comes from the caller's text.
    sql.push_str(" AND status = '");
    sql.push_str(status.as_str());
    sql.push('\'');
    if status == WorkshopStatus::Draft {
        sql.push_str(" AND 1 = 0");
    }
    match q.from {
        Some(from) => {
            sql.push_str(" AND starts_at >= ");
            bind(&mut sql, from.into());
        }
        None if q.to.is_none() => {
            sql.push_str(" AND ends_at > ");
            if backend == DbBackend::Postgres {
                // The statement's start on the database's clock, moved as the server's clock is
                // (tests move it; it is not moved in production).
                sql.push_str("now()");
                let offset = state.clock.offset_secs();
                if offset != 0 {
                    let _ = write!(sql, " + interval '{offset} seconds'");
                }
            } else {
                bind(&mut sql, state.clock.now().into());
            }
        }
        None => {}
    }
    if let Some(to) = q.to {
        sql.push_str(" AND starts_at < ");
        bind(&mut sql, to.into());
    }
    if let Some(c) = q.cursor.as_deref() {
        let (at, id) = decode_instant(c)?;
        // A row comparison, which the `(starts_at, id)` index answers directly: the page
        // starts where the cursor points, however deep. (Spelt `starts_at > $a OR (starts_at =
        // $a AND id > $b)`, PostgreSQL read the index from the first row and filtered: 4 268
        // rows passed over for a page three days in at 1M rows, 1.2 ms against 0.03 ms, and it
        // planned every execution anew.)
        sql.push_str(" AND (starts_at, id) > (");
        bind(&mut sql, at.into());
        sql.push_str(", ");
        bind(&mut sql, id.into());
        sql.push(')');
    }
    if let Some(p) = q.platform_id {
        sql.push_str(" AND id IN (SELECT workshop_id FROM workshop_platforms WHERE platform_id = ");
        bind(&mut sql, p.into());
        sql.push(')');
    }
    if let Some(t) = q.topic_id {
        sql.push_str(" AND topic_id = ");
        bind(&mut sql, t.into());
    }
    if let Some(city) = q.city.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        sql.push_str(" AND venue_city = ");
        bind(&mut sql, city.to_owned().into());
    }
    if let Some(k) = q.kind {
        sql.push_str(" AND kind = '");
        sql.push_str(k.as_str());
        sql.push('\'');
    }
    if let Some(n) = q.seats_left {
        sql.push_str(" AND (capacity IS NULL OR capacity - registered_count >= ");
        bind(&mut sql, n.into());
        sql.push(')');
    }
    let _ = write!(sql, " ORDER BY starts_at, id LIMIT {}", limit + 1);
    let raw = state
        .db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut rows = raw
        .iter()
        .map(decode_result)
        .collect::<Result<Vec<Row>, _>>()?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|w| encode_instant(w.starts_at, w.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(Row::summary)
        .collect::<Result<Vec<_>, _>>()?;
    // Serialized once into a buffer sized for a typical page.
    let mut body = Vec::with_capacity(512 + 480 * limit as usize);
    serde_json::to_writer(&mut body, &WorkshopList { items, next_cursor })
        .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}
