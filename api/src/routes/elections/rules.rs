//! The rules of the elections: checks and derived values the handlers share.

use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use chrono::{DateTime, Utc};
use entity::election;

use super::*;

pub fn phase(e: &election::Model, now: DateTime<Utc>) -> Phase {
    if e.cancelled_at.is_some() {
        Phase::Cancelled
    } else if e.certified_at.is_some() {
        Phase::Certified
    } else if now < e.nomination_starts_at {
        Phase::Upcoming
    } else if now < e.nomination_ends_at {
        Phase::Nomination
    } else if now < e.voting_starts_at {
        Phase::BetweenWindows
    } else if now < e.voting_ends_at {
        Phase::Voting
    } else {
        Phase::Closed
    }
}

/// 409 naming the window that is not open.
pub fn window_closed(what: &str, what_ar: &str) -> ApiError {
    ApiError::Problem(
        ProblemCode::WindowClosed,
        Text::new(
            format!("The {what} window of this election is not open."),
            format!("نافذة {what_ar} في هذه الانتخابات غير مفتوحة."),
        ),
    )
}
