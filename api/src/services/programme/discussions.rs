//! Discussions: opening a thread in a space, replying (the thread's count and last activity move
//! in the same statement as nothing else writes them), editing a reply with its earlier text
//! kept, deleting it to a tombstone, and accepting an answer. Every write is audited, and the
//! audit entry tells the changes feed and partners' webhooks (`services::events`).

use chrono::{DateTime, Utc};
use entity::{discussion, discussion_post, discussion_post_revision};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use crate::audit::{Action, Actor, Entry};
use crate::domain::{DiscussionKind, PostLang, markdown, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::store::versioned;

/// What a new thread says.
pub struct Opening {
    pub space_kind: crate::domain::SpaceKind,
    pub space_id: i64,
    pub platform_id: Option<i64>,
    pub kind: DiscussionKind,
    pub title: (String, String),
    pub body: (String, String),
    pub tags: Vec<String>,
    pub topic_ids: Vec<i64>,
}

/// The stored search key of a thread: its title and opening text, folded.
pub fn search_text(title: &(String, String), body: &(String, String)) -> String {
    search::fold_all([
        title.0.as_str(),
        title.1.as_str(),
        body.0.as_str(),
        body.1.as_str(),
    ])
}

/// Tags as stored: trimmed, each once, in the order given.
pub fn tags_json(tags: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::with_capacity(tags.len());
    for t in tags.iter().map(|t| t.trim()) {
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    serde_json::to_string(&seen).unwrap_or_else(|_| "[]".into())
}

/// Opens a thread by `author`.
pub async fn open(
    db: &impl ConnectionTrait,
    author: i64,
    by: impl Into<Actor>,
    o: Opening,
    now: DateTime<Utc>,
) -> Result<discussion::Model, ApiError> {
    let d = discussion::ActiveModel {
        space_kind: Set(o.space_kind),
        space_id: Set(o.space_id),
        platform_id: Set(o.platform_id),
        kind: Set(o.kind),
        search_text: Set(search_text(&o.title, &o.body)),
        html_ar: Set(markdown::render(&o.body.0)),
        html_en: Set(markdown::render(&o.body.1)),
        title_ar: Set(o.title.0),
        title_en: Set(o.title.1),
        body_ar: Set(o.body.0),
        body_en: Set(o.body.1),
        tags: Set(tags_json(&o.tags)),
        topic_ids: Set(serde_json::to_string(&o.topic_ids).unwrap_or_else(|_| "[]".into())),
        author_id: Set(author),
        locked: Set(false),
        accepted_post_id: Set(None),
        post_count: Set(0),
        last_post_at: Set(now),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Entry::new(Action::DiscussionCreate, d.id)
        .created(&d)
        .platform(d.platform_id)
        .write(db, by, now)
        .await?;
    Ok(d)
}

/// 409 `discussion_locked` for a locked thread.
pub fn require_open(d: &discussion::Model) -> Result<(), ApiError> {
    if !d.locked {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::DiscussionLocked,
        Text::new(
            "The discussion is locked: it takes no new replies.",
            "النقاش مقفل: لا يقبل ردودًا جديدة.",
        ),
    ))
}

/// A reply of `discussion_id` named in a request at `pointer`, or 400 `not_found` there.
async fn reply_of(
    db: &impl ConnectionTrait,
    discussion_id: i64,
    post_id: i64,
    pointer: &str,
) -> Result<discussion_post::Model, ApiError> {
    discussion_post::Entity::find_by_id(post_id)
        .one(db)
        .await?
        .filter(|p| p.discussion_id == discussion_id)
        .ok_or_else(|| {
            ApiError::field(
                pointer,
                "not_found",
                Text::new(
                    "no reply of this discussion has this id",
                    "لا يوجد رد في هذا النقاش بهذا الرقم",
                ),
            )
        })
}

/// The language of a reply: as given, else the script most of it is in.
fn lang_of(given: Option<PostLang>, body: &str) -> PostLang {
    given.unwrap_or(match markdown::language_of(body) {
        "ar" => PostLang::Ar,
        _ => PostLang::En,
    })
}

/// Replies to thread `d` as `author`; the thread's reply count and last activity move in the
/// same transaction.
pub async fn reply(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    author: i64,
    by: impl Into<Actor>,
    (body, lang, quote): (String, Option<PostLang>, Option<i64>),
    now: DateTime<Utc>,
) -> Result<discussion_post::Model, ApiError> {
    require_open(d)?;
    if let Some(q) = quote {
        reply_of(db, d.id, q, "/quote_post_id").await?;
    }
    let post = discussion_post::ActiveModel {
        discussion_id: Set(d.id),
        author_id: Set(author),
        quote_post_id: Set(quote),
        lang: Set(lang_of(lang, &body)),
        html: Set(markdown::render(&body)),
        body: Set(body),
        edit_count: Set(0),
        deleted_at: Set(None),
        deleted_by: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    discussion::Entity::update_many()
        .col_expr(
            discussion::Column::PostCount,
            Expr::col(discussion::Column::PostCount).add(1),
        )
        .col_expr(discussion::Column::LastPostAt, Expr::value(now))
        .filter(discussion::Column::Id.eq(d.id))
        .exec(db)
        .await?;
    Entry::new(Action::PostCreate, post.id)
        .created(&post)
        .field("discussion_id", d.id)
        .platform(d.platform_id)
        .write(db, by, now)
        .await?;
    Ok(post)
}

/// 409 `post_deleted` for a deleted reply.
fn require_not_deleted(p: &discussion_post::Model) -> Result<(), ApiError> {
    if p.deleted_at.is_none() {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::PostDeleted,
        Text::new(
            "The reply was deleted: it no longer changes.",
            "حُذف الرد: لم يعد يتغير.",
        ),
    ))
}

/// Gives reply `current` a new text at version `expected`; the text it replaces is kept as a
/// revision.
pub async fn edit(
    db: &impl ConnectionTrait,
    current: &discussion_post::Model,
    expected: i32,
    (body, lang): (String, Option<PostLang>),
    by: Actor,
    platform_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<discussion_post::Model, ApiError> {
    require_not_deleted(current)?;
    versioned::check::<discussion_post::Entity>(current, expected)?;
    if body == current.body && lang.is_none_or(|l| l == current.lang) {
        return Ok(current.clone());
    }
    let mut m = current.clone().into_active_model();
    m.lang = Set(lang.unwrap_or(current.lang));
    m.html = Set(markdown::render(&body));
    m.body = Set(body);
    m.edit_count = Set(current.edit_count + 1);
    m.updated_at = Set(now);
    let updated = versioned::save::<discussion_post::Entity>(db, current.id, expected, m).await?;
    discussion_post_revision::ActiveModel {
        post_id: Set(current.id),
        body: Set(current.body.clone()),
        edited_by: Set(by.user_id),
        replaced_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Entry::new(Action::PostUpdate, current.id)
        .updated(current, &updated)
        .field("discussion_id", current.discussion_id)
        .platform(platform_id)
        .write(db, by, now)
        .await?;
    Ok(updated)
}

/// Deletes reply `current` to a tombstone: its text and its earlier texts are gone, its place
/// in the thread (and what quotes it) stays. A deleted accepted answer is no longer accepted.
pub async fn delete(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    current: &discussion_post::Model,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion_post::Model, ApiError> {
    require_not_deleted(current)?;
    let mut m = current.clone().into_active_model();
    m.body = Set(String::new());
    m.html = Set(String::new());
    m.deleted_at = Set(Some(now));
    m.deleted_by = Set(by.user_id);
    m.updated_at = Set(now);
    let updated =
        versioned::save::<discussion_post::Entity>(db, current.id, current.version, m).await?;
    discussion_post_revision::Entity::delete_many()
        .filter(discussion_post_revision::Column::PostId.eq(current.id))
        .exec(db)
        .await?;
    if d.accepted_post_id == Some(current.id) {
        set_answer(db, d, None, by, now).await?;
    }
    Entry::new(Action::PostDelete, current.id)
        .field("discussion_id", d.id)
        .platform(d.platform_id)
        .write(db, by, now)
        .await?;
    Ok(updated)
}

/// Accepts reply `post_id` as the answer of question `d` (or withdraws the acceptance).
pub async fn accept(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    post_id: Option<i64>,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion::Model, ApiError> {
    if d.kind != DiscussionKind::Question {
        return Err(ApiError::field(
            "/post_id",
            "not_allowed",
            Text::new(
                "only a question has an accepted answer",
                "لا إجابة مقبولة إلا للسؤال",
            ),
        ));
    }
    if let Some(p) = post_id {
        let post = reply_of(db, d.id, p, "/post_id").await?;
        if post.deleted_at.is_some() {
            return Err(ApiError::field(
                "/post_id",
                "not_allowed",
                Text::new("the reply was deleted", "حُذف الرد"),
            ));
        }
    }
    if d.accepted_post_id == post_id {
        return Ok(d.clone());
    }
    set_answer(db, d, post_id, by, now).await
}

async fn set_answer(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    post_id: Option<i64>,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion::Model, ApiError> {
    let current = crate::db::lock::<discussion::Entity>(db, d.id).await?;
    let mut m = current.clone().into_active_model();
    m.accepted_post_id = Set(post_id);
    m.version = Set(current.version + 1);
    m.updated_at = Set(now);
    let updated = m.update(db).await?;
    Entry::new(Action::AnswerAccept, d.id)
        .updated(&current, &updated)
        .platform(d.platform_id)
        .write(db, by, now)
        .await?;
    Ok(updated)
}
