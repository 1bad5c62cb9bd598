use actix_web::{get, web};
use entity::{coordinator_term, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::find_or_404;
use crate::domain::{Bilingual, Seat};
use crate::error::ApiError;
use crate::state::AppState;

/// One term of a coordinator or deputy.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatorTermResponse {
    pub id: i64,
    pub seat: Seat,
    pub user_id: i64,
    pub name: Bilingual,
    /// The election that gave the term, when there was one.
    pub election_id: Option<i64>,
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// `null` while the term runs.
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A platform's sitting coordinator and deputy, and every earlier term.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatorsResponse {
    #[schema(max_items = 2)]
    pub current: Vec<CoordinatorTermResponse>,
    /// Every term, newest first (the current ones included).
    #[schema(max_items = 100)]
    pub history: Vec<CoordinatorTermResponse>,
}

/// The coordinators of a platform, current and past (public).
#[utoipa::path(
    tag = "platforms",
    security(()),
    params(("id" = i64, Path, description = "Platform id")),
    responses((status = 200, body = CoordinatorsResponse))
)]
#[get("/platforms/{id}/coordinators")]
pub async fn list_coordinators(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<CoordinatorsResponse>, ApiError> {
    let platform = find_or_404::<entity::platform::Entity>(&state.db, id.into_inner()).await?;
    let rows = coordinator_term::Entity::find()
        .find_also_related(user::Entity)
        .filter(coordinator_term::Column::PlatformId.eq(platform.id))
        .order_by_desc(coordinator_term::Column::StartedAt)
        .order_by_desc(coordinator_term::Column::Id)
        .limit(crate::domain::limits::MAX_COORDINATOR_HISTORY)
        .all(&state.db)
        .await?;
    let history: Vec<CoordinatorTermResponse> = rows
        .into_iter()
        .map(|(t, u)| CoordinatorTermResponse {
            id: t.id,
            seat: t.seat,
            user_id: t.user_id,
            name: u
                .map(|u| Bilingual {
                    ar: u.name_ar,
                    en: u.name_en,
                })
                .unwrap_or(Bilingual {
                    ar: String::new(),
                    en: String::new(),
                }),
            election_id: t.election_id,
            started_at: t.started_at,
            ended_at: t.ended_at,
        })
        .collect();
    let current = history
        .iter()
        .filter(|t| t.ended_at.is_none())
        .map(|t| CoordinatorTermResponse {
            id: t.id,
            seat: t.seat,
            user_id: t.user_id,
            name: t.name.clone(),
            election_id: t.election_id,
            started_at: t.started_at,
            ended_at: None,
        })
        .collect();
    Ok(web::Json(CoordinatorsResponse { current, history }))
}
