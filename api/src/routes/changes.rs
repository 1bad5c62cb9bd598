//! `GET /api/v1/changes`: the changes feed (see `services::events::changes`) as a caller sees it — each
//! change of a resource they may read, with the resource as it is now, and tombstones of the
//! ones deleted.

use actix_web::{get, web};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use entity::{
    activity, change_log, local_authority, milestone, platform, registration, task_force, topic,
    user,
};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::{IntoParams, ToSchema};

use crate::access::Standing;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::pagination::{self, PageRequest};
use crate::routes::Routes;
use crate::services::events::changes::{self, Position};
use crate::state::AppState;

pub fn configure(cfg: &mut Routes) {
    cfg.service(list_changes);
}

/// Where to read from.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// What happened to a resource.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeOp {
    Create,
    Update,
    Delete,
}

/// The kinds of resource the feed carries (named as their collections).
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
pub enum ChangeType {
    #[serde(rename = "local-authorities")]
    LocalAuthorities,
    #[serde(rename = "platforms")]
    Platforms,
    #[serde(rename = "topics")]
    Topics,
    #[serde(rename = "task-forces")]
    TaskForces,
    #[serde(rename = "workshops")]
    Workshops,
    #[serde(rename = "registrations")]
    Registrations,
    #[serde(rename = "position-papers")]
    PositionPapers,
    /// The caller's own notices (`/me/notifications`).
    #[serde(rename = "notifications")]
    Notifications,
    /// The programme's milestones (`000`).
    #[serde(rename = "milestones")]
    Milestones,
    /// The programme's activities, with their plan, indicators, budget and spending.
    #[serde(rename = "activities")]
    Activities,
    /// Files attached to the programme's work (each as visible as what it is attached to).
    #[serde(rename = "files")]
    Files,
    /// Practices local authorities share (each as visible as it is to the caller).
    #[serde(rename = "practices")]
    Practices,
    /// The platforms' publications (each as visible as it is to the caller).
    #[serde(rename = "documents")]
    Documents,
    /// Discussions (each as visible as its space is to the caller; a key needs
    /// `discussions:read`).
    #[serde(rename = "discussions")]
    Discussions,
    /// Replies in discussions (as visible as their discussion; a key needs `discussions:read`).
    #[serde(rename = "discussion-posts")]
    DiscussionPosts,
}

impl ChangeType {
    fn of(entity_type: &str) -> Option<ChangeType> {
        Some(match entity_type {
            "local_authority" => ChangeType::LocalAuthorities,
            "platform" => ChangeType::Platforms,
            "topic" => ChangeType::Topics,
            "task_force" => ChangeType::TaskForces,
            "workshop" => ChangeType::Workshops,
            "registration" => ChangeType::Registrations,
            "position_paper" => ChangeType::PositionPapers,
            "notification" => ChangeType::Notifications,
            "milestone" => ChangeType::Milestones,
            "activity" => ChangeType::Activities,
            "file" => ChangeType::Files,
            "practice" => ChangeType::Practices,
            "document" => ChangeType::Documents,
            "discussion" => ChangeType::Discussions,
            "discussion_post" => ChangeType::DiscussionPosts,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        changes::TYPES
            .iter()
            .map(|(_, t)| *t)
            .find(|t| ChangeType::of_name(t) == Some(self))
            .unwrap_or("")
    }

    /// The scope a key needs to see it: its collection's reads (a reply's: its discussion's).
    fn scope(self) -> String {
        match self {
            ChangeType::DiscussionPosts => "discussions:read".to_owned(),
            other => format!("{}:read", other.name()),
        }
    }

    fn of_name(name: &str) -> Option<ChangeType> {
        changes::TYPES
            .iter()
            .find(|(_, t)| *t == name)
            .and_then(|(e, _)| ChangeType::of(e))
    }
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    #[serde(rename = "type")]
    pub kind: ChangeType,
    pub id: i64,
    /// `delete`: a tombstone; forget the resource.
    pub op: ChangeOp,
    /// Grows by one with every change of the resource: keep the highest you have seen.
    pub version: i32,
    pub changed_at: DateTime<Utc>,
    /// The resource as it is now, in the shape of its own `GET` (`LocalAuthorityResponse`,
    /// `PlatformResponse`, `TopicResponse`, `TaskForceResponse`, `WorkshopResponse`,
    /// `RegistrationResponse`, `PaperResponse`, `NotificationResponse`, `MilestoneResponse`,
    /// `ActivityResponse`, `FileResponse`, `PracticeResponse`, `DocumentResponse`,
    /// `DiscussionResponse`, `PostResponse`); null for a deletion.
    #[schema(value_type = Option<Object>)]
    pub data: Option<Json>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesPage {
    /// In feed order; a page may hold fewer than `limit` (changes the caller may not see are
    /// left out) or none.
    pub items: Vec<Change>,
    /// Where to read next: always present. Keep it, and ask again later for what changed since.
    pub next_cursor: String,
    /// More changes are there already: ask again now.
    pub has_more: bool,
}

fn encode(p: Position) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c:{}:{}", p.txid, p.id))
}

fn decode(cursor: &str) -> Result<Position, ApiError> {
    let raw = pagination::cursor_text(cursor)?;
    let mut parts = raw
        .strip_prefix("c:")
        .ok_or_else(pagination::bad_cursor)?
        .split(':');
    let mut next = || -> Result<i64, ApiError> {
        parts
            .next()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .ok_or_else(pagination::bad_cursor)
    };
    Ok(Position {
        txid: next()?,
        id: next()?,
    })
}

/// Every create, update and delete of what the caller may read, oldest first: local
/// authorities, platforms, topics, task forces, workshops, position papers, the programme's
/// milestones and activities (an activity changes with its plan, indicators, budget and
/// spending), and the caller's own registrations and notices (`notifications`, people only).
/// Without a cursor the feed starts at the beginning, where every live resource appears once: a
/// mirror reads it to the end, keeps `next_cursor`, and from then on asks for what changed since. Changes are never skipped, even when writes commit out of order.
/// Tombstones are kept for `CHANGES_RETENTION_DAYS` (30 by default); a cursor older than the
/// oldest purged tombstone answers 410 `cursor_expired`: start again without a cursor.
#[utoipa::path(
    tag = "changes",
    security((), ("bearer" = [])),
    params(ChangesQuery),
    responses((status = 200, body = ChangesPage))
)]
#[get("/changes")]
pub async fn list_changes(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    query: web::Query<ChangesQuery>,
) -> Result<web::Json<ChangesPage>, ApiError> {
    let q = query.into_inner();
    let limit = PageRequest::new(q.limit, None)?.limit;
    let after = q.cursor.as_deref().map(decode).transpose()?;
    let (rows, next, has_more) = changes::page(&state.db, after, limit).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(item) = visible(&state.db, auth.as_ref(), row).await? {
            items.push(item);
        }
    }
    Ok(web::Json(ChangesPage {
        items,
        next_cursor: encode(next),
        has_more,
    }))
}

/// The change as the caller may see it, or `None`.
async fn visible(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    row: change_log::Model,
) -> Result<Option<Change>, ApiError> {
    let Some(kind) = ChangeType::of(&row.entity_type) else {
        return Ok(None);
    };
    if let Some(key) = auth.and_then(|a| a.key.as_ref())
        && !key.has_scope(&kind.scope())
    {
        return Ok(None);
    }
    // A person's registrations and notices are theirs alone (and no key's: the inbox is for
    // people).
    if kind == ChangeType::Notifications && auth.is_some_and(|a| a.key.is_some()) {
        return Ok(None);
    }
    if matches!(kind, ChangeType::Registrations | ChangeType::Notifications)
        && row
            .user_id
            .is_none_or(|u| Some(u) != auth.map(AuthUser::id))
    {
        return Ok(None);
    }
    let op = match row.op.as_str() {
        "create" => ChangeOp::Create,
        "delete" => ChangeOp::Delete,
        _ => ChangeOp::Update,
    };
    let data = match op {
        ChangeOp::Delete => {
            // A deleted workshop or paper is told to those who could see its platform's inner
            // work; public resources to anyone.
            let platform_scoped =
                matches!(kind, ChangeType::Workshops | ChangeType::PositionPapers);
            if platform_scoped {
                let takes_part = match row.platform_id {
                    Some(p) => Standing::of_caller(db, auth, p).await?.takes_part(),
                    None => false,
                };
                if !takes_part {
                    return Ok(None);
                }
            }
            None
        }
        ChangeOp::Create | ChangeOp::Update => match render(db, auth, kind, row.entity_id).await? {
            Some(data) => Some(data),
            // Gone meanwhile (its tombstone follows), or not for this caller.
            None => return Ok(None),
        },
    };
    Ok(Some(Change {
        kind,
        id: row.entity_id,
        op,
        version: row.version,
        changed_at: row.changed_at,
        data,
    }))
}

fn json(value: impl Serialize) -> Result<Json, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// The resource as its own `GET` shows it to the caller; `None` when it is gone or hidden.
async fn render(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    kind: ChangeType,
    id: i64,
) -> Result<Option<Json>, ApiError> {
    // Not there, or there for signed-in people only (an agreement's documents, a photo).
    let hidden = |e: ApiError| match e {
        ApiError::Problem(
            crate::error::ProblemCode::NotFound | crate::error::ProblemCode::Unauthorized,
            _,
        ) => Ok(None),
        other => Err(other),
    };
    Ok(Some(match kind {
        ChangeType::LocalAuthorities => {
            match local_authority::Entity::find_by_id(id).one(db).await? {
                Some(m) => json(crate::routes::local_authorities::LocalAuthorityResponse::from(m))?,
                None => return Ok(None),
            }
        }
        ChangeType::Platforms => match platform::Entity::find_by_id(id).one(db).await? {
            Some(m) => json(crate::routes::platforms::response(db, m).await?)?,
            None => return Ok(None),
        },
        ChangeType::Topics => match topic::Entity::find_by_id(id).one(db).await? {
            Some(m) => json(crate::routes::views::TopicResponse::from(m))?,
            None => return Ok(None),
        },
        ChangeType::TaskForces => match task_force::Entity::find_by_id(id).one(db).await? {
            Some(m) => json(crate::routes::task_forces::response(db, m).await?)?,
            None => return Ok(None),
        },
        ChangeType::Workshops => {
            match crate::routes::workshops::visible_workshop(db, auth, id).await {
                Ok((w, manager)) => {
                    json(crate::routes::workshops::response(db, w, manager, Vec::new()).await?)?
                }
                Err(e) => return hidden(e),
            }
        }
        ChangeType::Registrations => {
            let Some(r) = registration::Entity::find_by_id(id).one(db).await? else {
                return Ok(None);
            };
            let Some(u) = user::Entity::find_by_id(r.user_id).one(db).await? else {
                return Ok(None);
            };
            let position = crate::services::programme::seats::waitlist_position(db, &r).await?;
            json(crate::routes::workshops::registration_response(
                r, &u, position,
            ))?
        }
        ChangeType::Notifications => {
            let Some(a) = auth else { return Ok(None) };
            match crate::services::events::notifications::find(db, a.id(), id).await? {
                Some(n) => json(crate::routes::notifications::NotificationResponse::from(n))?,
                None => return Ok(None),
            }
        }
        ChangeType::Milestones => match milestone::Entity::find_by_id(id).one(db).await? {
            Some(m) => json(crate::routes::milestones::MilestoneResponse::from(m))?,
            None => return Ok(None),
        },
        ChangeType::Activities => match activity::Entity::find_by_id(id).one(db).await? {
            Some(a) => json(crate::routes::activities::response(db, a).await?)?,
            None => return Ok(None),
        },
        ChangeType::PositionPapers => {
            match crate::routes::position_papers::visible_paper(db, auth, id).await {
                Ok((paper, _)) => json(crate::routes::position_papers::response(db, paper).await?)?,
                Err(e) => return hidden(e),
            }
        }
        ChangeType::Files => match crate::routes::files::visible_file(db, auth, id).await {
            Ok(f) => json(crate::routes::files::FileResponse::from(f))?,
            Err(e) => return hidden(e),
        },
        ChangeType::Documents => match crate::access::visible_document(db, auth, id).await {
            Ok((d, _)) => json(crate::routes::documents::response(d))?,
            Err(e) => return hidden(e),
        },
        ChangeType::Discussions => {
            match crate::routes::discussions::visible_discussion(db, auth, id).await {
                Ok((d, _)) => json(crate::routes::discussions::response(d))?,
                Err(e) => return hidden(e),
            }
        }
        ChangeType::DiscussionPosts => {
            match crate::routes::discussions::visible_post(db, auth, id).await {
                Ok((d, p)) => json(crate::routes::discussions::post_response(
                    &d, p, None, false,
                ))?,
                Err(e) => return hidden(e),
            }
        }
        ChangeType::Practices => {
            match crate::routes::practices::visible_practice(db, auth, id).await {
                Ok((p, _)) => json(crate::routes::practices::response(p))?,
                Err(e) => return hidden(e),
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let p = Position { txid: 812, id: 40 };
        assert_eq!(decode(&encode(p)).expect("valid"), p);
        assert!(decode("bm9wZQ").is_err());
    }

    #[test]
    fn every_feed_type_has_a_name() {
        for (e, t) in changes::TYPES {
            assert_eq!(ChangeType::of(e).map(ChangeType::name), Some(*t));
        }
    }
}
