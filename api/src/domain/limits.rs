//! Ceilings on the collections the API answers whole rather than page by page, so that every
//! answer has a known largest size (the OpenAPI document states them as `maxItems`). A write that
//! would pass one is refused with 409 `limit_reached`.

/// Local authorities in the union (attendance reports break down by authority).
pub const MAX_LOCAL_AUTHORITIES: u64 = 5_000;
/// Nominations in one election.
pub const MAX_CANDIDATES_PER_ELECTION: u64 = 200;
/// Members of one topic's working group.
pub const MAX_WORKING_GROUP_MEMBERS: u64 = 500;
/// Recorded steps of one partnership agreement.
pub const MAX_STEPS_PER_AGREEMENT: u64 = 500;
/// Payments recorded against one contribution.
pub const MAX_PAYMENTS_PER_CONTRIBUTION: u64 = 100;
/// Topics of one work plan.
pub const MAX_TOPICS_PER_PLAN: u64 = 50;
/// Axes of one work plan.
pub const MAX_AXES_PER_PLAN: u64 = 20;
/// Activities one budget report adds up; a longer period is refused with 400.
pub const MAX_BUDGET_ACTIVITIES: u64 = 5_000;
/// Past coordinator terms a platform's page shows, newest first.
pub const MAX_COORDINATOR_HISTORY: u64 = 100;
/// The most groups one report answers (the document bounds its rows; `REPORT_MAX_GROUPS` may
/// lower it).
pub const MAX_REPORT_GROUPS: usize = 100_000;
