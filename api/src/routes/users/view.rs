//! How the users are shown: responses built from rows, with what hangs on them loaded in batches.

use entity::{local_authority, user};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::ApiError;

use super::*;

/// Loads a user with their authority (one query), or 404.
pub async fn find_with_authority(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<UserResponse, ApiError> {
    let (u, a) = user::Entity::find_by_id(id)
        .find_also_related(local_authority::Entity)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(UserResponse::new(u, a))
}
