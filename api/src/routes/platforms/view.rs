//! How the platforms are shown: responses built from rows, with what hangs on them loaded in batches.

use entity::platform;
use sea_orm::ConnectionTrait;

use crate::error::ApiError;

use super::*;

/// One platform with its counts.
pub async fn response(
    db: &impl ConnectionTrait,
    p: platform::Model,
) -> Result<PlatformResponse, ApiError> {
    let counts = crate::services::reports::platform_stats::stats(db, &[p.id])
        .await?
        .get(&p.id)
        .copied()
        .unwrap_or((0, 0));
    Ok(PlatformResponse::new(p, counts))
}
