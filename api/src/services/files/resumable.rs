//! Resumable uploads (tus 1.0: core, creation, termination, checksum, expiration). An upload is
//! announced with its length; its bytes arrive in chunks, each appended where the last ended,
//! and a chunk cut off by a dropping connection keeps what arrived, so the client resumes from
//! there. Each chunk is an object of its own in the file store and counts once its row commits
//! with the upload's new offset (two clients sending the same chunk at once: one counts, the
//! other is told the offset moved). When the last byte arrives the chunks are joined into one
//! file, told its type from its bytes and recorded as an upload sent whole would be, in the same
//! transaction that marks the upload finished. An upload left unfinished is removed with its
//! chunks once it expires.

use chrono::{DateTime, Utc};
use entity::{upload, upload_part};
use futures_util::{Stream, StreamExt, TryStreamExt};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    Statement,
};

use super::{Held, Upload};
use crate::auth::AuthUser;
use crate::domain::BilingualText;
use crate::domain::files::{self, NameError, Purpose};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::state::AppState;

/// Where the store keeps chunks: `uploads/{upload}/{first byte}-{random}`.
pub const KEY_PREFIX: &str = "uploads";

/// What a client announces.
pub struct Announcement<'a> {
    pub purpose: Purpose,
    pub workshop_id: i64,
    pub platform_id: Option<i64>,
    pub name: &'a str,
    pub title: BilingualText,
    pub length: u64,
}

/// A checksum algorithm a chunk may be checked with (tus's checksum extension: `sha1` is
/// required of every server, `sha256` is what this programme's clients send).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
}

impl Algorithm {
    /// Every algorithm, as `Tus-Checksum-Algorithm` lists them.
    pub const ALL: &'static [Algorithm] = &[Algorithm::Sha256, Algorithm::Sha1];

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
        }
    }

    pub fn parse(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// A chunk's expected checksum (`Upload-Checksum`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checksum {
    pub algorithm: Algorithm,
    pub digest: Vec<u8>,
}

/// Where an upload stands after a chunk.
pub struct Appended {
    pub upload: upload::Model,
    /// The file it became, when that chunk was its last.
    pub file: Option<entity::stored_file::Model>,
}

/// Records an announced upload; nothing is stored yet. Refuses what could never be taken: a
/// length past the purpose's largest size, a name that is no file name.
pub async fn announce(
    state: &AppState,
    auth: &AuthUser,
    a: Announcement<'_>,
) -> Result<upload::Model, ApiError> {
    let limit = state.config.files.max_bytes(a.purpose);
    if a.length > limit {
        return Err(super::too_large(limit));
    }
    if a.length == 0 {
        return Err(ApiError::Problem(
            ProblemCode::InvalidParameter,
            Text::new(
                "Upload-Length is 0: an empty file is no material.",
                "قيمة Upload-Length صفر: الملف الفارغ ليس مادة.",
            ),
        ));
    }
    // The name is checked again against the type the bytes turn out to be; here only what no
    // type can mend (a PDF stands in for the type).
    match files::file_name(a.name, files::PDF) {
        Ok(_) | Err(NameError::Misnamed { .. }) => {}
        Err(e) => return Err(super::name_error(e)),
    }
    let now = state.clock.now();
    let row = upload::ActiveModel {
        id: Set(uuid::Uuid::new_v4().simple().to_string()),
        purpose: Set(a.purpose.as_str().to_owned()),
        workshop_id: Set(a.workshop_id),
        platform_id: Set(a.platform_id),
        name: Set(a.name.to_owned()),
        title_ar: Set(a.title.ar),
        title_en: Set(a.title.en),
        length: Set(i64::try_from(a.length).unwrap_or(i64::MAX)),
        received: Set(0),
        created_by: Set(auth.id()),
        file_id: Set(None),
        expires_at: Set(now + chrono::Duration::hours(state.config.files.resumable_hours)),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok(row)
}

/// The caller's upload (through a key: one the key's platforms reach): another's, or one that
/// does not exist, is 404; one that expired is 410.
pub async fn own(state: &AppState, auth: &AuthUser, id: &str) -> Result<upload::Model, ApiError> {
    let row = upload::Entity::find_by_id(id.to_owned())
        .one(&state.db)
        .await?
        // A key limited to other platforms does not reach its creator's upload here.
        .filter(|u| u.created_by == auth.id() && u.platform_id.is_none_or(|p| auth.reaches(p)))
        .ok_or_else(ApiError::not_found)?;
    if row.file_id.is_none() && row.expires_at <= state.clock.now() {
        return Err(ApiError::Problem(
            ProblemCode::UploadExpired,
            Text::new(
                "The upload expired before it was finished: start it again.",
                "انتهت مهلة الرفع قبل اكتماله: ابدأه من جديد.",
            ),
        ));
    }
    Ok(row)
}

/// Appends a chunk at `offset`, which must be where the upload stands. A chunk cut off keeps
/// what arrived; a chunk whose checksum does not match keeps nothing (460). When the chunk is
/// the last, the upload becomes a file (its type told from its bytes; bytes of a type not
/// taken remove the upload); a client whose last chunk was kept but whose file was not made
/// (the store failed) sends an empty chunk at the end to try again.
pub async fn append<S, E>(
    state: &AppState,
    auth: &AuthUser,
    row: upload::Model,
    offset: u64,
    checksum: Option<Checksum>,
    body: S,
) -> Result<Appended, ApiError>
where
    S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let length = u64::try_from(row.length).unwrap_or(0);
    let received = u64::try_from(row.received).unwrap_or(0);
    if row.file_id.is_some() || offset != received {
        return Err(offset_mismatch(received));
    }
    let row = if received < length {
        store_chunk(state, row, received, length, checksum, body).await?
    } else {
        row
    };
    if row.received < row.length {
        return Ok(Appended {
            upload: row,
            file: None,
        });
    }
    let file = match finish(state, auth, &row).await {
        Ok(file) => file,
        // Bytes that can never be a file here (not a type taken, misnamed): the upload goes
        // with them. When the store or the database failed, it stays, to be finished again.
        Err(
            e @ (ApiError::Validation(_)
            | ApiError::Problem(
                ProblemCode::UnsupportedMediaType
                | ProblemCode::ValidationError
                | ProblemCode::PayloadTooLarge,
                _,
            )),
        ) => {
            terminate(state, row).await?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    // Marked finished with the file, in the file's transaction.
    Ok(Appended {
        upload: upload::Model {
            file_id: Some(file.id),
            ..row
        },
        file: Some(file),
    })
}

/// Stores a chunk and counts it: the upload as it then stands (as it stood, when the chunk was
/// empty).
async fn store_chunk<S, E>(
    state: &AppState,
    row: upload::Model,
    received: u64,
    length: u64,
    checksum: Option<Checksum>,
    body: S,
) -> Result<upload::Model, ApiError>
where
    S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    use sha1::Digest as _;
    let key = format!(
        "{KEY_PREFIX}/{}/{received:016}-{}",
        row.id,
        uuid::Uuid::new_v4().simple()
    );
    let sha1 = std::cell::RefCell::new(sha1::Sha1::new());
    let body = body.inspect(|chunk| {
        if let Ok(bytes) = chunk {
            sha1.borrow_mut().update(bytes);
        }
    });
    let remaining = length - received;
    let (stored, broke) = state
        .storage
        .put_stream_keeping(&key, body, remaining)
        .await
        .map_err(|e| match e {
            // Past the announced length: the whole chunk is refused.
            crate::storage::PutError::TooLarge { .. } => ApiError::Problem(
                ProblemCode::PayloadTooLarge,
                Text::new(
                    format!("The chunk goes past the upload's announced length ({length} bytes)."),
                    format!("الجزء يتجاوز الطول المعلن للرفع (\u{2066}{length}\u{2069} بايت)."),
                ),
            ),
            other => super::put_error(other, remaining),
        })?;
    if stored.size == 0 {
        return match broke {
            Some(_) => Err(broke_off()),
            None => Ok(row),
        };
    }
    if let Some(expected) = checksum {
        // A chunk cut off cannot match the checksum of the whole chunk: nothing of it is kept.
        let digest = match expected.algorithm {
            Algorithm::Sha256 => stored.sha256.to_vec(),
            Algorithm::Sha1 => sha1.into_inner().finalize().to_vec(),
        };
        if broke.is_some() || digest != expected.digest {
            forget(state, &key).await;
            return Err(ApiError::Problem(
                ProblemCode::ChecksumMismatch,
                Text::new(
                    format!(
                        "The chunk's {} is not the one Upload-Checksum gives: nothing of it \
                         was kept, send it again.",
                        expected.algorithm.name()
                    ),
                    format!(
                        "قيمة {} للجزء لا تطابق Upload-Checksum: لم يُحفظ منه شيء، أرسله من جديد.",
                        expected.algorithm.name()
                    ),
                ),
            ));
        }
    }
    let size = i64::try_from(stored.size).unwrap_or(i64::MAX);
    let first = i64::try_from(received).unwrap_or(i64::MAX);
    let counted = count_chunk(state, &row.id, first, size, &key).await;
    match counted {
        Ok(true) => {}
        Ok(false) => {
            forget(state, &key).await;
            let now = upload::Entity::find_by_id(row.id.clone())
                .one(&state.db)
                .await?
                .ok_or_else(ApiError::not_found)?;
            return Err(offset_mismatch(u64::try_from(now.received).unwrap_or(0)));
        }
        Err(e) => {
            forget(state, &key).await;
            return Err(e);
        }
    }
    Ok(upload::Model {
        received: first + size,
        ..row
    })
}

/// Counts a stored chunk: its row and the upload's new offset in one transaction, only if the
/// upload still stands where the chunk began. Answers whether it counted.
async fn count_chunk(
    state: &AppState,
    id: &str,
    first: i64,
    size: i64,
    key: &str,
) -> Result<bool, ApiError> {
    let txn = crate::db::begin(&state.db).await?;
    let backend = txn.get_database_backend();
    let moved = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE uploads SET received = received + $1 \
             WHERE id = $2 AND received = $3 AND file_id IS NULL",
            [size.into(), id.into(), first.into()],
        ))
        .await?
        .rows_affected();
    if moved != 1 {
        return Ok(false);
    }
    upload_part::ActiveModel {
        upload_id: Set(id.to_owned()),
        first_byte: Set(first),
        size: Set(size),
        storage_key: Set(key.to_owned()),
    }
    .insert(&txn)
    .await?;
    state.commit(txn).await?;
    Ok(true)
}

/// Joins a whole upload's chunks into one file and records it; the upload is marked finished in
/// the same transaction, and its chunks are removed once that has committed.
async fn finish(
    state: &AppState,
    auth: &AuthUser,
    row: &upload::Model,
) -> Result<entity::stored_file::Model, ApiError> {
    let purpose = Purpose::parse(&row.purpose)
        .ok_or_else(|| ApiError::Unexpected(format!("an upload of purpose {}", row.purpose)))?;
    let parts = upload_part::Entity::find()
        .filter(upload_part::Column::UploadId.eq(row.id.clone()))
        .order_by_asc(upload_part::Column::FirstByte)
        .all(&state.db)
        .await?;
    let mut next = 0;
    for p in &parts {
        if p.first_byte != next {
            return Err(ApiError::Unexpected(format!(
                "upload {}: a chunk begins at {} where {next} was expected",
                row.id, p.first_byte
            )));
        }
        next += p.size;
    }
    let storage = state.storage.clone();
    let keys: Vec<String> = parts.iter().map(|p| p.storage_key.clone()).collect();
    let joined = futures_util::stream::iter(keys.clone())
        .then(move |key| {
            let storage = storage.clone();
            async move { storage.get(&key, None).await.map(|f| f.body) }
        })
        .try_flatten();
    let held: Held = super::hold(state, purpose, Box::pin(joined)).await?;
    let file = super::attach(
        state,
        auth,
        Upload {
            parent: super::Parent::Workshop(row.workshop_id),
            platform_id: row.platform_id,
            name: &row.name,
            title: BilingualText {
                ar: row.title_ar.clone(),
                en: row.title_en.clone(),
            },
            resumable: Some(&row.id),
        },
        held,
    )
    .await?;
    for key in keys {
        forget(state, &key).await;
    }
    Ok(file)
}

/// Removes an upload and its chunks (tus's termination), finished or not.
pub async fn terminate(state: &AppState, row: upload::Model) -> Result<(), ApiError> {
    let parts = upload_part::Entity::find()
        .filter(upload_part::Column::UploadId.eq(row.id.clone()))
        .all(&state.db)
        .await?;
    upload::Entity::delete_by_id(row.id.clone())
        .exec(&state.db)
        .await?;
    for p in parts {
        forget(state, &p.storage_key).await;
    }
    Ok(())
}

/// Removes uploads past their expiry, finished or not (a finished one's file stays), with their
/// chunks, and the chunks no upload names (a chunk stored when the server stopped before
/// counting it) once they are older than the orphan grace. Answers how many objects it removed.
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let expired = upload::Entity::find()
        .filter(upload::Column::ExpiresAt.lt(now))
        .all(&state.db)
        .await?;
    for row in expired {
        terminate(state, row).await?;
    }
    let before = now - chrono::Duration::minutes(super::ORPHAN_GRACE_MINUTES);
    super::sweep_unnamed::<upload_part::Entity>(
        state,
        KEY_PREFIX,
        before,
        upload_part::Column::StorageKey,
    )
    .await
}

async fn forget(state: &AppState, key: &str) {
    if let Err(e) = state.storage.delete(key).await {
        // The sweep takes it later.
        tracing::warn!(key, error = %e, "a chunk's bytes were not removed");
    }
}

fn offset_mismatch(received: u64) -> ApiError {
    ApiError::Problem(
        ProblemCode::OffsetMismatch,
        Text::new(
            format!(
                "The upload stands at byte {received}: ask where with HEAD and send from there."
            ),
            format!(
                "الرفع عند البايت \u{2066}{received}\u{2069}: اسأل عن الموضع بطلب HEAD وأرسل منه."
            ),
        ),
    )
}

fn broke_off() -> ApiError {
    ApiError::Problem(
        ProblemCode::BadRequest,
        Text::new(
            "The chunk broke off before its first byte.",
            "انقطع الجزء قبل أول بايت منه.",
        ),
    )
}
