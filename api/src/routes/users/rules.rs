//! The rules of the users: checks and derived values the handlers share.

use entity::{local_authority, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::{Bilingual, Role, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// The folded text a user is found by.
pub fn search_text(email: &str, name: &Bilingual) -> String {
    search::fold_all([email, name.ar.as_str(), name.en.as_str()])
}

/// 422 when the authority does not exist (the foreign key would refuse it too).
pub async fn check_authority(db: &impl ConnectionTrait, id: Option<i64>) -> Result<(), ApiError> {
    let Some(id) = id else { return Ok(()) };
    let exists = local_authority::Entity::find_by_id(id).count(db).await? > 0;
    if exists {
        Ok(())
    } else {
        Err(ApiError::field(
            "/local_authority_id",
            "not_found",
            Text::new(
                "no local authority has this id",
                "لا توجد هيئة محلية بهذا الرقم",
            ),
        ))
    }
}

/// Refuses to leave the service without an active administrator.
pub async fn ensure_other_admin(db: &impl ConnectionTrait, user_id: i64) -> Result<(), ApiError> {
    let others = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Id.ne(user_id))
        .count(db)
        .await?;
    if others == 0 {
        return Err(ApiError::Problem(
            ProblemCode::LastAdmin,
            Text::new(
                "This is the last active administrator.",
                "هذا آخر مسؤول نشط في النظام.",
            ),
        ));
    }
    Ok(())
}
