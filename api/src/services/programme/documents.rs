//! Documents: a new version numbered under the document's lock (its first moving a planned
//! document to draft), and each read of a version counted.

use chrono::{DateTime, Utc};
use entity::document;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};

use crate::audit::{Action, Actor, Entry};
use crate::domain::DocumentStatus;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// Takes the next version number of document `id` for a file being recorded, in the caller's
/// transaction: the document's row is locked, its latest version and its `ETag` move on, and a
/// planned document becomes a draft. Audited as the document's update.
pub async fn next_version(
    db: &impl ConnectionTrait,
    id: i64,
    by: impl Into<Actor>,
    now: DateTime<Utc>,
) -> Result<i32, ApiError> {
    let before = crate::db::lock::<document::Entity>(db, id).await?;
    if before.status == DocumentStatus::Archived {
        // Archived while the upload was on its way.
        return Err(ApiError::Problem(
            ProblemCode::NotEditable,
            Text::new(
                "An archived document no longer changes; publish it again first.",
                "لا تتغير الوثيقة المؤرشفة؛ أعد نشرها أولًا.",
            ),
        ));
    }
    let number = before.current_version + 1;
    let mut m = before.clone().into_active_model();
    m.current_version = Set(number);
    if before.status == DocumentStatus::Planned {
        m.status = Set(DocumentStatus::Draft);
    }
    m.version = Set(before.version + 1);
    m.updated_at = Set(now);
    let after = m.update(db).await?;
    Entry::new(Action::DocumentUpdate, id)
        .updated(&before, &after)
        .platform(before.platform_id)
        .write(db, by, now)
        .await?;
    Ok(number)
}

/// Counts one read of a version of document `id` (one statement; the counter is not part of
/// the document's `ETag`, as a workshop's seat count is not part of its own).
pub async fn count_download(db: &impl ConnectionTrait, id: i64) -> Result<(), ApiError> {
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE documents SET download_count = download_count + 1 WHERE id = $1",
        [id.into()],
    ))
    .await?;
    Ok(())
}
