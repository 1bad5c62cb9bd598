use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

use super::common;
use crate::auth::AuthUser;
use crate::domain::money::PaymentStatus;
use crate::domain::{PartnershipKind, PartnershipStatus};
use crate::error::ApiError;
use crate::export::{Cell, ExportFormat, Table};
use crate::i18n::{Lang, Text};
use crate::services::reports::partnerships;
use crate::state::AppState;

/// Which period, and in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day; default the 1st of January this year.
    pub from: Option<NaiveDate>,
    /// Last day; default the 31st of December of `from`'s year. At most ten years.
    pub to: Option<NaiveDate>,
    /// `json`, `csv` or `xlsx`; overrides `Accept`.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// Agreements at one stage, of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageRow {
    pub status: PartnershipStatus,
    pub kind: PartnershipKind,
    #[schema(minimum = 0)]
    pub agreements: u64,
}

/// Agreements by stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(max_items = 100)]
    pub rows: Vec<StageRow>,
    #[schema(minimum = 0)]
    pub total: u64,
}

fn status_label(s: &str) -> Text {
    let (en, ar) = match s {
        "consultation" => ("Consultation", "التشاور"),
        "drafting" => ("Drafting", "صياغة المشروع"),
        "council_deliberation" => ("Council deliberation", "التداول في المجلس"),
        "approved" => ("Approved", "المصادقة"),
        "signing" => ("Signing", "التوقيع"),
        "visa" => ("Visa", "التأشير"),
        "in_force" => ("In force", "حيز التنفيذ"),
        "evaluation" => ("Monitoring and evaluation", "التتبع والتقييم"),
        "renewed" => ("Renewed", "مجددة"),
        "amended" => ("Amended", "معدلة"),
        "completed" => ("Completed", "منتهية بالإنجاز"),
        "terminated" => ("Terminated", "منهاة"),
        "twinning" => ("Twinning", "توأمة"),
        "decentralized_cooperation" => ("Decentralised cooperation", "تعاون لامركزي"),
        "partnership" => ("Partnership", "شراكة"),
        "paid" => ("Paid", "مدفوعة"),
        "partly_paid" => ("Partly paid", "مدفوعة جزئيًا"),
        "due" => ("Due", "مستحقة"),
        "late" => ("Late", "متأخرة"),
        other => return Text::new(other.to_owned(), other.to_owned()),
    };
    Text::new(en, ar)
}

fn header(en: &'static str, ar: &'static str) -> Text {
    Text::new(en, ar)
}

/// Partnership agreements by stage and kind: those whose term overlaps the period (default this
/// year) and those not yet in force. For administrators, coordinators and keys with
/// `reports:read`. As JSON, CSV or XLSX (`?format=` or `Accept`).
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    responses((status = 200, content(
        (StageReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/partnerships")]
pub async fn partnership_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let r = common::resolve(&req, &auth, &state, (q.from, q.to, None, q.format)).await?;
    let stages = partnerships::stages(&state.db, r.from, r.to).await?;
    let lang = r.lang;
    let total: u64 = stages.iter().map(|s| s.agreements).sum();
    common::either(
        r.format,
        lang,
        &format!("partnerships-{}-{}", r.from, r.to),
        || StageReport {
            from: r.from,
            to: r.to,
            rows: stages
                .iter()
                .filter_map(|s| {
                    Some(StageRow {
                        status: PartnershipStatus::parse(&s.status)?,
                        kind: PartnershipKind::parse(&s.kind)?,
                        agreements: s.agreements,
                    })
                })
                .collect(),
            total,
        },
        || {
            let mut rows: Vec<Vec<Cell>> = stages
                .iter()
                .map(|s| {
                    vec![
                        Cell::Text(status_label(&s.status).get(lang).to_owned()),
                        Cell::Text(status_label(&s.kind).get(lang).to_owned()),
                        Cell::Int(i64::try_from(s.agreements).unwrap_or(i64::MAX)),
                    ]
                })
                .collect();
            rows.push(vec![
                Cell::Text(Text::new("Total", "المجموع").get(lang).to_owned()),
                Cell::Empty,
                Cell::Int(i64::try_from(total).unwrap_or(i64::MAX)),
            ]);
            Table {
                name: Text::new("Agreements by stage", "الاتفاقيات حسب المرحلة"),
                headers: vec![
                    header("Stage", "المرحلة"),
                    header("Kind", "النوع"),
                    header("Agreements", "الاتفاقيات"),
                ],
                rows,
            }
        },
    )
    .await
}

/// A contribution falling due in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueRow {
    pub contribution_id: i64,
    pub partnership_id: i64,
    /// The agreement's subject, in the caller's language.
    #[schema(max_length = 300)]
    pub subject: String,
    /// The contributing party, in the caller's language.
    #[schema(max_length = 200)]
    pub party: String,
    pub due_on: NaiveDate,
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(format = "decimal")]
    pub amount: String,
    #[schema(format = "decimal")]
    pub paid: String,
    #[schema(format = "decimal")]
    pub outstanding: String,
    pub status: PaymentStatus,
    /// The day its payments first reached the amount (`null` while not fully paid).
    pub settled_on: Option<chrono::NaiveDate>,
    /// Settled after its due date.
    pub paid_late: bool,
    /// Days past the due date: how late it was settled, or how long it has been overdue while
    /// unpaid; `null` when on time.
    #[schema(minimum = 1, maximum = 100000)]
    pub days_late: Option<i64>,
}

/// Totals of one currency (exact decimals).
#[derive(Debug, Serialize, ToSchema)]
pub struct DueTotal {
    #[schema(min_length = 3, max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(format = "decimal")]
    pub amount: String,
    #[schema(format = "decimal")]
    pub paid: String,
    #[schema(format = "decimal")]
    pub outstanding: String,
    /// Unpaid on contributions past their due date.
    #[schema(format = "decimal")]
    pub late: String,
}

/// Contributions falling due, and their totals by currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(max_items = 100000)]
    pub rows: Vec<DueRow>,
    #[schema(max_items = 200)]
    pub totals: Vec<DueTotal>,
}

/// The partners' contributions falling due in the period (default this year), each with what
/// was paid, what is outstanding and whether it is `paid`, `partly_paid`, `due` or `late`, and
/// the totals by currency in exact decimals. For administrators, coordinators and keys with
/// `reports:read`. As JSON, CSV or XLSX (`?format=` or `Accept`).
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    responses((status = 200, content(
        (DueReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/contributions")]
pub async fn contribution_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let r = common::resolve(&req, &auth, &state, (q.from, q.to, None, q.format)).await?;
    let today = state.clock.now().date_naive();
    let due = partnerships::contributions_due(&state.db, r.from, r.to).await?;
    let lang = r.lang;
    let pick = |ar: &str, en: &str| {
        if lang == Lang::En && !en.is_empty() {
            en.to_owned()
        } else {
            ar.to_owned()
        }
    };
    let mut totals: BTreeMap<String, [Decimal; 4]> = BTreeMap::new();
    let rows: Vec<DueRow> = due
        .iter()
        .map(|d| {
            let status = PaymentStatus::of(d.amount, d.paid, d.due_on, today);
            let lateness =
                crate::domain::money::Lateness::of(d.amount, d.due_on, &d.payments, today);
            let outstanding = (d.amount - d.paid).max(Decimal::ZERO);
            let t = totals.entry(d.currency.clone()).or_default();
            t[0] += d.amount;
            t[1] += d.paid;
            t[2] += outstanding;
            if status == PaymentStatus::Late {
                t[3] += outstanding;
            }
            DueRow {
                contribution_id: d.contribution_id,
                partnership_id: d.partnership_id,
                subject: pick(&d.subject_ar, &d.subject_en),
                party: pick(&d.party_ar, &d.party_en),
                due_on: d.due_on,
                currency: d.currency.clone(),
                amount: d.amount.to_string(),
                paid: d.paid.to_string(),
                outstanding: outstanding.to_string(),
                status,
                settled_on: lateness.settled_on,
                paid_late: lateness.paid_late,
                days_late: lateness.days_late,
            }
        })
        .collect();
    let totals: Vec<DueTotal> = totals
        .into_iter()
        .map(|(currency, [amount, paid, outstanding, late])| DueTotal {
            currency,
            amount: amount.to_string(),
            paid: paid.to_string(),
            outstanding: outstanding.to_string(),
            late: late.to_string(),
        })
        .collect();
    let report = DueReport {
        from: r.from,
        to: r.to,
        rows,
        totals,
    };
    let decimal = |s: &str| Cell::Decimal(s.parse().unwrap_or_default());
    common::either(
        r.format,
        lang,
        &format!("contributions-{}-{}", r.from, r.to),
        || &report,
        || {
            let mut rows: Vec<Vec<Cell>> = report
                .rows
                .iter()
                .map(|d| {
                    vec![
                        Cell::Int(d.partnership_id),
                        Cell::Text(d.subject.clone()),
                        Cell::Text(d.party.clone()),
                        Cell::Date(d.due_on),
                        Cell::Text(d.currency.clone()),
                        decimal(&d.amount),
                        decimal(&d.paid),
                        decimal(&d.outstanding),
                        Cell::Text(status_label(d.status.as_str()).get(lang).to_owned()),
                        d.settled_on.map_or(Cell::Empty, Cell::Date),
                        Cell::Text(
                            if d.paid_late {
                                Text::new("yes", "نعم")
                            } else {
                                Text::new("no", "لا")
                            }
                            .get(lang)
                            .to_owned(),
                        ),
                        d.days_late.map_or(Cell::Empty, Cell::Int),
                    ]
                })
                .collect();
            for t in &report.totals {
                rows.push(vec![
                    Cell::Text(Text::new("Total", "المجموع").get(lang).to_owned()),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Text(t.currency.clone()),
                    decimal(&t.amount),
                    decimal(&t.paid),
                    decimal(&t.outstanding),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]);
            }
            Table {
                name: Text::new("Contributions due", "المساهمات المستحقة"),
                headers: vec![
                    header("Agreement", "الاتفاقية"),
                    header("Subject", "الموضوع"),
                    header("Party", "الطرف"),
                    header("Due on", "تاريخ الاستحقاق"),
                    header("Currency", "العملة"),
                    header("Amount", "المبلغ"),
                    header("Paid", "المدفوع"),
                    header("Outstanding", "المتبقي"),
                    header("Status", "الحالة"),
                    header("Settled on", "تاريخ السداد"),
                    header("Paid late", "سُدد متأخرًا"),
                    header("Days late", "أيام التأخير"),
                ],
                rows,
            }
        },
    )
    .await
}
