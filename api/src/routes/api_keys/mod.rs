//! API keys of service accounts: created by administrators, and by coordinators for their own
//! platforms; shown once; rotated with a grace period; revoked. A key acts as its creator within
//! its scopes and platforms (`crate::auth::keys`), so it never exceeds its creator's rights.

mod create;
mod manage;
mod model;

pub use model::*;

use crate::routes::Routes;
use entity::api_key;
use sea_orm::ConnectionTrait;

use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;

pub fn configure(cfg: &mut Routes) {
    cfg.service(manage::list_api_keys)
        .service(create::create_api_key)
        .service(manage::get_api_key)
        .service(manage::rotate_api_key)
        .service(manage::revoke_api_key);
}

/// A key the caller may see and manage: their own, or any for an administrator (404 otherwise,
/// so that nobody learns which ids exist).
async fn own_key(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    id: i64,
) -> Result<api_key::Model, ApiError> {
    let key = find_or_404::<api_key::Entity>(db, id).await?;
    if key.created_by == auth.id() || auth.is_admin() {
        Ok(key)
    } else {
        Err(ApiError::not_found())
    }
}
