//! The rules of the documents: the checks the handlers share. Who sees and who changes one is
//! `crate::access::DocumentStanding`.

use entity::document;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::{Bilingual, BilingualText, DocumentStatus, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

pub use crate::access::visible_document;

/// What a document is the output of, and who writes it, as a request names them.
pub struct Links {
    pub working_group_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub milestone_id: Option<i64>,
    pub position_paper_id: Option<i64>,
}

fn not_found(pointer: &str, en: &'static str, ar: &'static str) -> ApiError {
    ApiError::field(pointer, "not_found", Text::new(en, ar))
}

/// Checks that what the document links to exists and belongs to its platform: the working
/// group and the paper are the platform's, the activity one it hosts.
pub async fn check_links(
    db: &impl ConnectionTrait,
    platform_id: i64,
    links: &Links,
) -> Result<(), ApiError> {
    if let Some(g) = links.working_group_id {
        let ours = entity::working_group::Entity::find_by_id(g)
            .one(db)
            .await?
            .is_some_and(|g| g.platform_id == platform_id);
        if !ours {
            return Err(not_found(
                "/working_group_id",
                "no working group of this platform has this id",
                "لا توجد مجموعة عمل لهذه المنصة بهذا الرقم",
            ));
        }
    }
    if let Some(a) = links.activity_id {
        use entity::{activity, activity_platform};
        let organised = activity::Entity::find_by_id(a)
            .one(db)
            .await?
            .is_some_and(|a| a.platform_id == Some(platform_id));
        let hosted = organised
            || activity_platform::Entity::find()
                .filter(activity_platform::Column::ActivityId.eq(a))
                .filter(activity_platform::Column::PlatformId.eq(platform_id))
                .count(db)
                .await?
                > 0;
        if !hosted {
            return Err(not_found(
                "/activity_id",
                "no activity this platform hosts has this id",
                "لا يوجد نشاط تستضيفه هذه المنصة بهذا الرقم",
            ));
        }
    }
    if let Some(m) = links.milestone_id
        && entity::milestone::Entity::find_by_id(m)
            .one(db)
            .await?
            .is_none()
    {
        return Err(not_found(
            "/milestone_id",
            "no milestone has this id",
            "لا يوجد معلم بهذا الرقم",
        ));
    }
    if let Some(p) = links.position_paper_id {
        let ours = entity::position_paper::Entity::find_by_id(p)
            .one(db)
            .await?
            .is_some_and(|p| p.platform_id == platform_id);
        if !ours {
            return Err(not_found(
                "/position_paper_id",
                "no position paper of this platform has this id",
                "لا توجد ورقة موقف لهذه المنصة بهذا الرقم",
            ));
        }
    }
    Ok(())
}

/// The stored search key of a document.
pub fn search_text(title: &Bilingual, summary: &BilingualText) -> String {
    search::fold_all([
        title.ar.as_str(),
        title.en.as_str(),
        summary.ar.as_str(),
        summary.en.as_str(),
    ])
}

/// The moves a document makes by hand (its first version makes a planned one a draft), each its
/// platform's managers' alone.
pub fn allowed(from: DocumentStatus, to: DocumentStatus) -> bool {
    use DocumentStatus::*;
    matches!(
        (from, to),
        (Draft, Published) | (Published, Archived) | (Archived, Published)
    )
}

/// 409 `no_version` unless the document has a version to read.
pub async fn require_version(
    db: &impl ConnectionTrait,
    d: &document::Model,
) -> Result<(), ApiError> {
    let held = entity::stored_file::Entity::find()
        .filter(entity::stored_file::Column::DocumentId.eq(d.id))
        .count(db)
        .await?;
    if held > 0 {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::NoVersion,
        Text::new(
            "The document has no version yet: upload one first.",
            "لا نسخة للوثيقة بعد: ارفع نسخة أولًا.",
        ),
    ))
}

/// 409 `not_editable` for an archived document.
pub fn require_not_archived(d: &document::Model) -> Result<(), ApiError> {
    if d.status != DocumentStatus::Archived {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::NotEditable,
        Text::new(
            "An archived document no longer changes; publish it again first.",
            "لا تتغير الوثيقة المؤرشفة؛ أعد نشرها أولًا.",
        ),
    ))
}
