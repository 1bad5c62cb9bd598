//! The rules of the practices: the checks and derived values the handlers share. Who sees and
//! who changes one is `crate::access::PracticeStanding`.

use entity::practice;
use sea_orm::ConnectionTrait;

use super::model::PracticeText;
use crate::auth::AuthUser;
use crate::domain::{PracticeStatus, search};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

pub use crate::access::{PracticeStanding, contacts, visible_practice};

/// A JSON list as stored.
pub fn stored<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Tags and targets trimmed, each once, in the order given.
pub fn distinct(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for item in list.iter().map(|t| t.trim().to_owned()) {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The text of a practice as stored.
pub fn text_of(p: &practice::Model) -> PracticeText {
    use crate::domain::{Bilingual, BilingualText};
    PracticeText {
        title: Bilingual {
            ar: p.title_ar.clone(),
            en: p.title_en.clone(),
        },
        summary: BilingualText::new(p.summary_ar.clone(), p.summary_en.clone()),
        problem: BilingualText::new(p.problem_ar.clone(), p.problem_en.clone()),
        approach: BilingualText::new(p.approach_ar.clone(), p.approach_en.clone()),
        results: BilingualText::new(p.results_ar.clone(), p.results_en.clone()),
        costs: BilingualText::new(p.costs_ar.clone(), p.costs_en.clone()),
        partners: BilingualText::new(p.partners_ar.clone(), p.partners_en.clone()),
        duration_months: p.duration_months,
        contact_ids: contacts(p),
        sdg_targets: serde_json::from_str(&p.sdg_targets).unwrap_or_default(),
        tags: serde_json::from_str(&p.tags).unwrap_or_default(),
    }
}

/// Writes a text into a practice's row (its search key with it).
pub fn set_text(m: &mut practice::ActiveModel, t: &PracticeText) {
    use sea_orm::Set;
    m.title_ar = Set(t.title.ar.clone());
    m.title_en = Set(t.title.en.clone());
    m.summary_ar = Set(t.summary.ar.clone());
    m.summary_en = Set(t.summary.en.clone());
    m.problem_ar = Set(t.problem.ar.clone());
    m.problem_en = Set(t.problem.en.clone());
    m.approach_ar = Set(t.approach.ar.clone());
    m.approach_en = Set(t.approach.en.clone());
    m.results_ar = Set(t.results.ar.clone());
    m.results_en = Set(t.results.en.clone());
    m.costs_ar = Set(t.costs.ar.clone());
    m.costs_en = Set(t.costs.en.clone());
    m.partners_ar = Set(t.partners.ar.clone());
    m.partners_en = Set(t.partners.en.clone());
    m.duration_months = Set(t.duration_months);
    m.contact_ids = Set(stored(&t.contact_ids));
    m.sdg_targets = Set(stored(&t.sdg_targets));
    m.tags = Set(stored(&t.tags));
    let mut words: Vec<&str> = vec![
        t.title.ar.as_str(),
        t.title.en.as_str(),
        t.summary.ar.as_str(),
        t.summary.en.as_str(),
    ];
    words.extend(t.tags.iter().map(String::as_str));
    m.search_text = Set(search::fold_all(words));
}

/// Checks that the contact people are active people; answers them deduplicated.
pub async fn check_contacts(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<i64>, ApiError> {
    crate::db::check_people(db, ids, "/contact_ids").await
}

/// Checks that the topic (when given) is one of the platform's.
pub async fn check_topic(
    db: &impl ConnectionTrait,
    platform_id: i64,
    topic_id: Option<i64>,
) -> Result<(), ApiError> {
    use sea_orm::EntityTrait;
    let Some(t) = topic_id else { return Ok(()) };
    let ours = entity::topic::Entity::find_by_id(t)
        .one(db)
        .await?
        .is_some_and(|t| t.platform_id == platform_id);
    if ours {
        return Ok(());
    }
    Err(ApiError::field(
        "/topic_id",
        "not_found",
        Text::new(
            "no topic of this platform has this id",
            "لا يوجد موضوع لهذه المنصة بهذا الرقم",
        ),
    ))
}

/// The authority a person asks or records for: 403 `no_local_authority` without one.
pub fn own_authority(auth: &AuthUser) -> Result<i64, ApiError> {
    auth.user.local_authority_id.ok_or_else(|| {
        ApiError::Problem(
            ProblemCode::NoLocalAuthority,
            Text::new(
                "Only people of a local authority ask to learn a practice.",
                "يطلب تعلّم الممارسة أشخاص من هيئة محلية فقط.",
            ),
        )
    })
}

/// 409 `practice_not_published` unless others may learn it now (it is published or archived).
pub fn require_shared(p: &practice::Model, archived_too: bool) -> Result<(), ApiError> {
    let shared = p.status == PracticeStatus::Published
        || (archived_too && p.status == PracticeStatus::Archived);
    if shared {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::PracticeNotPublished,
        Text::new(
            "The practice is not published: it cannot be learned yet.",
            "الممارسة غير منشورة: لا يمكن تعلّمها بعد.",
        ),
    ))
}

/// 409 `own_practice` when the authority is the one that shared the practice.
pub fn require_other_authority(p: &practice::Model, authority: i64) -> Result<(), ApiError> {
    if p.local_authority_id != authority {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::OwnPractice,
        Text::new(
            "This authority shared the practice itself.",
            "هذه الهيئة هي صاحبة الممارسة.",
        ),
    ))
}

/// 403 unless the caller may record that `authority` adopted the practice: its editors and its
/// platform's managers, and the people of that authority.
pub fn require_recorder(
    standing: PracticeStanding,
    auth: &AuthUser,
    authority: i64,
) -> Result<(), ApiError> {
    if standing.edits() || auth.user.local_authority_id == Some(authority) {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::Forbidden,
        Text::new(
            "A replication is recorded by the adopting authority's people or the practice's.",
            "يسجّل تبنّي الممارسة أشخاص الهيئة المتبنية أو أصحاب الممارسة.",
        ),
    ))
}

/// The moves a practice makes, and whether they are its managers' alone.
pub fn allowed(from: PracticeStatus, to: PracticeStatus) -> Option<bool> {
    use PracticeStatus::*;
    match (from, to) {
        (Draft, Submitted) | (Submitted, Draft) => Some(false),
        (Submitted, Published) | (Published, Archived) | (Archived, Published) => Some(true),
        _ => None,
    }
}
