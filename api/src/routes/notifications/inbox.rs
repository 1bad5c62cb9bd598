use actix_web::{get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MarkedRead, NotificationList, NotificationResponse, UnreadCount};
use crate::auth::AuthUser;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::services::events::notifications;
use crate::state::AppState;

/// Paging and filtering of the inbox.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only the unread notices.
    pub unread: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The caller's notices, newest first (keyset-paginated).
#[utoipa::path(tag = "notifications", params(InboxQuery), responses((status = 200, body = NotificationList)))]
#[get("/me/notifications")]
pub async fn list_notifications(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<InboxQuery>,
) -> Result<web::Json<NotificationList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let rows = notifications::page(
        &state.db,
        auth.id(),
        q.unread.unwrap_or(false),
        page.after,
        page.fetch(),
    )
    .await?;
    let (rows, next_cursor) = page.finish(rows, |n| n.id);
    Ok(web::Json(NotificationList::new(
        rows.into_iter().map(NotificationResponse::from).collect(),
        next_cursor,
    )))
}

/// How many of the caller's notices are unread (for a badge: cheap, and answers 304 while it
/// stays the same).
#[utoipa::path(tag = "notifications", responses((status = 200, body = UnreadCount)))]
#[get("/me/notifications/unread-count")]
pub async fn unread_notifications(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<web::Json<UnreadCount>, ApiError> {
    Ok(web::Json(UnreadCount {
        unread_count: notifications::unread_count(&state.db, auth.id()).await?,
    }))
}

/// Marks every notice of the caller read.
#[utoipa::path(tag = "notifications", responses((status = 200, body = MarkedRead)))]
#[post("/me/notifications/read-all")]
pub async fn read_all_notifications(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<web::Json<MarkedRead>, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let marked = notifications::mark_read(&txn, auth.id(), None, state.clock.now()).await?;
    state.commit(txn).await?;
    Ok(web::Json(MarkedRead {
        marked: marked.len() as u64,
        unread_count: 0,
    }))
}

/// Marks one of the caller's notices read (already read: answered as it is). Another person's
/// notice is 404.
#[utoipa::path(
    tag = "notifications",
    params(("id" = i64, Path, description = "Notice id")),
    responses((status = 200, body = NotificationResponse))
)]
#[post("/me/notifications/{id}/read")]
pub async fn read_notification(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<NotificationResponse>, ApiError> {
    let id = id.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let marked = notifications::mark_read(&txn, auth.id(), Some(id), state.clock.now()).await?;
    let notice = match marked.into_iter().next() {
        Some(n) => n,
        None => notifications::find(&txn, auth.id(), id)
            .await?
            .ok_or_else(|| {
                ApiError::Problem(
                    ProblemCode::NotFound,
                    Text::new(
                        "No such notice in your inbox.",
                        "لا يوجد إشعار كهذا في صندوقك.",
                    ),
                )
            })?,
    };
    state.commit(txn).await?;
    Ok(web::Json(NotificationResponse::from(notice)))
}
