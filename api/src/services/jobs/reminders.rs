//! Reminders: once per workshop, when it is `REMINDER_HOURS` away, everyone registered gets one.

use entity::workshop;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::WorkshopStatus;
use crate::error::ApiError;
use crate::services::messages::workshops::{self as mail};
use crate::services::programme::seats::active_registrants;
use crate::state::AppState;

/// Writes the reminders that fall due to the outbox.
pub async fn send_due(state: &AppState) -> Result<(), ApiError> {
    let now = state.clock.now();
    let horizon = now + chrono::Duration::hours(state.config.reminder_hours);
    let due = workshop::Entity::find()
        .filter(workshop::Column::Status.eq(WorkshopStatus::Scheduled))
        .filter(workshop::Column::ReminderSentAt.is_null())
        .filter(workshop::Column::StartsAt.gt(now))
        .filter(workshop::Column::StartsAt.lte(horizon))
        .all(&state.db)
        .await?;
    for w in due {
        let txn = crate::db::begin(&state.db).await?;
        // Claimed by one worker only.
        let claimed = workshop::Entity::update_many()
            .col_expr(workshop::Column::ReminderSentAt, Expr::value(now))
            .filter(workshop::Column::Id.eq(w.id))
            .filter(workshop::Column::ReminderSentAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed == 1 {
            let people = active_registrants(&txn, w.id, false).await?;
            mail::notify(&txn, state, mail::Kind::Reminder, &w, &people).await?;
        }
        state.commit(txn).await?;
    }
    Ok(())
}
