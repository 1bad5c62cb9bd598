use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{self, Count, ReportQuery, ReportScope};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::export::Cell;
use crate::i18n::Text;
use crate::services::reports::participation::{Counts, Subject};
use crate::state::AppState;

const SUBJECT: Subject = Subject::Participation;

/// Participation of one group, or of all.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationCounts {
    /// Seats taken (registered, attended or no-show).
    pub registrations: Count,
    pub attendances: Count,
    /// Registrations marked as no-show.
    pub no_shows: Count,
    /// Distinct people who attended.
    pub people: Count,
    /// No-shows among the registrations whose attendance was taken (attended or no-show), from
    /// 0 to 1 to four places; `null` where none was taken or the counts are hidden.
    #[schema(minimum = 0, maximum = 1)]
    pub no_show_rate: Option<f64>,
}

/// One group: its value in each dimension asked for (`null` where unknown, e.g. a person of
/// no local authority), the names they are shown by, and its counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationRow {
    #[schema(value_type = Object, example = json!({"region": "north", "quarter": "2026-Q1"}))]
    pub group: common::GroupValues,
    #[schema(value_type = Object, example = json!({"region": "North of the West Bank", "quarter": "2026-Q1"}))]
    pub labels: common::GroupLabels,
    #[serde(flatten)]
    pub counts: ParticipationCounts,
}

/// Participation in workshops, grouped.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationReport {
    #[serde(flatten)]
    pub scope: ReportScope,
    #[schema(max_items = 100000)]
    pub rows: Vec<ParticipationRow>,
    pub totals: ParticipationCounts,
}

fn no_show_rate(c: &Counts) -> Option<f64> {
    let no_shows = c.get(SUBJECT, "no_shows");
    let taken = no_shows + c.get(SUBJECT, "attendances");
    #[allow(clippy::cast_precision_loss)]
    (taken > 0).then(|| (no_shows as f64 / taken as f64 * 10_000.0).round() / 10_000.0)
}

fn counts(shown: Vec<Count>, raw: Option<&Counts>) -> ParticipationCounts {
    let mut it = shown.into_iter();
    let mut next = || it.next().unwrap_or(Count::Exact(0));
    ParticipationCounts {
        registrations: next(),
        attendances: next(),
        no_shows: next(),
        people: next(),
        no_show_rate: raw.and_then(no_show_rate),
    }
}

/// Participation in scheduled and completed workshops starting in the period (default this
/// year): registrations, attendances, no-shows, distinct people who attended and the no-show
/// rate, grouped by any combination of dimensions (at most 100 000 groups), over the platforms the caller may report on
/// (administrators: all; coordinators: theirs; a key with `reports:read`: its creator's, within
/// its own). For anyone but an administrator (a key included), a group counting fewer than
/// `REPORT_MIN_CELL` people (5) shows `"<5"`, and one more group is hidden beside a lone hidden
/// one, so that the totals never give it back. As JSON, CSV or XLSX (`?format=` or `Accept`).
#[utoipa::path(
    tag = "reports",
    params(ReportQuery),
    responses((status = 200, content(
        (ParticipationReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/participation")]
pub async fn participation_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let counted = common::count(
        &req,
        &auth,
        &state,
        SUBJECT,
        query.into_inner(),
        "quarter,gender",
    )
    .await?;
    let rate = |c: &Counts| no_show_rate(c).map_or(Cell::Empty, Cell::Ratio);
    common::answer(
        counted,
        "participation",
        Text::new("Participation", "المشاركة"),
        &[("no_show_rate", rate)],
        |c| {
            let (shown, raw) = c.totals();
            ParticipationReport {
                rows: c
                    .groups()
                    .into_iter()
                    .map(|(group, labels, shown, raw)| ParticipationRow {
                        group,
                        labels,
                        counts: counts(shown, raw),
                    })
                    .collect(),
                totals: counts(shown, raw),
                scope: c.scope.clone(),
            }
        },
    )
    .await
}
