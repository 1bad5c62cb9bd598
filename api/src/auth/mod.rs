//! Who is calling: passwords, access tokens, opaque tokens, login throttling, and the
//! `AuthUser` extractor.

pub mod jwt;
pub mod password;
pub mod throttle;
pub mod tokens;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use entity::user;
use sea_orm::EntityTrait;

use crate::domain::Role;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::state::AppState;

/// The authenticated caller: a valid access token for an active user, read fresh from the
/// database so that a role change or deactivation takes effect at once.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user: user::Model,
    pub role: Role,
}

impl AuthUser {
    pub fn id(&self) -> i64 {
        self.user.id
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// 403 unless the caller is an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Problem(
                ProblemCode::AdminOnly,
                Text::new(
                    "Only administrators may do this.",
                    "هذا الإجراء مقصور على المسؤولين.",
                ),
            ))
        }
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Unexpected("state missing".into()))?;
            let token = token.ok_or_else(ApiError::unauthenticated)?;
            let claims = state
                .jwt
                .verify(&token)
                .ok_or_else(ApiError::unauthenticated)?;
            let id: i64 = claims
                .sub
                .parse()
                .map_err(|_| ApiError::unauthenticated())?;
            let user = user::Entity::find_by_id(id)
                .one(&state.db)
                .await?
                .filter(|u| u.is_active)
                .ok_or_else(ApiError::unauthenticated)?;
            let role = user.role;
            Ok(AuthUser { user, role })
        })
    }
}
