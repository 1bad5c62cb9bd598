//! Who may do what on a platform. An admin may do everything; a coordinator or deputy (an open
//! term) manages their own platform only; an active member takes part.

use entity::{coordinator_term, membership};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::AuthUser;
use crate::domain::MembershipStatus;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// Whether the user holds an open coordinator or deputy term on the platform.
pub async fn is_coordinator(
    db: &impl ConnectionTrait,
    user_id: i64,
    platform_id: i64,
) -> Result<bool, ApiError> {
    Ok(coordinator_term::Entity::find()
        .filter(coordinator_term::Column::PlatformId.eq(platform_id))
        .filter(coordinator_term::Column::UserId.eq(user_id))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .count(db)
        .await?
        > 0)
}

/// Whether the user is an active member of the platform.
pub async fn is_active_member(
    db: &impl ConnectionTrait,
    user_id: i64,
    platform_id: i64,
) -> Result<bool, ApiError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::PlatformId.eq(platform_id))
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .count(db)
        .await?
        > 0)
}

fn not_manager() -> ApiError {
    ApiError::Problem(
        ProblemCode::NotAManager,
        Text::new(
            "Only this platform's coordinator, its deputy or an administrator may do this.",
            "هذا الإجراء مقصور على منسق المنصة أو نائبه أو المسؤولين.",
        ),
    )
}

/// 403 unless the caller is an admin or a coordinator/deputy of this platform.
pub async fn require_manager(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    platform_id: i64,
) -> Result<(), ApiError> {
    if auth.is_admin() || is_coordinator(db, auth.id(), platform_id).await? {
        Ok(())
    } else {
        Err(not_manager())
    }
}

/// 403 unless the caller is an admin or an active member of this platform.
pub async fn require_member_or_admin(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    platform_id: i64,
) -> Result<(), ApiError> {
    if auth.is_admin() || is_active_member(db, auth.id(), platform_id).await? {
        Ok(())
    } else {
        Err(ApiError::Problem(
            ProblemCode::NotAMember,
            Text::new(
                "Only active members of this platform may do this.",
                "هذا الإجراء مقصور على الأعضاء الفاعلين في المنصة.",
            ),
        ))
    }
}

/// The platforms on which the user holds an open coordinator or deputy term.
pub async fn coordinated_platforms(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<i64>, ApiError> {
    use sea_orm::QuerySelect;
    Ok(coordinator_term::Entity::find()
        .select_only()
        .column(coordinator_term::Column::PlatformId)
        .filter(coordinator_term::Column::UserId.eq(user_id))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .distinct()
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// 403 unless the caller is an admin or manages some platform: the check a route makes before it
/// reads a body that names the platform, so that nobody else learns what is wrong with the body.
pub async fn require_some_manager(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
) -> Result<(), ApiError> {
    if auth.is_admin() || !coordinated_platforms(db, auth.id()).await?.is_empty() {
        Ok(())
    } else {
        Err(not_manager())
    }
}

/// 403 unless the caller is an admin, or an active member or a coordinator of some platform.
pub async fn require_some_standing(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
) -> Result<(), ApiError> {
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(auth.id()))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .count(db)
        .await?
        > 0;
    if auth.is_admin() || member || !coordinated_platforms(db, auth.id()).await?.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Problem(
            ProblemCode::NotAMember,
            Text::new(
                "Only members and coordinators of a platform may do this.",
                "هذا الإجراء مقصور على أعضاء المنصات ومنسقيها.",
            ),
        ))
    }
}
