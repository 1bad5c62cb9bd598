//! The closed vocabularies of the API. Stored as text (no native enums), so both databases agree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
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

            /// Reads a stored value; an unknown one falls back to the first variant (and is logged),
            /// since rows are only ever written through `as_str`.
            pub fn from_db(value: &str) -> Self {
                Self::parse(value).unwrap_or_else(|| {
                    tracing::error!(value, kind = stringify!($name), "unknown stored value");
                    Self::ALL[0]
                })
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
    }
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
    /// financial contributions) → in_force → renewed | amended | completed | terminated.
    PartnershipStatus {
        Consultation => "consultation",
        Drafting => "drafting",
        CouncilDeliberation => "council_deliberation",
        Approved => "approved",
        Signing => "signing",
        Visa => "visa",
        InForce => "in_force",
        Renewed => "renewed",
        Amended => "amended",
        Completed => "completed",
        Terminated => "terminated",
    }
);

text_enum!(
    /// Who a party to an agreement is.
    PartyKind {
        LocalAuthority => "local_authority",
        ForeignLocalAuthority => "foreign_local_authority",
        NationalPartner => "national_partner",
        InternationalPartner => "international_partner",
    }
);
