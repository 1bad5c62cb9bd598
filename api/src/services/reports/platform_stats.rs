//! Counts of a platform's people: active members and the distinct authorities they come from.

use std::collections::HashMap;

use entity::{membership, user};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};

use crate::domain::MembershipStatus;
use crate::error::ApiError;

/// Active members and distinct authorities of several platforms, in one query.
pub async fn stats(
    db: &impl ConnectionTrait,
    platform_ids: &[i64],
) -> Result<HashMap<i64, (i64, i64)>, ApiError> {
    if platform_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let members: Expr = Func::count(Expr::col((membership::Entity, membership::Column::Id))).into();
    let authorities: Expr =
        Func::count_distinct(Expr::col((user::Entity, user::Column::LocalAuthorityId))).into();
    let rows: Vec<(i64, i64, i64)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::PlatformId)
        .column_as(members, "members")
        .column_as(authorities, "authorities")
        .join(JoinType::InnerJoin, membership::Relation::User.def())
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::PlatformId.is_in(platform_ids.iter().copied()))
        .group_by(membership::Column::PlatformId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, m, a)| (id, (m, a))).collect())
}

/// Active members and distinct authorities of one platform.
pub async fn member_counts(
    db: &impl ConnectionTrait,
    platform_id: i64,
) -> Result<(i64, i64), ApiError> {
    Ok(stats(db, &[platform_id])
        .await?
        .get(&platform_id)
        .copied()
        .unwrap_or((0, 0)))
}
