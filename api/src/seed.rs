//! The programme's reference data, from `shared/seeds/` (001, 003, 004): the eight platforms with
//! their launches and ranked priority topics, the Gaza platform's four axes, the innovation
//! platform's open-source GIS topics, and the four task forces; then what a second reading adds
//! (`load_reread`) and the activities the sources name (`load_activities`). Each is loaded once,
//! in one transaction; a marker row in `seed_runs` keeps later starts from loading
//! it again, so edits made through the API are never overwritten.
//!
//! Arabic is as written in the sources, including their spelling (e.g. "الاستراتجيات",
//! "بالأراض", "بيت الهيئات"); English is our translation.
//!
//! Village councils: the PDF layout of `003` scrambles the regional sections. Its headings
//! stand apart from the blocks they title ("منطقة الجنوب" sits after the Ramallah block,
//! "منطقة الوسط" above the Nablus block, "منطقة الشمال" at the end with no block). We assign each
//! block by the city that launched it, which the text gives unambiguously: Nablus (21 Sep 2019)
//! is the north, Ramallah (29 Jan 2020) the center, Hebron (26 Feb 2020) the south. This also
//! agrees with `001`, whose village-council topics (September 2019) are the Nablus block's.
//!
//! Work-plan periods are not in the sources: we label each plan by its launch year and the
//! next (`2019-2020` for the 2019 launches, `2020` for the 2020 regional launches,
//! `2020-2021` for innovation, `2020` for Gaza, whose guide is from 2020).
//!
//! Task forces: `004` gives 6 members from 6 authorities (financial experts) and 13 from 13
//! (inclusion and gender), i.e. one member per authority; we record that as their maximum per
//! authority. The SDG task force (15 from 13) and the international partnerships one (14
//! authorities, no member count) have no such limit.

use chrono::NaiveDate;
use entity::{platform, seed_run, task_force, topic, work_plan, work_plan_axis};

use crate::domain::{
    ActivityKind, PlatformKind, PlatformStatus, TaskForceStatus, WorkPlanStatus, WorkshopStatus,
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, Set};

use crate::domain::search;

/// The name of this data set in `seed_runs`.
pub const PROGRAMME_SEED: &str = "programme-2026-01";

struct Launch {
    on: (i32, u32, u32),
    city_ar: &'static str,
    city_en: &'static str,
    attendance: Option<i32>,
}

struct PlatformSeed {
    slug: &'static str,
    parent: Option<&'static str>,
    name: (&'static str, &'static str),
    description: (&'static str, &'static str),
    audience: (&'static str, &'static str),
    launch: Option<Launch>,
    launch_authorities: Option<i32>,
    period: &'static str,
    axes: &'static [(&'static str, &'static str)],
    topics: &'static [(&'static str, &'static str)],
}

const PLATFORMS: &[PlatformSeed] = &[
    PlatformSeed {
        slug: "public-relations",
        parent: None,
        name: ("منصة العلاقات العامة", "Public Relations Platform"),
        description: (
            "يعمل مدراء العلاقات العامة في الهيئات المحلية الأعضاء في المنصة على تبادل الخبرات حول عدة مواضيع متخصصة هدفها بناء قدرات العاملين في مجال العلاقات العامة، وتعزيز وسائل التواصل والتشبيك، وأهمية وسبل الاتصال والتواصل الاستراتيجي إضافة إلى الخطط الاستراتيجية في مجال الإعلام.",
            "Public relations managers of member local authorities exchange experience on specialised topics: building the capacity of PR staff, strengthening communication and networking, strategic communication, and media strategies.",
        ),
        audience: (
            "مسؤولي الاتصال والعلاقات العامة في هيئات الحكم المحلي",
            "Communication and public relations officers of local government units",
        ),
        launch: Some(Launch {
            on: (2019, 9, 18),
            city_ar: "رام الله",
            city_en: "Ramallah",
            attendance: Some(55),
        }),
        launch_authorities: None,
        period: "2019-2020",
        axes: &[],
        topics: &[
            (
                "بناء القدرات: تشمل البروتوكولات وكتابة المقترحات والخطاب العام ووسائل التواصل الاجتماعي والمحتويات الرقمية ومراجعة وسائط المشاريع وإدارة الأحداث.",
                "Capacity building: protocols, proposal writing, public speaking, social media and digital content, project media review and event management.",
            ),
            (
                "التشبيك: تسويق المدينة والبلدة ؛ التواصل مع هيئات الحكم المحلي الأخرى ؛ التواصل مع المانحين والمنظمات الداعمة.",
                "Networking: city and town marketing; outreach to other local government units; outreach to donors and supporting organisations.",
            ),
            (
                "الاتصال والتواصل بين الهيئات المحلية والمواطنين",
                "Communication between local authorities and citizens",
            ),
            (
                "التواصل والاستراتجيات العامة",
                "Communication and general strategies",
            ),
            (
                "الإعلام وأهداف التنمية المستدامة",
                "Media and the Sustainable Development Goals",
            ),
        ],
    },
    PlatformSeed {
        slug: "financial-management",
        parent: None,
        name: ("منصة الإدارة المالية", "Financial Management Platform"),
        description: (
            "يتركز عمل منصة المدراء الماليين حول تطوير موازنات الهيئات المحلية والرقابة عليها وتعزيز آليتها، البحث عن مصادر للإيرادات، والتحليل المالي ودراسة التكاليف، وتفعيل المشاريع الاستثمارية بالشراكة مع القطاع الخاص.",
            "The financial managers' platform works on developing and controlling local authority budgets, finding revenue sources, financial analysis and cost studies, and investment projects in partnership with the private sector.",
        ),
        audience: (
            "المدراء الماليين في البلديات",
            "Financial managers of municipalities",
        ),
        launch: Some(Launch {
            on: (2019, 10, 15),
            city_ar: "رام الله",
            city_en: "Ramallah",
            attendance: Some(40),
        }),
        launch_authorities: None,
        period: "2019-2020",
        axes: &[],
        topics: &[
            (
                "البحث عن مصادر إيرادات جديدة",
                "Finding new revenue sources",
            ),
            (
                "التحليل المالي ودراسة التكاليف حسب مركز التكلفة",
                "Financial analysis and cost study by cost centre",
            ),
            (
                "الموازنات: إعدادها والرقابة عليها وزيادة فعاليتها وتطوير آلية المصادقة عليها",
                "Budgets: preparation, control, effectiveness and a better approval process",
            ),
            (
                "تعزيز إجراءات مكافحة الفساد وتوعية الهيئات المحلية بهذا الموضوع",
                "Strengthening anti-corruption procedures and raising local authorities' awareness of them",
            ),
            (
                "تفعيل المشاريع الاستثمارية من خلال الشراكة مع القطاع الخاص",
                "Activating investment projects through partnership with the private sector",
            ),
        ],
    },
    PlatformSeed {
        slug: "engineering-planning",
        parent: None,
        name: ("منصة الهندسة والتخطيط", "Engineering and Planning Platform"),
        description: (
            "تهدف المنصة لرفع قدرات أعضاءها وتعزيز أدائهم في مواضيع هندسية وتخطيطية من خلال عرض تجارب وخبرات محلية",
            "Raises its members' capacity and performance in engineering and planning by presenting local experience.",
        ),
        audience: (
            "المهندسين والمخططين في الهيئات المحلية",
            "Engineers and planners of local authorities",
        ),
        launch: Some(Launch {
            on: (2019, 9, 16),
            city_ar: "رام الله",
            city_en: "Ramallah",
            attendance: None,
        }),
        launch_authorities: None,
        period: "2019-2020",
        axes: &[],
        topics: &[
            ("إدارة المشاريع", "Project management"),
            (
                "نظم المعلومات الجغرافية : يتمثل بنشاط مشترك مع منصة الابتكار",
                "Geographic information systems: a joint activity with the innovation platform",
            ),
            (
                "التخطيط الحضري ومشاريع إعادة تقسيم الأراضي في المناطق المسماة “ج”",
                "Urban planning and land readjustment projects in so-called Area C",
            ),
            ("قانون التنظيم والبناء", "The planning and building law"),
            (
                "أهداف التنمية المستدامة، الهدف 11 – المدن المستدامة",
                "Sustainable Development Goals, goal 11 – sustainable cities",
            ),
        ],
    },
    PlatformSeed {
        slug: "village-councils",
        parent: None,
        name: ("منصة المجالس القروية", "Village Councils Platform"),
        description: (
            "تستهدف هذه المنصة بشكل رئيسي المجالس القروية من جميع أنحاء الضفة الغربية من أجل دعمها وبناء قدراتها وتقوية أدائها وتعزيز علاقتها بالمواطنين.",
            "Targets village councils across the West Bank to support them, build their capacity, strengthen their performance and their relations with citizens. It works by region (north, center, south).",
        ),
        audience: ("رؤساء المجالس القروية", "Heads of village councils"),
        launch: None,
        launch_authorities: None,
        period: "",
        axes: &[],
        topics: &[],
    },
    PlatformSeed {
        slug: "village-councils-north",
        parent: Some("village-councils"),
        name: (
            "منصة المجالس القروية – منطقة الشمال",
            "Village Councils Platform – North",
        ),
        description: (
            "المجالس القروية في شمال الضفة الغربية.",
            "Village councils of the northern West Bank.",
        ),
        audience: ("رؤساء المجالس القروية", "Heads of village councils"),
        launch: Some(Launch {
            on: (2019, 9, 21),
            city_ar: "نابلس",
            city_en: "Nablus",
            attendance: None,
        }),
        launch_authorities: None,
        period: "2019-2020",
        axes: &[],
        topics: &[
            (
                "تحسين الإيرادات المالية للمجالس القروية",
                "Improving village councils' revenues",
            ),
            (
                "تحسين العلاقات مع المواطنين",
                "Improving relations with citizens",
            ),
            (
                "تقييم ودراسة الجدوى الاقتصادية",
                "Economic feasibility assessment and studies",
            ),
            (
                "التحديات والأنظمة الخاصة بالأراض",
                "Land challenges and regulations",
            ),
            ("النفايات الصلبة", "Solid waste"),
        ],
    },
    PlatformSeed {
        slug: "village-councils-center",
        parent: Some("village-councils"),
        name: (
            "منصة المجالس القروية – منطقة الوسط",
            "Village Councils Platform – Center",
        ),
        description: (
            "المجالس القروية في وسط الضفة الغربية.",
            "Village councils of the central West Bank.",
        ),
        audience: ("رؤساء المجالس القروية", "Heads of village councils"),
        launch: Some(Launch {
            on: (2020, 1, 29),
            city_ar: "رام الله",
            city_en: "Ramallah",
            attendance: None,
        }),
        launch_authorities: None,
        period: "2020",
        axes: &[],
        topics: &[
            (
                "تحسين القدرة المالية في المجالس القروية",
                "Improving village councils' financial capacity",
            ),
            (
                "تحسين العلاقات مع المواطنين",
                "Improving relations with citizens",
            ),
            (
                "تحديات البناء والتخطيط الرئيسي",
                "Building and master-planning challenges",
            ),
            (
                "العمل في المناطق المسماة “ج”",
                "Working in so-called Area C",
            ),
            ("إدارة النفايات الصلبة", "Solid waste management"),
        ],
    },
    PlatformSeed {
        slug: "village-councils-south",
        parent: Some("village-councils"),
        name: (
            "منصة المجالس القروية – منطقة الجنوب",
            "Village Councils Platform – South",
        ),
        description: (
            "المجالس القروية في جنوب الضفة الغربية.",
            "Village councils of the southern West Bank.",
        ),
        audience: ("رؤساء المجالس القروية", "Heads of village councils"),
        launch: Some(Launch {
            on: (2020, 2, 26),
            city_ar: "الخليل",
            city_en: "Hebron",
            attendance: None,
        }),
        launch_authorities: None,
        period: "2020",
        axes: &[],
        topics: &[
            (
                "تحسين العلاقات مع المواطنين وتوعية مجتمعية",
                "Improving relations with citizens and community awareness",
            ),
            ("ميزانيات مقروءة", "Readable budgets"),
            (
                "تحسين القدرة المالية في المجالس القروية",
                "Improving village councils' financial capacity",
            ),
            (
                "تحديد وتطوير العلاقة بين المجالس القروية",
                "Defining and developing relations between village councils",
            ),
            (
                "التوعية بسياسات الاتحاد الفلسطيني للهيئات المحلية",
                "Awareness of the Association of Palestinian Local Authorities' policies",
            ),
            (
                "العمل في المناطق المسماة “ج”",
                "Working in so-called Area C",
            ),
        ],
    },
    PlatformSeed {
        slug: "innovation",
        parent: None,
        name: ("منصة الإبداع والابتكار", "Creativity and Innovation Platform"),
        description: (
            "تم تصميم هذه المنصة لمشاركة الأفكار والمشاريع المبتكرة التي تنفذها الهيئات المحلية بهدف تعميم الفائدة وتبادل الخبرات حولها، وذلك من خلال إدخال أدوات وطرق وأساليب جديدة تزيد من كفاءة عمل الهيئات المحلية.",
            "Shares the innovative ideas and projects of local authorities by introducing new tools, methods and approaches that make them more efficient. Its first idea is open-source geographic information systems.",
        ),
        audience: ("هيئات الحكم المحلي", "Local government units"),
        launch: Some(Launch {
            on: (2020, 10, 29),
            city_ar: "الخليل",
            city_en: "Hebron",
            attendance: None,
        }),
        launch_authorities: None,
        period: "2020-2021",
        axes: &[],
        topics: &[
            (
                "إدارة البيانات الكادسترائية في قواعد البيانات المكانية",
                "Managing cadastral data in spatial databases",
            ),
            (
                "استغلال نظم المعلومات الجغرافية في تطبيقات الشؤون البلدية",
                "Using GIS in municipal applications",
            ),
            (
                "كيفية إنشاء نظام المعلومات الجغرافية في البلديات",
                "How to set up a GIS in a municipality",
            ),
        ],
    },
    PlatformSeed {
        slug: "gaza",
        parent: None,
        name: ("منصة قطاع غزة", "Gaza Strip Platform"),
        description: (
            "تهدف هذه المنصة لتعزيز تبادل الخبرات والمعرفة بيت الهيئات المحلية في قطاع غزة في المواضيع التقنية المستجدة والتي تحتاج إلى مشورة ونقاش وبالتالي تحسين استجابتها وأدائها وخدماتها المقدمة للمواطنين.",
            "Strengthens the exchange of experience among the local authorities of the Gaza Strip on new technical topics, improving their responsiveness and services. It works in four axes.",
        ),
        audience: (
            "الهيئات المحلية في قطاع غزة",
            "Local authorities of the Gaza Strip",
        ),
        launch: None,
        launch_authorities: Some(25),
        period: "2020",
        axes: &[
            ("العلاقات العامة", "Public relations"),
            ("منصة الهندسة والتخطيط", "Engineering and planning"),
            ("الإدارة المالية", "Financial management"),
            ("الإبداع والإبتكار", "Creativity and innovation"),
        ],
        topics: &[],
    },
    PlatformSeed {
        slug: "sdgs",
        parent: None,
        name: (
            "منصة أهداف التنمية المستدامة",
            "Sustainable Development Goals Platform",
        ),
        description: (
            "منصة لتبادل الخبرات حول توطين أهداف التنمية المستدامة في الهيئات المحلية.",
            "Exchange of experience on localising the Sustainable Development Goals in local authorities.",
        ),
        audience: ("موظفو الهيئات المحلية", "Local authority staff"),
        launch: None,
        launch_authorities: None,
        period: "",
        axes: &[],
        topics: &[],
    },
    PlatformSeed {
        slug: "inclusion",
        parent: None,
        name: ("منصة الإدماج والشمول", "Inclusion Platform"),
        description: (
            "منصة لتبادل الخبرات حول الإدماج والشمول في عمل الهيئات المحلية.",
            "Exchange of experience on inclusion in the work of local authorities.",
        ),
        audience: ("موظفو الهيئات المحلية", "Local authority staff"),
        launch: None,
        launch_authorities: None,
        period: "",
        axes: &[],
        topics: &[],
    },
];

struct TaskForceSeed {
    slug: &'static str,
    name: (&'static str, &'static str),
    mandate: (&'static str, &'static str),
    members: Option<i32>,
    authorities: Option<i32>,
    max_per_authority: Option<i32>,
}

const TASK_FORCES: &[TaskForceSeed] = &[
    TaskForceSeed {
        slug: "financial-experts",
        name: ("فريق عمل الخبراء الماليين", "Financial Experts Task Force"),
        mandate: (
            "يعمل على تقديم حلول واقعية لتحسين الإدارة المالية.",
            "Offers practical solutions to improve financial management.",
        ),
        members: Some(6),
        authorities: Some(6),
        max_per_authority: Some(1),
    },
    TaskForceSeed {
        slug: "inclusion-gender",
        name: (
            "فريق عمل الشمول والنوع الاجتماعي",
            "Inclusion and Gender Task Force",
        ),
        mandate: (
            "يركز على إدماج مبادئ الشمول والمساواة في السياسات المحلية.",
            "Mainstreams inclusion and equality principles in local policies.",
        ),
        members: Some(13),
        authorities: Some(13),
        max_per_authority: Some(1),
    },
    TaskForceSeed {
        slug: "sdg-localization",
        name: (
            "فريق عمل توطين أهداف التنمية المستدامة",
            "SDG Localization Task Force",
        ),
        mandate: (
            "يقود جهود دمج أهداف التنمية المستدامة في الخطط المحلية.",
            "Leads the integration of the Sustainable Development Goals into local plans.",
        ),
        members: Some(15),
        authorities: Some(13),
        max_per_authority: None,
    },
    TaskForceSeed {
        slug: "international-partnerships",
        name: (
            "فريق عمل الشراكات الدولية والتعاون اللامركزي",
            "International Partnerships and Decentralized Cooperation Task Force",
        ),
        mandate: (
            "الفريق المساند للاتحاد في تنفيذ برنامجه لمأسسة التوأمة وتعزيز الحضور الدولي للبلديات",
            "Supports the union's programme to institutionalise twinning and strengthen municipalities' international presence.",
        ),
        members: None,
        authorities: Some(14),
        max_per_authority: None,
    },
];

/// Loads the programme's data unless it was loaded before.
pub async fn load(db: &DatabaseConnection) -> Result<(), DbErr> {
    if applied(db, PROGRAMME_SEED).await? {
        return Ok(());
    }
    let txn = crate::db::begin(db).await?;
    let now = chrono::Utc::now();
    let mut ids: Vec<(&str, i64)> = Vec::new();
    for p in PLATFORMS {
        let parent_id = p
            .parent
            .and_then(|slug| ids.iter().find(|(s, _)| *s == slug).map(|(_, id)| *id));
        let launched_on = p
            .launch
            .as_ref()
            .and_then(|l| NaiveDate::from_ymd_opt(l.on.0, l.on.1, l.on.2));
        let created = platform::ActiveModel {
            slug: Set(p.slug.to_owned()),
            name_ar: Set(p.name.0.to_owned()),
            name_en: Set(p.name.1.to_owned()),
            kind: Set(if p.parent.is_some() {
                PlatformKind::Regional
            } else {
                PlatformKind::Thematic
            }),
            parent_id: Set(parent_id),
            description_ar: Set(p.description.0.to_owned()),
            description_en: Set(p.description.1.to_owned()),
            audience_ar: Set(p.audience.0.to_owned()),
            audience_en: Set(p.audience.1.to_owned()),
            launched_on: Set(launched_on),
            launch_city_ar: Set(p.launch.as_ref().map(|l| l.city_ar.to_owned())),
            launch_city_en: Set(p.launch.as_ref().map(|l| l.city_en.to_owned())),
            launch_attendance: Set(p.launch.as_ref().and_then(|l| l.attendance)),
            launch_authority_count: Set(p.launch_authorities),
            status: Set(PlatformStatus::Active),
            time_zone: Set(if p.slug == "gaza" || p.parent == Some("gaza") {
                "Asia/Gaza".to_owned()
            } else {
                crate::domain::zone::DEFAULT_TIME_ZONE.to_owned()
            }),
            search_text: Set(search::platform_search_text(p.name, p.description)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        ids.push((p.slug, created.id));
        if p.period.is_empty() {
            continue;
        }
        let plan = work_plan::ActiveModel {
            platform_id: Set(created.id),
            period: Set(p.period.to_owned()),
            title_ar: Set(format!("خطة عمل {}", p.name.0)),
            title_en: Set(format!("{} work plan", p.name.1)),
            status: Set(WorkPlanStatus::Approved),
            approved_at: Set(Some(now)),
            approved_by: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (rank, (ar, en)) in p.axes.iter().enumerate() {
            work_plan_axis::ActiveModel {
                work_plan_id: Set(plan.id),
                rank: Set(rank as i32 + 1),
                name_ar: Set((*ar).to_owned()),
                name_en: Set((*en).to_owned()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        for (rank, (ar, en)) in p.topics.iter().enumerate() {
            topic::ActiveModel {
                work_plan_id: Set(plan.id),
                platform_id: Set(created.id),
                axis_id: Set(None),
                rank: Set(rank as i32 + 1),
                title_ar: Set((*ar).to_owned()),
                title_en: Set((*en).to_owned()),
                search_text: Set(search::fold_all([*ar, *en])),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    for t in TASK_FORCES {
        task_force::ActiveModel {
            slug: Set(t.slug.to_owned()),
            name_ar: Set(t.name.0.to_owned()),
            name_en: Set(t.name.1.to_owned()),
            mandate_ar: Set(t.mandate.0.to_owned()),
            mandate_en: Set(t.mandate.1.to_owned()),
            target_members: Set(t.members),
            target_authorities: Set(t.authorities),
            max_members_per_authority: Set(t.max_per_authority),
            status: Set(TaskForceStatus::Active),
            search_text: Set(search::fold_all([
                t.name.0,
                t.name.1,
                t.mandate.0,
                t.mandate.1,
            ])),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    mark_applied(txn, PROGRAMME_SEED, now).await
}

/// The name of the launch-meetings data set in `seed_runs`.
pub const LAUNCH_WORKSHOPS_SEED: &str = "launch-workshops-2026-01";

/// Records each platform's launch meeting (from the sources) as a completed workshop, once.
/// The sources give dates, cities and attendance but no hours: we record 10:00–13:00 in the
/// city's zone (Asia/Hebron) and say so in the description.
pub async fn load_launch_workshops(db: &DatabaseConnection) -> Result<(), DbErr> {
    use entity::{workshop, workshop_platform};
    use sea_orm::{ColumnTrait, QueryFilter};
    if applied(db, LAUNCH_WORKSHOPS_SEED).await? {
        return Ok(());
    }
    let txn = crate::db::begin(db).await?;
    let now = chrono::Utc::now();
    let launched = platform::Entity::find()
        .filter(platform::Column::LaunchedOn.is_not_null())
        .all(&txn)
        .await?;
    for p in launched {
        let Some(day) = p.launched_on else { continue };
        let tz: chrono_tz::Tz = p.time_zone.parse().unwrap_or(chrono_tz::Asia::Hebron);
        let at = |h: u32| {
            day.and_hms_opt(h, 0, 0)
                .and_then(|t| chrono::TimeZone::from_local_datetime(&tz, &t).single())
                .map(|t| t.with_timezone(&chrono::Utc))
        };
        let (Some(starts), Some(ends)) = (at(10), at(13)) else {
            continue;
        };
        let title = (
            format!("ورشة إطلاق {}", p.name_ar),
            format!("Launch workshop of the {}", p.name_en),
        );
        let description = (
            "ورشة العمل التحضيرية التي أُطلقت فيها المنصة وأُعدت خطة عملها. الساعة غير مذكورة في المصادر.",
            "The preparatory workshop that launched the platform and drafted its work plan. The sources do not give the hour.",
        );
        let saved = workshop::ActiveModel {
            platform_id: Set(p.id),
            topic_id: Set(None),
            activity_id: Set(None),
            kind: Set(ActivityKind::SpecializedWorkshop),
            title_ar: Set(title.0.clone()),
            title_en: Set(title.1.clone()),
            search_text: Set(search::workshop_search_text(
                (&title.0, &title.1),
                (description.0, description.1),
            )),
            description_ar: Set(description.0.to_owned()),
            description_en: Set(description.1.to_owned()),
            starts_at: Set(starts),
            ends_at: Set(ends),
            time_zone: Set(tz.name().to_owned()),
            venue_city: Set(p.launch_city_ar.clone()),
            venue_city_en: Set(p.launch_city_en.clone().unwrap_or_default()),
            venue_address: Set(Some(String::new())),
            online_url: Set(None),
            capacity: Set(None),
            registered_count: Set(0),
            registration_opens_at: Set(None),
            registration_closes_at: Set(None),
            status: Set(WorkshopStatus::Completed),
            is_public: Set(true),
            check_in_code: Set("LAUNCH".to_owned()),
            sequence: Set(0),
            reported_attendance: Set(p.launch_attendance),
            minutes_ar: Set(String::new()),
            minutes_en: Set(String::new()),
            outcomes_ar: Set("تحديد المواضيع ذات الأولوية وإعداد خطة عمل المنصة.".to_owned()),
            outcomes_en: Set(
                "Priority topics agreed and the platform's work plan drafted.".to_owned(),
            ),
            reminder_sent_at: Set(None),
            created_by: Set(None),
            host_ids: Set(p.id.to_string()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        workshop_platform::ActiveModel {
            workshop_id: Set(saved.id),
            platform_id: Set(p.id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    mark_applied(txn, LAUNCH_WORKSHOPS_SEED, now).await
}

/// The name of the second reading of the sources in `seed_runs`.
pub const REREAD_SEED: &str = "programme-2026-11-reread";

/// The five platforms of the programme's second phase, which `001` says were launched in the last
/// quarter of 2019 (with preparatory workshops that drew up each one's work plan).
const SECOND_PHASE: [&str; 5] = [
    "public-relations",
    "engineering-planning",
    "financial-management",
    "village-councils",
    "innovation",
];

/// The innovation platform's first idea (`003`), under which its three topics sit.
const INNOVATION_FIRST_IDEA: (&str, &str) = (
    "نظم المعلومات الجغرافية مفتوحة المصدر",
    "Open-source geographic information systems",
);

/// What a second reading of the sources adds to the first load (issue 15): the launch quarter of
/// the second phase's five platforms (`001`), Gaza as a region of its own rather than a theme
/// (`003`: created "to cover a wider geographic area", 25 municipalities in four axes), and the
/// innovation platform's first idea as the axis of its topics. Applied once, in one transaction,
/// after `load`; a platform edited through the API since it was loaded (its version is past 1),
/// or a topic already placed under an axis, is left as it is.
pub async fn load_reread(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    if applied(db, REREAD_SEED).await? {
        return Ok(());
    }
    let txn = crate::db::begin(db).await?;
    let now = chrono::Utc::now();
    let untouched = |slug: &'static str| {
        platform::Entity::find()
            .filter(platform::Column::Slug.eq(slug))
            .filter(platform::Column::Version.eq(1))
            .one(&txn)
    };
    let bump = |p: platform::Model| {
        let version = p.version + 1;
        let mut m: platform::ActiveModel = p.into();
        m.version = Set(version);
        m.updated_at = Set(now);
        m
    };
    for slug in SECOND_PHASE {
        if let Some(p) = untouched(slug).await?
            && p.launch_quarter.is_none()
        {
            let mut m = bump(p);
            m.launch_quarter = Set(Some("2019-Q4".to_owned()));
            m.update(&txn).await?;
        }
    }
    if let Some(p) = untouched("gaza").await?
        && p.kind == PlatformKind::Thematic
        && p.parent_id.is_none()
    {
        let mut m = bump(p);
        m.kind = Set(PlatformKind::Regional);
        m.update(&txn).await?;
    }
    let innovation = platform::Entity::find()
        .filter(platform::Column::Slug.eq("innovation"))
        .one(&txn)
        .await?;
    let plan = match innovation {
        Some(p) => {
            work_plan::Entity::find()
                .filter(work_plan::Column::PlatformId.eq(p.id))
                .order_by_asc(work_plan::Column::Id)
                .one(&txn)
                .await?
        }
        None => None,
    };
    if let Some(plan) = plan {
        let has_axes = work_plan_axis::Entity::find()
            .filter(work_plan_axis::Column::WorkPlanId.eq(plan.id))
            .one(&txn)
            .await?
            .is_some();
        if !has_axes {
            let axis = work_plan_axis::ActiveModel {
                work_plan_id: Set(plan.id),
                rank: Set(1),
                name_ar: Set(INNOVATION_FIRST_IDEA.0.to_owned()),
                name_en: Set(INNOVATION_FIRST_IDEA.1.to_owned()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            topic::Entity::update_many()
                .col_expr(
                    topic::Column::AxisId,
                    sea_orm::sea_query::Expr::value(axis.id),
                )
                .filter(topic::Column::WorkPlanId.eq(plan.id))
                .filter(topic::Column::AxisId.is_null())
                .exec(&txn)
                .await?;
        }
    }
    mark_applied(txn, REREAD_SEED, now).await
}

/// The name in `seed_runs` of the activities the sources name beside the platforms' topics.
pub const ACTIVITIES_SEED: &str = "programme-2026-11-activities";

/// An activity a source names: (organising platform, other hosts, kind, title, rationale as the
/// source words it, responsible party).
struct ActivitySeed {
    platform: &'static str,
    other_hosts: &'static [&'static str],
    kind: ActivityKind,
    title: (&'static str, &'static str),
    rationale: (&'static str, &'static str),
    responsible_party: &'static str,
}

/// Engineering & planning's two guides (`001`), the GIS topic it shares with innovation (`001`,
/// `003`: "يتمثل بنشاط مشترك مع منصة الابتكار"), and Hebron's bilateral GIS exchange (`003`).
/// Activities of the platforms as a whole: the sources name no working group for them.
const SOURCE_ACTIVITIES: &[ActivitySeed] = &[
    ActivitySeed {
        platform: "engineering-planning",
        other_hosts: &[],
        kind: ActivityKind::Guide,
        title: (
            "دليل حول \"إدارة المشاريع الاحترافية\"",
            "A guide to \"professional project management\"",
        ),
        rationale: (ENGINEERING_GUIDES.0, ENGINEERING_GUIDES.1),
        responsible_party: "أعضاء منصة الهندسة والتخطيط",
    },
    ActivitySeed {
        platform: "engineering-planning",
        other_hosts: &[],
        kind: ActivityKind::Guide,
        title: (
            "دليل عام حول \"الهندسة والتخطيط\"",
            "A general guide to \"engineering and planning\"",
        ),
        rationale: (ENGINEERING_GUIDES.0, ENGINEERING_GUIDES.1),
        responsible_party: "أعضاء منصة الهندسة والتخطيط",
    },
    ActivitySeed {
        platform: "engineering-planning",
        other_hosts: &["innovation"],
        kind: ActivityKind::JointActivity,
        title: (
            "نظم المعلومات الجغرافية: نشاط مشترك مع منصة الابتكار",
            "Geographic information systems: a joint activity with the innovation platform",
        ),
        rationale: (
            "اتفق أعضاء منصة الهندسة والتخطيط أن يتم تنظيم ورشات عمل لتبادل الخبرات فيما بينهم حول نظم المعلومات الجغرافية GIS.",
            "The members of the engineering & planning platform agreed to hold workshops to exchange experience on geographic information systems (GIS).",
        ),
        responsible_party: "منصة الهندسة والتخطيط ومنصة الابتكار",
    },
    ActivitySeed {
        platform: "innovation",
        other_hosts: &[],
        kind: ActivityKind::PeerExchange,
        title: (
            "مشاركة بلدية الخليل تجربتها في بناء نظام معلومات جغرافية مع بلديات محافظتي الخليل وبيت لحم بشكل ثنائي",
            "Hebron municipality shares, one to one, its experience of building a geographic information system with municipalities of the Hebron and Bethlehem governorates",
        ),
        rationale: (
            "وستعمل بلدية الخليل من خلال منصة نظم المعلومات الجغرافية مفتوحة المصدر مع البلديات المعنية في محافظتي الخليل وبيت لحم على مشاركة تجربتها في بناء نظام معلومات جغرافية مع هذه البلديات بشكل ثنائي.",
            "Through the open-source GIS platform, Hebron municipality will work with the municipalities concerned in the Hebron and Bethlehem governorates to share, one to one, its experience of building a geographic information system.",
        ),
        responsible_party: "بلدية الخليل",
    },
];

/// `001` on the engineering & planning platform's guides.
const ENGINEERING_GUIDES: (&str, &str) = (
    "اتفق أعضاء منصة الهندسة والتخطيط أن يتم إعداد دليل حول \"إدارة المشاريع الاحترافية\" ودليل عام حول \"الهندسة والتخطيط\".",
    "The members of the engineering & planning platform agreed to write a guide to \"professional project management\" and a general guide to \"engineering and planning\".",
);

/// The activities the sources name (`SOURCE_ACTIVITIES`), added once, in one transaction, after
/// the second reading: only added, never changed afterwards, so what is edited or deleted
/// through the API stays so. An activity whose platform is gone is skipped.
pub async fn load_activities(db: &DatabaseConnection) -> Result<(), DbErr> {
    use crate::domain::ActivityStatus;
    use entity::{activity, activity_platform};
    if applied(db, ACTIVITIES_SEED).await? {
        return Ok(());
    }
    let txn = crate::db::begin(db).await?;
    let now = chrono::Utc::now();
    let ids: std::collections::HashMap<String, i64> = platform::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.slug, p.id))
        .collect();
    for seed in SOURCE_ACTIVITIES {
        let Some(&organiser) = ids.get(seed.platform) else {
            continue;
        };
        let saved = activity::ActiveModel {
            working_group_id: Set(None),
            milestone_id: Set(None),
            platform_id: Set(Some(organiser)),
            kind: Set(seed.kind),
            title_ar: Set(seed.title.0.to_owned()),
            title_en: Set(seed.title.1.to_owned()),
            rationale_ar: Set(seed.rationale.0.to_owned()),
            rationale_en: Set(seed.rationale.1.to_owned()),
            expected_outputs_ar: Set(String::new()),
            expected_outputs_en: Set(String::new()),
            responsible_party: Set(seed.responsible_party.to_owned()),
            status: Set(ActivityStatus::Planned),
            planned_quarter: Set(None),
            started_on: Set(None),
            advanced_on: Set(None),
            completed_on: Set(None),
            cancelled_on: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let others = seed.other_hosts.iter().filter_map(|s| ids.get(*s).copied());
        for p in std::iter::once(organiser).chain(others) {
            activity_platform::ActiveModel {
                activity_id: Set(saved.id),
                platform_id: Set(p),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    mark_applied(txn, ACTIVITIES_SEED, now).await
}

/// The name in `seed_runs` of the documents the sources promise.
pub const DOCUMENTS_SEED: &str = "programme-2026-12-documents";

/// The guides the sources promise (`001`: the engineering & planning platform's two guides),
/// each a planned document of its platform, the output of the activity that writes it
/// (`load_activities`). Guides with no such activity (removed through the API) are not planned.
pub async fn load_documents(db: &DatabaseConnection) -> Result<(), DbErr> {
    use crate::domain::{ActivityKind, DocumentKind, DocumentStatus};
    use entity::{activity, document};
    use sea_orm::{ColumnTrait, QueryFilter};
    if applied(db, DOCUMENTS_SEED).await? {
        return Ok(());
    }
    let txn = crate::db::begin(db).await?;
    let now = chrono::Utc::now();
    for seed in SOURCE_ACTIVITIES
        .iter()
        .filter(|s| s.kind == ActivityKind::Guide)
    {
        let Some(planned) = activity::Entity::find()
            .filter(activity::Column::Kind.eq(ActivityKind::Guide))
            .filter(activity::Column::TitleAr.eq(seed.title.0))
            .one(&txn)
            .await?
        else {
            continue;
        };
        let Some(platform_id) = planned.platform_id else {
            continue;
        };
        document::ActiveModel {
            platform_id: Set(platform_id),
            working_group_id: Set(None),
            kind: Set(DocumentKind::Guide),
            status: Set(DocumentStatus::Planned),
            title_ar: Set(seed.title.0.to_owned()),
            title_en: Set(seed.title.1.to_owned()),
            summary_ar: Set(seed.rationale.0.to_owned()),
            summary_en: Set(seed.rationale.1.to_owned()),
            activity_id: Set(Some(planned.id)),
            milestone_id: Set(planned.milestone_id),
            position_paper_id: Set(None),
            author_ids: Set("[]".to_owned()),
            current_version: Set(0),
            download_count: Set(0),
            search_text: Set(search::fold_all([
                seed.title.0,
                seed.title.1,
                seed.rationale.0,
                seed.rationale.1,
            ])),
            created_by: Set(None),
            version: Set(1),
            published_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    mark_applied(txn, DOCUMENTS_SEED, now).await
}

pub const PRACTICES_SEED: &str = "programme-2026-12-practices";

/// Hebron municipality, the authority `003` names as sharing its GIS experience.
const HEBRON: (&str, &str, &str) = ("بلدية الخليل", "Hebron Municipality", "الخليل");

/// The first published practice (`003`): Hebron municipality shares its experience of building
/// an open-source geographic information system, through the innovation platform launched in
/// Hebron on 29 October 2020, bilaterally with the municipalities of the Hebron and Bethlehem
/// governorates. Only what the source says: no figures, costs or contact people. Hebron
/// municipality is seeded with it when no authority has its name.
///
/// A practice records who entered it: the first administrator. Until one exists (no
/// `ADMIN_EMAIL` yet), the authority is seeded and the practice waits for a later start.
pub async fn load_practices(db: &DatabaseConnection) -> Result<(), DbErr> {
    use crate::domain::{AuthorityKind, PracticeStatus, Region, Role};
    use entity::{local_authority, platform, practice, practice_version, topic, user};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    if applied(db, PRACTICES_SEED).await? {
        return Ok(());
    }
    let txn = crate::db::begin(db).await?;
    let launched = chrono::NaiveDate::from_ymd_opt(2020, 10, 29)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| DbErr::Custom("the launch date".into()))?;
    let authority = match local_authority::Entity::find()
        .filter(local_authority::Column::NameAr.eq(HEBRON.0))
        .one(&txn)
        .await?
    {
        Some(a) => a,
        None => {
            local_authority::ActiveModel {
                name_ar: Set(HEBRON.0.to_owned()),
                name_en: Set(HEBRON.1.to_owned()),
                search_text: Set(search::fold_all([HEBRON.0, HEBRON.1, HEBRON.2])),
                kind: Set(AuthorityKind::Municipality),
                governorate: Set(HEBRON.2.to_owned()),
                region: Set(Region::South),
                created_at: Set(launched),
                updated_at: Set(launched),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let admin = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .order_by_asc(user::Column::Id)
        .one(&txn)
        .await?;
    let innovation = platform::Entity::find()
        .filter(platform::Column::Slug.eq("innovation"))
        .one(&txn)
        .await?;
    let (Some(admin), Some(innovation)) = (admin, innovation) else {
        // The authority now; the practice at a start that has an administrator.
        return txn.commit().await;
    };
    let topic = topic::Entity::find()
        .filter(topic::Column::PlatformId.eq(innovation.id))
        .filter(topic::Column::TitleAr.eq("كيفية إنشاء نظام المعلومات الجغرافية في البلديات"))
        .one(&txn)
        .await?
        .map(|t| t.id);
    let title = (
        "نظم المعلومات الجغرافية مفتوحة المصدر في بلدية الخليل",
        "Hebron municipality's open-source geographic information system",
    );
    let summary = (
        "تشارك بلدية الخليل، من خلال منصة نظم المعلومات الجغرافية مفتوحة المصدر، تجربتها في بناء نظام معلومات جغرافية مع البلديات المعنية في محافظتي الخليل وبيت لحم بشكل ثنائي.",
        "Through the open-source GIS platform, Hebron municipality shares its experience of building a geographic information system bilaterally with the municipalities concerned in the Hebron and Bethlehem governorates.",
    );
    let approach = (
        "أُطلقت منصة نظم المعلومات الجغرافية مفتوحة المصدر، أولى أفكار منصة الإبداع والابتكار، في 29 تشرين الأول 2020 في مدينة الخليل. وقرر المشاركون بحث: إدارة البيانات الكادسترائية في قواعد البيانات المكانية؛ واستغلال نظم المعلومات الجغرافية في تطبيقات الشؤون البلدية؛ وكيفية إنشاء نظام المعلومات الجغرافية في البلديات.",
        "The open-source GIS platform, the innovation platform's first idea, was launched on 29 October 2020 in Hebron. The participants chose to study: managing cadastral data in spatial databases; using GIS in municipal affairs; and how to set up a GIS in a municipality.",
    );
    let problem = (
        "تحتاج الهيئات المحلية إلى أدوات وطرق جديدة تزيد كفاءتها وتوفر الموارد وتبسط المعاملات.",
        "Local authorities need new tools and methods that make them more efficient, save resources and simplify procedures.",
    );
    let partners = (
        "البلديات المعنية في محافظتي الخليل وبيت لحم",
        "The municipalities concerned in the Hebron and Bethlehem governorates",
    );
    let tags = ["نظم المعلومات الجغرافية", "GIS", "مفتوحة المصدر"];
    let mut words = vec![title.0, title.1, summary.0, summary.1];
    words.extend(tags);
    let empty = serde_json::json!({"ar": "", "en": ""});
    let text = serde_json::json!({
        "title": {"ar": title.0, "en": title.1},
        "summary": {"ar": summary.0, "en": summary.1},
        "problem": {"ar": problem.0, "en": problem.1},
        "approach": {"ar": approach.0, "en": approach.1},
        "results": empty,
        "costs": empty,
        "partners": {"ar": partners.0, "en": partners.1},
        "duration_months": null,
        "contact_ids": [],
        "sdg_targets": [],
        "tags": tags,
    });
    let p = practice::ActiveModel {
        platform_id: Set(innovation.id),
        local_authority_id: Set(authority.id),
        topic_id: Set(topic),
        status: Set(PracticeStatus::Published),
        title_ar: Set(title.0.to_owned()),
        title_en: Set(title.1.to_owned()),
        summary_ar: Set(summary.0.to_owned()),
        summary_en: Set(summary.1.to_owned()),
        problem_ar: Set(problem.0.to_owned()),
        problem_en: Set(problem.1.to_owned()),
        approach_ar: Set(approach.0.to_owned()),
        approach_en: Set(approach.1.to_owned()),
        results_ar: Set(String::new()),
        results_en: Set(String::new()),
        costs_ar: Set(String::new()),
        costs_en: Set(String::new()),
        partners_ar: Set(partners.0.to_owned()),
        partners_en: Set(partners.1.to_owned()),
        duration_months: Set(None),
        contact_ids: Set("[]".to_owned()),
        sdg_targets: Set("[]".to_owned()),
        tags: Set(text["tags"].to_string()),
        current_version: Set(1),
        search_text: Set(search::fold_all(words)),
        created_by: Set(admin.id),
        version: Set(1),
        published_at: Set(Some(launched)),
        created_at: Set(launched),
        updated_at: Set(launched),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    practice_version::ActiveModel {
        practice_id: Set(p.id),
        number: Set(1),
        content: Set(text.to_string()),
        note: Set("من المصدر 003".to_owned()),
        edited_by: Set(admin.id),
        created_at: Set(launched),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    mark_applied(txn, PRACTICES_SEED, chrono::Utc::now()).await
}

pub const WORKSHOP_SEARCH_SEED: &str = "search-2026-12-workshops";

/// The search text of the workshops written before workshops had one (migration 35 adds it
/// empty), folded here as the API folds it: once, in one transaction with its mark.
pub async fn index_workshops(db: &DatabaseConnection) -> Result<(), DbErr> {
    use entity::workshop;
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    if applied(db, WORKSHOP_SEARCH_SEED).await? {
        return Ok(());
    }
    let txn = crate::db::begin(db).await?;
    let rows: Vec<(i64, String, String, String, String)> = workshop::Entity::find()
        .select_only()
        .columns([
            workshop::Column::Id,
            workshop::Column::TitleAr,
            workshop::Column::TitleEn,
            workshop::Column::DescriptionAr,
            workshop::Column::DescriptionEn,
        ])
        .filter(workshop::Column::SearchText.eq(""))
        .into_tuple()
        .all(&txn)
        .await?;
    for (id, title_ar, title_en, description_ar, description_en) in rows {
        let text = search::workshop_search_text(
            (&title_ar, &title_en),
            (&description_ar, &description_en),
        );
        workshop::Entity::update_many()
            .col_expr(
                workshop::Column::SearchText,
                sea_orm::sea_query::Expr::value(text),
            )
            .filter(workshop::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    mark_applied(txn, WORKSHOP_SEARCH_SEED, chrono::Utc::now()).await
}

/// Whether the data set `name` was loaded already (its row in `seed_runs`).
async fn applied(db: &DatabaseConnection, name: &str) -> Result<bool, DbErr> {
    Ok(seed_run::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// Marks the data set `name` as loaded and commits its transaction: the data and its mark land
/// together or not at all.
async fn mark_applied(
    txn: sea_orm::DatabaseTransaction,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    seed_run::ActiveModel {
        name: Set(name.to_owned()),
        applied_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await
}
