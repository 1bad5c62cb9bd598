//! The rules of the workshops: checks and derived values the handlers share.

use entity::workshop;
use sea_orm::ConnectionTrait;

use crate::access::Standing;
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::WorkshopStatus;
use crate::error::ApiError;

pub use crate::domain::zone::parse as parse_zone;

/// A random check-in code: 6 characters without look-alikes.
pub fn check_in_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..6)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A workshop the caller may see, and whether they manage it. Drafts are for its platform's
/// managers; a private workshop is for signed-in callers (`private_to_signed_in`) or, where a
/// reader cannot sign in (a calendar client), for managers only. Anything else: 404.
pub(crate) async fn visible_workshop(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
    private_to_signed_in: bool,
) -> Result<(workshop::Model, bool), ApiError> {
    let w = find_or_404::<workshop::Entity>(db, id).await?;
    let manager = Standing::of_caller(db, auth, w.platform_id)
        .await?
        .manages();
    let private_shown = w.is_public || (private_to_signed_in && auth.is_some());
    if !manager && (w.status == WorkshopStatus::Draft || !private_shown) {
        return Err(ApiError::not_found());
    }
    Ok((w, manager))
}
