use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::export::{Cell, ExportFormat, Table};
use crate::i18n::Text;
use crate::services::reports::practices;
use crate::state::AppState;

/// Which period and platforms, and in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PracticeReportQuery {
    /// First day counted (UTC); default the 1st of January this year.
    pub from: Option<NaiveDate>,
    /// Last day counted; default the 31st of December of `from`'s year. At most ten years.
    pub to: Option<NaiveDate>,
    /// Only these platforms: one platform's id, or several comma-separated (`5,6,7`); a platform
    /// with regional sub-platforms counts them too. Default: every platform the caller may
    /// report on.
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

/// What happened on one platform, in one governorate, in one quarter.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeReportRow {
    pub platform_id: i64,
    /// Where the authority that acted is: the sharing one for a practice shared, the asking one
    /// for a request, the adopting one for a replication.
    #[schema(max_length = 100)]
    pub governorate: String,
    #[schema(max_length = 7, pattern = "^[0-9]{4}-Q[1-4]$", example = "2026-Q3")]
    pub quarter: String,
    /// Practices published.
    #[schema(minimum = 0)]
    pub practices_shared: u64,
    /// Requests to learn a practice, asked and accepted (an exchange held).
    #[schema(minimum = 0)]
    pub exchanges_requested: u64,
    #[schema(minimum = 0)]
    pub exchanges_accepted: u64,
    /// Practices adopted by another authority.
    #[schema(minimum = 0)]
    pub replications: u64,
}

/// The exchange's figures over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// By platform, governorate and quarter.
    #[schema(max_items = 100000)]
    pub rows: Vec<PracticeReportRow>,
    #[schema(minimum = 0)]
    pub practices_shared: u64,
    #[schema(minimum = 0)]
    pub exchanges_requested: u64,
    #[schema(minimum = 0)]
    pub exchanges_accepted: u64,
    #[schema(minimum = 0)]
    pub replications: u64,
}

fn count(n: u64) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The exchange in figures (default this year): practices shared, requests to learn them asked
/// and accepted, and replications, by platform, governorate and quarter, with the totals. For
/// administrators, coordinators (their platforms) and keys with `reports:read`. As JSON, CSV or
/// XLSX (`?format=` or `Accept`).
#[utoipa::path(
    tag = "reports",
    params(PracticeReportQuery),
    responses((status = 200, content(
        (PracticeReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/practices")]
pub async fn practice_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PracticeReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let r = common::resolve(
        &req,
        &auth,
        &state,
        (q.from, q.to, q.platform_id.as_deref(), q.format),
    )
    .await?;
    let figures = practices::figures(
        &state.db,
        (r.start, r.until),
        (r.from, r.to),
        r.platforms.as_deref(),
    )
    .await?;
    let total = |f: fn(&practices::Exchange) -> u64| figures.values().map(f).sum::<u64>();
    let totals = [
        total(|e| e.practices_shared),
        total(|e| e.exchanges_requested),
        total(|e| e.exchanges_accepted),
        total(|e| e.replications),
    ];
    let lang = r.lang;
    common::either(
        r.format,
        lang,
        &format!("practices-{}-{}", r.from, r.to),
        || PracticeReport {
            from: r.from,
            to: r.to,
            rows: figures
                .iter()
                .map(
                    |((platform_id, governorate, quarter), e)| PracticeReportRow {
                        platform_id: *platform_id,
                        governorate: governorate.clone(),
                        quarter: quarter.clone(),
                        practices_shared: e.practices_shared,
                        exchanges_requested: e.exchanges_requested,
                        exchanges_accepted: e.exchanges_accepted,
                        replications: e.replications,
                    },
                )
                .collect(),
            practices_shared: totals[0],
            exchanges_requested: totals[1],
            exchanges_accepted: totals[2],
            replications: totals[3],
        },
        || {
            let mut rows: Vec<Vec<Cell>> = figures
                .iter()
                .map(|((platform_id, governorate, quarter), e)| {
                    vec![
                        Cell::Int(*platform_id),
                        Cell::Text(governorate.clone()),
                        Cell::Text(quarter.clone()),
                        count(e.practices_shared),
                        count(e.exchanges_requested),
                        count(e.exchanges_accepted),
                        count(e.replications),
                    ]
                })
                .collect();
            let mut last = vec![
                Cell::Text(Text::new("Total", "المجموع").get(lang).to_owned()),
                Cell::Empty,
                Cell::Empty,
            ];
            last.extend(totals.iter().map(|t| count(*t)));
            rows.push(last);
            Table {
                name: Text::new("The exchange", "تبادل الخبرات"),
                headers: vec![
                    Text::new("Platform", "المنصة"),
                    Text::new("Governorate", "المحافظة"),
                    Text::new("Quarter", "الربع"),
                    Text::new("Practices shared", "الممارسات المنشورة"),
                    Text::new("Exchanges requested", "طلبات التبادل"),
                    Text::new("Exchanges accepted", "التبادلات المقبولة"),
                    Text::new("Replications", "حالات التبنّي"),
                ],
                rows,
            }
        },
    )
    .await
}
