//! Task forces: public reads, admin writes, members with the authority they represent, an
//! optional maximum of members per authority, and targets against actual counts.

mod create;
mod list;
mod members;
mod read;
mod update;

use std::collections::HashMap;

use entity::{task_force, task_force_member};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::{Bilingual, BilingualText, TaskForceStatus};
use crate::error::ApiError;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_task_forces)
        .service(create::create_task_force)
        .service(read::get_task_force)
        .service(update::update_task_force)
        .service(update::delete_task_force)
        .service(members::list_task_force_members)
        .service(members::add_task_force_member)
        .service(members::remove_task_force_member);
}

/// Targets from the mandate against the members actually in the task force.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    pub target_members: Option<i32>,
    pub target_authorities: Option<i32>,
    pub members: i64,
    pub authorities: i64,
}

/// A task force as the API shows it. `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskForceResponse {
    pub id: i64,
    #[schema(
        example = "financial-experts",
        min_length = 2,
        max_length = 80,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: String,
    pub name: Bilingual,
    pub mandate: BilingualText,
    /// At most this many members from one authority (`null`: no limit).
    pub max_members_per_authority: Option<i32>,
    pub status: TaskForceStatus,
    pub counts: Counts,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

crate::listed!(TaskForceResponse => TaskForceList, "A page of task forces.");

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

pub fn search_text(name: &Bilingual, mandate: &BilingualText) -> String {
    crate::domain::search::fold_all([
        name.ar.as_str(),
        name.en.as_str(),
        mandate.ar.as_str(),
        mandate.en.as_str(),
    ])
}
