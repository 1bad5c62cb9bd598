//! The closed vocabularies: statuses, kinds and roles. Each is stored as its snake_case text (no
//! native enums, so SQLite and PostgreSQL agree), read back as the Rust enum, and an unknown
//! stored value is a read error, never a default.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, EnumIter,
            DeriveActiveEnum,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialized form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the stored form.
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Reads a stored value read outside the entity (a raw row); unknown is an error.
            pub fn from_stored(value: &str) -> Result<Self, DbErr> {
                Self::parse(value).ok_or_else(|| {
                    DbErr::Type(format!("unknown {} {value:?}", stringify!($name)))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What attendance records of a registered person: they came, or they did not.
    AttendanceMark { Attended => "attended", NoShow => "no_show" }
);

impl AttendanceMark {
    /// The registration status the mark sets.
    pub fn status(self) -> RegistrationStatus {
        match self {
            AttendanceMark::Attended => RegistrationStatus::Attended,
            AttendanceMark::NoShow => RegistrationStatus::NoShow,
        }
    }
}

text_enum!(
    /// What a user may do across the whole service.
    Role { Member => "member", Admin => "admin" }
);

text_enum!(
    /// Recorded for gender-split reports.
    Gender { Female => "female", Male => "male" }
);

text_enum!(
    /// The language of a person's emails and, absent `Accept-Language`, of nothing else.
    Locale { Ar => "ar", En => "en" }
);

text_enum!(
    /// The legal kind of a local authority.
    AuthorityKind {
        Municipality => "municipality",
        VillageCouncil => "village_council",
        JointServicesCouncil => "joint_services_council",
        UnionOfMunicipalities => "union_of_municipalities",
    }
);

text_enum!(
    /// Where an authority is: north, center or south of the West Bank, or Gaza.
    Region { North => "north", Center => "center", South => "south", Gaza => "gaza" }
);

text_enum!(
    /// Thematic platforms stand alone; regional ones are sub-platforms of a parent.
    PlatformKind { Thematic => "thematic", Regional => "regional" }
);

text_enum!(
    /// Where a platform is in its life.
    PlatformStatus { Active => "active", Planned => "planned", Suspended => "suspended", Closed => "closed" }
);

text_enum!(
    /// A membership's state: requested, then approved (active) or rejected; active members may leave.
    MembershipStatus { Pending => "pending", Active => "active", Rejected => "rejected", Left => "left" }
);

text_enum!(
    /// The two elected seats of a platform.
    Seat { Coordinator => "coordinator", Deputy => "deputy" }
);

text_enum!(
    /// A work plan is drafted, then approved.
    WorkPlanStatus { Draft => "draft", Approved => "approved" }
);

text_enum!(
    /// Whether a task force is working.
    TaskForceStatus { Active => "active", Closed => "closed" }
);

text_enum!(
    /// The kinds of activity in the programme's work plans.
    ActivityKind {
        LearningDay => "learning_day",
        SpecializedWorkshop => "specialized_workshop",
        BestPracticeConcept => "best_practice_concept",
        JointActivity => "joint_activity",
        PeerExchange => "peer_exchange",
        Campaign => "campaign",
        Training => "training",
        Guide => "guide",
    }
);

text_enum!(
    /// The three levels an activity's indicators measure (`000`): it has started, is well
    /// advanced, is completed.
    IndicatorLevel { Started => "started", Advanced => "advanced", Completed => "completed" }
);

text_enum!(
    /// An activity's progress (as in the transition framework): planned → started → advanced →
    /// completed, or cancelled.
    ActivityStatus {
        Planned => "planned",
        Started => "started",
        Advanced => "advanced",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// A workshop's state: draft → scheduled → completed, or cancelled.
    WorkshopStatus { Draft => "draft", Scheduled => "scheduled", Completed => "completed", Cancelled => "cancelled" }
);

text_enum!(
    /// A person's place at a workshop.
    RegistrationStatus {
        Registered => "registered",
        Waitlisted => "waitlisted",
        Cancelled => "cancelled",
        Attended => "attended",
        NoShow => "no_show",
    }
);

text_enum!(
    /// Where a request to learn a practice stands: asked, then accepted or declined by the
    /// practice's people.
    ExchangeStatus {
        Requested => "requested",
        Accepted => "accepted",
        Declined => "declined",
    }
);

text_enum!(
    /// A practice's state: draft → submitted → published (by the platform's coordinators or an
    /// administrator) → archived; a submitted one may go back to draft, an archived one be
    /// published again.
    PracticeStatus {
        Draft => "draft",
        Submitted => "submitted",
        Published => "published",
        Archived => "archived",
    }
);

text_enum!(
    /// Who sees a field of a person in the directory of peers: everyone signed in, the people
    /// who share one of their platforms, or nobody (but the person, the coordinators of their
    /// platforms and administrators, who see them whole).
    DirectoryVisibility {
        Everyone => "everyone",
        Peers => "peers",
        Nobody => "nobody",
    }
);

text_enum!(
    /// A document's state: planned (an activity's promised output, no text yet) → draft (its
    /// first version uploaded) → published (by the platform's coordinators or an administrator)
    /// → archived; an archived one may be published again.
    DocumentStatus {
        Planned => "planned",
        Draft => "draft",
        Published => "published",
        Archived => "archived",
    }
);

text_enum!(
    /// What kind of publication a document is.
    DocumentKind {
        Guide => "guide",
        Manual => "manual",
        Template => "template",
        Study => "study",
        PositionPaper => "position_paper",
    }
);

text_enum!(
    /// A position paper's state: draft → in_review → adopted → submitted → published, or
    /// withdrawn before it is published.
    PaperStatus {
        Draft => "draft",
        InReview => "in_review",
        Adopted => "adopted",
        Submitted => "submitted",
        Published => "published",
        Withdrawn => "withdrawn",
    }
);

text_enum!(
    /// The kind of a partnership agreement.
    PartnershipKind {
        Twinning => "twinning",
        DecentralizedCooperation => "decentralized_cooperation",
        Partnership => "partnership",
    }
);

text_enum!(
    /// A partnership agreement's lifecycle (from the decentralized-cooperation office's procedure):
    /// consultation → drafting → council_deliberation → approved → signing → visa (only with
    /// financial contributions) → in_force → evaluation (monitoring and evaluation, `002`) →
    /// renewed | amended | completed | terminated.
    PartnershipStatus {
        Consultation => "consultation",
        Drafting => "drafting",
        CouncilDeliberation => "council_deliberation",
        Approved => "approved",
        Signing => "signing",
        Visa => "visa",
        InForce => "in_force",
        Evaluation => "evaluation",
        Renewed => "renewed",
        Amended => "amended",
        Completed => "completed",
        Terminated => "terminated",
    }
);

impl PartnershipStatus {
    /// The statuses in which an agreement is in force (its indicators are measured then).
    pub const IN_FORCE: [PartnershipStatus; 4] = [
        PartnershipStatus::InForce,
        PartnershipStatus::Evaluation,
        PartnershipStatus::Renewed,
        PartnershipStatus::Amended,
    ];

    /// Whether the terms (parties, contributions, dates) may still change: until the council
    /// has deliberated. Payments are recorded only after.
    pub fn terms_editable(self) -> bool {
        matches!(
            self,
            PartnershipStatus::Consultation
                | PartnershipStatus::Drafting
                | PartnershipStatus::CouncilDeliberation
        )
    }
}

/// Where a recorded partnership step started: nowhere for the opening consultation (stored as
/// the empty text), otherwise the status the agreement left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, DeriveValueType)]
#[sea_orm(value_type = "String")]
pub struct StepOrigin(pub Option<PartnershipStatus>);

impl std::str::FromStr for StepOrigin {
    type Err = DbErr;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Ok(StepOrigin(None));
        }
        PartnershipStatus::parse(s)
            .map(|p| StepOrigin(Some(p)))
            .ok_or_else(|| DbErr::Type(format!("unknown partnership status {s:?}")))
    }
}

impl std::fmt::Display for StepOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.map_or("", PartnershipStatus::as_str))
    }
}

text_enum!(
    /// Who a party to an agreement is.
    PartyKind {
        LocalAuthority => "local_authority",
        ForeignLocalAuthority => "foreign_local_authority",
        NationalPartner => "national_partner",
        InternationalPartner => "international_partner",
    }
);

text_enum!(
    /// What an emailed single-use token is for.
    TokenPurpose {
        PasswordReset => "password_reset",
        EmailVerification => "email_verification",
        Invitation => "invitation",
    }
);

text_enum!(
    /// Why a message is in the mail outbox.
    MailKind {
        WorkshopConfirmation => "workshop_confirmation",
        WorkshopWaitlisted => "workshop_waitlisted",
        WorkshopPromotion => "workshop_promotion",
        WorkshopUpdate => "workshop_update",
        WorkshopCancellation => "workshop_cancellation",
        WorkshopReminder => "workshop_reminder",
        PasswordReset => "password_reset",
        EmailVerification => "email_verification",
        Invitation => "invitation",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveEnum;

    fn agree<T: ActiveEnum<Value = String> + Serialize + Copy>(
        all: &[T],
        text: fn(T) -> &'static str,
    ) {
        for v in all {
            assert_eq!(v.to_value(), text(*v), "stored form");
            assert_eq!(
                serde_json::to_value(v).ok(),
                Some(serde_json::Value::from(text(*v)))
            );
            assert!(
                T::try_from_value(&format!("{}?", text(*v))).is_err(),
                "unknown is an error"
            );
        }
    }

    #[test]
    fn stored_serialized_and_named_forms_agree() {
        agree(AttendanceMark::ALL, AttendanceMark::as_str);
        agree(Role::ALL, Role::as_str);
        agree(Gender::ALL, Gender::as_str);
        agree(Locale::ALL, Locale::as_str);
        agree(AuthorityKind::ALL, AuthorityKind::as_str);
        agree(Region::ALL, Region::as_str);
        agree(PlatformKind::ALL, PlatformKind::as_str);
        agree(PlatformStatus::ALL, PlatformStatus::as_str);
        agree(MembershipStatus::ALL, MembershipStatus::as_str);
        agree(Seat::ALL, Seat::as_str);
        agree(WorkPlanStatus::ALL, WorkPlanStatus::as_str);
        agree(TaskForceStatus::ALL, TaskForceStatus::as_str);
        agree(ActivityKind::ALL, ActivityKind::as_str);
        agree(ActivityStatus::ALL, ActivityStatus::as_str);
        agree(IndicatorLevel::ALL, IndicatorLevel::as_str);
        agree(WorkshopStatus::ALL, WorkshopStatus::as_str);
        agree(RegistrationStatus::ALL, RegistrationStatus::as_str);
        agree(PaperStatus::ALL, PaperStatus::as_str);
        agree(PartnershipKind::ALL, PartnershipKind::as_str);
        agree(PartnershipStatus::ALL, PartnershipStatus::as_str);
        agree(PartyKind::ALL, PartyKind::as_str);
        agree(TokenPurpose::ALL, TokenPurpose::as_str);
        agree(MailKind::ALL, MailKind::as_str);
    }

    #[test]
    fn a_step_origin_is_empty_for_the_opening_or_a_known_status() {
        assert_eq!("".parse::<StepOrigin>().ok(), Some(StepOrigin(None)));
        assert_eq!(
            "drafting".parse::<StepOrigin>().ok(),
            Some(StepOrigin(Some(PartnershipStatus::Drafting)))
        );
        assert!("drafted".parse::<StepOrigin>().is_err());
        assert_eq!(StepOrigin(None).to_string(), "");
    }
}

text_enum!(
    /// Where a delivery stands.
    DeliveryStatus { Pending => "pending", Succeeded => "succeeded", Failed => "failed" }
);

/// Declares a closed vocabulary whose stored and serialized forms are given one by one (dotted
/// names, say): each is stored as its text, and an unknown stored value is a read error.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, EnumIter,
            DeriveActiveEnum,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $text)]
                #[serde(rename = $text)]
                $variant
            ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialized form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum!(
    /// What an inbox notice tells (`notifications.kind`).
    NoticeKind {
        MembershipRequested => "membership.requested",
        MembershipApproved => "membership.approved",
        MembershipRejected => "membership.rejected",
        RegistrationPromoted => "registration.promoted",
        WorkshopChanged => "workshop.changed",
        WorkshopCancelled => "workshop.cancelled",
        ElectionOpened => "election.opened",
        PositionPaperInReview => "position_paper.in_review",
        PositionPaperAdopted => "position_paper.adopted",
        PositionPaperEndorsed => "position_paper.endorsed",
        ExchangeRequested => "exchange.requested",
        ExchangeDecided => "exchange.decided",
        FileInfected => "file.infected",
        PracticePublished => "practice.published",
        PostHidden => "post.hidden",
        PostFlagged => "post.flagged",
        DiscussionReply => "discussion.reply",
        Mentioned => "discussion.mention",
    }
);

text_enum!(
    /// Where a discussion takes place.
    SpaceKind {
        Platform => "platform",
        WorkingGroup => "working_group",
        TaskForce => "task_force",
        PositionPaper => "position_paper",
        Practice => "practice",
        Workshop => "workshop",
    }
);

text_enum!(
    /// A discussion, or a question that can have an accepted answer.
    DiscussionKind {
        Discussion => "discussion",
        Question => "question",
    }
);

text_enum!(
    /// The language a post is written in (its direction on the page).
    PostLang {
        Ar => "ar",
        En => "en",
    }
);

text_enum!(
    /// A flag's state in the moderators' queue: open until a moderator upholds it (the reply is
    /// hidden) or dismisses it.
    FlagStatus {
        Open => "open",
        Upheld => "upheld",
        Dismissed => "dismissed",
    }
);
