//! Finding people to add: a coordinator looks up members of their platform and people of the
//! union by name or authority, and sees what adding someone needs — never the email of someone
//! outside the platforms they coordinate.

use std::collections::HashSet;

use actix_web::{get, web};
use entity::{local_authority, membership, user};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access;
use crate::auth::AuthUser;
use crate::domain::{Bilingual, MembershipStatus, search};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::routes::views::AuthoritySummary;
use crate::state::AppState;

/// Who to look for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindPeopleQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Words in either name or in the local authority's name or governorate, ignoring Arabic
    /// diacritics, letter variants and case (never an email).
    pub q: Option<String>,
    pub local_authority_id: Option<i64>,
    /// Only the active members of this platform.
    pub platform_id: Option<i64>,
}

/// A person as someone adding them sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: i64,
    pub name: Bilingual,
    pub local_authority: Option<AuthoritySummary>,
    #[schema(max_length = 200)]
    pub job_title: Option<String>,
    /// Shown only for the members of the platforms the caller coordinates (administrators: all).
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
}

crate::listed!(PersonSummary => PersonList, "A page of people.");

/// People of the union a coordinator may add (administrators and coordinators): active accounts
/// by name or authority, in id order. The email is shown for members of the caller's platforms
/// only.
#[utoipa::path(
    tag = "users",
    params(FindPeopleQuery),
    responses((status = 200, body = PersonList))
)]
#[get("/people")]
pub async fn find_people(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<FindPeopleQuery>,
) -> Result<web::Json<PersonList>, ApiError> {
    access::require_some_manager(&state.db, &auth).await?;
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = user::Entity::find()
        .find_also_related(local_authority::Entity)
        .filter(user::Column::IsActive.eq(true));
    if let Some(after) = page.after {
        select = select.filter(user::Column::Id.gt(after));
    }
    if let Some(a) = q.local_authority_id {
        select = select.filter(user::Column::LocalAuthorityId.eq(a));
    }
    if let Some(p) = q.platform_id {
        let members = sea_orm::sea_query::Query::select()
            .column(membership::Column::UserId)
            .from(membership::Entity)
            .and_where(membership::Column::PlatformId.eq(p))
            .and_where(membership::Column::Status.eq(MembershipStatus::Active))
            .to_owned();
        select = select.filter(user::Column::Id.in_subquery(members));
    }
    if let Some(text) = q.q.as_deref().filter(|t| !search::fold(t).is_empty()) {
        let words = search::like_pattern(text);
        let in_names = search::names_pattern(text);
        select = select.filter(
            Condition::any()
                .add(user::Column::SearchText.like(LikeExpr::new(in_names).escape('\\')))
                .add(local_authority::Column::SearchText.like(LikeExpr::new(words).escape('\\'))),
        );
    }
    let rows = select
        .order_by_asc(user::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(u, _)| u.id);
    let shown = emails_shown(&state, &auth, rows.iter().map(|(u, _)| u.id).collect()).await?;
    Ok(web::Json(PersonList {
        items: rows
            .into_iter()
            .map(|(u, a)| PersonSummary {
                email: (shown.as_ref().is_none_or(|s| s.contains(&u.id))).then(|| u.email.clone()),
                id: u.id,
                name: Bilingual {
                    ar: u.name_ar,
                    en: u.name_en,
                },
                local_authority: a.map(AuthoritySummary::from),
                job_title: u.job_title,
            })
            .collect(),
        next_cursor,
    }))
}

/// Whose emails the caller sees among `ids`: `None` for everyone (an administrator acting for
/// the whole union), else the active members of the platforms they coordinate.
async fn emails_shown(
    state: &AppState,
    auth: &AuthUser,
    ids: Vec<i64>,
) -> Result<Option<HashSet<i64>>, ApiError> {
    let Some(platforms) = access::platforms_in_reach(&state.db, auth).await? else {
        return Ok(None);
    };
    let members: Vec<i64> = membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::PlatformId.is_in(platforms))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::UserId.is_in(ids))
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(Some(members.into_iter().collect()))
}
