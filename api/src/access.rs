//! Who may do what: every authorization rule of the API, in one place.
//!
//! On a platform the caller has a `Standing`, computed once per request: an administrator may do
//! everything; a coordinator or deputy (an open term) manages their own platform only; an active
//! member takes part. Handlers ask it in plain words (`standing.require_manager()?`,
//! `standing.takes_part()`). A position paper adds its authors (`PaperStanding`); agreements are
//! managed by the international-partnerships task force (`require_agreement_manager`). What
//! belongs to no platform (users, authorities, platforms themselves) is for administrators:
//! `auth.require_admin()`.

use entity::{
    coordinator_term, document, membership, position_paper, position_paper_author, practice,
    registration, task_force, task_force_member, workshop,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    QueryTrait, Statement,
};

use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::{
    DocumentStatus, MembershipStatus, PaperStatus, PracticeStatus, RegistrationStatus, Seat,
    SpaceKind, WorkshopStatus,
};
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

/// The task force whose members manage partnership agreements.
pub const PARTNERSHIPS_TASK_FORCE: &str = "international-partnerships";

/// What the caller is to one platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub admin: bool,
    /// The seat of an open coordinator or deputy term on the platform.
    pub seat: Option<Seat>,
    /// An active membership of the platform.
    pub member: bool,
}

impl Standing {
    /// The caller's standing on the platform (one statement: two indexed look-ups).
    pub async fn of(
        db: &impl ConnectionTrait,
        auth: &AuthUser,
        platform_id: i64,
    ) -> Result<Standing, ApiError> {
        // A key limited to other platforms has no standing here at all.
        if !auth.reaches(platform_id) {
            return Ok(Standing::default());
        }
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                format!("SELECT {}", standing_columns("$1", "$2")),
                [platform_id.into(), auth.id().into()],
            ))
            .await?
            .ok_or_else(|| ApiError::Unexpected("a SELECT without FROM answered no row".into()))?;
        Ok(Standing::with(
            auth,
            platform_id,
            row.try_get("", "standing_seat")?,
            row.try_get("", "standing_member")?,
        ))
    }

    /// The standing of `auth` on `platform_id` from what the database said of the caller there
    /// (the two columns of [`standing_columns`], read with another statement's row).
    pub fn with(auth: &AuthUser, platform_id: i64, seat: Option<Seat>, member: bool) -> Standing {
        if !auth.reaches(platform_id) {
            return Standing::default();
        }
        Standing {
            // An administrator's key limited to platforms administers those (and no other).
            admin: auth.administers(platform_id),
            seat,
            member,
        }
    }

    /// The caller's standing on a platform they must manage (403 `not_a_manager` otherwise).
    pub async fn of_manager(
        db: &impl ConnectionTrait,
        auth: &AuthUser,
        platform_id: i64,
    ) -> Result<Standing, ApiError> {
        Standing::of(db, auth, platform_id).await?.require_manager()
    }

    /// The standing of a caller who may be anonymous (then: none).
    pub async fn of_caller(
        db: &impl ConnectionTrait,
        auth: Option<&AuthUser>,
        platform_id: i64,
    ) -> Result<Standing, ApiError> {
        match auth {
            Some(a) => Standing::of(db, a, platform_id).await,
            None => Ok(Standing::default()),
        }
    }

    /// An administrator, or the platform's coordinator or deputy.
    pub fn manages(self) -> bool {
        self.admin || self.seat.is_some()
    }

    /// An administrator, a manager or an active member: sees the platform's inner work.
    pub fn takes_part(self) -> bool {
        self.manages() || self.member
    }

    /// 403 `not_a_manager` unless the caller manages the platform.
    pub fn require_manager(self) -> Result<Standing, ApiError> {
        if self.manages() {
            Ok(self)
        } else {
            Err(not_manager())
        }
    }

    /// 403 `not_a_member` unless the caller is an administrator or an active member.
    pub fn require_member(self) -> Result<Standing, ApiError> {
        if self.admin || self.member {
            Ok(self)
        } else {
            Err(ApiError::Problem(
                ProblemCode::NotAMember,
                Text::new(
                    "Only active members of this platform may do this.",
                    "هذا الإجراء مقصور على الأعضاء الفاعلين في المنصة.",
                ),
            ))
        }
    }
}

/// What the caller is to a position paper: their standing on its platform, and authorship.
#[derive(Clone, Copy, Debug, Default)]
pub struct PaperStanding {
    pub platform: Standing,
    pub author: bool,
}

impl PaperStanding {
    /// The caller's standing towards a paper of `platform_id`.
    pub async fn of(
        db: &impl ConnectionTrait,
        auth: Option<&AuthUser>,
        paper_id: i64,
        platform_id: i64,
    ) -> Result<PaperStanding, ApiError> {
        let platform = Standing::of_caller(db, auth, platform_id).await?;
        let author = match auth {
            Some(a) if !a.is_admin() && a.reaches(platform_id) => {
                position_paper_author::Entity::find()
                    .filter(position_paper_author::Column::PaperId.eq(paper_id))
                    .filter(position_paper_author::Column::UserId.eq(a.id()))
                    .count(db)
                    .await?
                    > 0
            }
            _ => false,
        };
        Ok(PaperStanding { platform, author })
    }

    /// 403 `not_an_editor` unless the caller edits the paper.
    pub fn require_editor(self) -> Result<(), ApiError> {
        if self.edits() {
            return Ok(());
        }
        Err(ApiError::Problem(
            ProblemCode::NotAnEditor,
            Text::new(
                "Only the paper's authors, the platform's coordinators or administrators may edit it.",
                "يعدّل الورقة مؤلفوها أو منسقو المنصة أو المسؤولون فقط.",
            ),
        ))
    }

    /// 403 `forbidden` unless the caller edits the paper (its moves).
    pub fn require_mover(self) -> Result<(), ApiError> {
        if self.edits() {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// 403 `not_a_manager` for a move only the platform's managers make.
    pub fn manager_move_refused() -> ApiError {
        ApiError::Problem(
            ProblemCode::NotAManager,
            Text::new(
                "Only the platform's coordinators or administrators may make this move.",
                "هذا الإجراء مقصور على منسقي المنصة أو المسؤولين.",
            ),
        )
    }

    /// Admins, the platform's coordinators and members, and the authors see unpublished papers.
    pub fn sees_unpublished(self) -> bool {
        self.platform.takes_part() || self.author
    }

    /// Adopting, submitting, publishing: the platform's coordinators and admins.
    pub fn manages(self) -> bool {
        self.platform.manages()
    }

    /// Editing a draft: its authors, the platform's coordinators, admins.
    pub fn edits(self) -> bool {
        self.manages() || self.author
    }
}

/// 403 unless the caller is an admin or a member of the international-partnerships task force.
pub async fn require_agreement_manager(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
) -> Result<(), ApiError> {
    if auth.is_admin() {
        return Ok(());
    }
    let task_force = task_force::Entity::find()
        .filter(task_force::Column::Slug.eq(PARTNERSHIPS_TASK_FORCE))
        .one(db)
        .await?
        // Agreements belong to no platform: a key limited to platforms does not manage them.
        .filter(|_| !auth.platform_limited());
    let member = match task_force {
        Some(tf) => {
            task_force_member::Entity::find()
                .filter(task_force_member::Column::TaskForceId.eq(tf.id))
                .filter(task_force_member::Column::UserId.eq(auth.id()))
                .filter(task_force_member::Column::LeftAt.is_null())
                .count(db)
                .await?
                > 0
        }
        None => false,
    };
    if member {
        Ok(())
    } else {
        Err(ApiError::Problem(
            ProblemCode::NotAPartnershipManager,
            Text::new(
                "Agreements are managed by administrators and the international partnerships task force.",
                "يدير الاتفاقيات المسؤولون وفريق عمل الشراكات الدولية.",
            ),
        ))
    }
}

/// What the caller may see of a workshop: whether they manage it, and whether they may see it
/// at all. The one rule for every path that shows a workshop (its page, its calendar, its ticket,
/// the changes feed):
/// - its organiser's managers (coordinators, deputies, admins) see it in every state;
/// - nobody else sees a draft;
/// - anyone sees a public one;
/// - a members-only one is seen by admins and by the active members and managers of the
///   organiser or of a host platform, and by the people registered or waiting for it; a key
///   only on the platforms it is limited to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkshopSight {
    pub visible: bool,
    pub manager: bool,
}

impl WorkshopSight {
    pub async fn of(
        db: &impl ConnectionTrait,
        auth: Option<&AuthUser>,
        w: &workshop::Model,
    ) -> Result<WorkshopSight, ApiError> {
        let manager = Standing::of_caller(db, auth, w.platform_id)
            .await?
            .manages();
        let visible = manager
            || (w.status != WorkshopStatus::Draft
                && (w.is_public
                    || match auth {
                        Some(a) => takes_part_in_private(db, a, w).await?,
                        None => false,
                    }));
        Ok(WorkshopSight { visible, manager })
    }
}

/// A workshop the caller may see ([`WorkshopSight`]), and whether they manage it; 404 for anyone
/// else, so that a members-only workshop is not known to exist.
pub async fn visible_workshop(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(workshop::Model, bool), ApiError> {
    let w = crate::db::find_or_404::<workshop::Entity>(db, id).await?;
    let sight = WorkshopSight::of(db, auth, &w).await?;
    if !sight.visible {
        return Err(ApiError::not_found());
    }
    Ok((w, sight.manager))
}

/// Whether a signed-in caller (not a manager of the organiser) may see a members-only workshop.
async fn takes_part_in_private(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    w: &workshop::Model,
) -> Result<bool, ApiError> {
    let hosts: Vec<i64> = crate::domain::hosts::host_ids(&w.host_ids)
        .chain([w.platform_id])
        .filter(|p| auth.reaches(*p))
        .collect();
    if hosts.is_empty() {
        return Ok(false);
    }
    if auth.administers_some() {
        return Ok(true);
    }
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(auth.id()))
        .filter(membership::Column::PlatformId.is_in(hosts.clone()))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .count(db)
        .await?
        > 0;
    if member {
        return Ok(true);
    }
    let seated = coordinator_term::Entity::find()
        .filter(coordinator_term::Column::UserId.eq(auth.id()))
        .filter(coordinator_term::Column::PlatformId.is_in(hosts))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .count(db)
        .await?
        > 0;
    if seated || !auth.reaches(w.platform_id) {
        return Ok(seated);
    }
    Ok(registration::Entity::find()
        .filter(registration::Column::WorkshopId.eq(w.id))
        .filter(registration::Column::UserId.eq(auth.id()))
        .filter(registration::Column::Status.is_in([
            RegistrationStatus::Registered,
            RegistrationStatus::Waitlisted,
            RegistrationStatus::Attended,
            RegistrationStatus::NoShow,
        ]))
        .count(db)
        .await?
        > 0)
}

/// Two columns of a SELECT: `standing_seat`, the seat of the user's open coordinator or deputy
/// term on the platform (or NULL), and `standing_member`, whether the user is an active member
/// of it — `platform` and `user` are SQL expressions (a placeholder, or a column of the row the
/// statement reads). [`Standing::with`] makes the standing of them.
pub fn standing_columns(platform: &str, user: &str) -> String {
    format!(
        "(SELECT seat FROM coordinator_terms WHERE platform_id = {platform} AND user_id = {user} \
         AND ended_at IS NULL LIMIT 1) AS standing_seat, \
         EXISTS (SELECT 1 FROM memberships WHERE platform_id = {platform} AND user_id = {user} \
         AND status = '{}') AS standing_member",
        MembershipStatus::Active.as_str()
    )
}

/// Whether a person (the caller or someone named in the request) is an active member of the
/// platform: a fact about that person, asked when a rule needs it (a ballot, a working group).
pub async fn is_active_member(
    db: &impl ConnectionTrait,
    user_id: i64,
    platform_id: i64,
) -> Result<bool, ApiError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::PlatformId.eq(platform_id))
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .count(db)
        .await?
        > 0)
}

/// Whether a person holds an open coordinator or deputy term on the platform.
pub async fn holds_seat(
    db: &impl ConnectionTrait,
    user_id: i64,
    platform_id: i64,
) -> Result<bool, ApiError> {
    Ok(coordinator_term::Entity::find()
        .filter(coordinator_term::Column::PlatformId.eq(platform_id))
        .filter(coordinator_term::Column::UserId.eq(user_id))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .count(db)
        .await?
        > 0)
}

/// 403 `not_a_manager` unless the caller manages the platform, or, for what belongs to the
/// union itself (no platform), is an administrator whose key (if any) is not limited to some
/// platforms.
pub async fn require_manager_of(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    platform_id: Option<i64>,
) -> Result<(), ApiError> {
    match platform_id {
        Some(p) => Standing::of_manager(db, auth, p).await.map(|_| ()),
        None if auth.is_admin() && !auth.platform_limited() => Ok(()),
        None => Err(ApiError::Problem(
            ProblemCode::NotAManager,
            Text::new(
                "Only administrators manage the union's own work.",
                "إدارة أعمال الاتحاد نفسه مقصورة على المسؤولين.",
            ),
        )),
    }
}

fn not_manager() -> ApiError {
    ApiError::Problem(
        ProblemCode::NotAManager,
        Text::new(
            "Only this platform's coordinator, its deputy or an administrator may do this.",
            "هذا الإجراء مقصور على منسق المنصة أو نائبه أو المسؤولين.",
        ),
    )
}

/// The platforms on which the user holds an open coordinator or deputy term.
pub async fn coordinated_platforms(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<i64>, ApiError> {
    Ok(coordinator_term::Entity::find()
        .select_only()
        .column(coordinator_term::Column::PlatformId)
        .filter(coordinator_term::Column::UserId.eq(user_id))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .distinct()
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The platforms whose inner work the user sees: their active memberships and open terms.
pub async fn member_platforms(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<i64>, ApiError> {
    let mut ids: Vec<i64> = membership::Entity::find()
        .select_only()
        .column(membership::Column::PlatformId)
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    ids.extend(coordinated_platforms(db, user_id).await?);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// 403 unless the caller is an admin or manages some platform: the check a route makes before it
/// reads a body that names the platform, so that nobody else learns what is wrong with the body.
/// An administrator's key limited to some platforms passes, as it administers those (`Standing`
/// then holds it to them).
pub async fn require_some_manager(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
) -> Result<(), ApiError> {
    if auth.administers_some() || !coordinated_platforms(db, auth.id()).await?.is_empty() {
        Ok(())
    } else {
        Err(not_manager())
    }
}

/// 403 unless the caller is an admin, or an active member or a coordinator of some platform.
pub async fn require_some_standing(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
) -> Result<(), ApiError> {
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(auth.id()))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .count(db)
        .await?
        > 0;
    if auth.is_admin() || member || !coordinated_platforms(db, auth.id()).await?.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Problem(
            ProblemCode::NotAMember,
            Text::new(
                "Only members and coordinators of a platform may do this.",
                "هذا الإجراء مقصور على أعضاء المنصات ومنسقيها.",
            ),
        ))
    }
}

/// The platforms a caller may hand on to a key or a webhook subscription they create: `None`
/// for every platform (an administrator not limited by a key), else the platforms they
/// coordinate (or, for an administrator's key, the key's), within their own key's platforms.
pub async fn platforms_in_reach(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
) -> Result<Option<Vec<i64>>, ApiError> {
    let key_platforms = auth.key.as_ref().and_then(|k| k.platforms.clone());
    if auth.administers_some() {
        return Ok(key_platforms);
    }
    let mut held = coordinated_platforms(db, auth.id()).await?;
    if let Some(limit) = key_platforms {
        held.retain(|p| limit.contains(p));
    }
    Ok(Some(held))
}

/// Checks the platforms a new key or subscription names (`pointer`, e.g. `/platform_ids`)
/// against what the caller may reach: each must exist and be within reach, and a caller who
/// cannot reach every platform must name some. Answers the field errors.
pub async fn check_granted_platforms(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    ids: Option<&[i64]>,
    pointer: &str,
) -> Result<Vec<crate::error::FieldError>, ApiError> {
    use crate::error::FieldError;
    let reach = platforms_in_reach(db, auth).await?;
    let mut errors = Vec::new();
    let Some(ids) = ids else {
        if reach.is_some() {
            errors.push(FieldError::new(
                pointer,
                "required",
                Text::new(
                    "Name the platforms this is for: yours, as their coordinator.",
                    "حدد المنصات المقصودة: منصاتك بصفتك منسقًا لها.",
                ),
            ));
        }
        return Ok(errors);
    };
    let existing: Vec<i64> = entity::platform::Entity::find()
        .select_only()
        .column(entity::platform::Column::Id)
        .filter(entity::platform::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    for (i, id) in ids.iter().enumerate() {
        if !existing.contains(id) {
            errors.push(FieldError::new(
                format!("{pointer}/{i}"),
                "not_found",
                Text::new("No such platform.", "لا توجد منصة كهذه."),
            ));
        } else if reach.as_ref().is_some_and(|r| !r.contains(id)) {
            errors.push(FieldError::new(
                format!("{pointer}/{i}"),
                "not_allowed",
                Text::new(
                    "Only platforms you coordinate (and your key reaches) can be named.",
                    "لا يمكن تحديد إلا المنصات التي تنسقها (ويصل إليها مفتاحك).",
                ),
            ));
        }
    }
    Ok(errors)
}

/// 403 `nominee_only` unless the caller is the person nominated.
pub fn require_nominee(auth: &AuthUser, nominee_id: i64) -> Result<(), ApiError> {
    if nominee_id == auth.id() {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::NomineeOnly,
        Text::new(
            "Only the nominee may accept a nomination.",
            "يقبل الترشيح المرشح نفسه فقط.",
        ),
    ))
}

/// The platforms whose audit entries the caller may read: `None` for all (an administrator),
/// else a coordinator's platforms (within their key's, when they use one) or an administrator's
/// key's; 403 `forbidden` with none, or for a platform asked outside them.
pub async fn audit_reach(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
    platform_id: Option<i64>,
) -> Result<Option<Vec<i64>>, ApiError> {
    if auth.is_admin() {
        return Ok(None);
    }
    let mine = platforms_in_reach(db, auth).await?.unwrap_or_default();
    if mine.is_empty() || platform_id.is_some_and(|p| !mine.contains(&p)) {
        return Err(ApiError::Problem(
            ProblemCode::Forbidden,
            Text::new(
                "The audit trail is for administrators, and for coordinators about their own platform.",
                "سجل التدقيق متاح للمسؤولين، وللمنسقين فيما يخص منصاتهم.",
            ),
        ));
    }
    Ok(Some(mine))
}

/// The platforms the caller may report on: `None` for all, else those they coordinate (or an
/// administrator's key's); 403 `forbidden` with none. Asked platforms outside them: 403
/// `not_a_manager` ([`require_reported_within`]).
pub async fn report_reach(
    db: &impl ConnectionTrait,
    auth: &AuthUser,
) -> Result<Option<Vec<i64>>, ApiError> {
    let reach = platforms_in_reach(db, auth).await?;
    if reach.as_ref().is_some_and(Vec::is_empty) {
        return Err(ApiError::Problem(
            ProblemCode::Forbidden,
            Text::new(
                "Reports are for administrators and the platforms' coordinators.",
                "التقارير للمسؤولين ولمنسقي المنصات.",
            ),
        ));
    }
    Ok(reach)
}

/// 403 `not_a_manager` when a report asks for a platform outside the caller's reach.
pub fn require_reported_within(asked: &[i64], reach: Option<&[i64]>) -> Result<(), ApiError> {
    match reach {
        Some(reach) if asked.iter().any(|p| !reach.contains(p)) => Err(ApiError::Problem(
            ProblemCode::NotAManager,
            Text::new(
                "You may report on the platforms you coordinate only.",
                "يمكنك إعداد التقارير عن المنصات التي تنسقها فقط.",
            ),
        )),
        _ => Ok(()),
    }
}

/// 403 `forbidden` for a partner key: who attended is for the union's staff.
pub fn require_person_for_attendees(auth: &AuthUser) -> Result<(), ApiError> {
    if auth.key.is_none() {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::Forbidden,
        Text::new(
            "Partner keys see aggregate reports only; who attended is for the union's staff.",
            "مفاتيح الشركاء ترى التقارير المجمعة فقط؛ أسماء الحضور لطاقم الاتحاد.",
        ),
    ))
}

/// 403 `members_only`: a members-only workshop takes the platform's members (its managers may
/// register anyone).
pub fn require_open_to(
    w: &workshop::Model,
    standing: Standing,
    person_is_member: bool,
) -> Result<(), ApiError> {
    if w.is_public || standing.manages() || person_is_member {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::MembersOnly,
        Text::new(
            "This workshop is for the platform's members.",
            "هذه الورشة مخصصة لأعضاء المنصة.",
        ),
    ))
}

/// 403 `not_a_member`: position papers are drafted by the platform's members, its coordinators
/// or administrators.
pub fn require_drafter(standing: Standing) -> Result<(), ApiError> {
    if standing.takes_part() {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::NotAMember,
        Text::new(
            "Position papers are drafted by the platform's members, its coordinators or administrators.",
            "تُعدّ أوراق الموقف من قبل أعضاء المنصة أو منسقيها أو المسؤولين.",
        ),
    ))
}

/// 403 `not_a_member` unless the caller takes part in the platform a practice is shared on.
pub fn require_sharer(standing: Standing) -> Result<(), ApiError> {
    if standing.takes_part() {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::NotAMember,
        Text::new(
            "Practices are shared by the platform's members, its coordinators or administrators.",
            "يشارك الممارسات أعضاء المنصة أو منسقوها أو المسؤولون.",
        ),
    ))
}

/// The local authority a person endorses for: 403 `no_local_authority` without one.
pub fn endorsing_authority(person: &entity::user::Model) -> Result<i64, ApiError> {
    person.local_authority_id.ok_or_else(|| {
        ApiError::Problem(
            ProblemCode::NoLocalAuthority,
            Text::new(
                "Endorsements are given by members of a local authority.",
                "تُمنح التأييدات من قبل أعضاء الهيئات المحلية.",
            ),
        )
    })
}

/// 403 `forbidden` unless the caller belongs to the endorsing authority, or is an administrator.
pub fn require_endorser(auth: &AuthUser, authority_id: i64) -> Result<(), ApiError> {
    if auth.is_admin() || auth.user.local_authority_id == Some(authority_id) {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::Forbidden,
        Text::new(
            "Only a member of the endorsing authority, or an administrator, may withdraw it.",
            "يسحب التأييد عضو في الهيئة المؤيدة أو أحد المسؤولين فقط.",
        ),
    ))
}

/// A signed link to a file (`auth::file_links`) holds: it signs this file, and has not
/// expired. Whoever holds it reads the file.
pub fn require_signed_link(
    secret: &str,
    file_id: i64,
    expires: i64,
    signature: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    if crate::auth::file_links::verify(secret, file_id, expires, signature, now) {
        return Ok(());
    }
    Err(ApiError::Problem(
        ProblemCode::InvalidLink,
        Text::new(
            "The link is not valid or has expired: ask for a new one.",
            "الرابط غير صالح أو انتهت صلاحيته: اطلب رابطًا جديدًا.",
        ),
    ))
}

/// Loads a paper the caller may see, with their standing; a paper they may not see is 404.
pub async fn visible_paper(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(position_paper::Model, PaperStanding), ApiError> {
    let paper = find_or_404::<entity::position_paper::Entity>(db, id).await?;
    let s = PaperStanding::of(db, auth, paper.id, paper.platform_id).await?;
    if paper.status != PaperStatus::Published && !s.sees_unpublished() {
        return Err(ApiError::not_found());
    }
    Ok((paper, s))
}

/// What the caller is to a practice. Published and archived practices are anyone's to read; a
/// draft or a submitted one is its editors' and its platform's managers'. Its editors are the
/// person who drafted it and its contact people (on the platforms their credential reaches); its
/// platform's managers (coordinators, deputies, administrators) edit it too, and alone publish
/// and archive it.
#[derive(Clone, Copy, Debug, Default)]
pub struct PracticeStanding {
    /// Manages its platform.
    pub manager: bool,
    /// Drafted it or is one of its contact people.
    pub editor: bool,
}

impl PracticeStanding {
    pub async fn of(
        db: &impl ConnectionTrait,
        auth: Option<&AuthUser>,
        p: &practice::Model,
    ) -> Result<PracticeStanding, ApiError> {
        let manager = Standing::of_caller(db, auth, p.platform_id)
            .await?
            .manages();
        let editor = auth.is_some_and(|a| {
            a.reaches(p.platform_id) && (a.id() == p.created_by || contacts(p).contains(&a.id()))
        });
        Ok(PracticeStanding { manager, editor })
    }

    /// Whether the caller may change its text and its files.
    pub fn edits(self) -> bool {
        self.manager || self.editor
    }

    /// 403 `forbidden` unless the caller edits it.
    pub fn require_editor(self) -> Result<(), ApiError> {
        if self.edits() {
            Ok(())
        } else {
            Err(ApiError::Problem(
                ProblemCode::Forbidden,
                Text::new(
                    "A practice is changed by whoever drafted it, its contact people and its platform's coordinators.",
                    "يعدّل الممارسة من صاغها والأشخاص المرجعيون لها ومنسقو المنصة.",
                ),
            ))
        }
    }
}

/// Whether anyone may read a practice in this state.
pub fn is_public(status: PracticeStatus) -> bool {
    matches!(status, PracticeStatus::Published | PracticeStatus::Archived)
}

/// A practice the caller may see, with their standing; one they may not see is 404.
pub async fn visible_practice(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(practice::Model, PracticeStanding), ApiError> {
    let p = find_or_404::<practice::Entity>(db, id).await?;
    let s = PracticeStanding::of(db, auth, &p).await?;
    if !is_public(p.status) && !s.edits() {
        return Err(ApiError::not_found());
    }
    Ok((p, s))
}

/// The contact people a practice names.
pub fn contacts(p: &practice::Model) -> Vec<i64> {
    serde_json::from_str(&p.contact_ids).unwrap_or_default()
}

/// What the caller is to a document. Published and archived documents are anyone's to read; a
/// planned or draft one is its platform's (members and managers) and its authors'. Its authors
/// (on the platforms their credential reaches) and its platform's managers edit it and upload
/// its versions; the managers alone publish and archive it.
#[derive(Clone, Copy, Debug, Default)]
pub struct DocumentStanding {
    /// Manages its platform.
    pub manager: bool,
    /// Is one of its authors.
    pub author: bool,
    /// Takes part in its platform (an active member, a manager).
    pub member: bool,
}

impl DocumentStanding {
    pub async fn of(
        db: &impl ConnectionTrait,
        auth: Option<&AuthUser>,
        d: &document::Model,
    ) -> Result<DocumentStanding, ApiError> {
        let platform = Standing::of_caller(db, auth, d.platform_id).await?;
        let author = auth.is_some_and(|a| a.reaches(d.platform_id) && authors(d).contains(&a.id()));
        Ok(DocumentStanding {
            manager: platform.manages(),
            author,
            member: platform.takes_part(),
        })
    }

    /// Whether the caller may change it and upload its versions.
    pub fn edits(self) -> bool {
        self.manager || self.author
    }

    /// Whether the caller sees it before it is published.
    pub fn sees_unpublished(self) -> bool {
        self.edits() || self.member
    }

    /// 403 `forbidden` unless the caller edits it.
    pub fn require_editor(self) -> Result<(), ApiError> {
        if self.edits() {
            Ok(())
        } else {
            Err(ApiError::Problem(
                ProblemCode::Forbidden,
                Text::new(
                    "A document is changed by its authors and its platform's coordinators.",
                    "يعدّل الوثيقة مؤلفوها ومنسقو منصتها.",
                ),
            ))
        }
    }
}

/// Whether anyone may read a document in this state.
pub fn is_public_document(status: DocumentStatus) -> bool {
    matches!(status, DocumentStatus::Published | DocumentStatus::Archived)
}

/// A document the caller may see, with their standing; one they may not see is 404.
pub async fn visible_document(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    id: i64,
) -> Result<(document::Model, DocumentStanding), ApiError> {
    let d = find_or_404::<document::Entity>(db, id).await?;
    let s = DocumentStanding::of(db, auth, &d).await?;
    if !is_public_document(d.status) && !s.sees_unpublished() {
        return Err(ApiError::not_found());
    }
    Ok((d, s))
}

/// Rows whose JSON list of ids in `column` (as this API writes them, without spaces) names
/// `id`: alone, first, last or between two others.
pub fn lists_id<C: ColumnTrait>(column: C, id: i64) -> sea_orm::Condition {
    [
        format!("[{id}]"),
        format!("[{id},%"),
        format!("%,{id}]"),
        format!("%,{id},%"),
    ]
    .into_iter()
    .fold(sea_orm::Condition::any(), |any, pattern| {
        any.add(column.like(pattern))
    })
}

/// The authors a document names.
pub fn authors(d: &document::Model) -> Vec<i64> {
    serde_json::from_str(&d.author_ids).unwrap_or_default()
}

// What a caller may read, as conditions on a list's rows: the lists and the search apply the
// same rules as the single reads above (`visible_*`), for many rows in one statement.

/// The platforms a caller's reads turn on, read once per request (two statements; none for an
/// administrator of everything, who reads everything), within their credential's reach.
#[derive(Clone, Debug, Default)]
pub struct ReadReach {
    /// The platforms they manage: their open terms (an administrator's key: its platforms).
    pub managed: Vec<i64>,
    /// The platforms whose inner work they see: their active memberships and open terms (an
    /// administrator's key: its platforms).
    pub inner: Vec<i64>,
    /// Their own platforms: their active memberships and open terms.
    pub own: Vec<i64>,
}

impl ReadReach {
    pub async fn of(db: &impl ConnectionTrait, a: &AuthUser) -> Result<ReadReach, ApiError> {
        if a.is_admin() {
            return Ok(ReadReach::default());
        }
        let key = a.key_platforms();
        let within = |mut ids: Vec<i64>| {
            if let Some(reach) = key {
                ids.retain(|p| reach.contains(p));
            }
            ids
        };
        let coordinated = coordinated_platforms(db, a.id()).await?;
        let mut own: Vec<i64> = membership::Entity::find()
            .select_only()
            .column(membership::Column::PlatformId)
            .filter(membership::Column::UserId.eq(a.id()))
            .filter(membership::Column::Status.eq(MembershipStatus::Active))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        own.extend(&coordinated);
        own.sort_unstable();
        own.dedup();
        let own = within(own);
        let key_reach = key.filter(|_| a.administers_some()).map(<[i64]>::to_vec);
        Ok(ReadReach {
            managed: key_reach.clone().unwrap_or_else(|| within(coordinated)),
            inner: key_reach.unwrap_or_else(|| own.clone()),
            own,
        })
    }
}

/// Adds "on a platform the caller's credential reaches" to a condition that names them.
fn within_reach<C: ColumnTrait>(
    a: &AuthUser,
    platform: C,
    own: sea_orm::Condition,
) -> sea_orm::Condition {
    match a.key_platforms() {
        Some(reach) => own.add(platform.is_in(reach.to_vec())),
        None => own,
    }
}

/// A caller as a reader of lists: who they are and their [`ReadReach`]; `None` for anonymous.
pub type Reader<'a> = Option<(&'a AuthUser, &'a ReadReach)>;

/// Reads the caller's [`ReadReach`] for one list, and applies `rule` with it.
pub async fn readable(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    rule: fn(Reader<'_>) -> sea_orm::Condition,
) -> Result<sea_orm::Condition, ApiError> {
    Ok(match auth {
        Some(a) => rule(Some((a, &ReadReach::of(db, a).await?))),
        None => rule(None),
    })
}

/// The position papers the caller may read ([`visible_paper`]): published ones; every one of
/// the platforms whose inner work they see; those they wrote.
pub fn readable_papers(reader: Reader<'_>) -> sea_orm::Condition {
    let published = position_paper::Column::Status.eq(PaperStatus::Published);
    let Some((a, reach)) = reader else {
        return sea_orm::Condition::all().add(published);
    };
    if a.is_admin() {
        return sea_orm::Condition::all();
    }
    let authored = position_paper_author::Entity::find()
        .select_only()
        .column(position_paper_author::Column::PaperId)
        .filter(position_paper_author::Column::UserId.eq(a.id()))
        .into_query();
    let own = sea_orm::Condition::all().add(position_paper::Column::Id.in_subquery(authored));
    sea_orm::Condition::any()
        .add(published)
        .add(position_paper::Column::PlatformId.is_in(reach.inner.clone()))
        .add(within_reach(a, position_paper::Column::PlatformId, own))
}

/// The practices the caller may read ([`visible_practice`]): published and archived ones;
/// every one of the platforms they manage; those they drafted or are a contact of.
pub fn readable_practices(reader: Reader<'_>) -> sea_orm::Condition {
    let public =
        practice::Column::Status.is_in([PracticeStatus::Published, PracticeStatus::Archived]);
    let Some((a, reach)) = reader else {
        return sea_orm::Condition::all().add(public);
    };
    if a.is_admin() {
        return sea_orm::Condition::all();
    }
    let own = sea_orm::Condition::all().add(
        sea_orm::Condition::any()
            .add(practice::Column::CreatedBy.eq(a.id()))
            .add(lists_id(practice::Column::ContactIds, a.id())),
    );
    sea_orm::Condition::any()
        .add(public)
        .add(practice::Column::PlatformId.is_in(reach.managed.clone()))
        .add(within_reach(a, practice::Column::PlatformId, own))
}

/// The documents the caller may read ([`visible_document`]): published and archived ones;
/// every one of the platforms whose inner work they see; those they are an author of.
pub fn readable_documents(reader: Reader<'_>) -> sea_orm::Condition {
    let public =
        document::Column::Status.is_in([DocumentStatus::Published, DocumentStatus::Archived]);
    let Some((a, reach)) = reader else {
        return sea_orm::Condition::all().add(public);
    };
    if a.is_admin() {
        return sea_orm::Condition::all();
    }
    let own = sea_orm::Condition::all().add(lists_id(document::Column::AuthorIds, a.id()));
    sea_orm::Condition::any()
        .add(public)
        .add(document::Column::PlatformId.is_in(reach.inner.clone()))
        .add(within_reach(a, document::Column::PlatformId, own))
}

/// The workshops the caller may read ([`WorkshopSight`]): public ones that are not drafts;
/// every one of the platforms they manage; members-only ones (not drafts) hosted by a platform
/// whose inner work they see, or that they are registered or waiting for.
pub fn readable_workshops(reader: Reader<'_>) -> sea_orm::Condition {
    use sea_orm::sea_query::Query;
    let shown = workshop::Column::Status.ne(WorkshopStatus::Draft);
    let public = sea_orm::Condition::all()
        .add(shown.clone())
        .add(workshop::Column::IsPublic.eq(true));
    let Some((a, reach)) = reader else {
        return public;
    };
    if a.is_admin() {
        return sea_orm::Condition::all();
    }
    let hosted = Query::select()
        .column(entity::workshop_platform::Column::WorkshopId)
        .from(entity::workshop_platform::Entity)
        .and_where(entity::workshop_platform::Column::PlatformId.is_in(reach.inner.clone()))
        .to_owned();
    let registered = Query::select()
        .column(registration::Column::WorkshopId)
        .from(registration::Entity)
        .and_where(registration::Column::UserId.eq(a.id()))
        .and_where(registration::Column::Status.is_in([
            RegistrationStatus::Registered,
            RegistrationStatus::Waitlisted,
            RegistrationStatus::Attended,
            RegistrationStatus::NoShow,
        ]))
        .to_owned();
    let own = sea_orm::Condition::all()
        .add(shown.clone())
        .add(workshop::Column::Id.in_subquery(registered));
    sea_orm::Condition::any()
        .add(public)
        .add(workshop::Column::PlatformId.is_in(reach.managed.clone()))
        .add(
            sea_orm::Condition::all()
                .add(shown)
                .add(workshop::Column::Id.in_subquery(hosted)),
        )
        .add(within_reach(a, workshop::Column::PlatformId, own))
}

/// What the caller is to a discussion's space (issue 31). A discussion is read by whoever may
/// see its space: anyone for a platform, a working group and a task force; as the paper, the
/// practice or the workshop is seen otherwise. Who writes in it: a platform's or a working
/// group's members and coordinators; a task force's members; a paper's authors and its
/// platform's people; anyone signed in who sees a practice or a workshop (other councils ask
/// about what one did) — always on a platform their credential reaches. Its platform's
/// coordinators moderate it (administrators: every space).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpaceStanding {
    pub posts: bool,
    pub moderates: bool,
    /// The platform the space belongs to (none for a task force).
    pub platform_id: Option<i64>,
}

impl SpaceStanding {
    /// The caller's standing in the space; `None` when there is no such space or the caller
    /// may not see it.
    pub async fn of(
        db: &impl ConnectionTrait,
        auth: Option<&AuthUser>,
        kind: SpaceKind,
        id: i64,
    ) -> Result<Option<SpaceStanding>, ApiError> {
        let hidden = |e: ApiError| match e {
            ApiError::Problem(ProblemCode::NotFound, _) => Ok(None),
            other => Err(other),
        };
        let signed_in_on = |p: i64| auth.is_some_and(|a| a.reaches(p));
        let on_platform = |platform: Standing, p: i64| SpaceStanding {
            posts: platform.takes_part(),
            moderates: platform.manages(),
            platform_id: Some(p),
        };
        Ok(Some(match kind {
            SpaceKind::Platform => {
                let Some(p) = entity::platform::Entity::find_by_id(id).one(db).await? else {
                    return Ok(None);
                };
                on_platform(Standing::of_caller(db, auth, p.id).await?, p.id)
            }
            SpaceKind::WorkingGroup => {
                let Some(g) = entity::working_group::Entity::find_by_id(id)
                    .one(db)
                    .await?
                else {
                    return Ok(None);
                };
                on_platform(
                    Standing::of_caller(db, auth, g.platform_id).await?,
                    g.platform_id,
                )
            }
            SpaceKind::TaskForce => {
                let Some(t) = task_force::Entity::find_by_id(id).one(db).await? else {
                    return Ok(None);
                };
                let admin = auth.is_some_and(AuthUser::is_admin);
                let member = match auth {
                    Some(a) if !admin && a.key_platforms().is_none() => {
                        task_force_member::Entity::find()
                            .filter(task_force_member::Column::TaskForceId.eq(t.id))
                            .filter(task_force_member::Column::UserId.eq(a.id()))
                            .filter(task_force_member::Column::LeftAt.is_null())
                            .count(db)
                            .await?
                            > 0
                    }
                    _ => false,
                };
                SpaceStanding {
                    posts: admin || member,
                    moderates: admin,
                    platform_id: None,
                }
            }
            SpaceKind::PositionPaper => match visible_paper(db, auth, id).await {
                Ok((paper, s)) => SpaceStanding {
                    posts: s.sees_unpublished(),
                    moderates: s.manages(),
                    platform_id: Some(paper.platform_id),
                },
                Err(e) => return hidden(e),
            },
            SpaceKind::Practice => match visible_practice(db, auth, id).await {
                Ok((p, s)) => SpaceStanding {
                    posts: signed_in_on(p.platform_id),
                    moderates: s.manager,
                    platform_id: Some(p.platform_id),
                },
                Err(e) => return hidden(e),
            },
            SpaceKind::Workshop => match visible_workshop(db, auth, id).await {
                Ok((w, manager)) => SpaceStanding {
                    posts: signed_in_on(w.platform_id),
                    moderates: manager,
                    platform_id: Some(w.platform_id),
                },
                Err(e) => return hidden(e),
            },
        }))
    }

    /// 403 `forbidden` unless the caller may write in the space.
    pub fn require_poster(self) -> Result<SpaceStanding, ApiError> {
        if self.posts || self.moderates {
            return Ok(self);
        }
        Err(ApiError::Problem(
            ProblemCode::Forbidden,
            Text::new(
                "Only the people of this space may write in it: a platform's members and coordinators, a task force's members, a paper's authors.",
                "يكتب في هذا الفضاء أهله فقط: أعضاء المنصة ومنسقوها، أعضاء فريق العمل، مؤلفو الورقة.",
            ),
        ))
    }

    /// 403 `forbidden` unless the caller moderates the space.
    pub fn require_moderator(self) -> Result<SpaceStanding, ApiError> {
        if self.moderates {
            return Ok(self);
        }
        Err(ApiError::Problem(
            ProblemCode::Forbidden,
            Text::new(
                "Only the space's coordinators (and administrators) moderate it.",
                "لا يشرف على الفضاء إلا منسقوه (والمسؤولون).",
            ),
        ))
    }

    /// 403 `forbidden` unless the caller wrote it (`author`) or moderates the space.
    pub fn require_author_or_moderator(self, author: bool) -> Result<SpaceStanding, ApiError> {
        if (author && self.posts) || self.moderates {
            return Ok(self);
        }
        Err(ApiError::Problem(
            ProblemCode::Forbidden,
            Text::new(
                "Only its author or the space's coordinators may do this.",
                "لا يفعل هذا إلا كاتبه أو منسقو الفضاء.",
            ),
        ))
    }
}

/// The discussions the caller may read (those whose [`SpaceStanding`] they have), in one condition: those of
/// platforms, working groups and task forces; of the papers, practices and workshops the caller
/// may read (`readable_papers`, `readable_practices`, `readable_workshops`).
pub fn readable_discussions(reader: Reader<'_>) -> sea_orm::Condition {
    use entity::discussion::Column as D;
    use sea_orm::sea_query::Query;
    if reader.is_some_and(|(a, _)| a.is_admin()) {
        return sea_orm::Condition::all();
    }
    let of = |kind: SpaceKind, ids: sea_orm::sea_query::SelectStatement| {
        sea_orm::Condition::all()
            .add(D::SpaceKind.eq(kind))
            .add(D::SpaceId.in_subquery(ids))
    };
    sea_orm::Condition::any()
        .add(D::SpaceKind.is_in([
            SpaceKind::Platform,
            SpaceKind::WorkingGroup,
            SpaceKind::TaskForce,
        ]))
        .add(of(
            SpaceKind::PositionPaper,
            Query::select()
                .column(position_paper::Column::Id)
                .from(position_paper::Entity)
                .cond_where(readable_papers(reader))
                .to_owned(),
        ))
        .add(of(
            SpaceKind::Practice,
            Query::select()
                .column(practice::Column::Id)
                .from(practice::Entity)
                .cond_where(readable_practices(reader))
                .to_owned(),
        ))
        .add(of(
            SpaceKind::Workshop,
            Query::select()
                .column(workshop::Column::Id)
                .from(workshop::Entity)
                .cond_where(readable_workshops(reader))
                .to_owned(),
        ))
}

/// The flags the caller moderates: every one for an administrator; those of the platforms they
/// manage otherwise (a task force's discussions are the administrators').
pub fn readable_flags(reader: Reader<'_>) -> sea_orm::Condition {
    use entity::discussion_flag::Column as F;
    match reader {
        Some((a, _)) if a.is_admin() => sea_orm::Condition::all(),
        Some((_, reach)) => {
            sea_orm::Condition::all().add(F::PlatformId.is_in(reach.managed.clone()))
        }
        None => sea_orm::Condition::all().add(F::Id.eq(-1)),
    }
}

/// Whether person `user` takes part in platform `platform_id`: an active member, or holds an open
/// coordinator or deputy term there.
pub async fn takes_part_in(
    db: &impl ConnectionTrait,
    user: i64,
    platform_id: i64,
) -> Result<bool, ApiError> {
    Ok(taking_part(db, platform_id, &[user]).await?.contains(&user))
}

/// Those of `among` who take part in platform `platform_id` (as [`takes_part_in`]), in two
/// statements however many are asked about.
pub async fn taking_part(
    db: &impl ConnectionTrait,
    platform_id: i64,
    among: &[i64],
) -> Result<std::collections::HashSet<i64>, ApiError> {
    if among.is_empty() {
        return Ok(std::collections::HashSet::new());
    }
    let mut found: std::collections::HashSet<i64> = membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::PlatformId.eq(platform_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::UserId.is_in(among.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    found.extend(
        coordinator_term::Entity::find()
            .select_only()
            .column(coordinator_term::Column::UserId)
            .filter(coordinator_term::Column::PlatformId.eq(platform_id))
            .filter(coordinator_term::Column::EndedAt.is_null())
            .filter(coordinator_term::Column::UserId.is_in(among.iter().copied()))
            .into_tuple::<i64>()
            .all(db)
            .await?,
    );
    Ok(found)
}
