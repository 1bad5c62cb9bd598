use actix_web::{HttpRequest, post, web};
use entity::user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::model::TokenResponse;
use crate::audit::{Action, Entry};
use crate::auth::password;
use crate::client::client_addr;
use crate::domain;
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::services::accounts::security_limits::LoginAttempt;
use crate::services::accounts::sessions;
use crate::state::AppState;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(
        length(min = 3, max = 254),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(example = "admin@example.org", min_length = 3, max_length = 254)]
    pub email: String,
    #[validate(
        length(min = 1, max = 1024),
        custom(function = "crate::domain::validate_not_blank")
    )]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

fn invalid_credentials() -> ApiError {
    ApiError::Problem(
        ProblemCode::InvalidCredentials,
        Text::new(
            "The email or password is wrong.",
            "البريد الإلكتروني أو كلمة المرور غير صحيحة.",
        ),
    )
}

/// Exchanges email and password for tokens. Wrong passwords are limited per account and
/// address, per account and per address (shared by all replicas); a held attempt answers 429
/// with `Retry-After`. The broad limits never hold an account at an address it signed in from
/// before, so a guesser elsewhere cannot lock its owner out.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong email or password, or an inactive account", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidatedJson<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let body = body.into_inner()?;
    let email = domain::normalize_email(&body.email);
    let ip = client_addr(&req, &state.config.trusted_proxies);
    let attempt = LoginAttempt::new(&email, &ip);
    let limits = &state.config.limits;
    let known = attempt.admit(&state.db, limits, state.clock.now()).await?;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&state.db)
        .await?;
    let hash = found
        .as_ref()
        .filter(|u| u.is_active)
        .and_then(|u| u.password_hash.clone());
    let ok = password::verify(body.password, hash, state.dummy_hash.clone()).await?;
    let user = match (ok, found) {
        (true, Some(u)) => u,
        _ => {
            tracing::info!(ip, "login failed");
            return Err(invalid_credentials());
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    attempt.succeeded(&txn, known, state.clock.now()).await?;
    let tokens = TokenResponse::from(sessions::issue(&txn, &state, user.id, None).await?);
    Entry::new(Action::SessionLogin, user.id)
        .write(&txn, Some(user.id), state.clock.now())
        .await?;
    state.commit(txn).await?;
    tracing::info!(user_id = user.id, "login succeeded");
    Ok(web::Json(tokens))
}
