//! Who is calling: passwords, access tokens, opaque tokens, and the
//! `AuthUser` extractor.

pub mod file_links;
pub mod jwt;
pub mod keys;
pub mod password;
pub mod scopes;
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
/// open, or a valid API key of an active user, read fresh from the database so that a role
/// change, a deactivation, a logout or a password change takes effect at the next request.
///
/// A key acts as its creator and never beyond: its scopes are checked before the handler runs
/// (`rate_limit`), and a key limited to some platforms reaches no other (`reaches`) and is no
/// administrator (its `role` is a member's), so every rule of `access` holds for it unchanged.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user: user::Model,
    pub role: Role,
    /// The key the caller acts through, when it is one.
    pub key: Option<keys::KeyGrant>,
}

impl From<&AuthUser> for crate::audit::Actor {
    fn from(auth: &AuthUser) -> crate::audit::Actor {
        auth.actor()
    }
}

impl AuthUser {
    pub fn id(&self) -> i64 {
        self.user.id
    }

    /// Who a write is recorded as: the person, and the key when it was one.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            user_id: Some(self.user.id),
            api_key_id: self.key.as_ref().map(|k| k.id),
        }
    }

    /// Whether the caller's credential reaches the platform (a key may be limited to some).
    pub fn reaches(&self, platform_id: i64) -> bool {
        self.key.as_ref().is_none_or(|k| k.reaches(platform_id))
    }

    /// Whether the caller acts through a key limited to some platforms.
    pub fn platform_limited(&self) -> bool {
        self.key.as_ref().is_some_and(|k| k.platforms.is_some())
    }

    /// The platforms a key is limited to, when it is.
    pub fn key_platforms(&self) -> Option<&[i64]> {
        self.key.as_ref().and_then(|k| k.platforms.as_deref())
    }

    /// An administrator of everything: an administrator signed in, or through a key that is not
    /// limited to some platforms (such a key's `role` is a member's).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// An administrator of the platform: everywhere, or through a key limited to some platforms,
    /// on those.
    pub fn administers(&self, platform_id: i64) -> bool {
        self.administers_some() && self.reaches(platform_id)
    }

    /// An administrator of at least the platforms their credential reaches (all of them, or a
    /// key's): the person is an administrator.
    pub fn administers_some(&self) -> bool {
        self.user.role == Role::Admin
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

/// The API key this request carries, found valid (by the rate limiter, which counts it).
#[derive(Clone, Debug)]
pub struct VerifiedKey(pub keys::KeyGrant);

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let verified = req.extensions().get::<VerifiedClaims>().cloned();
        let key = req.extensions().get::<VerifiedKey>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Unexpected("state missing".into()))?;
            if let Some(VerifiedKey(grant)) = key {
                let user = user::Entity::find_by_id(grant.created_by)
                    .filter(user::Column::IsActive.eq(true))
                    .one(&state.db)
                    .await?
                    .ok_or_else(ApiError::unauthenticated)?;
                let role = if grant.platforms.is_some() {
                    Role::Member
                } else {
                    user.role
                };
                return Ok(AuthUser {
                    user,
                    role,
                    key: Some(grant),
                });
            }
            if token.as_deref().is_some_and(keys::is_key) {
                // The middleware checks keys where keys may go; anywhere else a person is needed.
                return Err(ApiError::Problem(
                    ProblemCode::NotForApiKeys,
                    Text::new(
                        "Signing in, one's own account and API keys are for people: an API key cannot do this.",
                        "تسجيل الدخول والحساب الشخصي ومفاتيح الواجهة للأشخاص: لا يستطيع مفتاح الواجهة القيام بذلك.",
                    ),
                ));
            }
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
            // One query: the user, active, with the token's session still open and the user's
            // own (a token naming another person's session is refused).
            let open_session = Query::select()
                .expr(Expr::val(1))
                .from(refresh_token::Entity)
                .and_where(refresh_token::Column::Family.eq(claims.sid))
                .and_where(refresh_token::Column::UserId.eq(id))
                .and_where(refresh_token::Column::RevokedAt.is_null())
                .to_owned();
            let user = user::Entity::find_by_id(id)
                .filter(user::Column::IsActive.eq(true))
                .filter(Expr::exists(open_session))
                .one(&state.db)
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            let role = user.role;
            Ok(AuthUser {
                user,
                role,
                key: None,
            })
        })
    }
}
