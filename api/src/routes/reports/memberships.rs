use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{self, Count, ReportQuery, ReportScope};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::i18n::Text;
use crate::services::reports::participation::Subject;
use crate::state::AppState;

/// Memberships of one group, or of all.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipCounts {
    /// Memberships held at some time in the period.
    pub memberships: Count,
    /// Of them, approved in the period.
    pub joined: Count,
    /// Of them, ended in the period.
    pub left: Count,
    /// Distinct members.
    pub people: Count,
}

/// One group of members.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipRow {
    #[schema(value_type = Object, example = json!({"platform": "3", "gender": "female"}))]
    pub group: common::GroupValues,
    #[schema(value_type = Object, example = json!({"platform": "Finance", "gender": "Women"}))]
    pub labels: common::GroupLabels,
    #[serde(flatten)]
    pub counts: MembershipCounts,
}

/// Platform memberships, grouped.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipReport {
    #[serde(flatten)]
    pub scope: ReportScope,
    #[schema(max_items = 100000)]
    pub rows: Vec<MembershipRow>,
    pub totals: MembershipCounts,
}

fn counts(shown: Vec<Count>) -> MembershipCounts {
    let mut it = shown.into_iter();
    let mut next = || it.next().unwrap_or(Count::Exact(0));
    MembershipCounts {
        memberships: next(),
        joined: next(),
        left: next(),
        people: next(),
    }
}

/// Platform memberships held at some time in the period (default this year): how many, how
/// many began (were approved) and ended in it, and distinct members, grouped by any of
/// gender, local authority, its kind, governorate and region, platform, and the quarter or month
/// a membership was approved in. Who sees what, hidden small groups and formats as for
/// participation.
#[utoipa::path(
    tag = "reports",
    params(ReportQuery),
    responses((status = 200, content(
        (MembershipReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/memberships")]
pub async fn membership_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let counted = common::count(
        &req,
        &auth,
        &state,
        Subject::Memberships,
        query.into_inner(),
        "platform,gender",
    )
    .await?;
    common::answer(
        counted,
        "memberships",
        Text::new("Memberships", "العضويات"),
        &[],
        |c| MembershipReport {
            rows: c
                .groups()
                .into_iter()
                .map(|(group, labels, shown, _)| MembershipRow {
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
