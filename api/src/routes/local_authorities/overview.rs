use actix_web::{get, web};
use entity::local_authority;
use serde::Serialize;
use utoipa::ToSchema;

use super::LocalAuthorityResponse;
use crate::db::find_or_404;
use crate::error::ApiError;
use crate::services::reports::authorities;
use crate::state::AppState;

/// A platform an authority's people are members of.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityPlatform {
    pub platform_id: i64,
    /// Its active members from the authority (who show their platforms to everyone).
    #[schema(minimum = 1)]
    pub members: i64,
}

/// A local authority's part in the programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalAuthorityOverview {
    pub authority: LocalAuthorityResponse,
    /// Its people with an active account.
    #[schema(minimum = 0)]
    pub people: i64,
    /// The platforms its people are members of, in platform order (people who keep their
    /// platforms from anyone are not counted here).
    #[schema(max_items = 1000)]
    pub platforms: Vec<AuthorityPlatform>,
    /// Its practices others may learn (published or archived).
    #[schema(minimum = 0)]
    pub practices_shared: i64,
    /// Practices of other authorities it adopted.
    #[schema(minimum = 0)]
    pub practices_adopted: i64,
    /// Workshops at least one of its people attended.
    #[schema(minimum = 0)]
    pub workshops_attended: i64,
}

/// A local authority with its people, the platforms they are members of, the practices it
/// shared and adopted, and the workshops its people attended (public).
#[utoipa::path(
    tag = "local-authorities",
    security(()),
    params(("id" = i64, Path, description = "Local authority id")),
    responses((status = 200, body = LocalAuthorityOverview))
)]
#[get("/local-authorities/{id}/overview")]
pub async fn get_local_authority_overview(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<LocalAuthorityOverview>, ApiError> {
    let authority = find_or_404::<local_authority::Entity>(&state.db, id.into_inner()).await?;
    let o = authorities::overview(&state.db, authority.id).await?;
    Ok(web::Json(LocalAuthorityOverview {
        authority: authority.into(),
        people: o.people,
        platforms: o
            .platforms
            .into_iter()
            .map(|(platform_id, members)| AuthorityPlatform {
                platform_id,
                members,
            })
            .collect(),
        practices_shared: o.practices_shared,
        practices_adopted: o.practices_adopted,
        workshops_attended: o.workshops_attended,
    }))
}
