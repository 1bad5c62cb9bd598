//! Who may see and who may change the files of each kind of parent: a file is as visible as what
//! it is attached to, and changed by whoever changes that.
//!
//! | parent | sees its files | attaches and removes |
//! |---|---|---|
//! | workshop | whoever sees the workshop | its platform's managers |
//! | paper version | whoever sees the paper; a draft's, its editors | its editors, until the paper is adopted |
//! | partnership step | signed-in people (as the agreement) | the agreements' managers |
//! | activity | anyone (as the activity) | its platform's managers (the union's: administrators) |
//! | platform (guides) | anyone | its managers |
//! | person (photo) | signed-in people | the person |
//! | practice | whoever sees the practice | its editors, until it is archived |
//! | document (its versions) | whoever sees the document | its authors and its platform's managers, until it is archived |

use entity::{partnership_step, position_paper_version, stored_file};
use sea_orm::ConnectionTrait;

use crate::access::{Standing, require_agreement_manager, require_manager_of};
use crate::access::{visible_document, visible_paper, visible_practice};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{DocumentStatus, PaperStatus, PracticeStatus};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use crate::services::files::Parent;

/// A file the caller may see (its parent's visibility), or 404 (401 to an anonymous caller,
/// for what only signed-in people see).
pub(crate) async fn visible_file(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<stored_file::Model, ApiError> {
    let f = find_or_404::<stored_file::Entity>(db, id).await?;
    let parent = Parent::of(&f).ok_or_else(ApiError::not_found)?;
    sees(db, auth, parent).await?;
    Ok(f)
}

/// Ok when the caller may see the parent's files; 404 when not (401 to an anonymous caller,
/// for what only signed-in people see).
pub(crate) async fn sees(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    parent: Parent,
) -> Result<(), ApiError> {
    match parent {
        Parent::Workshop(id) => crate::access::visible_workshop(db, auth, id)
            .await
            .map(|_| ()),
        Parent::PaperVersion(id) => {
            let v = find_or_404::<position_paper_version::Entity>(db, id).await?;
            let (paper, standing) = visible_paper(db, auth, v.paper_id).await?;
            // A draft's PDF is for its editors alone.
            if paper.status == PaperStatus::Draft && !standing.edits() {
                return Err(ApiError::not_found());
            }
            Ok(())
        }
        Parent::PartnershipStep(id) => {
            auth.ok_or_else(ApiError::unauthenticated)?;
            find_or_404::<partnership_step::Entity>(db, id)
                .await
                .map(|_| ())
        }
        Parent::Activity(id) => find_or_404::<entity::activity::Entity>(db, id)
            .await
            .map(|_| ()),
        Parent::Guides(id) => find_or_404::<entity::platform::Entity>(db, id)
            .await
            .map(|_| ()),
        Parent::Person(id) => {
            auth.ok_or_else(ApiError::unauthenticated)?;
            find_or_404::<entity::user::Entity>(db, id)
                .await
                .map(|_| ())
        }
        Parent::Practice(id) => visible_practice(db, auth, id).await.map(|_| ()),
        Parent::Document(id) => visible_document(db, auth, id).await.map(|_| ()),
    }
}

/// Ok with the platform the parent's files count against, when the caller may attach files to
/// it and remove them; 404 when they may not see it, 403 (or 409 for an adopted paper's
/// version) when they may see it but not change it.
pub(crate) async fn changes(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    parent: Parent,
) -> Result<Option<i64>, ApiError> {
    match parent {
        Parent::Workshop(id) => {
            let (w, _) = crate::access::visible_workshop(db, Some(auth), id).await?;
            Standing::of_manager(db, auth, w.platform_id).await?;
            Ok(Some(w.platform_id))
        }
        Parent::PaperVersion(id) => {
            let v = find_or_404::<position_paper_version::Entity>(db, id).await?;
            let (paper, standing) = visible_paper(db, Some(auth), v.paper_id).await?;
            standing.require_editor()?;
            if !matches!(paper.status, PaperStatus::Draft | PaperStatus::InReview) {
                return Err(ApiError::Problem(
                    ProblemCode::NotEditable,
                    Text::new(
                        "The paper is adopted: its versions' PDFs no longer change.",
                        "اعتُمدت الورقة: لم تعد ملفات PDF لنسخها قابلة للتغيير.",
                    ),
                ));
            }
            Ok(Some(paper.platform_id))
        }
        Parent::PartnershipStep(id) => {
            find_or_404::<partnership_step::Entity>(db, id).await?;
            require_agreement_manager(db, auth).await?;
            Ok(None)
        }
        Parent::Activity(id) => {
            let a = find_or_404::<entity::activity::Entity>(db, id).await?;
            require_manager_of(db, auth, a.platform_id).await?;
            Ok(a.platform_id)
        }
        Parent::Guides(id) => {
            find_or_404::<entity::platform::Entity>(db, id).await?;
            Standing::of_manager(db, auth, id).await?;
            Ok(Some(id))
        }
        Parent::Person(id) => {
            if id != auth.id() || auth.key.is_some() {
                return Err(ApiError::Problem(
                    ProblemCode::Forbidden,
                    Text::new(
                        "Only the person themselves changes their photo.",
                        "لا يغيّر الصورة الشخصية إلا صاحبها.",
                    ),
                ));
            }
            Ok(None)
        }
        Parent::Practice(id) => {
            let (p, standing) = visible_practice(db, Some(auth), id).await?;
            standing.require_editor()?;
            if p.status == PracticeStatus::Archived {
                return Err(ApiError::Problem(
                    ProblemCode::NotEditable,
                    Text::new(
                        "An archived practice no longer changes; publish it again first.",
                        "لا تتغير الممارسة المؤرشفة؛ أعد نشرها أولًا.",
                    ),
                ));
            }
            Ok(Some(p.platform_id))
        }
        Parent::Document(id) => {
            let (d, standing) = visible_document(db, Some(auth), id).await?;
            standing.require_editor()?;
            if d.status == DocumentStatus::Archived {
                return Err(ApiError::Problem(
                    ProblemCode::NotEditable,
                    Text::new(
                        "An archived document no longer changes; publish it again first.",
                        "لا تتغير الوثيقة المؤرشفة؛ أعد نشرها أولًا.",
                    ),
                ));
            }
            Ok(Some(d.platform_id))
        }
    }
}
