use actix_web::{HttpResponse, post, web};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::model::TokenRequest;
use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::TokenPurpose;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::accounts::action_tokens::consume_action_token;
use crate::services::accounts::security_limits::{MAIL_LINK_WINDOW, key, take};
use crate::services::messages::links::send_link;
use crate::state::AppState;

/// Emails the caller a link that confirms their address (valid three days).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 202, description = "A link was mailed (nothing is sent when already verified)"),
        (status = 429, description = "Too many links asked for this account; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/email-verification")]
pub async fn request_email_verification(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if auth.user.email_verified_at.is_none() {
        let txn = crate::db::begin(&state.db).await?;
        take(
            &txn,
            &key("mail_link.account", &[&auth.user.email]),
            state.config.limits.mail_links_per_account,
            MAIL_LINK_WINDOW,
            state.clock.now(),
        )
        .await?;
        send_link(&txn, &state, &auth.user, TokenPurpose::EmailVerification).await?;
        Entry::new(Action::UserEmailVerificationRequest, auth.id())
            .write(&txn, &auth, state.clock.now())
            .await?;
        state.commit(txn).await?;
    }
    Ok(HttpResponse::Accepted().finish())
}

/// Confirms an email address with the emailed token.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = TokenRequest,
    responses((status = 204, description = "Email verified"))
)]
#[post("/auth/email-verification/confirm")]
pub async fn confirm_email_verification(
    state: web::Data<AppState>,
    body: ValidatedJson<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let u = consume_action_token(
        &txn,
        &body.into_inner()?.token,
        TokenPurpose::EmailVerification,
    )
    .await?;
    let before = u.clone();
    let mut model = u.into_active_model();
    let now = state.clock.now();
    model.email_verified_at = Set(Some(now));
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    Entry::new(Action::UserEmailVerify, updated.id)
        .updated(&before, &updated)
        .write(&txn, Some(updated.id), now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
