use actix_web::{get, web};

use super::{ElectionResponse, election_response};
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::state::AppState;

/// One election with its phase and candidates (public).
#[utoipa::path(
    tag = "elections",
    security(()),
    params(("id" = i64, Path, description = "Election id")),
    responses((status = 200, body = ElectionResponse))
)]
#[get("/elections/{id}")]
pub async fn get_election(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<ElectionResponse>, ApiError> {
    let e = find_or_404::<entity::election::Entity>(&state.db, id.into_inner()).await?;
    Ok(web::Json(
        election_response(&state.db, e, state.clock.now()).await?,
    ))
}
