use actix_web::{HttpResponse, get, web};

use super::{response, visible_paper};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::etag;
use crate::state::AppState;

/// One position paper with its current text (published: anyone; otherwise the platform's
/// members and coordinators, the authors, admins; to others 404).
#[utoipa::path(
    tag = "position-papers",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Paper id")),
    responses((status = 200, body = super::PaperResponse))
)]
#[get("/position-papers/{id}")]
pub async fn get_paper(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (paper, _) = visible_paper(&state.db, auth.as_ref(), id.into_inner()).await?;
    let body = response(&state.db, paper).await?;
    Ok(etag::tagged(body.version, &body))
}
