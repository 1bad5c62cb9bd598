//! The event catalogue: every event type partners may subscribe to, which audited action raises
//! which events, and the `data` each message carries.

use serde::Serialize;
use serde_json::Value as Json;

use crate::audit::Entity;

/// One event type of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct EventType {
    pub name: &'static str,
    pub en: &'static str,
    pub ar: &'static str,
    /// The schema of the event's `data` (a component of the OpenAPI document).
    pub schema: &'static str,
}

const fn ev(
    name: &'static str,
    en: &'static str,
    ar: &'static str,
    schema: &'static str,
) -> EventType {
    EventType {
        name,
        en,
        ar,
        schema,
    }
}

/// Every event a subscription can ask for.
pub const CATALOGUE: &[EventType] = &[
    ev(
        "workshop.scheduled",
        "A workshop was scheduled (created as scheduled, or moved there from a draft).",
        "جُدولت ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "workshop.updated",
        "A scheduled workshop's details changed (time, place, capacity, minutes, …).",
        "تغيرت تفاصيل ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "workshop.cancelled",
        "A workshop was cancelled.",
        "أُلغيت ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "workshop.completed",
        "A workshop was completed.",
        "اكتملت ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "registration.created",
        "A person took a seat at a workshop.",
        "سُجّل شخص في ورشة عمل.",
        "RegistrationEventData",
    ),
    ev(
        "registration.waitlisted",
        "A person joined a workshop's waiting list.",
        "انضم شخص إلى قائمة انتظار ورشة عمل.",
        "RegistrationEventData",
    ),
    ev(
        "registration.promoted",
        "A waiting person got a freed seat.",
        "حصل شخص من قائمة الانتظار على مقعد.",
        "RegistrationEventData",
    ),
    ev(
        "registration.cancelled",
        "A registration was cancelled.",
        "أُلغي تسجيل.",
        "RegistrationEventData",
    ),
    ev(
        "membership.requested",
        "A person asked to join a platform.",
        "طلب شخص الانضمام إلى منصة.",
        "MembershipEventData",
    ),
    ev(
        "membership.approved",
        "A membership request was approved.",
        "قُبل طلب عضوية.",
        "MembershipEventData",
    ),
    ev(
        "election.opened",
        "A coordinator election was opened on a platform.",
        "فُتحت انتخابات منسق في منصة.",
        "ElectionEventData",
    ),
    ev(
        "election.certified",
        "An election's results were certified.",
        "اعتُمدت نتائج انتخابات.",
        "ElectionEventData",
    ),
    ev(
        "position_paper.status_changed",
        "A position paper moved to another status.",
        "انتقلت ورقة موقف إلى حالة أخرى.",
        "PaperEventData",
    ),
    ev(
        "position_paper.published",
        "A position paper was published.",
        "نُشرت ورقة موقف.",
        "PaperEventData",
    ),
    ev(
        "partnership.step_recorded",
        "A step of a partnership agreement was recorded.",
        "سُجّلت خطوة في اتفاقية شراكة.",
        "PartnershipEventData",
    ),
    ev(
        "practice.published",
        "A practice was published on its platform (or published again after it was archived).",
        "نُشرت ممارسة على منصتها (أو أُعيد نشرها بعد أرشفتها).",
        "PracticeEventData",
    ),
    ev(
        "exchange.requested",
        "Another authority asked to learn a practice.",
        "طلبت هيئة أخرى تعلّم ممارسة.",
        "ExchangeEventData",
    ),
    ev(
        "exchange.decided",
        "A request to learn a practice was accepted or declined.",
        "قُبل طلب تعلّم ممارسة أو رُفض.",
        "ExchangeEventData",
    ),
    ev(
        "practice.replicated",
        "An authority adopted a practice (a replication was recorded).",
        "تبنّت هيئة ممارسة (سُجّل تكرارها).",
        "ReplicationEventData",
    ),
    ev(
        "document.published",
        "A document (a guide, manual, template, study or position paper) was published on its platform, or published again after it was archived.",
        "نُشرت وثيقة (دليل أو كتيّب أو نموذج أو دراسة أو ورقة موقف) على منصتها، أو أُعيد نشرها بعد أرشفتها.",
        "DocumentEventData",
    ),
    ev(
        "file.attached",
        "A file was attached (a workshop's material, agenda or minutes, a paper version's PDF, a partnership step's document, an activity's output, a platform's guide, a person's photo).",
        "أُرفق ملف (مادة ورشة عمل أو جدول أعمالها أو محضرها، ملف PDF لنسخة ورقة موقف، وثيقة خطوة في اتفاقية شراكة، مخرج نشاط، دليل منصة، صورة شخصية).",
        "FileEventData",
    ),
    ev(
        "discussion.created",
        "A discussion or a question was opened in a space (a platform, a working group, a task force, a paper, a practice, a workshop).",
        "فُتح نقاش أو سؤال في فضاء (منصة، مجموعة عمل، فريق عمل، ورقة، ممارسة، ورشة عمل).",
        "DiscussionEventData",
    ),
    ev(
        "post.created",
        "Someone replied in a discussion.",
        "ردّ أحدهم في نقاش.",
        "DiscussionEventData",
    ),
    ev(
        "answer.accepted",
        "A reply was accepted as the answer to a question (or the acceptance was withdrawn: `post_id` null).",
        "قُبل رد إجابةً عن سؤال (أو سُحب القبول: `post_id` فارغ).",
        "DiscussionEventData",
    ),
    ev(
        "file.removed",
        "An attached file was removed.",
        "أُزيل ملف مرفق.",
        "FileEventData",
    ),
];

/// Whether a name is in the catalogue.
pub fn is_event_type(name: &str) -> bool {
    CATALOGUE.iter().any(|e| e.name == name)
}

/// The value of a field of an audit entry's changes: the new one when it changed.
/// The value a field took in an audited change (`to` of an update, the value of a creation).
pub fn changed<'a>(changes: &'a serde_json::Map<String, Json>, field: &str) -> Option<&'a Json> {
    let v = changes.get(field)?;
    Some(v.get("to").unwrap_or(v))
}

fn changed_str<'a>(changes: &'a serde_json::Map<String, Json>, field: &str) -> Option<&'a str> {
    changed(changes, field).and_then(Json::as_str)
}

fn previous_str<'a>(changes: &'a serde_json::Map<String, Json>, field: &str) -> Option<&'a str> {
    changes.get(field)?.get("from")?.as_str()
}

/// The `data` of workshop events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkshopEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    /// The workshop's status after the change (absent from the change: `null`).
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the workshop.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of registration events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationEventData {
    pub id: i64,
    pub workshop_id: Option<i64>,
    pub user_id: Option<i64>,
    pub platform_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    /// Where to read the workshop's registrations.
    #[schema(max_length = 200)]
    pub url: Option<String>,
}

/// The `data` of membership events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    pub user_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    /// Where to read the platform's members.
    #[schema(max_length = 200)]
    pub url: Option<String>,
}

/// The `data` of election events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ElectionEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    /// Where to read the election.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of position paper events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaperEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the paper.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of partnership events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnershipEventData {
    /// The agreement.
    pub id: i64,
    /// The step recorded.
    pub step_id: Option<i64>,
    /// The agreement's status after the step, and before it.
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the agreement's steps.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of practice events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PracticeEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    /// The practice's status after the change, and before it.
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the practice.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of document events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    /// The document's status after the change, and before it.
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the document.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of exchange events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExchangeEventData {
    /// The request.
    pub id: i64,
    pub practice_id: Option<i64>,
    /// The authority that asks.
    pub local_authority_id: Option<i64>,
    pub platform_id: Option<i64>,
    /// `requested`, `accepted` or `declined`.
    #[schema(max_length = 24)]
    pub status: Option<String>,
    /// Where to read the practice's requests.
    #[schema(max_length = 200)]
    pub url: Option<String>,
}

/// The `data` of replication events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReplicationEventData {
    /// The replication.
    pub id: i64,
    pub practice_id: Option<i64>,
    /// The authority that adopted it.
    pub local_authority_id: Option<i64>,
    pub platform_id: Option<i64>,
    /// Where to read the practice's replications.
    #[schema(max_length = 200)]
    pub url: Option<String>,
}

/// The `data` of file events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileEventData {
    pub id: i64,
    /// What it is attached as (`material`, `agenda`, `minutes`, `paper_pdf`, `step_document`,
    /// `output`, `guide`, `photo`, `practice_file`, `document`); null after `file.removed`.
    #[schema(max_length = 32)]
    pub purpose: Option<String>,
    /// What it is attached to (after `file.attached`): one of these is set.
    pub workshop_id: Option<i64>,
    pub paper_version_id: Option<i64>,
    pub partnership_step_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub guide_platform_id: Option<i64>,
    pub person_id: Option<i64>,
    pub practice_id: Option<i64>,
    pub document_id: Option<i64>,
    pub platform_id: Option<i64>,
    /// Where to read the file's description (gone after `file.removed`).
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of discussion events: the discussion, and the reply that was written or accepted.
/// No text: read it where `url` points, as the caller may see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DiscussionEventData {
    pub discussion_id: Option<i64>,
    pub post_id: Option<i64>,
    pub platform_id: Option<i64>,
    /// Where to read the discussion's replies.
    #[schema(max_length = 200)]
    pub url: Option<String>,
}

/// What an event's `data` holds: the resource (its id and where to read it), its platform, and
/// what the change was about. `owner` is a registration's or membership's person (and a
/// registration's workshop).
pub fn data_of(
    entity: Entity,
    id: i64,
    platform_id: Option<i64>,
    changes: &serde_json::Map<String, Json>,
    owner: Option<(i64, Option<i64>)>,
) -> Json {
    let status = changed_str(changes, "status").map(str::to_owned);
    let previous_status = previous_str(changes, "status").map(str::to_owned);
    let user_id = owner.map(|(u, _)| u);
    let data = match entity {
        Entity::Workshop => serde_json::to_value(WorkshopEventData {
            id,
            platform_id,
            status,
            previous_status,
            url: format!("/api/v1/workshops/{id}"),
        }),
        Entity::Registration => {
            let workshop_id = owner.and_then(|(_, w)| w);
            serde_json::to_value(RegistrationEventData {
                id,
                workshop_id,
                user_id,
                platform_id,
                status,
                url: workshop_id.map(|w| format!("/api/v1/workshops/{w}/registrations")),
            })
        }
        Entity::Membership => serde_json::to_value(MembershipEventData {
            id,
            platform_id,
            user_id,
            status,
            url: platform_id.map(|p| format!("/api/v1/platforms/{p}/members")),
        }),
        Entity::Election => serde_json::to_value(ElectionEventData {
            id,
            platform_id,
            status,
            url: format!("/api/v1/elections/{id}"),
        }),
        Entity::PositionPaper => serde_json::to_value(PaperEventData {
            id,
            platform_id,
            status,
            previous_status,
            url: format!("/api/v1/position-papers/{id}"),
        }),
        Entity::ExchangeRequest => {
            let practice_id = changed(changes, "practice_id").and_then(Json::as_i64);
            serde_json::to_value(ExchangeEventData {
                id,
                practice_id,
                local_authority_id: changed(changes, "local_authority_id").and_then(Json::as_i64),
                platform_id,
                status,
                url: practice_id.map(|p| format!("/api/v1/practices/{p}/exchange-requests")),
            })
        }
        Entity::PracticeReplication => {
            let practice_id = changed(changes, "practice_id").and_then(Json::as_i64);
            serde_json::to_value(ReplicationEventData {
                id,
                practice_id,
                local_authority_id: changed(changes, "local_authority_id").and_then(Json::as_i64),
                platform_id,
                url: practice_id.map(|p| format!("/api/v1/practices/{p}/replications")),
            })
        }
        Entity::Practice => serde_json::to_value(PracticeEventData {
            id,
            platform_id,
            status,
            previous_status,
            url: format!("/api/v1/practices/{id}"),
        }),
        Entity::Document => serde_json::to_value(DocumentEventData {
            id,
            platform_id,
            status,
            previous_status,
            url: format!("/api/v1/documents/{id}"),
        }),
        Entity::Discussion | Entity::DiscussionPost => {
            let (discussion_id, post_id) = if entity == Entity::Discussion {
                (
                    Some(id),
                    changed(changes, "accepted_post_id").and_then(Json::as_i64),
                )
            } else {
                (
                    changed(changes, "discussion_id").and_then(Json::as_i64),
                    Some(id),
                )
            };
            serde_json::to_value(DiscussionEventData {
                discussion_id,
                post_id,
                platform_id,
                url: discussion_id.map(|d| format!("/api/v1/discussions/{d}/posts")),
            })
        }
        Entity::File => serde_json::to_value(FileEventData {
            id,
            purpose: changed_str(changes, "purpose").map(str::to_owned),
            workshop_id: changed(changes, "workshop_id").and_then(Json::as_i64),
            paper_version_id: changed(changes, "paper_version_id").and_then(Json::as_i64),
            partnership_step_id: changed(changes, "partnership_step_id").and_then(Json::as_i64),
            activity_id: changed(changes, "activity_id").and_then(Json::as_i64),
            guide_platform_id: changed(changes, "guide_platform_id").and_then(Json::as_i64),
            person_id: changed(changes, "person_id").and_then(Json::as_i64),
            practice_id: changed(changes, "practice_id").and_then(Json::as_i64),
            document_id: changed(changes, "document_id").and_then(Json::as_i64),
            platform_id,
            url: format!("/api/v1/files/{id}"),
        }),
        _ => serde_json::to_value(PartnershipEventData {
            id,
            step_id: changes
                .get("step")
                .and_then(|s| s.get("id"))
                .and_then(Json::as_i64),
            status,
            previous_status,
            url: format!("/api/v1/partnerships/{id}/steps"),
        }),
    };
    data.unwrap_or(Json::Null)
}
