use actix_web::{get, web};
use entity::{local_authority, user};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{UserList, UserResponse};
use crate::auth::AuthUser;
use crate::domain::{Gender, Role, search};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Filters and paging for the list of users.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub role: Option<Role>,
    pub gender: Option<Gender>,
    pub local_authority_id: Option<i64>,
    pub is_active: Option<bool>,
    /// Words in the email or either name, ignoring Arabic diacritics, letter variants and case.
    pub q: Option<String>,
}

/// Users by id, with their authority (admins).
#[utoipa::path(
    tag = "users",
    params(ListUsersQuery),
    responses((status = 200, body = UserList))
)]
#[get("/users")]
pub async fn list_users(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListUsersQuery>,
) -> Result<web::Json<UserList>, ApiError> {
    auth.require_admin()?;
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let mut select = user::Entity::find().find_also_related(local_authority::Entity);
    if let Some(after) = page.after {
        select = select.filter(user::Column::Id.gt(after));
    }
    if let Some(role) = q.role {
        select = select.filter(user::Column::Role.eq(role));
    }
    if let Some(gender) = q.gender {
        select = select.filter(user::Column::Gender.eq(gender));
    }
    if let Some(a) = q.local_authority_id {
        select = select.filter(user::Column::LocalAuthorityId.eq(a));
    }
    if let Some(active) = q.is_active {
        select = select.filter(user::Column::IsActive.eq(active));
    }
    if let Some(text) = q.q.as_deref().filter(|t| !search::fold(t).is_empty()) {
        select = select.filter(
            user::Column::SearchText.like(LikeExpr::new(search::like_pattern(text)).escape('\\')),
        );
    }
    let rows = select
        .order_by_asc(user::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(u, _)| u.id);
    Ok(web::Json(UserList {
        items: rows
            .into_iter()
            .map(|(u, a)| UserResponse::new(u, a))
            .collect(),
        next_cursor,
    }))
}
