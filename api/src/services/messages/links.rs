//! Mail composition shared by the workflows: whom to write to, the single-use link emails, and
//! the answers to password-reset requests.

use entity::{password_reset_request, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::audit::{Action, Entry};
use crate::domain::{Locale, MailKind, TokenPurpose};
use crate::email::action_email;
use crate::error::ApiError;
use crate::state::AppState;

/// Where each link leads in the front end.
fn path(kind: TokenPurpose) -> &'static str {
    match kind {
        TokenPurpose::PasswordReset => "reset-password",
        TokenPurpose::EmailVerification => "verify-email",
        TokenPurpose::Invitation => "accept-invitation",
    }
}

fn mail_kind(kind: TokenPurpose) -> MailKind {
    match kind {
        TokenPurpose::PasswordReset => MailKind::PasswordReset,
        TokenPurpose::EmailVerification => MailKind::EmailVerification,
        TokenPurpose::Invitation => MailKind::Invitation,
    }
}

/// The mailbox of a user, with their name when it parses.
pub fn mailbox(user: &user::Model) -> Option<lettre::message::Mailbox> {
    format!(
        "{} <{}>",
        user.name_en.replace(['<', '>', '"', ','], ""),
        user.email
    )
    .parse()
    .or_else(|_| user.email.parse())
    .ok()
}

/// Writes the link's email to the outbox, in the transaction that stored the token.
pub async fn send_action_email(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &user::Model,
    kind: TokenPurpose,
    token: &str,
) -> Result<(), ApiError> {
    let Some(to) = mailbox(user) else {
        tracing::error!(user_id = user.id, "stored email is not a mailbox");
        return Ok(());
    };
    let locale = user.locale;
    let name = match locale {
        Locale::Ar => &user.name_ar,
        Locale::En if user.name_en.is_empty() => &user.name_ar,
        Locale::En => &user.name_en,
    };
    let link = format!(
        "{}/{}?token={token}",
        state.config.public_base_url,
        path(kind)
    );
    crate::services::jobs::outbox::enqueue(
        db,
        mail_kind(kind),
        action_email(to, locale, kind, name, &link),
        state.clock.now(),
    )
    .await
}

/// Issues a single-use token for the purpose (with its lifetime) and writes its link's email to
/// the outbox, in the caller's transaction.
pub async fn send_link(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &user::Model,
    purpose: TokenPurpose,
) -> Result<(), ApiError> {
    let token = crate::services::accounts::action_tokens::issue_action_token(
        db,
        user.id,
        purpose,
        crate::services::accounts::action_tokens::ttl(purpose),
    )
    .await?;
    send_action_email(db, state, user, purpose, &token).await
}

/// How many password-reset requests one batch answers.
const RESET_BATCH: u64 = 100;

/// Answers queued password-reset requests: each is taken by deleting it (so one replica answers
/// it), and a link is mailed when an active account has the address. Returns whether more wait.
pub async fn answer_password_resets(state: &AppState) -> Result<bool, ApiError> {
    let due = password_reset_request::Entity::find()
        .order_by_asc(password_reset_request::Column::Id)
        .limit(RESET_BATCH)
        .all(&state.db)
        .await?;
    let more = due.len() as u64 == RESET_BATCH;
    for request in due {
        let txn = crate::db::begin(&state.db).await?;
        let taken = password_reset_request::Entity::delete_by_id(request.id)
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        let account = if taken {
            user::Entity::find()
                .filter(user::Column::Email.eq(&request.email))
                .filter(user::Column::IsActive.eq(true))
                .one(&txn)
                .await?
        } else {
            None
        };
        if let Some(u) = &account {
            send_link(&txn, state, u, TokenPurpose::PasswordReset).await?;
            Entry::new(Action::UserPasswordResetRequest, u.id)
                .write(&txn, None, state.clock.now())
                .await?;
        }
        txn.commit().await?;
    }
    Ok(more)
}
