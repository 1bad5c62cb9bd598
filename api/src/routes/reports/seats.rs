use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{self, Count, ReportQuery, ReportScope};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::i18n::Text;
use crate::services::reports::participation::Subject;
use crate::state::AppState;

/// Seats of one group, or of all.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeatCounts {
    /// Seats held at some time in the period.
    pub seats: Count,
    /// Of them, taken in the period.
    pub joined: Count,
    /// Distinct people holding them.
    pub people: Count,
}

/// One group of seats.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeatRow {
    #[schema(value_type = Object, example = json!({"body": "working_group", "gender": "female"}))]
    pub group: common::GroupValues,
    #[schema(value_type = Object, example = json!({"body": "Working group", "gender": "Women"}))]
    pub labels: common::GroupLabels,
    #[serde(flatten)]
    pub counts: SeatCounts,
}

/// Seats in working groups and task forces, grouped.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeatReport {
    #[serde(flatten)]
    pub scope: ReportScope,
    #[schema(max_items = 100000)]
    pub rows: Vec<SeatRow>,
    pub totals: SeatCounts,
}

fn counts(shown: Vec<Count>) -> SeatCounts {
    let mut it = shown.into_iter();
    let mut next = || it.next().unwrap_or(Count::Exact(0));
    SeatCounts {
        seats: next(),
        joined: next(),
        people: next(),
    }
}

/// Seats in working groups and task forces held at some time in the period (default
/// this year): how many, how many taken in the period, and distinct people, grouped by any of
/// `body` (working group or task force), gender, local authority (a task-force seat's
/// own), its kind, governorate and region, platform and topic (of a working group; task forces
/// have none, and only administrators see them), and the quarter or month a seat was taken.
/// Who sees what, hidden small groups and formats as for participation.
#[utoipa::path(
    tag = "reports",
    params(ReportQuery),
    responses((status = 200, content(
        (SeatReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/seats")]
pub async fn seat_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let counted = common::count(
        &req,
        &auth,
        &state,
        Subject::Seats,
        query.into_inner(),
        "body,gender",
    )
    .await?;
    common::answer(
        counted,
        "seats",
        Text::new("Seats", "المقاعد"),
        &[],
        |c| SeatReport {
            rows: c
                .groups()
                .into_iter()
                .map(|(group, labels, shown, _)| SeatRow {
                    group,
                    labels,
                    counts: counts(shown),
                })
                .collect(),
            totals: counts(c.totals().0),
            scope: c.scope.clone(),
        },
    )
    .await
}
