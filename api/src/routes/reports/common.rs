//! What every report shares: its parameters (dimensions, period, platform, format), who may see
//! what, hidden counts, the names of groups, and the table CSV and XLSX are written from.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{ApiError, ProblemCode};
use crate::export::{Cell, ExportFormat, Table};
use crate::i18n::{Lang, Text};
use crate::services::reports::participation::{
    self as reports, Counts, Dimension, Query, Row, Subject,
};
use crate::state::AppState;

/// The longest period one report covers.
const MAX_YEARS: i32 = 10;

/// What to count by, over which period and platform, and in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Any combination of these dimensions, comma-separated, each once: `gender`,
    /// `local_authority`, `authority_kind`, `governorate`, `region`, `platform`, `topic` (not for
    /// memberships), `workshop_kind` (participation only), `body` (seats only: working group or
    /// task force), and `quarter` or `month` (not both). At most 100 000 groups come back (422
    /// `too_many` beyond). Default: participation `quarter,gender`, memberships
    /// `platform,gender`, seats `body,gender`.
    #[param(
        max_length = 120,
        pattern = "^(gender|local_authority|authority_kind|governorate|region|platform|topic|workshop_kind|body|quarter|month)(,(gender|local_authority|authority_kind|governorate|region|platform|topic|workshop_kind|body|quarter|month)){0,9}$",
        example = "region,quarter"
    )]
    pub group_by: Option<String>,
    /// First day counted (UTC); default the 1st of January this year.
    pub from: Option<NaiveDate>,
    /// Last day counted; default the 31st of December of `from`'s year. At most ten years (the programme began in 2019).
    pub to: Option<NaiveDate>,
    /// Only these platforms: one platform's id, or several comma-separated (`5,6,7`). A platform
    /// with regional sub-platforms counts them too (village councils: north, center, south).
    /// Default: every platform the caller may report on.
    #[param(
        max_length = 199,
        pattern = "^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,19}$",
        example = "5,6,7"
    )]
    pub platform_id: Option<String>,
    /// `json`, `csv` or `xlsx`; overrides `Accept`.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// A count, or `"<5"` when it is hidden (fewer people than the smallest cell shown to anyone but
/// an administrator).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Count {
    Exact(u64),
    Hidden(String),
}

impl Count {
    fn cell(&self) -> Cell {
        match self {
            Count::Exact(n) => Cell::Int(i64::try_from(*n).unwrap_or(i64::MAX)),
            Count::Hidden(t) => Cell::Text(t.clone()),
        }
    }
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

/// A dimension a report is grouped by.
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

/// A group's value in each dimension asked for (`null` where unknown, e.g. a person of no local
/// authority).
pub type GroupValues = BTreeMap<String, Option<String>>;
/// The names a group's values are shown by, in the caller's language.
pub type GroupLabels = BTreeMap<String, String>;

/// What every report says about itself.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportScope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(value_type = Vec<DimensionName>, max_items = 10)]
    pub group_by: Vec<String>,
    /// The platforms counted; `null`: all.
    #[schema(max_items = 1000)]
    pub platform_ids: Option<Vec<i64>>,
    /// Cells counting fewer people are hidden (`null`: nothing hidden, for an administrator).
    pub min_cell: Option<u64>,
}

/// A column computed from a group's counts where they are shown (e.g. a rate): its measure
/// name and how.
pub type Extra = (&'static str, fn(&Counts) -> Cell);

/// A report counted and judged: what the handlers turn into JSON or a table.
pub struct Counted {
    pub subject: Subject,
    pub scope: ReportScope,
    pub format: ExportFormat,
    pub lang: Lang,
    dimensions: Vec<Dimension>,
    rows: Vec<Row>,
    hidden: Vec<bool>,
    total: Counts,
    total_hidden: bool,
    labels: BTreeMap<(Dimension, String), Text>,
}

fn bad(en: String, ar: String) -> ApiError {
    ApiError::Problem(ProblemCode::InvalidParameter, Text::new(en, ar))
}

fn dimensions(subject: Subject, text: &str) -> Result<Vec<Dimension>, ApiError> {
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
        if !subject.dimensions().contains(&d) {
            let names: Vec<&str> = subject.dimensions().iter().map(|d| d.as_str()).collect();
            return Err(ApiError::field(
                "group_by",
                "not_allowed",
                Text::new(
                    format!("`{name}` does not apply here; one of {}", names.join(", ")),
                    format!("`{name}` لا ينطبق هنا؛ اختر من {}", names.join("، ")),
                ),
            ));
        }
        out.push(d);
    }
    if out.contains(&Dimension::Quarter) && out.contains(&Dimension::Month) {
        return Err(ApiError::field(
            "group_by",
            "not_allowed",
            Text::new(
                "groups by `quarter` or by `month`, not both",
                "تجمع حسب `quarter` أو حسب `month`، لا كليهما",
            ),
        ));
    }
    Ok(out)
}

/// The period and platforms a report covers, and how it is answered.
pub struct Resolved {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The period as instants: its first midnight and the midnight after it (UTC).
    pub start: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// `None`: every platform.
    pub platforms: Option<Vec<i64>>,
    pub format: ExportFormat,
    pub lang: Lang,
}

/// Checks the period and platform asked for against the caller's reach (administrators: all;
/// coordinators: theirs; a key: its creator's, within its own; anyone else: 403).
pub async fn resolve(
    req: &HttpRequest,
    auth: &AuthUser,
    state: &AppState,
    (from, to, platform_id, format): (
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<&str>,
        Option<ExportFormat>,
    ),
) -> Result<Resolved, ApiError> {
    let reach = crate::access::report_reach(&state.db, auth).await?;
    let today = state.clock.now().date_naive();
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = to.unwrap_or_else(|| NaiveDate::from_ymd_opt(from.year(), 12, 31).unwrap_or(from));
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
    let asked = match platform_id {
        Some(text) => Some(platform_ids(text)?),
        None => None,
    };
    if let Some(ids) = &asked {
        let found = entity::platform::Entity::find()
            .filter(entity::platform::Column::Id.is_in(ids.iter().copied()))
            .count(&state.db)
            .await?;
        if found != ids.len() as u64 {
            return Err(ApiError::field(
                "platform_id",
                "not_found",
                Text::new(
                    "names a platform that does not exist",
                    "تذكر منصة غير موجودة",
                ),
            ));
        }
    }
    let platforms = match (asked, reach) {
        (Some(ids), reach) => {
            crate::access::require_reported_within(&ids, reach.as_deref())?;
            Some(with_sub_platforms(&state.db, ids).await?)
        }
        (None, reach) => reach,
    };
    let midnight =
        |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
    Ok(Resolved {
        from,
        to,
        start: midnight(from),
        until: midnight(to.succ_opt().unwrap_or(to)),
        platforms,
        format: ExportFormat::choose(req, format),
        lang: Lang::of(req),
    })
}

/// The platform ids of `platform_id` (`5` or `5,6,7`), each once, in the order given.
fn platform_ids(text: &str) -> Result<Vec<i64>, ApiError> {
    let mut ids: Vec<i64> = Vec::new();
    for part in text.split(',') {
        let id = part
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id >= 1)
            .ok_or_else(|| {
                bad(
                    "platform_id is one platform's id, or several comma-separated (5,6,7).".into(),
                    "platform_id معرف منصة أو عدة معرفات تفصلها فواصل (5,6,7).".into(),
                )
            })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_PLATFORMS_ASKED {
        return Err(bad(
            format!("platform_id names at most {MAX_PLATFORMS_ASKED} platforms."),
            format!("يذكر platform_id {MAX_PLATFORMS_ASKED} منصة على الأكثر."),
        ));
    }
    Ok(ids)
}

/// The most platforms one report names.
const MAX_PLATFORMS_ASKED: usize = 20;

/// The platforms asked for and every platform beneath them (a parent's regional sub-platforms,
/// and theirs), each once: a parent reports the sum of its sub-platforms.
async fn with_sub_platforms(
    db: &impl sea_orm::ConnectionTrait,
    mut ids: Vec<i64>,
) -> Result<Vec<i64>, ApiError> {
    let mut frontier = ids.clone();
    // Platforms nest a few levels at most; the bound guards against a cycle in bad data.
    for _ in 0..8 {
        if frontier.is_empty() {
            break;
        }
        let children: Vec<i64> = entity::platform::Entity::find()
            .select_only()
            .column(entity::platform::Column::Id)
            .filter(entity::platform::Column::ParentId.is_in(frontier))
            .into_tuple()
            .all(db)
            .await?;
        frontier = children.into_iter().filter(|c| !ids.contains(c)).collect();
        ids.extend(&frontier);
    }
    Ok(ids)
}

/// Checks the parameters and the caller's reach, counts, and decides what is hidden.
async fn count(
    req: &HttpRequest,
    auth: &AuthUser,
    state: &AppState,
    subject: Subject,
    q: ReportQuery,
    default_group_by: &str,
) -> Result<Counted, ApiError> {
    let r = resolve(
        req,
        auth,
        state,
        (q.from, q.to, q.platform_id.as_deref(), q.format),
    )
    .await?;
    let group_by = dimensions(subject, q.group_by.as_deref().unwrap_or(default_group_by))?;
    let query = Query {
        subject,
        group_by: group_by.clone(),
        max_groups: state.config.report_max_groups,
        from: r.start,
        until: r.until,
        platforms: r.platforms.clone(),
    };
    let (rows, total) = reports::count(&state.db, &query).await?;
    let labels = reports::labels(&state.db, &rows).await?;
    let min = state.config.report_min_cell;
    let full = auth.is_admin() && auth.key.is_none();
    let (hidden, total_hidden) = if full {
        (vec![false; rows.len()], false)
    } else {
        reports::suppressed(subject, &rows, &total, min)
    };
    Ok(Counted {
        subject,
        scope: ReportScope {
            from: r.from,
            to: r.to,
            group_by: group_by.iter().map(|d| d.as_str().to_owned()).collect(),
            platform_ids: r.platforms,
            min_cell: (!full).then_some(min),
        },
        format: r.format,
        lang: r.lang,
        dimensions: group_by,
        rows,
        hidden,
        total,
        total_hidden,
        labels,
    })
}

/// The header of a dimension's column.
fn dimension_header(d: Dimension) -> Text {
    let (en, ar) = match d {
        Dimension::Gender => ("Gender", "الجنس"),
        Dimension::LocalAuthority => ("Local authority", "الهيئة المحلية"),
        Dimension::AuthorityKind => ("Kind of authority", "نوع الهيئة المحلية"),
        Dimension::Governorate => ("Governorate", "المحافظة"),
        Dimension::Region => ("Region", "المنطقة"),
        Dimension::Platform => ("Platform", "المنصة"),
        Dimension::Topic => ("Topic", "الموضوع"),
        Dimension::WorkshopKind => ("Kind of workshop", "نوع الورشة"),
        Dimension::Body => ("Working group or task force", "مجموعة عمل أو فريق مهام"),
        Dimension::Quarter => ("Quarter", "الربع"),
        Dimension::Month => ("Month", "الشهر"),
    };
    Text::new(en, ar)
}

/// The header of a measure's column.
pub fn measure_header(measure: &str) -> Text {
    let (en, ar) = match measure {
        "registrations" => ("Registrations", "التسجيلات"),
        "attendances" => ("Attendances", "الحضور"),
        "no_shows" => ("No-shows", "الغياب"),
        "no_show_rate" => ("No-show rate", "نسبة الغياب"),
        "people" => ("People", "الأشخاص"),
        "memberships" => ("Memberships", "العضويات"),
        "joined" => ("Joined", "انضموا"),
        "left" => ("Left", "غادروا"),
        "seats" => ("Seats", "المقاعد"),
        "discussions" => ("Discussions opened", "النقاشات المفتوحة"),
        "replies" => ("Replies", "الردود"),
        other => return Text::new(other.to_owned(), other.to_owned()),
    };
    Text::new(en, ar)
}

impl Counted {
    fn shown(&self, counts: &Counts, hidden: bool) -> Vec<Count> {
        let min = self.scope.min_cell.unwrap_or(0);
        counts
            .0
            .iter()
            .map(|n| {
                if hidden {
                    Count::Hidden(format!("<{min}"))
                } else {
                    Count::Exact(*n)
                }
            })
            .collect()
    }

    /// Each group with its counts as shown to the caller, in the order of the subject's measures,
    /// and the raw counts where they are shown (`None`: hidden).
    pub fn groups(&self) -> Vec<(GroupValues, GroupLabels, Vec<Count>, Option<&Counts>)> {
        self.rows
            .iter()
            .zip(&self.hidden)
            .map(|(r, h)| {
                let labels = r
                    .group
                    .iter()
                    .filter_map(|(d, v)| {
                        let v = v.as_ref()?;
                        let t = self.labels.get(&(*d, v.clone()))?;
                        Some((d.as_str().to_owned(), t.get(self.lang).to_owned()))
                    })
                    .collect();
                let values = r
                    .group
                    .iter()
                    .map(|(d, v)| (d.as_str().to_owned(), v.clone()))
                    .collect();
                (
                    values,
                    labels,
                    self.shown(&r.counts, *h),
                    (!*h).then_some(&r.counts),
                )
            })
            .collect()
    }

    /// The totals as shown, and raw where shown.
    pub fn totals(&self) -> (Vec<Count>, Option<&Counts>) {
        (
            self.shown(&self.total, self.total_hidden),
            (!self.total_hidden).then_some(&self.total),
        )
    }

    /// The report as a sheet: a column per dimension (by name), one per measure and per extra
    /// column (`extra` computes them from shown counts), and a totals row.
    pub fn table(&self, name: Text, extra: &[Extra]) -> Table {
        let measures = self.subject.measures();
        let mut headers: Vec<Text> = self
            .dimensions
            .iter()
            .map(|d| dimension_header(*d))
            .collect();
        headers.extend(measures.iter().map(|m| measure_header(m)));
        headers.extend(extra.iter().map(|(m, _)| measure_header(m)));
        let extras = |raw: Option<&Counts>| -> Vec<Cell> {
            extra
                .iter()
                .map(|(_, f)| raw.map_or(Cell::Empty, f))
                .collect()
        };
        let mut rows = Vec::new();
        for (r, h) in self.rows.iter().zip(&self.hidden) {
            let mut cells: Vec<Cell> = self
                .dimensions
                .iter()
                .map(|d| match r.group.get(d).cloned().flatten() {
                    None => Cell::Empty,
                    Some(v) => Cell::Text(
                        self.labels
                            .get(&(*d, v.clone()))
                            .map_or(v, |t| t.get(self.lang).to_owned()),
                    ),
                })
                .collect();
            cells.extend(self.shown(&r.counts, *h).iter().map(Count::cell));
            cells.extend(extras((!*h).then_some(&r.counts)));
            rows.push(cells);
        }
        let mut total: Vec<Cell> = self
            .dimensions
            .iter()
            .enumerate()
            .map(|(i, _)| {
                if i == 0 {
                    Cell::Text(Text::new("Total", "المجموع").get(self.lang).to_owned())
                } else {
                    Cell::Empty
                }
            })
            .collect();
        let (shown, raw) = self.totals();
        total.extend(shown.iter().map(Count::cell));
        total.extend(extras(raw));
        rows.push(total);
        Table {
            name,
            headers,
            rows,
        }
    }

    /// The file's name: the report's and its period's.
    pub fn stem(&self, report: &str) -> String {
        format!("{report}-{}-{}", self.scope.from, self.scope.to)
    }
}

/// One grouped report (participation, memberships, seats): what it counts, how its counts,
/// rows and whole are built from what the caller may see, and what its file is called.
pub trait Grouped: Serialize + Sized {
    /// One group's counts (or the totals).
    type Counts;
    /// One group.
    type Row;
    const SUBJECT: Subject;
    /// `group_by` when none is asked for.
    const DEFAULT_GROUP_BY: &'static str;
    /// The file's name before its period.
    const STEM: &'static str;
    /// The sheet's name, English and Arabic.
    const NAME: (&'static str, &'static str);
    /// Columns computed beside the measures.
    const EXTRA: &'static [Extra] = &[];
    /// The counts as shown, in the order of the subject's measures (`raw`: where not hidden).
    fn counts(shown: Vec<Count>, raw: Option<&Counts>) -> Self::Counts;
    fn row(group: GroupValues, labels: GroupLabels, counts: Self::Counts) -> Self::Row;
    fn report(scope: ReportScope, rows: Vec<Self::Row>, totals: Self::Counts) -> Self;
}

/// Counts one grouped report for the caller and answers it as JSON, CSV or XLSX.
pub async fn grouped<R: Grouped>(
    req: &HttpRequest,
    auth: &AuthUser,
    state: &AppState,
    q: ReportQuery,
) -> Result<HttpResponse, ApiError> {
    let counted = count(req, auth, state, R::SUBJECT, q, R::DEFAULT_GROUP_BY).await?;
    answer(
        counted,
        R::STEM,
        Text::new(R::NAME.0, R::NAME.1),
        R::EXTRA,
        |c| {
            let rows = c
                .groups()
                .into_iter()
                .map(|(group, labels, shown, raw)| R::row(group, labels, R::counts(shown, raw)))
                .collect();
            let (shown, raw) = c.totals();
            R::report(c.scope.clone(), rows, R::counts(shown, raw))
        },
    )
    .await
}

/// Hands out shown counts in order; a missing one reads 0.
pub fn in_order(shown: Vec<Count>) -> impl FnMut() -> Count {
    let mut it = shown.into_iter();
    move || it.next().unwrap_or(Count::Exact(0))
}

/// A report answered in the format asked for: `json` builds the report's own JSON.
async fn answer<T: Serialize>(
    counted: Counted,
    report: &str,
    name: Text,
    extra: &[Extra],
    json: impl FnOnce(&Counted) -> T,
) -> Result<HttpResponse, ApiError> {
    let (format, lang, stem) = (counted.format, counted.lang, counted.stem(report));
    either(
        format,
        lang,
        &stem,
        || json(&counted),
        || counted.table(name, extra),
    )
    .await
}

/// A report answered as its own JSON, or as the table made of it (CSV or XLSX).
pub async fn either<T: Serialize>(
    format: ExportFormat,
    lang: Lang,
    stem: &str,
    json: impl FnOnce() -> T,
    table: impl FnOnce() -> Table,
) -> Result<HttpResponse, ApiError> {
    if format == ExportFormat::Json {
        return Ok(HttpResponse::Ok()
            .insert_header((actix_web::http::header::VARY, "accept"))
            .json(json()));
    }
    crate::export::respond(table(), format, lang, stem).await
}
