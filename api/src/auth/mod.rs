//! Who is calling: passwords, access tokens, opaque tokens, and the
//! `AuthUser` extractor.

pub mod jwt;
pub mod password;
pub mod tokens;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use entity::{refresh_token, user};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::Role;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::state::AppState;

/// The authenticated caller: a valid access token for an active user whose session is still
/// open, read fresh from the database so that a role change, a deactivation, a logout or a
/// password change takes effect at the next request.
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

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Claims already verified for this request (by the rate limiter), so that they are checked once.
#[derive(Clone, Debug)]
pub struct VerifiedClaims(pub jwt::Claims);

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let verified = req.extensions().get::<VerifiedClaims>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Unexpected("state missing".into()))?;
            let claims = match verified {
                Some(VerifiedClaims(claims)) => claims,
                None => {
                    let token = token.ok_or_else(ApiError::unauthenticated)?;
                    state
                        .jwt
                        .verify(&token)
                        .ok_or_else(ApiError::unauthenticated)?
                }
            };
            let id: i64 = claims
                .sub
                .parse()
                .map_err(|_| ApiError::unauthenticated())?;
            // One query: the user, active, with the token's session still open.
            let open_session = Query::select()
                .expr(Expr::val(1))
                .from(refresh_token::Entity)
                .and_where(refresh_token::Column::Family.eq(claims.sid))
                .and_where(refresh_token::Column::RevokedAt.is_null())
                .to_owned();
            let user = user::Entity::find_by_id(id)
                .filter(user::Column::IsActive.eq(true))
                .filter(Expr::exists(open_session))
                .one(&state.db)
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            let role = user.role;
            Ok(AuthUser { user, role })
        })
    }
}
