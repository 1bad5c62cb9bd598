//! The grouped reports: participation in workshops, platform memberships, and seats in
//! working groups and task forces, and active discussants, each counted by any combination of dimensions
//! (`common::Grouped`), with small groups hidden from anyone but an administrator.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{self, Count, GroupLabels, GroupValues, ReportQuery, ReportScope};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::export::Cell;
use crate::services::reports::participation::{Counts, Subject};
use crate::state::AppState;

/// A grouped report's rows and whole, which differ only by their types.
macro_rules! rows_of {
    ($row:ident, $counts:ident) => {
        fn row(group: GroupValues, labels: GroupLabels, counts: $counts) -> $row {
            $row {
                group,
                labels,
                counts,
            }
        }

        fn report(scope: ReportScope, rows: Vec<$row>, totals: $counts) -> Self {
            Self {
                scope,
                rows,
                totals,
            }
        }
    };
}

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
    pub group: GroupValues,
    #[schema(value_type = Object, example = json!({"region": "North of the West Bank", "quarter": "2026-Q1"}))]
    pub labels: GroupLabels,
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

fn rate_cell(c: &Counts) -> Cell {
    no_show_rate(c).map_or(Cell::Empty, Cell::Ratio)
}

impl common::Grouped for ParticipationReport {
    type Counts = ParticipationCounts;
    type Row = ParticipationRow;
    const SUBJECT: Subject = SUBJECT;
    const DEFAULT_GROUP_BY: &'static str = "quarter,gender";
    const STEM: &'static str = "participation";
    const NAME: (&'static str, &'static str) = ("Participation", "المشاركة");
    const EXTRA: &'static [common::Extra] = &[("no_show_rate", rate_cell)];

    fn counts(shown: Vec<Count>, raw: Option<&Counts>) -> ParticipationCounts {
        let mut next = common::in_order(shown);
        ParticipationCounts {
            registrations: next(),
            attendances: next(),
            no_shows: next(),
            people: next(),
            no_show_rate: raw.and_then(no_show_rate),
        }
    }

    rows_of!(ParticipationRow, ParticipationCounts);
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
    common::grouped::<ParticipationReport>(&req, &auth, &state, query.into_inner()).await
}

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
    pub group: GroupValues,
    #[schema(value_type = Object, example = json!({"platform": "Finance", "gender": "Women"}))]
    pub labels: GroupLabels,
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

impl common::Grouped for MembershipReport {
    type Counts = MembershipCounts;
    type Row = MembershipRow;
    const SUBJECT: Subject = Subject::Memberships;
    const DEFAULT_GROUP_BY: &'static str = "platform,gender";
    const STEM: &'static str = "memberships";
    const NAME: (&'static str, &'static str) = ("Memberships", "العضويات");

    fn counts(shown: Vec<Count>, _: Option<&Counts>) -> MembershipCounts {
        let mut next = common::in_order(shown);
        MembershipCounts {
            memberships: next(),
            joined: next(),
            left: next(),
            people: next(),
        }
    }

    rows_of!(MembershipRow, MembershipCounts);
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
    common::grouped::<MembershipReport>(&req, &auth, &state, query.into_inner()).await
}

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
    pub group: GroupValues,
    #[schema(value_type = Object, example = json!({"body": "Working group", "gender": "Women"}))]
    pub labels: GroupLabels,
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

impl common::Grouped for SeatReport {
    type Counts = SeatCounts;
    type Row = SeatRow;
    const SUBJECT: Subject = Subject::Seats;
    const DEFAULT_GROUP_BY: &'static str = "body,gender";
    const STEM: &'static str = "seats";
    const NAME: (&'static str, &'static str) = ("Seats", "المقاعد");

    fn counts(shown: Vec<Count>, _: Option<&Counts>) -> SeatCounts {
        let mut next = common::in_order(shown);
        SeatCounts {
            seats: next(),
            joined: next(),
            people: next(),
        }
    }

    rows_of!(SeatRow, SeatCounts);
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
    common::grouped::<SeatReport>(&req, &auth, &state, query.into_inner()).await
}

/// Discussion activity of one group, or of all.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscussantCounts {
    /// Discussions opened in the period.
    pub discussions: Count,
    /// Replies posted in the period and not deleted.
    pub replies: Count,
    /// Distinct people who opened a discussion or replied: the active discussants.
    pub people: Count,
}

/// One group of discussants.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscussantRow {
    #[schema(value_type = Object, example = json!({"quarter": "2026-Q3", "gender": "female"}))]
    pub group: GroupValues,
    #[schema(value_type = Object, example = json!({"quarter": "2026-Q3", "gender": "Women"}))]
    pub labels: GroupLabels,
    #[serde(flatten)]
    pub counts: DiscussantCounts,
}

/// Active discussants, grouped.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscussantReport {
    #[serde(flatten)]
    pub scope: ReportScope,
    #[schema(max_items = 100000)]
    pub rows: Vec<DiscussantRow>,
    pub totals: DiscussantCounts,
}

impl common::Grouped for DiscussantReport {
    type Counts = DiscussantCounts;
    type Row = DiscussantRow;
    const SUBJECT: Subject = Subject::Discussions;
    const DEFAULT_GROUP_BY: &'static str = "quarter,gender";
    const STEM: &'static str = "discussants";
    const NAME: (&'static str, &'static str) = ("Discussants", "المشاركون في النقاشات");

    fn counts(shown: Vec<Count>, _: Option<&Counts>) -> DiscussantCounts {
        let mut next = common::in_order(shown);
        DiscussantCounts {
            discussions: next(),
            replies: next(),
            people: next(),
        }
    }

    rows_of!(DiscussantRow, DiscussantCounts);
}

/// The active discussants of the period (default this year): discussions opened, replies
/// posted (a deleted reply not counted) and the distinct people who did either, grouped by any
/// of gender, local authority, its kind, governorate and region, platform (of the discussion's
/// space; a task force's discussions belong to none, and only administrators see them), and the
/// quarter or month of the post. Counts only, never text: a members-only space's discussions
/// are counted for those who may report on its platform. Who sees what, hidden small groups and
/// formats as for participation.
#[utoipa::path(
    tag = "reports",
    params(ReportQuery),
    responses((status = 200, content(
        (DiscussantReport = "application/json"),
        (crate::export::CsvText = "text/csv"),
        (crate::export::Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
#[get("/reports/discussants")]
pub async fn discussant_report(
    req: HttpRequest,
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    common::grouped::<DiscussantReport>(&req, &auth, &state, query.into_inner()).await
}
