//! Listing the trail.
//! The audit trail, read back: admins see every entry, a coordinator the entries of the
//! platforms they coordinate. Newest first, keyset-paged.

use std::collections::HashMap;

use actix_web::{get, web};
use entity::{audit_entry, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::auth::AuthUser;
use crate::domain::Bilingual;
use crate::error::ApiError;
use crate::i18n::Text;
use crate::pagination::PageRequest;
use crate::state::AppState;

use super::*;

/// The audit trail (admins: everything; coordinators: their platforms' entries).
#[utoipa::path(
    tag = "audit",
    params(ListAuditQuery),
    responses(
        (status = 200, body = AuditList),
        (status = 403, description = "Neither an admin nor a coordinator (of the platform asked for)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListAuditQuery>,
) -> Result<web::Json<AuditList>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to <= from
    {
        return Err(ApiError::field(
            "/to",
            "before_from",
            Text::new("must be after `from`", "يجب أن يكون بعد قيمة from"),
        ));
    }
    let mut select = audit_entry::Entity::find();
    if let Some(mine) = crate::access::audit_reach(&state.db, &auth, q.platform_id).await? {
        select = select.filter(audit_entry::Column::PlatformId.is_in(mine));
    }
    if let Some(after) = page.after {
        select = select.filter(audit_entry::Column::Id.lt(after));
    }
    if let Some(a) = q.actor_id {
        select = select.filter(audit_entry::Column::ActorId.eq(a));
    }
    if let Some(k) = q.api_key_id {
        select = select.filter(audit_entry::Column::ApiKeyId.eq(k));
    }
    if let Some(t) = q
        .entity_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(audit_entry::Column::EntityType.eq(t));
    }
    if let Some(id) = q.entity_id {
        select = select.filter(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(p) = q.platform_id {
        select = select.filter(audit_entry::Column::PlatformId.eq(p));
    }
    if let Some(a) = q.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        select = select.filter(audit_entry::Column::Action.eq(a));
    }
    if let Some(from) = q.from {
        select = select.filter(audit_entry::Column::At.gte(from));
    }
    if let Some(to) = q.to {
        select = select.filter(audit_entry::Column::At.lt(to));
    }
    let rows = select
        .order_by_desc(audit_entry::Column::Id)
        .limit(page.fetch())
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = page.finish(rows, |e| e.id);
    let mut actor_ids: Vec<i64> = rows.iter().filter_map(|e| e.actor_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let actors: HashMap<i64, AuditActor> = if actor_ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::NameAr)
            .column(user::Column::NameEn)
            .filter(user::Column::Id.is_in(actor_ids))
            .into_tuple::<(i64, String, String)>()
            .all(&state.db)
            .await?
            .into_iter()
            .map(|(id, ar, en)| {
                (
                    id,
                    AuditActor {
                        id,
                        name: Bilingual { ar, en },
                    },
                )
            })
            .collect()
    };
    let items = rows
        .into_iter()
        .map(|e| AuditEntryResponse {
            actor: e.actor_id.and_then(|a| actors.get(&a).cloned()),
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            api_key_id: e.api_key_id,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            platform_id: e.platform_id,
            changes: serde_json::from_str(&e.changes).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(web::Json(AuditList { items, next_cursor }))
}
