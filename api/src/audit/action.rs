//! What was done, as a closed set: every audited write names one [`Action`], which knows the name
//! the trail stores (`workshop.update`) and the [`Entity`] it changed. The changes feed, the
//! webhook catalogue and the inbox notices decide what each action tells with exhaustive
//! `match`es on it (`services::events`), so a new action does not compile until each is decided.
//! An action whose consequences depend on a new status carries that status, typed.

use crate::domain::{PaperStatus, RegistrationStatus, WorkshopStatus};

/// A kind of audited object, as the trail names it (`entity_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Activity,
    ApiKey,
    CalendarToken,
    CoordinatorTerm,
    Election,
    ElectionCandidate,
    LocalAuthority,
    Membership,
    Milestone,
    Partnership,
    Platform,
    PositionPaper,
    PositionPaperEndorsement,
    Registration,
    TaskForce,
    TaskForceMember,
    Topic,
    User,
    WebhookSubscription,
    WorkPlan,
    WorkPlanAxis,
    WorkingGroup,
    WorkingGroupMember,
    Workshop,
}

impl Entity {
    /// Every kind.
    pub const ALL: &'static [Entity] = &[
        Entity::Activity,
        Entity::ApiKey,
        Entity::CalendarToken,
        Entity::CoordinatorTerm,
        Entity::Election,
        Entity::ElectionCandidate,
        Entity::LocalAuthority,
        Entity::Membership,
        Entity::Milestone,
        Entity::Partnership,
        Entity::Platform,
        Entity::PositionPaper,
        Entity::PositionPaperEndorsement,
        Entity::Registration,
        Entity::TaskForce,
        Entity::TaskForceMember,
        Entity::Topic,
        Entity::User,
        Entity::WebhookSubscription,
        Entity::WorkPlan,
        Entity::WorkPlanAxis,
        Entity::WorkingGroup,
        Entity::WorkingGroupMember,
        Entity::Workshop,
    ];

    /// The name the trail stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Activity => "activity",
            Entity::ApiKey => "api_key",
            Entity::CalendarToken => "calendar_token",
            Entity::CoordinatorTerm => "coordinator_term",
            Entity::Election => "election",
            Entity::ElectionCandidate => "election_candidate",
            Entity::LocalAuthority => "local_authority",
            Entity::Membership => "membership",
            Entity::Milestone => "milestone",
            Entity::Partnership => "partnership",
            Entity::Platform => "platform",
            Entity::PositionPaper => "position_paper",
            Entity::PositionPaperEndorsement => "position_paper_endorsement",
            Entity::Registration => "registration",
            Entity::TaskForce => "task_force",
            Entity::TaskForceMember => "task_force_member",
            Entity::Topic => "topic",
            Entity::User => "user",
            Entity::WebhookSubscription => "webhook_subscription",
            Entity::WorkPlan => "work_plan",
            Entity::WorkPlanAxis => "work_plan_axis",
            Entity::WorkingGroup => "working_group",
            Entity::WorkingGroupMember => "working_group_member",
            Entity::Workshop => "workshop",
        }
    }
}

/// An audited write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ActivityCreate,
    ActivityDelete,
    ActivitySpending,
    ActivityStatus,
    ActivityUpdate,
    ApiKeyCreate,
    ApiKeyRevoke,
    ApiKeyRotate,
    CalendarTokenCreate,
    CalendarTokenRevoke,
    CoordinatorTermEnd,
    ElectionAcceptNomination,
    ElectionCertify,
    ElectionCreate,
    ElectionNominate,
    ElectionVote,
    ElectionWithdrawCandidate,
    LocalAuthorityCreate,
    LocalAuthorityDelete,
    LocalAuthorityUpdate,
    MembershipApprove,
    MembershipLeave,
    MembershipReject,
    MembershipRequest,
    MilestoneCreate,
    MilestoneDelete,
    MilestoneUpdate,
    PartnershipCreate,
    PartnershipMeasurement,
    PartnershipPayment,
    PartnershipStep,
    PartnershipUpdate,
    PlatformCreate,
    PlatformDelete,
    PlatformUpdate,
    PositionPaperCreate,
    PositionPaperEndorse,
    PositionPaperTransition { to: PaperStatus },
    PositionPaperUpdate,
    PositionPaperWithdrawEndorsement,
    RegistrationCancel,
    RegistrationCheckIn,
    RegistrationCreate { status: RegistrationStatus },
    RegistrationPromote,
    RegistrationRecord,
    SessionLogin,
    SessionLogout,
    SessionRefresh,
    SessionReuseRevoked,
    TaskForceAddMember,
    TaskForceCreate,
    TaskForceDelete,
    TaskForceRemoveMember,
    TaskForceUpdate,
    TopicCreate,
    TopicDelete,
    TopicUpdate,
    UserAcceptInvitation,
    UserCreate,
    UserDelete,
    UserEmailVerificationRequest,
    UserEmailVerify,
    UserPasswordChange,
    UserPasswordReset,
    UserPasswordResetRequest,
    UserUpdate,
    UserUpdateSelf,
    WebhookCreate,
    WebhookDelete,
    WebhookReplay,
    WebhookReplayRange,
    WebhookRotateSecret,
    WebhookUpdate,
    WorkPlanAddAxis,
    WorkPlanApprove,
    WorkPlanCreate,
    WorkPlanDelete,
    WorkPlanReorderTopics,
    WorkPlanUpdate,
    WorkingGroupAddMember,
    WorkingGroupCreate,
    WorkingGroupRemoveMember,
    WorkingGroupUpdate,
    WorkshopAttendance,
    WorkshopCheckIns,
    WorkshopCreate { status: WorkshopStatus },
    WorkshopMinutes,
    WorkshopTransition { to: WorkshopStatus },
    WorkshopUpdate,
}

impl Action {
    /// The name the trail stores (`<entity>.<verb>`).
    pub fn name(self) -> &'static str {
        match self {
            Action::ActivityCreate => "activity.create",
            Action::ActivityDelete => "activity.delete",
            Action::ActivitySpending => "activity.spending",
            Action::ActivityStatus => "activity.status",
            Action::ActivityUpdate => "activity.update",
            Action::ApiKeyCreate => "api_key.create",
            Action::ApiKeyRevoke => "api_key.revoke",
            Action::ApiKeyRotate => "api_key.rotate",
            Action::CalendarTokenCreate => "calendar_token.create",
            Action::CalendarTokenRevoke => "calendar_token.revoke",
            Action::CoordinatorTermEnd => "coordinator_term.end",
            Action::ElectionAcceptNomination => "election.accept_nomination",
            Action::ElectionCertify => "election.certify",
            Action::ElectionCreate => "election.create",
            Action::ElectionNominate => "election.nominate",
            Action::ElectionVote => "election.vote",
            Action::ElectionWithdrawCandidate => "election.withdraw_candidate",
            Action::LocalAuthorityCreate => "local_authority.create",
            Action::LocalAuthorityDelete => "local_authority.delete",
            Action::LocalAuthorityUpdate => "local_authority.update",
            Action::MembershipApprove => "membership.approve",
            Action::MembershipLeave => "membership.leave",
            Action::MembershipReject => "membership.reject",
            Action::MembershipRequest => "membership.request",
            Action::MilestoneCreate => "milestone.create",
            Action::MilestoneDelete => "milestone.delete",
            Action::MilestoneUpdate => "milestone.update",
            Action::PartnershipCreate => "partnership.create",
            Action::PartnershipMeasurement => "partnership.measurement",
            Action::PartnershipPayment => "partnership.payment",
            Action::PartnershipStep => "partnership.step",
            Action::PartnershipUpdate => "partnership.update",
            Action::PlatformCreate => "platform.create",
            Action::PlatformDelete => "platform.delete",
            Action::PlatformUpdate => "platform.update",
            Action::PositionPaperCreate => "position_paper.create",
            Action::PositionPaperEndorse => "position_paper.endorse",
            Action::PositionPaperTransition { .. } => "position_paper.transition",
            Action::PositionPaperUpdate => "position_paper.update",
            Action::PositionPaperWithdrawEndorsement => "position_paper.withdraw_endorsement",
            Action::RegistrationCancel => "registration.cancel",
            Action::RegistrationCheckIn => "registration.check_in",
            Action::RegistrationCreate { .. } => "registration.create",
            Action::RegistrationPromote => "registration.promote",
            Action::RegistrationRecord => "registration.record",
            Action::SessionLogin => "session.login",
            Action::SessionLogout => "session.logout",
            Action::SessionRefresh => "session.refresh",
            Action::SessionReuseRevoked => "session.reuse_revoked",
            Action::TaskForceAddMember => "task_force.add_member",
            Action::TaskForceCreate => "task_force.create",
            Action::TaskForceDelete => "task_force.delete",
            Action::TaskForceRemoveMember => "task_force.remove_member",
            Action::TaskForceUpdate => "task_force.update",
            Action::TopicCreate => "topic.create",
            Action::TopicDelete => "topic.delete",
            Action::TopicUpdate => "topic.update",
            Action::UserAcceptInvitation => "user.accept_invitation",
            Action::UserCreate => "user.create",
            Action::UserDelete => "user.delete",
            Action::UserEmailVerificationRequest => "user.email_verification_request",
            Action::UserEmailVerify => "user.email_verify",
            Action::UserPasswordChange => "user.password_change",
            Action::UserPasswordReset => "user.password_reset",
            Action::UserPasswordResetRequest => "user.password_reset_request",
            Action::UserUpdate => "user.update",
            Action::UserUpdateSelf => "user.update_self",
            Action::WebhookCreate => "webhook.create",
            Action::WebhookDelete => "webhook.delete",
            Action::WebhookReplay => "webhook.replay",
            Action::WebhookReplayRange => "webhook.replay_range",
            Action::WebhookRotateSecret => "webhook.rotate_secret",
            Action::WebhookUpdate => "webhook.update",
            Action::WorkPlanAddAxis => "work_plan.add_axis",
            Action::WorkPlanApprove => "work_plan.approve",
            Action::WorkPlanCreate => "work_plan.create",
            Action::WorkPlanDelete => "work_plan.delete",
            Action::WorkPlanReorderTopics => "work_plan.reorder_topics",
            Action::WorkPlanUpdate => "work_plan.update",
            Action::WorkingGroupAddMember => "working_group.add_member",
            Action::WorkingGroupCreate => "working_group.create",
            Action::WorkingGroupRemoveMember => "working_group.remove_member",
            Action::WorkingGroupUpdate => "working_group.update",
            Action::WorkshopAttendance => "workshop.attendance",
            Action::WorkshopCheckIns => "workshop.check_ins",
            Action::WorkshopCreate { .. } => "workshop.create",
            Action::WorkshopMinutes => "workshop.minutes",
            Action::WorkshopTransition { .. } => "workshop.transition",
            Action::WorkshopUpdate => "workshop.update",
        }
    }

    /// The kind of object it changes.
    pub fn entity(self) -> Entity {
        use Action as A;
        match self {
            A::ActivityCreate
            | A::ActivityDelete
            | A::ActivitySpending
            | A::ActivityStatus
            | A::ActivityUpdate => Entity::Activity,
            A::ApiKeyCreate | A::ApiKeyRevoke | A::ApiKeyRotate => Entity::ApiKey,
            A::CalendarTokenCreate => Entity::CalendarToken,
            A::CalendarTokenRevoke
            | A::SessionLogin
            | A::SessionLogout
            | A::SessionRefresh
            | A::SessionReuseRevoked
            | A::UserAcceptInvitation
            | A::UserCreate
            | A::UserDelete
            | A::UserEmailVerificationRequest
            | A::UserEmailVerify
            | A::UserPasswordChange
            | A::UserPasswordReset
            | A::UserPasswordResetRequest
            | A::UserUpdate
            | A::UserUpdateSelf => Entity::User,
            A::CoordinatorTermEnd => Entity::CoordinatorTerm,
            A::ElectionAcceptNomination | A::ElectionNominate | A::ElectionWithdrawCandidate => {
                Entity::ElectionCandidate
            }
            A::ElectionCertify | A::ElectionCreate | A::ElectionVote => Entity::Election,
            A::LocalAuthorityCreate | A::LocalAuthorityDelete | A::LocalAuthorityUpdate => {
                Entity::LocalAuthority
            }
            A::MembershipApprove
            | A::MembershipLeave
            | A::MembershipReject
            | A::MembershipRequest => Entity::Membership,
            A::MilestoneCreate | A::MilestoneDelete | A::MilestoneUpdate => Entity::Milestone,
            A::PartnershipCreate
            | A::PartnershipMeasurement
            | A::PartnershipPayment
            | A::PartnershipStep
            | A::PartnershipUpdate => Entity::Partnership,
            A::PlatformCreate | A::PlatformDelete | A::PlatformUpdate => Entity::Platform,
            A::PositionPaperCreate | A::PositionPaperTransition { .. } | A::PositionPaperUpdate => {
                Entity::PositionPaper
            }
            A::PositionPaperEndorse | A::PositionPaperWithdrawEndorsement => {
                Entity::PositionPaperEndorsement
            }
            A::RegistrationCancel
            | A::RegistrationCheckIn
            | A::RegistrationCreate { .. }
            | A::RegistrationPromote
            | A::RegistrationRecord => Entity::Registration,
            A::TaskForceAddMember | A::TaskForceRemoveMember => Entity::TaskForceMember,
            A::TaskForceCreate | A::TaskForceDelete | A::TaskForceUpdate => Entity::TaskForce,
            A::TopicCreate | A::TopicDelete | A::TopicUpdate => Entity::Topic,
            A::WebhookCreate
            | A::WebhookDelete
            | A::WebhookReplay
            | A::WebhookReplayRange
            | A::WebhookRotateSecret
            | A::WebhookUpdate => Entity::WebhookSubscription,
            A::WorkPlanAddAxis => Entity::WorkPlanAxis,
            A::WorkPlanApprove
            | A::WorkPlanCreate
            | A::WorkPlanDelete
            | A::WorkPlanReorderTopics
            | A::WorkPlanUpdate => Entity::WorkPlan,
            A::WorkingGroupAddMember | A::WorkingGroupRemoveMember => Entity::WorkingGroupMember,
            A::WorkingGroupCreate | A::WorkingGroupUpdate => Entity::WorkingGroup,
            A::WorkshopAttendance
            | A::WorkshopCheckIns
            | A::WorkshopCreate { .. }
            | A::WorkshopMinutes
            | A::WorkshopTransition { .. }
            | A::WorkshopUpdate => Entity::Workshop,
        }
    }
}

/// Every action (with a status where it carries one), in the order of `actions.txt`, for the
/// checks that each decision covers them all.
#[cfg(test)]
pub(crate) fn every_action() -> Vec<Action> {
    use Action as A;
    let mut all = vec![
        A::ActivityCreate,
        A::ActivityDelete,
        A::ActivitySpending,
        A::ActivityStatus,
        A::ActivityUpdate,
        A::ApiKeyCreate,
        A::ApiKeyRevoke,
        A::ApiKeyRotate,
        A::CalendarTokenCreate,
        A::CalendarTokenRevoke,
        A::CoordinatorTermEnd,
        A::ElectionAcceptNomination,
        A::ElectionCertify,
        A::ElectionCreate,
        A::ElectionNominate,
        A::ElectionVote,
        A::ElectionWithdrawCandidate,
        A::LocalAuthorityCreate,
        A::LocalAuthorityDelete,
        A::LocalAuthorityUpdate,
        A::MembershipApprove,
        A::MembershipLeave,
        A::MembershipReject,
        A::MembershipRequest,
        A::MilestoneCreate,
        A::MilestoneDelete,
        A::MilestoneUpdate,
        A::PartnershipCreate,
        A::PartnershipMeasurement,
        A::PartnershipPayment,
        A::PartnershipStep,
        A::PartnershipUpdate,
        A::PlatformCreate,
        A::PlatformDelete,
        A::PlatformUpdate,
        A::PositionPaperCreate,
        A::PositionPaperEndorse,
        A::PositionPaperUpdate,
        A::PositionPaperWithdrawEndorsement,
        A::RegistrationCancel,
        A::RegistrationCheckIn,
        A::RegistrationPromote,
        A::RegistrationRecord,
        A::SessionLogin,
        A::SessionLogout,
        A::SessionRefresh,
        A::SessionReuseRevoked,
        A::TaskForceAddMember,
        A::TaskForceCreate,
        A::TaskForceDelete,
        A::TaskForceRemoveMember,
        A::TaskForceUpdate,
        A::TopicCreate,
        A::TopicDelete,
        A::TopicUpdate,
        A::UserAcceptInvitation,
        A::UserCreate,
        A::UserDelete,
        A::UserEmailVerificationRequest,
        A::UserEmailVerify,
        A::UserPasswordChange,
        A::UserPasswordReset,
        A::UserPasswordResetRequest,
        A::UserUpdate,
        A::UserUpdateSelf,
        A::WebhookCreate,
        A::WebhookDelete,
        A::WebhookReplay,
        A::WebhookReplayRange,
        A::WebhookRotateSecret,
        A::WebhookUpdate,
        A::WorkPlanAddAxis,
        A::WorkPlanApprove,
        A::WorkPlanCreate,
        A::WorkPlanDelete,
        A::WorkPlanReorderTopics,
        A::WorkPlanUpdate,
        A::WorkingGroupAddMember,
        A::WorkingGroupCreate,
        A::WorkingGroupRemoveMember,
        A::WorkingGroupUpdate,
        A::WorkshopAttendance,
        A::WorkshopCheckIns,
        A::WorkshopMinutes,
        A::WorkshopUpdate,
    ];
    all.extend(WorkshopStatus::ALL.iter().flat_map(|&s| {
        [
            A::WorkshopCreate { status: s },
            A::WorkshopTransition { to: s },
        ]
    }));
    all.extend(
        RegistrationStatus::ALL
            .iter()
            .map(|&s| A::RegistrationCreate { status: s }),
    );
    all.extend(
        PaperStatus::ALL
            .iter()
            .map(|&s| A::PositionPaperTransition { to: s }),
    );
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the trail stored before actions were typed (`actions.txt`) must never change:
    /// audit queries and partners' exports read them.
    #[test]
    fn stored_names_and_entities_are_those_of_the_trail() {
        let mut actual: Vec<String> = every_action()
            .into_iter()
            .map(|a| format!("{} {}", a.name(), a.entity().as_str()))
            .collect();
        actual.sort_unstable();
        actual.dedup();
        let expected: Vec<&str> = include_str!("actions.txt")
            .lines()
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(actual, expected);
        let mut entities: Vec<&str> = every_action().iter().map(|a| a.entity().as_str()).collect();
        entities.sort_unstable();
        entities.dedup();
        assert_eq!(
            entities,
            Entity::ALL.iter().map(|e| e.as_str()).collect::<Vec<_>>()
        );
    }
}
