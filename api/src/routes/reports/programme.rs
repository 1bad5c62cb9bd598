use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::export::{Cell, ExportFormat, Table};
use crate::i18n::{Lang, Text};
use crate::services::reports::programme::{self, quarter_label};
use crate::state::AppState;
use sea_orm::EntityTrait;

/// Which period, platform, programme and format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanReportQuery {
    /// First day; default the 1st of January this year.
    pub from: Option<NaiveDate>,
    /// Last day; default the 31st of December of `from`'s year. At most ten years.
    pub to: Option<NaiveDate>,
    /// Only the activities these platforms host: one platform's id, or several comma-separated (`5,6,7`). A platform
    /// with regional sub-platforms counts them too (village councils: north, center, south).
    /// Default: every platform the caller may report on.
    #[param(
        max_length = 199,
        pattern = "^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,19}$",
        example = "5,6,7"
    )]
    pub platform_id: Option<String>,
    /// Only activities serving this programme's milestones (progress only).
    #[param(min_length = 2, max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub programme: Option<String>,
    /// `json`, `csv` or `xlsx`; overrides `Accept`.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// The period, platforms and format both reports cover, once `programme` is checked.
async fn scope(
    req: &HttpRequest,
    auth: &AuthUser,
    state: &AppState,
    q: &PlanReportQuery,
) -> Result<common::Resolved, ApiError> {
    if let Some(p) = &q.programme {
        crate::extract::query_slug("programme", p)?;
    }
    common::resolve(
        req,
        auth,
        state,
        (q.from, q.to, q.platform_id.as_deref(), q.format),
    )
    .await
}

/// Activities due in one quarter under one milestone, and how they stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressRow {
    /// `null`: activities serving no milestone.
    pub milestone_id: Option<i64>,
    /// The milestone's name in the caller's language.
    #[schema(max_length = 200)]
    pub milestone: Option<String>,
    /// The quarter they are due: the last of their timeline.
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-Q[1-4]$")]
    pub quarter: String,
    #[schema(minimum = 0)]
    pub activities: u64,
    #[schema(minimum = 0)]
    pub planned: u64,
    #[schema(minimum = 0)]
    pub started: u64,
    #[schema(minimum = 0)]
    pub advanced: u64,
    #[schema(minimum = 0)]
    pub completed: u64,
    /// Completed by the end of the quarter, or not yet due.
    #[schema(minimum = 0)]
    pub on_time: u64,
    /// Past the quarter and not completed, or completed after it.
    #[schema(minimum = 0)]
    pub late: u64,
}

/// Progress against the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(max_items = 1000)]
    pub platform_ids: Option<Vec<i64>>,
    #[schema(max_items = 100000)]
    pub rows: Vec<ProgressRow>,
}

/// Progress of the programme's activities against their timelines: per milestone and the
/// quarter each activity is due (the last of its timeline, or its planned quarter), how many
/// are planned, started, advanced, completed, on time and late. Activities hosted by the
/// platforms the caller may report on (administrators: all, the union's own too; coordinators:
/// theirs; keys with `reports:read`); a joint activity counts for each host.
/// As JSON, CSV or XLSX (`?format=` or `Accept`).
#[utoipa::path(
    tag = "reports",
    params(PlanReportQuery),
    responses((status = 200, content(
        (ProgressReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/progress")]
pub async fn progress_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PlanReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let r = scope(&req, &auth, &state, &q).await?;
    let today = state.clock.now().date_naive();
    let counted = programme::progress(
        &state.db,
        r.platforms.as_deref(),
        q.programme.as_deref(),
        r.from,
        r.to,
        today,
    )
    .await?;
    let names: std::collections::HashMap<i64, Text> = entity::milestone::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, Text::new(m.name_en, m.name_ar)))
        .collect();
    let lang = r.lang;
    let rows: Vec<ProgressRow> = counted
        .into_iter()
        .map(|((milestone_id, quarter), p)| ProgressRow {
            milestone_id,
            milestone: milestone_id
                .and_then(|id| names.get(&id))
                .map(|t| t.get(lang).to_owned()),
            quarter: quarter_label(quarter),
            activities: p.activities,
            planned: p.planned,
            started: p.started,
            advanced: p.advanced,
            completed: p.completed,
            on_time: p.on_time,
            late: p.late,
        })
        .collect();
    let report = ProgressReport {
        from: r.from,
        to: r.to,
        platform_ids: r.platforms,
        rows,
    };
    let n = |v: u64| Cell::Int(i64::try_from(v).unwrap_or(i64::MAX));
    let table = || Table {
        name: Text::new("Progress", "التقدم"),
        headers: [
            ("Milestone", "المرحلة المرجعية"),
            ("Quarter due", "ربع الاستحقاق"),
            ("Activities", "الأنشطة"),
            ("Planned", "مخطط لها"),
            ("Started", "بدأت"),
            ("Advanced", "متقدمة"),
            ("Completed", "مكتملة"),
            ("On time", "في موعدها"),
            ("Late", "متأخرة"),
        ]
        .into_iter()
        .map(|(en, ar)| Text::new(en, ar))
        .collect(),
        rows: report
            .rows
            .iter()
            .map(|p| {
                vec![
                    p.milestone.clone().map_or(Cell::Empty, Cell::Text),
                    Cell::Text(p.quarter.clone()),
                    n(p.activities),
                    n(p.planned),
                    n(p.started),
                    n(p.advanced),
                    n(p.completed),
                    n(p.on_time),
                    n(p.late),
                ]
            })
            .collect(),
    };
    common::either(
        r.format,
        lang,
        &format!("progress-{}-{}", r.from, r.to),
        || &report,
        table,
    )
    .await
}

/// Planned and spent for one funder, currency and quarter (exact decimals).
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetRow {
    /// Empty where no funder was named.
    #[schema(max_length = 200)]
    pub funder: String,
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-Q[1-4]$")]
    pub quarter: String,
    #[schema(format = "decimal")]
    pub planned: String,
    #[schema(format = "decimal")]
    pub spent: String,
}

/// Totals of one funder and currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetTotal {
    #[schema(max_length = 200)]
    pub funder: String,
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(format = "decimal")]
    pub planned: String,
    #[schema(format = "decimal")]
    pub spent: String,
}

/// The budget planned against what was spent.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(max_items = 1000)]
    pub platform_ids: Option<Vec<i64>>,
    #[schema(max_items = 100000)]
    pub rows: Vec<BudgetRow>,
    #[schema(max_items = 10000)]
    pub totals: Vec<BudgetTotal>,
}

/// The activities' budget planned against what was spent, by funder, currency and quarter,
/// with totals by funder and currency, in exact decimals: a budget line (unit cost × units, plus
/// the second cost unit) is planned in its activity's first planned quarter; spending counts in
/// the quarter it was spent. Cancelled activities are left out. Who sees what as for progress.
/// As JSON, CSV or XLSX (`?format=` or `Accept`).
#[utoipa::path(
    tag = "reports",
    params(PlanReportQuery),
    responses((status = 200, content(
        (BudgetReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/budget")]
pub async fn budget_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PlanReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let r = scope(&req, &auth, &state, &q).await?;
    let money = programme::budget(&state.db, r.platforms.as_deref(), r.from, r.to).await?;
    let mut totals: std::collections::BTreeMap<
        (String, String),
        (rust_decimal::Decimal, rust_decimal::Decimal),
    > = std::collections::BTreeMap::new();
    let rows: Vec<BudgetRow> = money
        .into_iter()
        .map(|((funder, currency, quarter), m)| {
            let t = totals
                .entry((funder.clone(), currency.clone()))
                .or_default();
            t.0 += m.planned;
            t.1 += m.spent;
            BudgetRow {
                funder,
                currency,
                quarter: quarter_label(quarter),
                planned: m.planned.to_string(),
                spent: m.spent.to_string(),
            }
        })
        .collect();
    let totals: Vec<BudgetTotal> = totals
        .into_iter()
        .map(|((funder, currency), (planned, spent))| BudgetTotal {
            funder,
            currency,
            planned: planned.to_string(),
            spent: spent.to_string(),
        })
        .collect();
    let lang: Lang = r.lang;
    let report = BudgetReport {
        from: r.from,
        to: r.to,
        platform_ids: r.platforms,
        rows,
        totals,
    };
    let decimal = |s: &str| Cell::Decimal(s.parse().unwrap_or_default());
    let mut cells: Vec<Vec<Cell>> = report
        .rows
        .iter()
        .map(|b| {
            vec![
                Cell::Text(b.funder.clone()),
                Cell::Text(b.currency.clone()),
                Cell::Text(b.quarter.clone()),
                decimal(&b.planned),
                decimal(&b.spent),
            ]
        })
        .collect();
    for t in &report.totals {
        cells.push(vec![
            Cell::Text(t.funder.clone()),
            Cell::Text(t.currency.clone()),
            Cell::Text(Text::new("Total", "المجموع").get(lang).to_owned()),
            decimal(&t.planned),
            decimal(&t.spent),
        ]);
    }
    let table = Table {
        name: Text::new("Budget", "الموازنة"),
        headers: [
            ("Funder", "الممول"),
            ("Currency", "العملة"),
            ("Quarter", "الربع"),
            ("Planned", "المخطط"),
            ("Spent", "المصروف"),
        ]
        .into_iter()
        .map(|(en, ar)| Text::new(en, ar))
        .collect(),
        rows: cells,
    };
    common::either(
        r.format,
        lang,
        &format!("budget-{}-{}", r.from, r.to),
        || &report,
        || table,
    )
    .await
}
