//! How the task forces are shown: responses built from rows, with what hangs on them loaded in batches.

use std::collections::HashMap;

use entity::{task_force, task_force_member};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::{Bilingual, BilingualText};
use crate::error::ApiError;

use super::*;

/// Members and distinct authorities of several task forces, in one query.
pub async fn counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, (i64, i64)>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let members: Expr = Func::count(Expr::col(task_force_member::Column::Id)).into();
    let authorities: Expr =
        Func::count_distinct(Expr::col(task_force_member::Column::LocalAuthorityId)).into();
    Ok(task_force_member::Entity::find()
        .select_only()
        .column(task_force_member::Column::TaskForceId)
        .column_as(members, "members")
        .column_as(authorities, "authorities")
        .filter(task_force_member::Column::TaskForceId.is_in(ids.iter().copied()))
        .filter(task_force_member::Column::LeftAt.is_null())
        .group_by(task_force_member::Column::TaskForceId)
        .into_tuple::<(i64, i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, m, a)| (id, (m, a)))
        .collect())
}

pub fn to_response(t: task_force::Model, (members, authorities): (i64, i64)) -> TaskForceResponse {
    TaskForceResponse {
        id: t.id,
        slug: t.slug,
        name: Bilingual {
            ar: t.name_ar,
            en: t.name_en,
        },
        mandate: BilingualText::new(t.mandate_ar, t.mandate_en),
        max_members_per_authority: t.max_members_per_authority,
        status: t.status,
        counts: Counts {
            target_members: t.target_members,
            target_authorities: t.target_authorities,
            members,
            authorities,
        },
        version: t.version,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

pub async fn response(
    db: &impl ConnectionTrait,
    t: task_force::Model,
) -> Result<TaskForceResponse, ApiError> {
    let c = counts(db, &[t.id])
        .await?
        .get(&t.id)
        .copied()
        .unwrap_or((0, 0));
    Ok(to_response(t, c))
}
