//! The in-app inbox. Notices are derived from the audit entry of a change, like the changes feed
//! and the webhooks (see `services::events`), and written in the same transaction: a membership
//! request tells the platform's coordinators; its approval or rejection the member; a promotion
//! from the waiting list the person; a workshop that moves or is cancelled its registrants
//! (seated and waiting); an election opening the platform's members; a paper sent to review or
//! adopted its authors and the coordinators; an endorsement the paper's authors; a request to
//! learn a practice its people and the platform's coordinators, and the answer the person who
//! asked; a practice published on a topic the platform's members and coordinators who follow it.

use chrono::{DateTime, Utc};
use entity::{
    coordinator_term, exchange_request, local_authority, membership, notification, platform,
    position_paper, position_paper_author, position_paper_endorsement, practice, registration,
    topic, topic_follow, user, workshop,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::{ExchangeStatus, MembershipStatus, NoticeKind, RegistrationStatus};
use crate::error::ApiError;
use crate::i18n::Text;
use crate::services::events::Fact;
use crate::services::events::changes::{self, Op};

/// One notice, before it is addressed.
pub struct Notice {
    pub kind: NoticeKind,
    pub title: Text,
    pub body: Text,
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub platform_id: Option<i64>,
    pub link: String,
}

/// Puts a notice in each recipient's inbox (each person once) and in their changes feed.
pub async fn send(
    db: &impl ConnectionTrait,
    recipients: &[i64],
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut to: Vec<i64> = recipients.to_vec();
    to.sort_unstable();
    to.dedup();
    for chunk in to.chunks(200) {
        let rows = chunk.iter().map(|user_id| notification::ActiveModel {
            user_id: Set(*user_id),
            kind: Set(notice.kind),
            title_ar: Set(clip(&notice.title.ar, 400)),
            title_en: Set(clip(&notice.title.en, 400)),
            body_ar: Set(notice.body.ar.to_string()),
            body_en: Set(notice.body.en.to_string()),
            entity_type: Set(notice.entity_type.to_owned()),
            entity_id: Set(notice.entity_id),
            platform_id: Set(notice.platform_id),
            link: Set(notice.link.clone()),
            read_at: Set(None),
            created_at: Set(at),
            ..Default::default()
        });
        let saved = notification::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?;
        let entries: Vec<(i64, Option<i64>, Option<i64>)> = saved
            .iter()
            .map(|n| (n.id, n.platform_id, Some(n.user_id)))
            .collect();
        changes::record_created(db, "notification", &entries, at).await?;
    }
    Ok(())
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// What a change tells whom: the notice `events::tells` decided, addressed.
pub async fn from_fact(
    db: &impl ConnectionTrait,
    kind: NoticeKind,
    fact: &Fact<'_>,
    owner: Option<(i64, Option<i64>)>,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Some(id) = fact.entity_id else {
        return Ok(());
    };
    let moved = [
        "starts_at",
        "ends_at",
        "time_zone",
        "venue_city",
        "venue_address",
        "online_url",
    ]
    .iter()
    .any(|f| fact.changes.contains_key(*f));
    match kind {
        NoticeKind::MembershipRequested
        | NoticeKind::MembershipApproved
        | NoticeKind::MembershipRejected => {
            let (Some((member, _)), Some(p)) = (owner, fact.platform_id) else {
                return Ok(());
            };
            let name = platform_name(db, p).await?;
            let person = person_name(db, member).await?;
            let (recipients, notice) = match kind {
                NoticeKind::MembershipRequested => (
                    coordinators(db, p).await?,
                    Notice {
                        kind,
                        title: Text::new(
                            format!("New membership request: {}", name.en),
                            format!("طلب عضوية جديد في {}", name.ar),
                        ),
                        body: Text::new(
                            format!("{} asks to join {}.", person.en, name.en),
                            format!("يطلب {} الانضمام إلى {}.", person.ar, name.ar),
                        ),
                        entity_type: "membership",
                        entity_id: id,
                        platform_id: Some(p),
                        link: format!("/api/v1/platforms/{p}/members?status=pending"),
                    },
                ),
                NoticeKind::MembershipApproved => (
                    vec![member],
                    Notice {
                        kind,
                        title: Text::new(
                            format!("Welcome to {}", name.en),
                            format!("مرحبًا بك في {}", name.ar),
                        ),
                        body: Text::new(
                            format!("Your request to join {} was approved.", name.en),
                            format!("قُبل طلب انضمامك إلى {}.", name.ar),
                        ),
                        entity_type: "membership",
                        entity_id: id,
                        platform_id: Some(p),
                        link: format!("/api/v1/platforms/{p}"),
                    },
                ),
                _ => (
                    vec![member],
                    Notice {
                        kind,
                        title: Text::new(
                            format!("Your request to join {}", name.en),
                            format!("طلب انضمامك إلى {}", name.ar),
                        ),
                        body: Text::new(
                            format!("Your request to join {} was not approved.", name.en),
                            format!("لم يُقبل طلب انضمامك إلى {}.", name.ar),
                        ),
                        entity_type: "membership",
                        entity_id: id,
                        platform_id: Some(p),
                        link: format!("/api/v1/platforms/{p}"),
                    },
                ),
            };
            send(db, &recipients, &notice, at).await
        }
        NoticeKind::RegistrationPromoted => {
            let Some((person, Some(w))) = owner else {
                return Ok(());
            };
            let title = workshop_title(db, w).await?;
            let notice = Notice {
                kind,
                title: Text::new("A seat is yours", "توفر لك مقعد"),
                body: Text::new(
                    format!("A seat became free at “{}”: you are registered.", title.en),
                    format!("توفر مقعد في ورشة «{}» وأصبحت مسجلًا فيها.", title.ar),
                ),
                entity_type: "workshop",
                entity_id: w,
                platform_id: fact.platform_id,
                link: format!("/api/v1/workshops/{w}"),
            };
            send(db, &[person], &notice, at).await
        }
        NoticeKind::WorkshopChanged if !moved => Ok(()),
        NoticeKind::WorkshopChanged => workshop_notice(db, fact, id, false, at).await,
        NoticeKind::WorkshopCancelled => workshop_notice(db, fact, id, true, at).await,
        NoticeKind::ElectionOpened => {
            let Some(p) = fact.platform_id else {
                return Ok(());
            };
            let name = platform_name(db, p).await?;
            let members = active_members(db, p).await?;
            let notice = Notice {
                kind,
                title: Text::new(
                    format!("Election of {}'s coordinators", name.en),
                    format!("انتخاب منسقي {}", name.ar),
                ),
                body: Text::new(
                    format!(
                        "An election of a coordinator and a deputy for {} is open: nominations first, then the vote.",
                        name.en
                    ),
                    format!(
                        "فُتحت انتخابات منسق ونائب منسق {}: الترشح أولًا ثم التصويت.",
                        name.ar
                    ),
                ),
                entity_type: "election",
                entity_id: id,
                platform_id: Some(p),
                link: format!("/api/v1/elections/{id}"),
            };
            send(db, &members, &notice, at).await
        }
        NoticeKind::PositionPaperInReview | NoticeKind::PositionPaperAdopted => {
            let title = paper_title(db, id).await?;
            let mut recipients = paper_authors(db, id).await?;
            if let Some(p) = fact.platform_id {
                recipients.extend(coordinators(db, p).await?);
            }
            let (en, ar) = if kind == NoticeKind::PositionPaperInReview {
                ("sent for review", "أُرسلت للمراجعة")
            } else {
                ("adopted", "اعتُمدت")
            };
            let notice = Notice {
                kind,
                title: Text::new(format!("Position paper {en}"), format!("ورقة موقف {ar}")),
                body: Text::new(
                    format!("“{}” was {en}.", title.en),
                    format!("ورقة الموقف «{}» {ar}.", title.ar),
                ),
                entity_type: "position_paper",
                entity_id: id,
                platform_id: fact.platform_id,
                link: format!("/api/v1/position-papers/{id}"),
            };
            send(db, &recipients, &notice, at).await
        }
        NoticeKind::PositionPaperEndorsed => {
            let Some(e) = position_paper_endorsement::Entity::find_by_id(id)
                .one(db)
                .await?
            else {
                return Ok(());
            };
            let title = paper_title(db, e.paper_id).await?;
            let authority = local_authority::Entity::find_by_id(e.local_authority_id)
                .one(db)
                .await?
                .map_or_else(
                    || Text::new("A local authority", "هيئة محلية"),
                    |a| Text::new(nonempty(a.name_en, &a.name_ar), a.name_ar),
                );
            let notice = Notice {
                kind,
                title: Text::new("Your paper was endorsed", "تأييد لورقتك"),
                body: Text::new(
                    format!("{} endorsed “{}”.", authority.en, title.en),
                    format!("أيدت {} ورقة الموقف «{}».", authority.ar, title.ar),
                ),
                entity_type: "position_paper",
                entity_id: e.paper_id,
                platform_id: fact.platform_id,
                link: format!("/api/v1/position-papers/{}/endorsements", e.paper_id),
            };
            send(db, &paper_authors(db, e.paper_id).await?, &notice, at).await
        }
        NoticeKind::FileInfected => {
            // The removed row, as the trail keeps it.
            let Some(gone) = fact.changes.get("deleted") else {
                return Ok(());
            };
            let Some(uploader) = gone.get("uploaded_by").and_then(|v| v.as_i64()) else {
                return Ok(());
            };
            let name = gone
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let signature = fact
                .changes
                .get("signature")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            // Where it was attached: its list of files, when it was a workshop's.
            let link = gone
                .get("workshop_id")
                .and_then(|v| v.as_i64())
                .map_or_else(
                    || "/api/v1/me/notifications".to_owned(),
                    |w| format!("/api/v1/workshops/{w}/files"),
                );
            let notice = Notice {
                kind,
                title: Text::new("A file you uploaded was removed", "أُزيل ملف رفعته"),
                body: Text::new(
                    format!("The virus scanner found {signature} in “{name}”: it was removed."),
                    format!("وجد فاحص الفيروسات {signature} في الملف «{name}» فأُزيل."),
                ),
                entity_type: "file",
                entity_id: id,
                platform_id: fact.platform_id,
                link,
            };
            send(db, &[uploader], &notice, at).await
        }
        NoticeKind::PostHidden => {
            let Some((author, _)) = owner else {
                return Ok(());
            };
            let Some((post, d)) = post_and_discussion(db, id).await? else {
                return Ok(());
            };
            let title = Text::new(
                nonempty(d.title_en.clone(), &d.title_ar),
                nonempty(d.title_ar.clone(), &d.title_en),
            );
            let notice = Notice {
                kind,
                title: Text::new("A reply of yours was hidden", "أُخفي رد لك"),
                body: Text::new(
                    format!(
                        "A moderator hid your reply in “{}”: {}",
                        title.en, post.hidden_reason
                    ),
                    format!(
                        "أخفى أحد المشرفين ردك في «{}»: {}",
                        title.ar, post.hidden_reason
                    ),
                ),
                entity_type: "discussion_post",
                entity_id: post.id,
                platform_id: fact.platform_id,
                link: format!("/api/v1/discussions/{}/posts", d.id),
            };
            send(db, &[author], &notice, at).await
        }
        // A reply: its mentions are told they were named, the followers that there is more.
        NoticeKind::DiscussionReply => {
            let Some((post, d)) = post_and_discussion(db, id).await? else {
                return Ok(());
            };
            use entity::discussion_follow as follow;
            let followers: Vec<i64> = follow::Entity::find()
                .select_only()
                .column(follow::Column::UserId)
                .filter(
                    sea_orm::Condition::any()
                        .add(follow::Column::DiscussionId.eq(d.id))
                        .add(
                            sea_orm::Condition::all()
                                .add(follow::Column::DiscussionId.is_null())
                                .add(follow::Column::SpaceKind.eq(d.space_kind))
                                .add(follow::Column::SpaceId.eq(d.space_id)),
                        ),
                )
                .distinct()
                .into_tuple()
                .all(db)
                .await?;
            let mentioned: Vec<i64> = serde_json::from_str::<Vec<i64>>(&post.mention_ids)
                .unwrap_or_default()
                .into_iter()
                .filter(|u| *u != post.author_id)
                .collect();
            // In a space not everyone sees, only those who still take part in its platform are
            // told (as a practice's topic followers are): a follower who left hears nothing more.
            let insiders = match (d.space_kind, d.platform_id) {
                (
                    crate::domain::SpaceKind::PositionPaper
                    | crate::domain::SpaceKind::Practice
                    | crate::domain::SpaceKind::Workshop,
                    Some(p),
                ) => {
                    let mut inside = active_members(db, p).await?;
                    inside.extend(coordinators(db, p).await?);
                    Some(inside)
                }
                _ => None,
            };
            let told: Vec<i64> = followers
                .into_iter()
                .filter(|u| *u != post.author_id && !mentioned.contains(u))
                .filter(|u| insiders.as_ref().is_none_or(|inside| inside.contains(u)))
                .collect();
            let title = Text::new(
                nonempty(d.title_en.clone(), &d.title_ar),
                nonempty(d.title_ar.clone(), &d.title_en),
            );
            let person = person_name(db, post.author_id).await?;
            let link = format!("/api/v1/discussions/{}/posts", d.id);
            let reply = Notice {
                kind,
                title: Text::new(
                    format!("New reply in “{}”", title.en),
                    format!("رد جديد في «{}»", title.ar),
                ),
                body: Text::new(
                    format!("{} replied in “{}”.", person.en, title.en),
                    format!("ردّ {} في «{}».", person.ar, title.ar),
                ),
                entity_type: "discussion_post",
                entity_id: post.id,
                platform_id: fact.platform_id,
                link: link.clone(),
            };
            send(db, &told, &reply, at).await?;
            let mention = Notice {
                kind: NoticeKind::Mentioned,
                title: Text::new(
                    format!("{} mentioned you", person.en),
                    format!("ذكرك {}", person.ar),
                ),
                body: Text::new(
                    format!("{} mentioned you in “{}”.", person.en, title.en),
                    format!("ذكرك {} في «{}».", person.ar, title.ar),
                ),
                entity_type: "discussion_post",
                entity_id: post.id,
                platform_id: fact.platform_id,
                link,
            };
            send(db, &mentioned, &mention, at).await
        }
        // Told with the reply (above).
        NoticeKind::Mentioned => Ok(()),
        NoticeKind::PostFlagged => {
            let Some(p) = fact.platform_id else {
                return Ok(());
            };
            let Some(f) = entity::discussion_flag::Entity::find_by_id(id)
                .one(db)
                .await?
            else {
                return Ok(());
            };
            let notice = Notice {
                kind,
                title: Text::new("A reply was flagged", "أُبلغ عن رد"),
                body: Text::new(
                    format!("Someone flagged a reply for your attention: {}", f.reason),
                    format!("أبلغ أحدهم عن رد لتنظر فيه: {}", f.reason),
                ),
                entity_type: "discussion_flag",
                entity_id: f.id,
                platform_id: Some(p),
                link: format!("/api/v1/discussion-flags?platform_id={p}"),
            };
            send(db, &coordinators(db, p).await?, &notice, at).await
        }
        NoticeKind::PracticePublished => {
            let Some(p) = practice::Entity::find_by_id(id).one(db).await? else {
                return Ok(());
            };
            let Some(t) = p.topic_id else {
                return Ok(());
            };
            let Some(t) = topic::Entity::find_by_id(t).one(db).await? else {
                return Ok(());
            };
            // Its followers who take part in the practice's platform.
            let mut insiders = active_members(db, p.platform_id).await?;
            insiders.extend(coordinators(db, p.platform_id).await?);
            let followers: Vec<i64> = topic_follow::Entity::find()
                .select_only()
                .column(topic_follow::Column::UserId)
                .filter(topic_follow::Column::TopicId.eq(t.id))
                .filter(topic_follow::Column::UserId.is_in(insiders))
                .into_tuple()
                .all(db)
                .await?;
            let title = Text::new(
                nonempty(p.title_en.clone(), &p.title_ar),
                p.title_ar.clone(),
            );
            let on = Text::new(nonempty(t.title_en.clone(), &t.title_ar), t.title_ar);
            let notice = Notice {
                kind,
                title: Text::new(
                    format!("A practice on “{}”", on.en),
                    format!("ممارسة في «{}»", on.ar),
                ),
                body: Text::new(
                    format!("“{}” was published: learn how it was done.", title.en),
                    format!("نُشرت «{}»: تعرّف كيف أُنجزت.", title.ar),
                ),
                entity_type: "practice",
                entity_id: p.id,
                platform_id: Some(p.platform_id),
                link: format!("/api/v1/practices/{}", p.id),
            };
            send(db, &followers, &notice, at).await
        }
        NoticeKind::ExchangeRequested | NoticeKind::ExchangeDecided => {
            let Some(r) = exchange_request::Entity::find_by_id(id).one(db).await? else {
                return Ok(());
            };
            let Some(p) = practice::Entity::find_by_id(r.practice_id).one(db).await? else {
                return Ok(());
            };
            let title = Text::new(
                nonempty(p.title_en.clone(), &p.title_ar),
                p.title_ar.clone(),
            );
            let link = format!("/api/v1/practices/{}/exchange-requests", p.id);
            let (recipients, notice) = if kind == NoticeKind::ExchangeRequested {
                let authority = authority_name(db, r.local_authority_id).await?;
                // The practice's people and the platform's coordinators.
                let mut to: Vec<i64> = serde_json::from_str(&p.contact_ids).unwrap_or_default();
                to.push(p.created_by);
                to.extend(coordinators(db, p.platform_id).await?);
                let notice = Notice {
                    kind,
                    title: Text::new("A request to learn a practice", "طلب لتعلّم ممارسة"),
                    body: Text::new(
                        format!("{} asks to learn “{}”.", authority.en, title.en),
                        format!("تطلب {} تعلّم «{}».", authority.ar, title.ar),
                    ),
                    entity_type: "practice",
                    entity_id: p.id,
                    platform_id: Some(p.platform_id),
                    link,
                };
                (to, notice)
            } else {
                let (en, ar) = if r.status == ExchangeStatus::Accepted {
                    ("accepted", "قُبل")
                } else {
                    ("declined", "اعتُذر عن")
                };
                let notice = Notice {
                    kind,
                    title: Text::new(format!("Your request was {en}"), format!("{ar} طلبك")),
                    body: Text::new(
                        format!("Your request to learn “{}” was {en}.", title.en),
                        format!("{ar} طلبك تعلّم «{}».", title.ar),
                    ),
                    entity_type: "practice",
                    entity_id: p.id,
                    platform_id: Some(p.platform_id),
                    link,
                };
                (vec![r.requested_by], notice)
            };
            send(db, &recipients, &notice, at).await
        }
    }
}

async fn authority_name(db: &impl ConnectionTrait, id: i64) -> Result<Text, ApiError> {
    Ok(local_authority::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or_else(
            || Text::new("A local authority", "هيئة محلية"),
            |a| Text::new(nonempty(a.name_en, &a.name_ar), a.name_ar),
        ))
}

/// A workshop that moved or was cancelled, told to everyone holding a seat or waiting.
async fn workshop_notice(
    db: &impl ConnectionTrait,
    fact: &Fact<'_>,
    id: i64,
    cancelled: bool,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let title = workshop_title(db, id).await?;
    let people: Vec<i64> = registration::Entity::find()
        .select_only()
        .column(registration::Column::UserId)
        .filter(registration::Column::WorkshopId.eq(id))
        .filter(registration::Column::Status.is_in([
            RegistrationStatus::Registered,
            RegistrationStatus::Waitlisted,
        ]))
        .into_tuple()
        .all(db)
        .await?;
    let notice = if cancelled {
        Notice {
            kind: NoticeKind::WorkshopCancelled,
            title: Text::new("Workshop cancelled", "إلغاء ورشة"),
            body: Text::new(
                format!("“{}” is cancelled.", title.en),
                format!("أُلغيت ورشة «{}».", title.ar),
            ),
            entity_type: "workshop",
            entity_id: id,
            platform_id: fact.platform_id,
            link: format!("/api/v1/workshops/{id}"),
        }
    } else {
        Notice {
            kind: NoticeKind::WorkshopChanged,
            title: Text::new("Workshop changed", "تعديل على ورشة"),
            body: Text::new(
                format!("The time or place of “{}” changed.", title.en),
                format!("تغير موعد ورشة «{}» أو مكانها.", title.ar),
            ),
            entity_type: "workshop",
            entity_id: id,
            platform_id: fact.platform_id,
            link: format!("/api/v1/workshops/{id}"),
        }
    };
    send(db, &people, &notice, at).await
}

fn nonempty(en: String, ar: &str) -> String {
    if en.trim().is_empty() {
        ar.to_owned()
    } else {
        en
    }
}

async fn platform_name(db: &impl ConnectionTrait, id: i64) -> Result<Text, ApiError> {
    Ok(platform::Entity::find_by_id(id).one(db).await?.map_or_else(
        || Text::new("the platform", "المنصة"),
        |p| Text::new(nonempty(p.name_en, &p.name_ar), p.name_ar),
    ))
}

/// A discussion's reply and the discussion, while both are there.
async fn post_and_discussion(
    db: &impl ConnectionTrait,
    post_id: i64,
) -> Result<Option<(entity::discussion_post::Model, entity::discussion::Model)>, ApiError> {
    let Some(post) = entity::discussion_post::Entity::find_by_id(post_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(entity::discussion::Entity::find_by_id(post.discussion_id)
        .one(db)
        .await?
        .map(|d| (post, d)))
}

async fn person_name(db: &impl ConnectionTrait, id: i64) -> Result<Text, ApiError> {
    Ok(user::Entity::find_by_id(id).one(db).await?.map_or_else(
        || Text::new("Someone", "أحد الأشخاص"),
        |u| Text::new(nonempty(u.name_en, &u.name_ar), u.name_ar),
    ))
}

async fn workshop_title(db: &impl ConnectionTrait, id: i64) -> Result<Text, ApiError> {
    Ok(workshop::Entity::find_by_id(id).one(db).await?.map_or_else(
        || Text::new("the workshop", "الورشة"),
        |w| Text::new(nonempty(w.title_en, &w.title_ar), w.title_ar),
    ))
}

async fn paper_title(db: &impl ConnectionTrait, id: i64) -> Result<Text, ApiError> {
    Ok(position_paper::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or_else(
            || Text::new("the paper", "الورقة"),
            |p| Text::new(nonempty(p.title_en, &p.title_ar), p.title_ar),
        ))
}

async fn coordinators(db: &impl ConnectionTrait, platform_id: i64) -> Result<Vec<i64>, ApiError> {
    Ok(coordinator_term::Entity::find()
        .select_only()
        .column(coordinator_term::Column::UserId)
        .filter(coordinator_term::Column::PlatformId.eq(platform_id))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

async fn active_members(db: &impl ConnectionTrait, platform_id: i64) -> Result<Vec<i64>, ApiError> {
    Ok(membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::PlatformId.eq(platform_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .into_tuple()
        .all(db)
        .await?)
}

async fn paper_authors(db: &impl ConnectionTrait, paper_id: i64) -> Result<Vec<i64>, ApiError> {
    Ok(position_paper_author::Entity::find()
        .select_only()
        .column(position_paper_author::Column::UserId)
        .filter(position_paper_author::Column::PaperId.eq(paper_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// A page of a person's inbox, newest first, after the notice `before` (exclusive).
pub async fn page(
    db: &impl ConnectionTrait,
    user_id: i64,
    unread_only: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<notification::Model>, ApiError> {
    let mut select = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    if unread_only {
        select = select.filter(notification::Column::ReadAt.is_null());
    }
    if let Some(before) = before {
        select = select.filter(notification::Column::Id.lt(before));
    }
    Ok(select
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// One of a person's notices.
pub async fn find(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
) -> Result<Option<notification::Model>, ApiError> {
    Ok(notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// How many of a person's notices are unread.
pub async fn unread_count(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, ApiError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks the person's notices read: one (`Some(id)`) or all; answers those marked now.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    one: Option<i64>,
    at: DateTime<Utc>,
) -> Result<Vec<notification::Model>, ApiError> {
    let mut select = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = one {
        select = select.filter(notification::Column::Id.eq(id));
    }
    let unread = select.all(db).await?;
    if unread.is_empty() {
        return Ok(unread);
    }
    let ids: Vec<i64> = unread.iter().map(|n| n.id).collect();
    for chunk in ids.chunks(500) {
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(at))
            .filter(notification::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let entries: Vec<(i64, Option<i64>, Option<i64>)> = unread
        .iter()
        .map(|n| (n.id, n.platform_id, Some(n.user_id)))
        .collect();
    changes::record_many(db, "notification", Op::Update, &entries, at).await?;
    Ok(unread
        .into_iter()
        .map(|mut n| {
            n.read_at = Some(at);
            n
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_titles_are_clipped_on_character_boundaries() {
        let t = "ورشة ".repeat(200);
        let c = super::clip(&t, 400);
        assert_eq!(c.chars().count(), 400);
    }
}
