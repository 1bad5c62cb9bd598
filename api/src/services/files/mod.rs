//! Files attached to the programme's work: storing an upload and recording it, reading one back,
//! removing one. The bytes go to the file store first and the row second, so that a row never
//! names bytes that are not there; a write that fails after the bytes are stored removes them,
//! and a removal deletes the bytes once the row's removal has committed. A crash between the
//! two leaves at most bytes no row names, which the orphan sweep removes.

use chrono::{DateTime, Utc};
use entity::stored_file;
use futures_util::Stream;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::audit::{Action, Entry};
use crate::auth::AuthUser;
use crate::domain::BilingualText;
use crate::domain::files::{self, FileType, NameError, Purpose};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::state::AppState;
use crate::storage::PutError;

pub mod resumable;
pub mod scan;

/// Where the store keeps uploads' bytes (a random key each: nothing the client sends names a key).
pub const KEY_PREFIX: &str = "files";

/// What a file is attached to: each parent has a column of its own, removed with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parent {
    /// A workshop (its materials, agenda and minutes).
    Workshop(i64),
    /// A position paper's version (its PDF).
    PaperVersion(i64),
    /// A partnership agreement's step (its documents).
    PartnershipStep(i64),
    /// An activity (its outputs).
    Activity(i64),
    /// A platform (its guides).
    Guides(i64),
    /// A person (their photo).
    Person(i64),
    /// A practice (its attachments and photos).
    Practice(i64),
    /// A document (its versions).
    Document(i64),
}

impl Parent {
    /// The parent a row names.
    pub fn of(row: &stored_file::Model) -> Option<Parent> {
        row.workshop_id
            .map(Parent::Workshop)
            .or(row.paper_version_id.map(Parent::PaperVersion))
            .or(row.partnership_step_id.map(Parent::PartnershipStep))
            .or(row.activity_id.map(Parent::Activity))
            .or(row.guide_platform_id.map(Parent::Guides))
            .or(row.person_id.map(Parent::Person))
            .or(row.practice_id.map(Parent::Practice))
            .or(row.document_id.map(Parent::Document))
    }

    /// The column that names it, and its id.
    pub fn column(self) -> (stored_file::Column, i64) {
        use stored_file::Column as C;
        match self {
            Parent::Workshop(id) => (C::WorkshopId, id),
            Parent::PaperVersion(id) => (C::PaperVersionId, id),
            Parent::PartnershipStep(id) => (C::PartnershipStepId, id),
            Parent::Activity(id) => (C::ActivityId, id),
            Parent::Guides(id) => (C::GuidePlatformId, id),
            Parent::Person(id) => (C::PersonId, id),
            Parent::Practice(id) => (C::PracticeId, id),
            Parent::Document(id) => (C::DocumentId, id),
        }
    }

    /// What it may hold.
    pub fn takes(self, purpose: Purpose) -> bool {
        match self {
            Parent::Workshop(_) => Purpose::OF_WORKSHOPS.contains(&purpose),
            Parent::PaperVersion(_) => purpose == Purpose::PaperPdf,
            Parent::PartnershipStep(_) => purpose == Purpose::StepDocument,
            Parent::Activity(_) => purpose == Purpose::Output,
            Parent::Guides(_) => purpose == Purpose::Guide,
            Parent::Person(_) => purpose == Purpose::Photo,
            Parent::Practice(_) => purpose == Purpose::PracticeFile,
            Parent::Document(_) => purpose == Purpose::Document,
        }
    }

    fn set(self, m: &mut stored_file::ActiveModel) {
        let id = Set(Some(self.column().1));
        match self {
            Parent::Workshop(_) => m.workshop_id = id,
            Parent::PaperVersion(_) => m.paper_version_id = id,
            Parent::PartnershipStep(_) => m.partnership_step_id = id,
            Parent::Activity(_) => m.activity_id = id,
            Parent::Guides(_) => m.guide_platform_id = id,
            Parent::Person(_) => m.person_id = id,
            Parent::Practice(_) => m.practice_id = id,
            Parent::Document(_) => m.document_id = id,
        }
    }
}

/// A parent's files of one kind, or of every kind, from the one after `after`, in the order
/// they were attached (the parent's index), `limit` of them.
pub async fn of_parent(
    db: &impl ConnectionTrait,
    parent: Parent,
    purpose: Option<Purpose>,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<stored_file::Model>, ApiError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let (column, id) = parent.column();
    let mut select = stored_file::Entity::find().filter(column.eq(id));
    if let Some(p) = purpose {
        select = select.filter(stored_file::Column::Purpose.eq(p.as_str()));
    }
    if let Some(after) = after {
        select = select.filter(stored_file::Column::Id.gt(after));
    }
    Ok(select
        .order_by_asc(stored_file::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// What an upload is and where it goes.
pub struct Upload<'a> {
    /// What it is attached to, and the platform it counts against (the parent's).
    pub parent: Parent,
    pub platform_id: Option<i64>,
    /// The name the client gave it.
    pub name: &'a str,
    pub title: BilingualText,
    /// The resumable upload it was sent as, marked finished in the same transaction.
    pub resumable: Option<&'a str>,
}

/// An upload's bytes, stored under a key no row names yet: [`record`] gives it its row, and
/// [`discard`] removes it when the upload is refused.
pub struct Held {
    key: String,
    purpose: Purpose,
    stored: crate::storage::Stored,
}

/// Streams an upload's body to the file store, bounded by its kind's largest size.
pub async fn hold<S, E>(state: &AppState, purpose: Purpose, body: S) -> Result<Held, ApiError>
where
    S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let limit = state.config.files.max_bytes(purpose);
    let key = format!("{KEY_PREFIX}/{}", uuid::Uuid::new_v4().simple());
    let stored = state
        .storage
        .put_stream(&key, body, limit)
        .await
        .map_err(|e| put_error(e, limit))?;
    Ok(Held {
        key,
        purpose,
        stored,
    })
}

/// Removes the bytes of an upload that was refused.
pub async fn discard(state: &AppState, held: Held) {
    if let Err(gone) = state.storage.delete(&held.key).await {
        // The orphan sweep takes it later.
        tracing::warn!(key = held.key, error = %gone, "a refused upload's bytes were not removed");
    }
}

/// Records held bytes as a file, audited (with the feed's entry and the webhooks' messages) in
/// one transaction. Refused, nothing is left: not the bytes, not a row.
pub async fn attach(
    state: &AppState,
    auth: &AuthUser,
    upload: Upload<'_>,
    held: Held,
) -> Result<stored_file::Model, ApiError> {
    match record(state, auth, &upload, &held).await {
        Ok(row) => Ok(row),
        Err(e) => {
            discard(state, held).await;
            Err(e)
        }
    }
}

async fn record(
    state: &AppState,
    auth: &AuthUser,
    upload: &Upload<'_>,
    held: &Held,
) -> Result<stored_file::Model, ApiError> {
    let (purpose, key, stored) = (held.purpose, held.key.as_str(), &held.stored);
    if !upload.parent.takes(purpose) {
        return Err(ApiError::Unexpected(format!(
            "a {} attached to {:?}",
            purpose.as_str(),
            upload.parent
        )));
    }
    let is = type_of(purpose, told(state, key, stored).await)?;
    let name = files::file_name(upload.name, is).map_err(name_error)?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let mut new = stored_file::ActiveModel {
        purpose: Set(purpose.as_str().to_owned()),
        platform_id: Set(upload.platform_id),
        storage_key: Set(key.to_owned()),
        name: Set(name),
        title_ar: Set(upload.title.ar.clone()),
        title_en: Set(upload.title.en.clone()),
        content_type: Set(is.mime.to_owned()),
        size: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
        sha256: Set(crate::services::store::idempotency_keys::hex(
            &stored.sha256,
        )),
        // With a scanner, held until it says clean.
        status: Set(if state.config.clamav.is_some() {
            files::FileStatus::PendingScan
        } else {
            files::FileStatus::Ready
        }
        .as_str()
        .to_owned()),
        scan_after: Set(None),
        uploaded_by: Set(Some(auth.id())),
        created_at: Set(now),
        ..Default::default()
    };
    upload.parent.set(&mut new);
    if let Parent::Document(id) = upload.parent {
        // The next version of the document, numbered under its row's lock.
        let number =
            crate::services::programme::documents::next_version(&txn, id, auth, now).await?;
        new.document_version = Set(Some(number));
    }
    // One at most of a single kind: the one before is replaced (its bytes removed once this
    // has committed).
    let replaced = if purpose.is_single() {
        let before = of_parent(&txn, upload.parent, Some(purpose), None, 10).await?;
        for old in &before {
            let entry = Entry::new(Action::FileDelete, old.id).platform(old.platform_id);
            crate::services::events::delete_row::<stored_file::Entity>(
                &txn, old.id, old, entry, auth, now,
            )
            .await?;
        }
        before
    } else {
        Vec::new()
    };
    let row = new.insert(&txn).await?;
    if let Some(id) = upload.resumable {
        let marked = txn
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                txn.get_database_backend(),
                "UPDATE uploads SET file_id = $1 WHERE id = $2 AND file_id IS NULL",
                [row.id.into(), id.into()],
            ))
            .await?
            .rows_affected();
        if marked != 1 {
            // Another request finished it meanwhile (or it was terminated).
            return Err(ApiError::Problem(
                ProblemCode::ConcurrentChange,
                Text::new(
                    "The upload was finished or removed meanwhile.",
                    "اكتمل الرفع أو أزيل في الأثناء.",
                ),
            ));
        }
    }
    Entry::new(Action::FileCreate, row.id)
        .created(&row)
        .platform(row.platform_id)
        .write(&txn, auth, now)
        .await?;
    state.commit(txn).await?;
    for old in replaced {
        forget(state, &old).await;
    }
    Ok(row)
}

/// Deletes a removed file's bytes (its row's removal has committed); the sweep takes what fails.
async fn forget(state: &AppState, row: &stored_file::Model) {
    if let Err(e) = state.storage.delete(&row.storage_key).await {
        tracing::warn!(file = row.id, error = %e, "a removed file's bytes were not deleted");
    }
}

/// Removes a file's row (audited), then its bytes once that has committed.
pub async fn remove(
    state: &AppState,
    auth: &AuthUser,
    row: stored_file::Model,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let entry = Entry::new(Action::FileDelete, row.id).platform(row.platform_id);
    remove_as(state, row, entry, auth, at).await
}

/// Removes a file's row with its audit entry, then its bytes once that has committed.
async fn remove_as(
    state: &AppState,
    row: stored_file::Model,
    entry: Entry,
    actor: impl Into<crate::audit::Actor>,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    crate::services::events::delete_row::<stored_file::Entity>(
        &txn, row.id, &row, entry, actor, at,
    )
    .await?;
    state.commit(txn).await?;
    forget(state, &row).await;
    Ok(())
}

/// How old bytes no row names must be before the sweep removes them: an upload records its row
/// within moments of its last byte, so an hour is more than any upload in progress needs.
pub const ORPHAN_GRACE_MINUTES: i64 = 60;

/// Removes what no row names and nothing will: bytes whose upload was never recorded (the server
/// stopped between the two, or removing a refused upload's bytes failed), resumable uploads past
/// their expiry with their chunks, and a directory store's staging files of uploads that never
/// finished. Answers how many it removed.
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let before = now - chrono::Duration::minutes(ORPHAN_GRACE_MINUTES);
    let mut removed = sweep_unnamed::<stored_file::Entity>(
        state,
        KEY_PREFIX,
        before,
        stored_file::Column::StorageKey,
    )
    .await?;
    removed += resumable::sweep(state, now).await?;
    removed += state
        .storage
        .remove_abandoned_uploads(before)
        .await
        .map_err(|e| sweep_failed(&e))?;
    if removed > 0 {
        tracing::info!(removed, "the file store's orphans removed");
    }
    Ok(removed)
}

fn sweep_failed(e: &dyn std::fmt::Display) -> ApiError {
    ApiError::Unexpected(format!("the file store's sweep failed: {e}"))
}

/// Removes the objects under `prefix` last written before `before` that no row of `E` names in
/// `column` (its storage key). Answers how many it removed.
async fn sweep_unnamed<E: sea_orm::EntityTrait>(
    state: &AppState,
    prefix: &str,
    before: DateTime<Utc>,
    column: E::Column,
) -> Result<u64, ApiError> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let old: Vec<String> = state
        .storage
        .listed(prefix)
        .await
        .map_err(|e| sweep_failed(&e))?
        .into_iter()
        .filter(|(_, modified)| *modified < before)
        .map(|(key, _)| key)
        .collect();
    let mut removed = 0;
    for batch in old.chunks(500) {
        let named: std::collections::HashSet<String> = E::find()
            .select_only()
            .column(column)
            .filter(column.is_in(batch.iter().cloned()))
            .into_tuple::<String>()
            .all(&state.db)
            .await?
            .into_iter()
            .collect();
        for key in batch.iter().filter(|k| !named.contains(*k)) {
            state
                .storage
                .delete(key)
                .await
                .map_err(|e| sweep_failed(&e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// What the stored bytes are: told from their first bytes, and for a ZIP that those do not
/// tell, from the names its central directory lists (read back from the store's copy: its last
/// bytes, then the directory itself, at most 1 MiB). `None` when nothing tells.
async fn told(state: &AppState, key: &str, stored: &crate::storage::Stored) -> Option<FileType> {
    if let Some(t) = files::sniff(&stored.head) {
        return Some(t);
    }
    if !files::is_zip(&stored.head) {
        return None;
    }
    let read = |range: std::ops::Range<u64>| async move {
        let fetched = state.storage.get(key, Some(range)).await.ok()?;
        let parts: Vec<bytes::Bytes> = futures_util::TryStreamExt::try_collect(fetched.body)
            .await
            .ok()?;
        Some(parts.concat())
    };
    let size = stored.size;
    let tail = read(size.saturating_sub(files::ZIP_TAIL_BYTES)..size).await?;
    let (offset, length) = files::zip_directory(&tail)?;
    if length > 1024 * 1024 || offset + length > size {
        return None;
    }
    let directory = read(offset..offset + length).await?;
    files::ooxml_of(&files::zip_names(&directory))
}

/// The type the bytes are, if the purpose takes it.
fn type_of(purpose: Purpose, is: Option<FileType>) -> Result<FileType, ApiError> {
    let accepted = || {
        purpose
            .types()
            .iter()
            .map(|t| t.label)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match is {
        Some(t) if purpose.types().contains(&t) => Ok(t),
        Some(t) => Err(ApiError::Problem(
            ProblemCode::UnsupportedMediaType,
            Text::new(
                format!("A {} is not taken here. Accepted: {}.", t.label, accepted()),
                format!(
                    "لا يُقبل هنا ملف من نوع {}. المقبول: {}.",
                    t.label,
                    accepted()
                ),
            ),
        )),
        None => Err(ApiError::Problem(
            ProblemCode::UnsupportedMediaType,
            Text::new(
                format!(
                    "The file's content is not of a type taken here (told from its bytes, not \
                     its name). Accepted: {}.",
                    accepted()
                ),
                format!(
                    "محتوى الملف ليس من نوع مقبول هنا (يُعرف النوع من محتواه لا من اسمه). المقبول: {}.",
                    accepted()
                ),
            ),
        )),
    }
}

fn name_error(e: NameError) -> ApiError {
    let (en, ar) = match e {
        NameError::Empty => (
            "The file's name is empty.".to_owned(),
            "اسم الملف فارغ.".to_owned(),
        ),
        NameError::TooLong => (
            format!(
                "The file's name is longer than {} characters.",
                files::MAX_NAME_CHARS
            ),
            format!(
                "اسم الملف أطول من \u{2066}{}\u{2069} محرفًا.",
                files::MAX_NAME_CHARS
            ),
        ),
        NameError::Control => (
            "The file's name holds a control character.".to_owned(),
            "اسم الملف يحوي محرف تحكم.".to_owned(),
        ),
        NameError::Misnamed { named } => (
            format!(
                "The file's name ends as a {}'s, but its content is not one: rename it.",
                named.label
            ),
            format!(
                "امتداد اسم الملف امتداد {} ومحتواه ليس كذلك: غيّر اسمه.",
                named.label
            ),
        ),
    };
    ApiError::field("/name", "file_name", Text::new(en, ar))
}

fn too_large(limit: u64) -> ApiError {
    ApiError::Problem(
        ProblemCode::PayloadTooLarge,
        Text::new(
            format!("The file is larger than {limit} bytes."),
            format!("الملف أكبر من \u{2066}{limit}\u{2069} بايت."),
        ),
    )
}

fn put_error(e: PutError, limit: u64) -> ApiError {
    match e {
        PutError::TooLarge { .. } => too_large(limit),
        PutError::Body(reason) => ApiError::Problem(
            ProblemCode::BadRequest,
            Text::new(
                format!("The upload broke off before its end ({reason})."),
                "انقطع الرفع قبل اكتماله.".to_owned(),
            ),
        ),
        PutError::Store(e) => {
            tracing::error!(error = %e, "the file store refused an upload");
            ApiError::Unavailable(Text::new(
                "The file store does not answer.",
                "مخزن الملفات لا يستجيب.",
            ))
        }
    }
}

/// What one platform's files take in the store.
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct Usage {
    pub platform_id: i64,
    pub slug: String,
    pub files: i64,
    pub bytes: i64,
    pub pending_scan: i64,
    pub uploads_in_progress: i64,
    pub uploading_bytes: i64,
}

/// Every platform's storage use after platform `after`, `limit` of them, by platform: one
/// statement, its files and unfinished resumable uploads summed by their platform index.
pub async fn usage(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<Usage>, ApiError> {
    use sea_orm::FromQueryResult;
    Ok(Usage::find_by_statement(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT p.id AS platform_id, p.slug, \
                COALESCE(f.files, 0) AS files, COALESCE(f.bytes, 0) AS bytes, \
                COALESCE(f.pending_scan, 0) AS pending_scan, \
                COALESCE(u.uploads, 0) AS uploads_in_progress, \
                COALESCE(u.received, 0) AS uploading_bytes \
         FROM platforms p \
         LEFT JOIN (SELECT platform_id, COUNT(*) AS files, CAST(SUM(size) AS BIGINT) AS bytes, \
                           CAST(SUM(CASE WHEN status = 'pending_scan' THEN 1 ELSE 0 END) AS BIGINT) \
                             AS pending_scan \
                    FROM files GROUP BY platform_id) f ON f.platform_id = p.id \
         LEFT JOIN (SELECT platform_id, COUNT(*) AS uploads, CAST(SUM(received) AS BIGINT) AS received \
                    FROM uploads WHERE file_id IS NULL GROUP BY platform_id) u \
                ON u.platform_id = p.id \
         WHERE p.id > $1 ORDER BY p.id LIMIT $2",
        [after.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
    ))
    .all(db)
    .await?)
}

/// What the files of no platform take (an agreement step's documents, people's photos, the
/// union's own activities' outputs).
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct UnionUsage {
    pub files: i64,
    pub bytes: i64,
    pub pending_scan: i64,
}

/// The storage use of the files that count against no platform, in one statement (the platform
/// index finds them).
pub async fn union_usage(db: &impl ConnectionTrait) -> Result<UnionUsage, ApiError> {
    use sea_orm::FromQueryResult;
    UnionUsage::find_by_statement(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes, \
                CAST(COALESCE(SUM(CASE WHEN status = $1 THEN 1 ELSE 0 END), 0) AS BIGINT) \
                  AS pending_scan \
         FROM files WHERE platform_id IS NULL",
        [files::FileStatus::PendingScan.as_str().into()],
    ))
    .one(db)
    .await?
    .ok_or_else(|| ApiError::Unexpected("a count answered no row".into()))
}
