//! Discussions: opening a thread in a space, replying (the thread's count and last activity move
//! in the same statement as nothing else writes them), editing a reply with its earlier text
//! kept, deleting it to a tombstone, and accepting an answer. Every write is audited, and the
//! audit entry tells the changes feed and partners' webhooks (`services::events`).

use chrono::{DateTime, Utc};
use entity::{
    discussion, discussion_flag, discussion_follow, discussion_post, discussion_post_revision,
    discussion_read,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use crate::audit::{Action, Actor, Entry};
use crate::domain::{DiscussionKind, FlagStatus, PostLang, SpaceKind, markdown, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::store::versioned;

/// 429 (with `Retry-After` and the `RateLimit` fields) once `author` wrote `quota` discussions
/// and replies in the last minute (`POSTS_PER_MINUTE`). Counted in the database, so that every
/// replica keeps the same count.
pub async fn require_within_limit(
    db: &impl ConnectionTrait,
    author: i64,
    quota: u32,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use sea_orm::PaginatorTrait;
    let since = now - chrono::Duration::seconds(60);
    let replies = discussion_post::Entity::find()
        .filter(discussion_post::Column::AuthorId.eq(author))
        .filter(discussion_post::Column::CreatedAt.gt(since))
        .count(db)
        .await?;
    let opened = discussion::Entity::find()
        .filter(discussion::Column::AuthorId.eq(author))
        .filter(discussion::Column::CreatedAt.gt(since))
        .count(db)
        .await?;
    if replies + opened < u64::from(quota) {
        return Ok(());
    }
    Err(ApiError::TooManyRequests {
        retry_after_secs: 60,
        limit: Some(crate::error::HitLimit {
            name: "posts",
            quota,
            window_secs: 60,
        }),
    })
}

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

/// The longest HTML a text may render to (characters).
pub const MAX_HTML_CHARS: usize = 200_000;

/// `markdown` rendered and sanitized; 422 `too_long` at `pointer` when its HTML would pass
/// [`MAX_HTML_CHARS`] (a text of nothing but quotes and brackets).
pub fn render(markdown: &str, pointer: &str) -> Result<String, ApiError> {
    let html = markdown::render(markdown);
    if html.chars().count() <= MAX_HTML_CHARS {
        return Ok(html);
    }
    Err(ApiError::field(
        pointer,
        "too_long",
        Text::new(
            "the text's HTML would pass 200 000 characters",
            "سيتجاوز HTML النص 200 000 حرف",
        ),
    ))
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
        html_ar: Set(render(&o.body.0, "/body/ar")?),
        html_en: Set(render(&o.body.1, "/body/en")?),
        title_ar: Set(o.title.0),
        title_en: Set(o.title.1),
        body_ar: Set(o.body.0),
        body_en: Set(o.body.1),
        tags: Set(tags_json(&o.tags)),
        topic_ids: Set(serde_json::to_string(&o.topic_ids).unwrap_or_else(|_| "[]".into())),
        author_id: Set(author),
        locked: Set(false),
        pinned: Set(false),
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
    mentions: Vec<i64>,
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
        html: Set(render(&body, "/body")?),
        body: Set(body),
        edit_count: Set(0),
        deleted_at: Set(None),
        deleted_by: Set(None),
        hidden_at: Set(None),
        hidden_by: Set(None),
        hidden_reason: Set(String::new()),
        mention_ids: Set(serde_json::to_string(&mentions).unwrap_or_else(|_| "[]".into())),
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
    m.html = Set(render(&body, "/body")?);
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

/// What a moderator changes of a discussion: locked, pinned, moved to another space (of the
/// platform `platform_id` names).
#[derive(Clone, Copy, Debug, Default)]
pub struct Moderation {
    pub locked: Option<bool>,
    pub pinned: Option<bool>,
    pub space: Option<(SpaceKind, i64, Option<i64>)>,
}

/// Locks, pins or moves discussion `d`.
pub async fn moderate(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    change: Moderation,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion::Model, ApiError> {
    let current = crate::db::lock::<discussion::Entity>(db, d.id).await?;
    let mut next = current.clone();
    next.locked = change.locked.unwrap_or(current.locked);
    next.pinned = change.pinned.unwrap_or(current.pinned);
    if let Some((kind, id, platform)) = change.space {
        next.space_kind = kind;
        next.space_id = id;
        next.platform_id = platform;
    }
    if next == current {
        return Ok(current);
    }
    let mut m = current.clone().into_active_model();
    m.locked = Set(next.locked);
    m.pinned = Set(next.pinned);
    m.space_kind = Set(next.space_kind);
    m.space_id = Set(next.space_id);
    m.platform_id = Set(next.platform_id);
    m.version = Set(current.version + 1);
    m.updated_at = Set(now);
    let updated = m.update(db).await?;
    Entry::new(Action::DiscussionModerate, d.id)
        .updated(&current, &updated)
        .platform(updated.platform_id)
        .write(db, by, now)
        .await?;
    Ok(updated)
}

/// Hides reply `post` of `d` with `reason` (a moderator): nobody but the moderators and its
/// author reads its text any more; its author is told why.
pub async fn hide(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    post: &discussion_post::Model,
    reason: String,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion_post::Model, ApiError> {
    require_not_deleted(post)?;
    if post.hidden_at.is_some() && post.hidden_reason == reason {
        return Ok(post.clone());
    }
    set_hidden(db, d, post, Some(reason), by, now).await
}

/// Shows a hidden reply again (a moderator).
pub async fn unhide(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    post: &discussion_post::Model,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion_post::Model, ApiError> {
    if post.hidden_at.is_none() {
        return Ok(post.clone());
    }
    set_hidden(db, d, post, None, by, now).await
}

/// Hides `post` with a reason, or shows it (`None`), audited as the one or the other.
async fn set_hidden(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    post: &discussion_post::Model,
    reason: Option<String>,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion_post::Model, ApiError> {
    let hiding = reason.is_some();
    let mut m = post.clone().into_active_model();
    m.hidden_at = Set(hiding.then(|| post.hidden_at.unwrap_or(now)));
    m.hidden_by = Set(if hiding { by.user_id } else { None });
    m.hidden_reason = Set(reason.unwrap_or_default());
    m.version = Set(post.version + 1);
    m.updated_at = Set(now);
    let updated = m.update(db).await?;
    let mut entry = Entry::new(
        if hiding {
            Action::PostHide
        } else {
            Action::PostUnhide
        },
        post.id,
    )
    .updated(post, &updated)
    .field("discussion_id", d.id)
    .platform(d.platform_id);
    if hiding {
        entry = entry.owner(post.author_id, None);
    }
    entry.write(db, by, now).await?;
    Ok(updated)
}

/// Flags reply `post` of `d` for the space's moderators (once per person: 409 `duplicate`).
pub async fn flag(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    post: &discussion_post::Model,
    reason: String,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion_flag::Model, ApiError> {
    let Some(user) = by.user_id else {
        return Err(ApiError::Unexpected("a flag without a person".into()));
    };
    let already = discussion_flag::Entity::find()
        .filter(discussion_flag::Column::PostId.eq(post.id))
        .filter(discussion_flag::Column::UserId.eq(user))
        .one(db)
        .await?;
    if already.is_some() {
        return Err(ApiError::Problem(
            ProblemCode::Duplicate,
            Text::new(
                "You already flagged this reply.",
                "سبق أن أبلغت عن هذا الرد.",
            ),
        ));
    }
    let f = discussion_flag::ActiveModel {
        post_id: Set(post.id),
        discussion_id: Set(d.id),
        platform_id: Set(d.platform_id),
        user_id: Set(user),
        reason: Set(reason),
        status: Set(FlagStatus::Open),
        resolved_by: Set(None),
        resolved_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Entry::new(Action::FlagCreate, f.id)
        .created(&f)
        .platform(d.platform_id)
        .write(db, by, now)
        .await?;
    Ok(f)
}

/// Decides an open flag (a moderator): upheld hides the reply with `reason` (the flag's own when
/// none is given); dismissed leaves it. 409 `already_decided` for a decided flag.
pub async fn decide_flag(
    db: &impl ConnectionTrait,
    f: &discussion_flag::Model,
    d: &discussion::Model,
    post: &discussion_post::Model,
    (outcome, reason): (FlagStatus, Option<String>),
    by: Actor,
    now: DateTime<Utc>,
) -> Result<discussion_flag::Model, ApiError> {
    if f.status != FlagStatus::Open {
        return Err(ApiError::Problem(
            ProblemCode::AlreadyDecided,
            Text::new("The flag was already decided.", "سبق البت في هذا البلاغ."),
        ));
    }
    if outcome == FlagStatus::Upheld && post.deleted_at.is_none() {
        hide(
            db,
            d,
            post,
            reason.unwrap_or_else(|| f.reason.clone()),
            by,
            now,
        )
        .await?;
    }
    let mut m = f.clone().into_active_model();
    m.status = Set(outcome);
    m.resolved_by = Set(by.user_id);
    m.resolved_at = Set(Some(now));
    let decided = m.update(db).await?;
    Entry::new(Action::FlagDecide, f.id)
        .updated(f, &decided)
        .platform(f.platform_id)
        .write(db, by, now)
        .await?;
    Ok(decided)
}

/// What a person follows: a space, or one discussion of it.
#[derive(Clone, Copy, Debug)]
pub struct Followed {
    pub space_kind: SpaceKind,
    pub space_id: i64,
    pub discussion_id: Option<i64>,
}

fn follows_of(user: i64, f: Followed) -> sea_orm::Select<discussion_follow::Entity> {
    let q = discussion_follow::Entity::find()
        .filter(discussion_follow::Column::UserId.eq(user))
        .filter(discussion_follow::Column::SpaceKind.eq(f.space_kind))
        .filter(discussion_follow::Column::SpaceId.eq(f.space_id));
    match f.discussion_id {
        Some(d) => q.filter(discussion_follow::Column::DiscussionId.eq(d)),
        None => q.filter(discussion_follow::Column::DiscussionId.is_null()),
    }
}

/// `user` follows `f` (once, however often asked); audited.
pub async fn follow(
    db: &impl ConnectionTrait,
    user: i64,
    f: Followed,
    platform_id: Option<i64>,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if follows_of(user, f).one(db).await?.is_some() {
        return Ok(());
    }
    let row = discussion_follow::ActiveModel {
        user_id: Set(user),
        space_kind: Set(f.space_kind),
        space_id: Set(f.space_id),
        discussion_id: Set(f.discussion_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Entry::new(Action::DiscussionFollow, row.id)
        .created(&row)
        .platform(platform_id)
        .write(db, by, now)
        .await
}

/// `user` no longer follows `f`; audited when they did.
pub async fn unfollow(
    db: &impl ConnectionTrait,
    user: i64,
    f: Followed,
    platform_id: Option<i64>,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Some(row) = follows_of(user, f).one(db).await? else {
        return Ok(());
    };
    discussion_follow::Entity::delete_by_id(row.id)
        .exec(db)
        .await?;
    Entry::new(Action::DiscussionUnfollow, row.id)
        .deleted(&row)
        .platform(platform_id)
        .write(db, by, now)
        .await
}

/// Records that `user` read discussion `d` up to reply `upto` (its latest when `None`).
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user: i64,
    d: &discussion::Model,
    upto: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use sea_orm::QueryOrder;
    let last = match upto {
        Some(p) => reply_of(db, d.id, p, "/post_id").await?.id,
        None => discussion_post::Entity::find()
            .filter(discussion_post::Column::DiscussionId.eq(d.id))
            .order_by_desc(discussion_post::Column::Id)
            .one(db)
            .await?
            .map_or(0, |p| p.id),
    };
    let held = discussion_read::Entity::find()
        .filter(discussion_read::Column::UserId.eq(user))
        .filter(discussion_read::Column::DiscussionId.eq(d.id))
        .one(db)
        .await?;
    match held {
        Some(r) => {
            let mut m = r.into_active_model();
            m.last_read_post_id = Set(last);
            m.read_at = Set(now);
            m.update(db).await?;
        }
        None => {
            discussion_read::ActiveModel {
                user_id: Set(user),
                discussion_id: Set(d.id),
                last_read_post_id: Set(last),
                read_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// A reader's state in one discussion.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadState {
    /// They follow it, or its space.
    pub following: bool,
    /// Replies by others after the last one they read (deleted ones aside).
    pub unread: i64,
}

/// The state of `user` in each of the discussions `ids`, in one statement.
pub async fn read_states(
    db: &impl ConnectionTrait,
    user: i64,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, ReadState>, ApiError> {
    let mut out = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT d.id AS id, \
           CASE WHEN EXISTS (SELECT 1 FROM discussion_follows f WHERE f.user_id = $1 \
             AND (f.discussion_id = d.id OR (f.discussion_id IS NULL \
             AND f.space_kind = d.space_kind AND f.space_id = d.space_id))) THEN 1 ELSE 0 END AS following, \
           (SELECT COUNT(*) FROM discussion_posts p WHERE p.discussion_id = d.id \
             AND p.id > COALESCE(r.last_read_post_id, 0) AND p.deleted_at IS NULL \
             AND p.author_id <> $1) AS unread \
         FROM discussions d \
         LEFT JOIN discussion_reads r ON r.discussion_id = d.id AND r.user_id = $1 \
         WHERE d.id IN ({list})"
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [user.into()],
        ))
        .await?;
    for row in rows {
        let id: i64 = row.try_get("", "id")?;
        let following: i32 = row.try_get("", "following")?;
        let unread: i64 = row.try_get("", "unread")?;
        out.insert(
            id,
            ReadState {
                following: following != 0,
                unread,
            },
        );
    }
    Ok(out)
}

/// The people a reply may mention, each an active person; in a paper's, practice's or
/// workshop's discussion, one of its platform's people (whom it may concern). Three statements
/// at most, however many are named.
pub async fn check_mentions(
    db: &impl ConnectionTrait,
    d: &discussion::Model,
    ids: &[i64],
) -> Result<Vec<i64>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let people = crate::db::check_people(db, ids, "/mention_ids").await?;
    let private = matches!(
        d.space_kind,
        SpaceKind::PositionPaper | SpaceKind::Practice | SpaceKind::Workshop
    );
    if let (true, Some(p)) = (private, d.platform_id) {
        let inside = crate::access::taking_part(db, p, &people).await?;
        if let Some(i) = people.iter().position(|person| !inside.contains(person)) {
            return Err(ApiError::field(
                &format!("/mention_ids/{i}"),
                "not_allowed",
                Text::new(
                    "only the platform's people are mentioned here",
                    "لا يُذكر هنا إلا أهل المنصة",
                ),
            ));
        }
    }
    Ok(people)
}

/// 400 unless at least one language of `pair` says something.
pub fn require_some(pair: &(String, String), pointer: &str) -> Result<(), ApiError> {
    if pair.0.trim().is_empty() && pair.1.trim().is_empty() {
        return Err(ApiError::field(
            pointer,
            "required",
            Text::new(
                "give it in Arabic, English or both",
                "اكتبه بالعربية أو الإنجليزية أو بكلتيهما",
            ),
        ));
    }
    Ok(())
}

/// 400 unless every topic is one of the space's platform (any platform's for a task force).
pub async fn check_topics(
    db: &impl ConnectionTrait,
    platform_id: Option<i64>,
    ids: &[i64],
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut found =
        entity::topic::Entity::find().filter(entity::topic::Column::Id.is_in(ids.to_vec()));
    if let Some(p) = platform_id {
        found = found.filter(entity::topic::Column::PlatformId.eq(p));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let known = found
        .select_only()
        .column(entity::topic::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    if known.len() == ids.len() {
        return Ok(());
    }
    Err(ApiError::field(
        "/topic_ids",
        "not_found",
        Text::new(
            "a topic is not one of the space's platform",
            "أحد المحاور ليس من محاور منصة هذا الفضاء",
        ),
    ))
}

/// What an edit of a discussion's opening changes, as JSON Merge Patch reads it: `None` keeps,
/// `Some(None)` empties a language, `Some(Some(text))` sets it.
pub struct OpeningChange {
    pub title: (Option<Option<String>>, Option<Option<String>>),
    pub body: (Option<Option<String>>, Option<Option<String>>),
    pub tags: Option<Vec<String>>,
    pub topic_ids: Option<Vec<i64>>,
}

/// Edits a discussion's opening at version `expected` (the caller's right to was checked): the
/// languages left out keep their text, at least one language of title and body stays, topics are
/// the space's platform's, the HTML and the search text follow the body; audited. `None` when
/// nothing would change (nothing written).
pub async fn edit_opening(
    db: &impl ConnectionTrait,
    current: &discussion::Model,
    expected: i32,
    change: OpeningChange,
    by: impl Into<Actor>,
    now: DateTime<Utc>,
) -> Result<Option<discussion::Model>, ApiError> {
    let merged = |change: Option<Option<String>>, stored: &str, trim: bool| match change {
        None => stored.to_owned(),
        Some(None) => String::new(),
        Some(Some(s)) if trim => s.trim().to_owned(),
        Some(Some(s)) => s,
    };
    let title = (
        merged(change.title.0, &current.title_ar, true),
        merged(change.title.1, &current.title_en, true),
    );
    let body = (
        merged(change.body.0, &current.body_ar, false),
        merged(change.body.1, &current.body_en, false),
    );
    require_some(&title, "/title")?;
    require_some(&body, "/body")?;
    if let Some(ids) = &change.topic_ids {
        check_topics(db, current.platform_id, ids).await?;
    }
    let mut next = current.clone();
    next.search_text = search_text(&title, &body);
    next.html_ar = render(&body.0, "/body/ar")?;
    next.html_en = render(&body.1, "/body/en")?;
    (next.title_ar, next.title_en) = title;
    (next.body_ar, next.body_en) = body;
    if let Some(tags) = &change.tags {
        next.tags = tags_json(tags);
    }
    if let Some(ids) = &change.topic_ids {
        next.topic_ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    }
    if next == *current {
        return Ok(None);
    }
    let mut m = current.clone().into_active_model();
    m.search_text = Set(next.search_text);
    m.html_ar = Set(next.html_ar);
    m.html_en = Set(next.html_en);
    m.title_ar = Set(next.title_ar);
    m.title_en = Set(next.title_en);
    m.body_ar = Set(next.body_ar);
    m.body_en = Set(next.body_en);
    m.tags = Set(next.tags);
    m.topic_ids = Set(next.topic_ids);
    m.updated_at = Set(now);
    let updated = versioned::save::<discussion::Entity>(db, current.id, expected, m).await?;
    Entry::new(Action::DiscussionUpdate, current.id)
        .updated(current, &updated)
        .platform(current.platform_id)
        .write(db, by, now)
        .await?;
    Ok(Some(updated))
}
