//! The mail outbox. A change that sends mail writes the message here in its own transaction;
//! a background worker delivers due messages after commit, retrying with exponential backoff
//! while the SMTP server is unreachable, and marks each one sent once. The same loop sends
//! workshop reminders when they fall due.

use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};
use entity::outbox;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::MailKind;
use crate::email::Email;
use crate::error::ApiError;
use crate::state::AppState;

/// Writes a message to the outbox (inside the caller's transaction).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: MailKind,
    email: Email,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    outbox::ActiveModel {
        kind: Set(kind),
        recipient: Set(email.to.to_string()),
        subject: Set(email.subject),
        text_body: Set(email.text),
        html_body: Set(email.html),
        ics: Set(email.ics),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn backoff(attempts: i32, max_secs: u64) -> chrono::Duration {
    let secs = 1u64
        .checked_shl(attempts.clamp(0, 20) as u32)
        .unwrap_or(u64::MAX)
        .min(max_secs.max(1));
    chrono::Duration::seconds(secs as i64)
}

/// Delivers the messages that are due; returns how many were sent.
pub async fn deliver_due(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let due = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(20)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for msg in due {
        // Lease the message so that another worker (another instance) does not send it too.
        let lease = now + chrono::Duration::seconds(60);
        let claimed = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::NextAttemptAt,
                sea_orm::sea_query::Expr::value(lease),
            )
            .filter(outbox::Column::Id.eq(msg.id))
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::NextAttemptAt.eq(msg.next_attempt_at))
            .exec(&state.db)
            .await?
            .rows_affected;
        if claimed != 1 {
            continue;
        }
        let Ok(to) = msg.recipient.parse() else {
            tracing::error!(id = msg.id, "outbox recipient is not a mailbox; dropped");
            mark(
                state,
                msg.id,
                Some(now),
                msg.attempts + 1,
                None,
                Some("bad recipient".into()),
            )
            .await?;
            continue;
        };
        let email = Email {
            to,
            subject: msg.subject.clone(),
            text: msg.text_body.clone(),
            html: msg.html_body.clone(),
            ics: msg.ics.clone(),
        };
        match state.mailer.send(email).await {
            Ok(()) => {
                mark(
                    state,
                    msg.id,
                    Some(state.clock.now()),
                    msg.attempts + 1,
                    None,
                    None,
                )
                .await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = msg.attempts + 1;
                let retry =
                    state.clock.now() + backoff(attempts, state.config.outbox_max_backoff_secs);
                tracing::warn!(
                    id = msg.id,
                    attempts,
                    error,
                    "mail delivery failed; will retry"
                );
                mark(state, msg.id, None, attempts, Some(retry), Some(error)).await?;
            }
        }
    }
    Ok(sent)
}

async fn mark(
    state: &AppState,
    id: i64,
    sent_at: Option<DateTime<Utc>>,
    attempts: i32,
    retry_at: Option<DateTime<Utc>>,
    error: Option<String>,
) -> Result<(), ApiError> {
    let mut m = outbox::ActiveModel {
        id: Set(id),
        attempts: Set(attempts),
        last_error: Set(error),
        ..Default::default()
    };
    if let Some(at) = sent_at {
        m.sent_at = Set(Some(at));
    }
    if let Some(at) = retry_at {
        m.next_attempt_at = Set(at);
    }
    m.update(&state.db).await?;
    Ok(())
}

/// Runs the delivery and reminder loop until the process ends.
pub fn spawn_worker(state: web::Data<AppState>) {
    let interval = Duration::from_millis(state.config.outbox_poll_ms.max(10));
    tokio::spawn(async move {
        loop {
            if let Err(e) = crate::services::reminders::send_due(&state).await {
                tracing::error!(error = %e, "reminders failed");
            }
            match deliver_due(&state).await {
                Ok(n) if n > 0 => tracing::info!(sent = n, "mail delivered"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbox delivery failed"),
            }
            tokio::time::sleep(interval).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(backoff(1, 300).num_seconds(), 2);
        assert_eq!(backoff(3, 300).num_seconds(), 8);
        assert_eq!(backoff(30, 300).num_seconds(), 300);
        assert_eq!(backoff(5, 1).num_seconds(), 1);
    }
}
