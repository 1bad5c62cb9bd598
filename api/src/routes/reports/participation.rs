use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{IntoParams, ToSchema};

use crate::access::platforms_in_reach;
use crate::auth::AuthUser;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::reports::{self, Counts, Dimension, Query};
use crate::state::AppState;

/// The longest period one report covers.
const MAX_YEARS: i32 = 5;
/// The most dimensions one report groups by.
const MAX_DIMENSIONS: usize = 4;

/// What to count participation by, and over which period and platform.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParticipationQuery {
    /// Up to four of `gender`, `local_authority`, `authority_kind`, `governorate`, `region`,
    /// `platform`, `topic`, `workshop_kind`, `quarter`, `month`, comma-separated (default
    /// `quarter,gender`).
    #[param(
        max_length = 120,
        pattern = "^(gender|local_authority|authority_kind|governorate|region|platform|topic|workshop_kind|quarter|month)(,(gender|local_authority|authority_kind|governorate|region|platform|topic|workshop_kind|quarter|month)){0,3}$",
        example = "region,quarter"
    )]
    pub group_by: Option<String>,
    /// First day counted (workshops starting from it, UTC); default the 1st of January this year.
    pub from: Option<NaiveDate>,
    /// Last day counted; default the 31st of December of `from`'s year. At most five years.
    pub to: Option<NaiveDate>,
    /// Only this platform's workshops (default: every platform the caller may report on).
    #[param(minimum = 1)]
    pub platform_id: Option<i64>,
}

/// A count, or `"<5"` when it is hidden (fewer people than the smallest cell shown to anyone but
/// an administrator).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Count {
    Exact(u64),
    Hidden(String),
}

impl utoipa::PartialSchema for Count {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .minimum(Some(0)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^<[0-9]+$"))
                    .max_length(Some(5)),
            )
            .description(Some(
                "A count, or `\"<5\"` where fewer people than the smallest shown cell are counted.",
            ))
            .into()
    }
}

impl ToSchema for Count {}

/// A dimension participation is grouped by.
pub struct DimensionName;

impl utoipa::PartialSchema for DimensionName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(Dimension::ALL.iter().copied()))
            .into()
    }
}

impl ToSchema for DimensionName {}

/// Participation of one group, or of all.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationCounts {
    /// Seats taken (registered, attended or no-show).
    pub registrations: Count,
    pub attendances: Count,
    /// Distinct people who attended.
    pub people: Count,
}

/// One group: its value in each dimension asked for (`null` where unknown, e.g. a person of
/// no local authority), and its counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationRow {
    #[schema(value_type = Object, example = json!({"region": "north", "quarter": "2026-Q1"}))]
    pub group: BTreeMap<String, Option<String>>,
    pub registrations: Count,
    pub attendances: Count,
    pub people: Count,
}

/// Participation in workshops, grouped.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(value_type = Vec<DimensionName>, max_items = 4)]
    pub group_by: Vec<String>,
    /// The platforms counted; `null`: all.
    #[schema(max_items = 1000)]
    pub platform_ids: Option<Vec<i64>>,
    /// Cells counting fewer people are hidden (`null`: nothing hidden, for an administrator).
    pub min_cell: Option<u64>,
    #[schema(max_items = 100000)]
    pub rows: Vec<ParticipationRow>,
    pub totals: ParticipationCounts,
}

fn bad(en: String, ar: String) -> ApiError {
    ApiError::Problem(ProblemCode::InvalidParameter, Text::new(en, ar))
}

fn dimensions(text: Option<&str>) -> Result<Vec<Dimension>, ApiError> {
    let text = text.unwrap_or("quarter,gender");
    let mut out = Vec::new();
    for name in text.split(',').map(str::trim) {
        let d = Dimension::parse(name).ok_or_else(|| {
            bad(
                format!(
                    "group_by: `{name}` is none of {}.",
                    Dimension::ALL.join(", ")
                ),
                format!(
                    "group_by: القيمة `{name}` ليست من {}.",
                    Dimension::ALL.join("، ")
                ),
            )
        })?;
        if out.contains(&d) {
            return Err(ApiError::field(
                "group_by",
                "duplicate",
                Text::new(
                    format!("names `{name}` twice"),
                    format!("تذكر `{name}` مرتين"),
                ),
            ));
        }
        out.push(d);
    }
    if out.len() > MAX_DIMENSIONS {
        return Err(bad(
            format!("group_by takes at most {MAX_DIMENSIONS} dimensions."),
            format!("تقبل group_by {MAX_DIMENSIONS} أبعاد على الأكثر."),
        ));
    }
    Ok(out)
}

fn shown(n: u64, hidden: bool, min: u64) -> Count {
    if hidden {
        Count::Hidden(format!("<{min}"))
    } else {
        Count::Exact(n)
    }
}

fn counts(c: &Counts, hidden: bool, min: u64) -> ParticipationCounts {
    ParticipationCounts {
        registrations: shown(c.registrations, hidden, min),
        attendances: shown(c.attendances, hidden, min),
        people: shown(c.people, hidden, min),
    }
}

/// Participation in scheduled and completed workshops: registrations, attendances and distinct
/// people, grouped by up to four dimensions, over a period (default this year) and the
/// platforms the caller may report on (administrators: all; coordinators: theirs; a key with
/// `reports:read`: its creator's, within its own). For anyone but an administrator (a key
/// included), a group counting fewer than `REPORT_MIN_CELL` people (5) shows `"<5"`, and one
/// more group is hidden beside a lone hidden one, so that the totals never give it back.
#[utoipa::path(
    tag = "reports",
    params(ParticipationQuery),
    responses((status = 200, body = ParticipationReport))
)]
#[get("/reports/participation")]
pub async fn participation_report(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ParticipationQuery>,
) -> Result<web::Json<ParticipationReport>, ApiError> {
    let q = query.into_inner();
    let reach = platforms_in_reach(&state.db, &auth).await?;
    if reach.as_ref().is_some_and(Vec::is_empty) {
        return Err(ApiError::Problem(
            ProblemCode::Forbidden,
            Text::new(
                "Reports are for administrators and the platforms' coordinators.",
                "التقارير للمسؤولين ولمنسقي المنصات.",
            ),
        ));
    }
    let group_by = dimensions(q.group_by.as_deref())?;
    let today = state.clock.now().date_naive();
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to =
        q.to.unwrap_or_else(|| NaiveDate::from_ymd_opt(from.year(), 12, 31).unwrap_or(from));
    if to < from {
        return Err(ApiError::field(
            "to",
            "order",
            Text::new("is on or after `from`", "يكون في يوم `from` أو بعده"),
        ));
    }
    if to.year() - from.year() > MAX_YEARS {
        return Err(ApiError::field(
            "to",
            "too_long",
            Text::new(
                format!("is at most {MAX_YEARS} years after `from`"),
                format!("يكون بعد `from` بـ{MAX_YEARS} سنوات على الأكثر"),
            ),
        ));
    }
    if let Some(p) = q.platform_id {
        if p < 1 {
            return Err(bad(
                "platform_id is a platform's id, from 1.".to_owned(),
                "platform_id معرف منصة يبدأ من 1.".to_owned(),
            ));
        }
        if entity::platform::Entity::find_by_id(p)
            .one(&state.db)
            .await?
            .is_none()
        {
            return Err(ApiError::field(
                "platform_id",
                "not_found",
                Text::new("is no platform", "ليست منصة"),
            ));
        }
    }
    let platforms = match (q.platform_id, reach) {
        (Some(p), Some(reach)) if !reach.contains(&p) => {
            return Err(ApiError::Problem(
                ProblemCode::NotAManager,
                Text::new(
                    "You may report on the platforms you coordinate only.",
                    "يمكنك إعداد التقارير عن المنصات التي تنسقها فقط.",
                ),
            ));
        }
        (Some(p), _) => Some(vec![p]),
        (None, reach) => reach,
    };
    let midnight =
        |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
    let query = Query {
        group_by: group_by.clone(),
        from: midnight(from),
        until: midnight(to.succ_opt().unwrap_or(to)),
        platforms: platforms.clone(),
    };
    let (rows, total) = reports::participation(&state.db, &query).await?;
    let min = state.config.report_min_cell;
    let full = auth.is_admin() && auth.key.is_none();
    let (hidden, total_hidden) = if full {
        (vec![false; rows.len()], false)
    } else {
        reports::suppressed(&rows, &total, min)
    };
    Ok(web::Json(ParticipationReport {
        from,
        to,
        group_by: group_by.iter().map(|d| d.as_str().to_owned()).collect(),
        platform_ids: platforms,
        min_cell: (!full).then_some(min),
        rows: rows
            .iter()
            .zip(hidden)
            .map(|(r, h)| {
                let c = counts(&r.counts, h, min);
                ParticipationRow {
                    group: r
                        .group
                        .iter()
                        .map(|(d, v)| (d.as_str().to_owned(), v.clone()))
                        .collect(),
                    registrations: c.registrations,
                    attendances: c.attendances,
                    people: c.people,
                }
            })
            .collect(),
        totals: counts(&total, total_hidden, min),
    }))
}
