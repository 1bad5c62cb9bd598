use actix_web::{HttpResponse, post, web};
use entity::milestone;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{MilestoneResponse, insert_milestone};
use crate::auth::AuthUser;
use crate::domain::{Bilingual, BilingualText};
use crate::error::{ApiError, ProblemCode};
use crate::extract::ValidatedJson;
use crate::i18n::Text;
use crate::state::AppState;

/// The seven milestones of `000`'s transition framework, in order: name and what its activities
/// do (Arabic as written; English ours).
pub const TEMPLATE: [(&str, &str, &str, &str); 7] = [
    (
        "مرحلة التخطيط",
        "Planning",
        "7 أنشطة - اجتماعات ومشاورات مع مسؤولي السلطة المحلية لمناقشة الفرص والقيمة المضافة والتحديات التي تواجه إنشاء مكاتب فنية، بالإضافة إلى التحقق من الالتزام؛ وتقييم الاحتياجات لتحديد حجم المكتب الفني المرتقب وتكوينه؛ وتحديد الإجراء الأنسب لإنشاء المكتب الفني؛ والإنشاء الرسمي للمكتب، ربما من خلال اتفاق رسمي مع شريك في التنمية.",
        "7 activities: meetings and consultations with the local authority's officials on the opportunities, added value and challenges of setting up technical offices, and checking their commitment; a needs assessment to size and compose the office; choosing how to set it up; and its formal establishment, possibly by an agreement with a development partner.",
    ),
    (
        "مرحلة التأسيس",
        "Establishment",
        "5 أنشطة - ضمان مساحة عمل مناسبة للمكتب الفني؛ وعملية التوظيف والاختيار؛ والإعداد والتعريف باستخدام مجموعة أدوات استدامة المكتب الفني الحالية؛ وتقييم القدرات الأساسية لتحديد الكفاءات ذات الأولوية المطلوب تطويرها.",
        "5 activities: a suitable workspace for the office; recruitment and selection; onboarding with the existing technical-office sustainability toolkit; and a baseline capacity assessment to find the competencies to develop first.",
    ),
    (
        "خطة تنمية القدرات",
        "Capacity development plan",
        "6 أنشطة - تقديم حزمة تدريبية تبني مجموعة مهارات أساسية للمكاتب الفنية، وتتألف من الموضوعات التالية: (1) القوانين واللوائح البلدية، و(2) تطوير الاقتراح، و(3) تحسين الإيرادات، و(4) النزاهة، والمساءلة، والحوكمة التشاركية، و(5) إدارة الأداء، و(6) التخطيط الاستراتيجي.",
        "6 activities: a training package building the offices' core skills: (1) municipal laws and by-laws, (2) proposal development, (3) revenue enhancement, (4) integrity, accountability and participatory governance, (5) performance management, (6) strategic planning.",
    ),
    (
        "حملة توعويّة",
        "Awareness campaign",
        "نشاطان - إطلاق حملة تسليط الضوء على زيادة وعي مسؤولي السلطة المحلية والمجتمع المدني وشركاء التنمية بالقيمة المضافة للمكاتب الفنية؛ وبناء مهارات إدارة وسائل التواصل الاجتماعي لدى موظفي المكتب الفني للترويج لعملهم.",
        "2 activities: a spotlight campaign raising the awareness of local officials, civil society and development partners of the offices' added value; and social-media skills for the office's staff to promote their work.",
    ),
    (
        "التشبيك وجمع التبرعات",
        "Networking and fundraising",
        "3 أنشطة - ربط المكاتب الفنيّة مع بعضها البعض لتشكيل شبكة نشطة وجماعات مواضيعية من الممارسين؛ وتطوير علاقات متميزة مع الجهات المانحة؛ وتطوير العلاقات مع الجهات الفاعلة في المجتمع المحلي.",
        "3 activities: linking the technical offices into an active network and thematic communities of practice; building strong relations with donors; and with local community actors.",
    ),
    (
        "تطوير الكفاءات المتخصصة",
        "Specialised competencies",
        "نشاط عام (يتكوّن من عدة أنشطة حسب الحاجة) - تقديم تدريب تقني متقدم للمكاتب الفنيّة استناداً إلى فجوات الكفاءة المحددة ويسترشد باستراتيجية تنمية القدرات ومصفوفتها.",
        "One general activity (several as needed): advanced technical training for the offices, based on the competency gaps found and guided by the capacity-development strategy and matrix.",
    ),
    (
        "مرحلة التسليم والخروج",
        "Handover and exit",
        "3 أنشطة - ضمان التسليم السلس من خلال جعل كلا الطرفين (السلطة المحلية وشريك التنمية) متوافقين مع الخطوات والأهداف للحفاظ على المكتب الفني إلى مرحلة ما بعد اتفاقيّة الشراكة. وتنفيذ إجراءات الاحتفاظ بالموظفين.",
        "3 activities: a smooth handover, with both sides (the local authority and the development partner) agreed on the steps and goals that keep the office beyond the partnership agreement; and staff-retention measures.",
    ),
];

/// The programme to load the template for.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    #[validate(
        length(min = 2, max = 80),
        custom(function = "crate::domain::validate_slug")
    )]
    #[schema(
        example = "technical-offices",
        min_length = 2,
        max_length = 80,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub programme: String,
}

/// The milestones a template made.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct TemplateResponse {
    #[schema(max_items = 7)]
    pub items: Vec<MilestoneResponse>,
}

/// Loads the seven milestones of `000` for a programme that has none yet (admins); a programme
/// that already has milestones → 409, so that nothing is loaded twice.
#[utoipa::path(
    tag = "milestones",
    request_body = TemplateRequest,
    responses(
        (status = 201, body = TemplateResponse),
        (status = 409, description = "The programme already has milestones", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/milestones/template")]
pub async fn load_milestone_template(
    auth: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<TemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let req = body.into_inner()?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let existing = milestone::Entity::find()
        .filter(milestone::Column::Programme.eq(req.programme.as_str()))
        .one(&txn)
        .await?;
    if existing.is_some() {
        return Err(ApiError::Problem(
            ProblemCode::Duplicate,
            Text::new(
                "This programme already has milestones.",
                "لهذا البرنامج مراحل مرجعية من قبل.",
            ),
        ));
    }
    for (rank, (name_ar, name_en, summary_ar, summary_en)) in TEMPLATE.iter().enumerate() {
        insert_milestone(
            &txn,
            &auth,
            &req.programme,
            rank as i32 + 1,
            Bilingual {
                ar: (*name_ar).to_owned(),
                en: (*name_en).to_owned(),
            },
            BilingualText::new(*summary_ar, *summary_en),
            now,
        )
        .await?;
    }
    let items = milestone::Entity::find()
        .filter(milestone::Column::Programme.eq(req.programme.as_str()))
        .order_by_asc(milestone::Column::Rank)
        .all(&txn)
        .await?;
    state.commit(txn).await?;
    Ok(HttpResponse::Created().json(TemplateResponse {
        items: items.into_iter().map(MilestoneResponse::from).collect(),
    }))
}
