//! What the inbox answers.

use entity::notification;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::BilingualText;

/// What a notice is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeResource {
    /// The resource's kind: `membership`, `workshop`, `election` or `position_paper`.
    #[schema(max_length = 40, example = "workshop")]
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
}

/// One notice in the caller's inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: i64,
    /// What happened: `membership.requested`, `membership.approved`, `membership.rejected`,
    /// `registration.promoted`, `workshop.changed`, `workshop.cancelled`, `election.opened`,
    /// `position_paper.in_review`, `position_paper.adopted`, `position_paper.endorsed`,
    /// `exchange.requested`, `exchange.decided` or `file.infected`.
    #[schema(max_length = 40, example = "workshop.changed")]
    pub kind: String,
    pub title: BilingualText,
    pub body: BilingualText,
    pub resource: NoticeResource,
    pub platform_id: Option<i64>,
    /// Where to read the resource in this API.
    #[schema(max_length = 300, example = "/api/v1/workshops/12")]
    pub link: String,
    /// When the caller marked it read; `null` while unread.
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<notification::Model> for NotificationResponse {
    fn from(n: notification::Model) -> Self {
        NotificationResponse {
            id: n.id,
            kind: n.kind.as_str().to_owned(),
            title: BilingualText::new(n.title_ar, n.title_en),
            body: BilingualText::new(n.body_ar, n.body_en),
            resource: NoticeResource {
                kind: n.entity_type,
                id: n.entity_id,
            },
            platform_id: n.platform_id,
            link: n.link,
            read_at: n.read_at,
            created_at: n.created_at,
        }
    }
}

crate::listed!(NotificationResponse => NotificationList, "A page of the caller's notices, newest first.");

/// How many notices the caller has not read.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    #[schema(minimum = 0)]
    pub unread_count: u64,
}

/// What marking everything read did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    /// Notices marked read now.
    #[schema(minimum = 0)]
    pub marked: u64,
    #[schema(minimum = 0)]
    pub unread_count: u64,
}
