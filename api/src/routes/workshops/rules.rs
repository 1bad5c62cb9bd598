//! The rules of the workshops: checks and derived values the handlers share.

use entity::workshop;
use sea_orm::ConnectionTrait;

use crate::access::WorkshopSight;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::error::ApiError;

pub use crate::domain::zone::parse as parse_zone;

/// A random check-in code: 6 characters without look-alikes.
pub fn check_in_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..6)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A workshop the caller may see (`access::WorkshopSight`), and whether they manage it; 404
/// for anyone else, so that a members-only workshop is not known to exist.
pub(crate) async fn visible_workshop(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(workshop::Model, bool), ApiError> {
    let w = find_or_404::<workshop::Entity>(db, id).await?;
    let sight = WorkshopSight::of(db, auth, &w).await?;
    if !sight.visible {
        return Err(ApiError::not_found());
    }
    Ok((w, sight.manager))
}
