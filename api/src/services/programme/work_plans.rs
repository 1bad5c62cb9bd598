//! Work-plan rules that several routes share: topics hang on the plan's axes and are ranked 1..n.

use entity::{topic, work_plan_axis};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::ApiError;
use crate::i18n::Text;

/// 422 unless the axis belongs to the plan.
pub async fn check_axis(
    db: &impl ConnectionTrait,
    plan_id: i64,
    axis_id: Option<i64>,
) -> Result<(), ApiError> {
    let Some(axis_id) = axis_id else {
        return Ok(());
    };
    let found = work_plan_axis::Entity::find_by_id(axis_id)
        .one(db)
        .await?
        .is_some_and(|a| a.work_plan_id == plan_id);
    if found {
        Ok(())
    } else {
        Err(ApiError::field(
            "/axis_id",
            "unknown_axis",
            Text::new(
                "not an axis of this work plan",
                "ليس محورًا في خطة العمل هذه",
            ),
        ))
    }
}

/// Gives topics the ranks 1..n in the order of `ids`. Ranks are unique per plan, so they are
/// first moved out of the way, then set.
pub async fn renumber(
    db: &impl ConnectionTrait,
    plan_id: i64,
    ids: &[i64],
) -> Result<(), ApiError> {
    topic::Entity::update_many()
        .col_expr(
            topic::Column::Rank,
            Expr::col(topic::Column::Rank).add(100_000),
        )
        .filter(topic::Column::WorkPlanId.eq(plan_id))
        .exec(db)
        .await?;
    for (i, id) in ids.iter().enumerate() {
        topic::Entity::update_many()
            .col_expr(topic::Column::Rank, Expr::value(i as i32 + 1))
            .filter(topic::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The rank after the last of a plan's ranked rows (axes or topics): 1 for the first.
pub async fn next_rank<E: sea_orm::EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    (rank, plan): (E::Column, E::Column),
    plan_id: i64,
) -> Result<i32, crate::error::ApiError> {
    use sea_orm::sea_query::{Expr, Func};
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let max: Expr = Func::max(Expr::col(rank)).into();
    let top: Option<i32> = E::find()
        .select_only()
        .column_as(max, "max_rank")
        .filter(plan.eq(plan_id))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    Ok(top.unwrap_or(0) + 1)
}
