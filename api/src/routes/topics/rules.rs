//! The rules of topics and their working groups.

use sea_orm::ConnectionTrait;

use crate::access::is_active_member;
use crate::error::ApiError;
use crate::i18n::Text;

/// 422 on `pointer` unless the person named there (a working group's lead or member) is an
/// active member of the platform: a rule about that person, not about the caller.
pub(crate) async fn must_be_member(
    db: &impl ConnectionTrait,
    user_id: i64,
    platform_id: i64,
    pointer: &str,
) -> Result<(), ApiError> {
    crate::db::active_user(db, user_id, pointer).await?;
    if is_active_member(db, user_id, platform_id).await? {
        Ok(())
    } else {
        Err(ApiError::field(
            pointer,
            "not_a_member",
            Text::new(
                "must be an active member of the platform",
                "يجب أن يكون عضوًا فاعلًا في المنصة",
            ),
        ))
    }
}
