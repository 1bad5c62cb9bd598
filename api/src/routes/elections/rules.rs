//! The rules of the elections: checks and derived values the handlers share.

use chrono::{DateTime, Utc};
use entity::election;

use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

use super::*;

/// The election, if the caller is an active member of its platform: only members nominate and
/// vote (403 `not_a_member` otherwise; `act` names what they tried, in English and Arabic).
pub(crate) async fn election_for_member(
    db: &impl sea_orm::ConnectionTrait,
    auth: &crate::auth::AuthUser,
    id: i64,
    act: (&str, &str),
) -> Result<election::Model, ApiError> {
    let e = crate::db::find_or_404::<election::Entity>(db, id).await?;
    if !crate::access::Standing::of(db, auth, e.platform_id)
        .await?
        .member
    {
        return Err(ApiError::Problem(
            ProblemCode::NotAMember,
            Text::new(
                format!("Only active members of the platform may {}.", act.0),
                format!("يحق للأعضاء الفاعلين في المنصة فقط {}.", act.1),
            ),
        ));
    }
    Ok(e)
}

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
