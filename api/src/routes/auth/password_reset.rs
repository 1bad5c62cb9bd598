use actix_web::{HttpRequest, HttpResponse, post, web};
use entity::password_reset_request;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::model::TokenPasswordRequest;
use crate::audit::{Action, Entry};
use crate::auth::password;
use crate::client::client_addr;
use crate::domain::{self, TokenPurpose};
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::services::accounts::action_tokens::consume_action_token;
use crate::services::accounts::security_limits::{MAIL_LINK_WINDOW, key, take};
use crate::services::accounts::sessions::revoke_sessions;
use crate::state::AppState;

/// The account to reset.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254, format = Email)]
    pub email: String,
}

/// Emails a single-use reset link (valid one hour) when the account exists. Always 202: the
/// request is queued and a worker looks the account up, so the answer takes the same time and
/// says the same whether or not the address has an account. Limited per address and per
/// account (429 with `Retry-After`, the same for unknown addresses).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the account exists, a link is on its way"),
        (status = 429, description = "Too many requests for this address or from this client; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidatedJson<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = domain::normalize_email(&body.into_inner()?.email);
    let ip = client_addr(&req, &state.config.trusted_proxies);
    let (now, limits) = (state.clock.now(), &state.config.limits);
    let txn = crate::db::begin(&state.db).await?;
    for (key, max) in [
        (key("reset.address", &[&ip]), limits.mail_links_per_address),
        (
            key("mail_link.account", &[&email]),
            limits.mail_links_per_account,
        ),
    ] {
        take(&txn, &key, max, MAIL_LINK_WINDOW, now).await?;
    }
    password_reset_request::ActiveModel {
        email: Set(email),
        requested_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Not `state.commit`: waking the worker now would make a real account's answer the busier
    // one; the worker's next poll answers the request instead.
    txn.commit().await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the emailed token, and ends every session of the account.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = TokenPasswordRequest,
    responses((status = 204, description = "Password changed"))
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: ValidatedJson<TokenPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let hash = password::hash(body.password).await?;
    let txn = crate::db::begin(&state.db).await?;
    let u = consume_action_token(&txn, &body.token, TokenPurpose::PasswordReset).await?;
    let id = u.id;
    let before = u.clone();
    let now = state.clock.now();
    let mut model = u.into_active_model();
    model.password_hash = Set(Some(hash));
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    revoke_sessions(&txn, id).await?;
    Entry::new(Action::UserPasswordReset, id)
        .updated(&before, &updated)
        .write(&txn, Some(id), now)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::NoContent().finish())
}
