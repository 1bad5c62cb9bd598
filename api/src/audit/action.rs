//! What was done, as a closed set: every audited write names one [`Action`], which knows the name
//! the trail stores (`workshop.update`) and the [`Entity`] it changed. What each action tells the
//! changes feed, partners' webhooks and people's inboxes is decided by one exhaustive `match`
//! (`services::events::tells`), so a new action does not compile until that is decided. An action
//! whose consequences depend on a new status carries that status, typed.

use crate::domain::{
    DocumentStatus, ExchangeStatus, PaperStatus, PracticeStatus, RegistrationStatus, WorkshopStatus,
};

macro_rules! entities {
    ($($variant:ident => $name:literal,)+) => {
        /// A kind of audited object, as the trail names it (`entity_type`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Entity {
            $($variant),+
        }

        impl Entity {
            /// Every kind.
            pub const ALL: &'static [Entity] = &[$(Entity::$variant),+];

            /// The name the trail stores.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Entity::$variant => $name),+
                }
            }
        }
    };
}

entities! {
    Activity => "activity",
    ApiKey => "api_key",
    CalendarToken => "calendar_token",
    CoordinatorTerm => "coordinator_term",
    Discussion => "discussion",
    DiscussionFlag => "discussion_flag",
    DiscussionFollow => "discussion_follow",
    DiscussionPost => "discussion_post",
    Document => "document",
    Election => "election",
    ElectionCandidate => "election_candidate",
    ExchangeRequest => "exchange_request",
    File => "file",
    LocalAuthority => "local_authority",
    Membership => "membership",
    Milestone => "milestone",
    Partnership => "partnership",
    Platform => "platform",
    PositionPaper => "position_paper",
    PositionPaperEndorsement => "position_paper_endorsement",
    Practice => "practice",
    PracticeReplication => "practice_replication",
    Registration => "registration",
    TaskForce => "task_force",
    TaskForceMember => "task_force_member",
    Topic => "topic",
    TopicFollow => "topic_follow",
    User => "user",
    WebhookSubscription => "webhook_subscription",
    WorkPlan => "work_plan",
    WorkPlanAxis => "work_plan_axis",
    WorkingGroup => "working_group",
    WorkingGroupMember => "working_group_member",
    Workshop => "workshop",
}

macro_rules! actions {
    (
        plain { $($plain:ident => $pname:literal, $pentity:ident;)+ }
        with_status { $($with:ident { $field:ident: $status:ident } => $wname:literal, $wentity:ident;)+ }
    ) => {
        /// An audited write.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Action {
            $($plain,)+
            $($with { $field: $status },)+
        }

        impl Action {
            /// The name the trail stores (`<entity>.<verb>`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$plain => $pname,)+
                    $(Action::$with { .. } => $wname,)+
                }
            }

            /// The kind of object it changes.
            pub fn entity(self) -> Entity {
                match self {
                    $(Action::$plain => Entity::$pentity,)+
                    $(Action::$with { .. } => Entity::$wentity,)+
                }
            }
        }

        /// Every action, with each status where it carries one, for the checks that each
        /// decision covers them all.
        #[cfg(test)]
        pub(crate) fn every_action() -> Vec<Action> {
            let mut all = vec![$(Action::$plain),+];
            $(all.extend($status::ALL.iter().map(|&s| Action::$with { $field: s }));)+
            all
        }
    };
}

actions! {
    plain {
        ActivityCreate => "activity.create", Activity;
        ActivityDelete => "activity.delete", Activity;
        ActivitySpending => "activity.spending", Activity;
        ActivityStatus => "activity.status", Activity;
        ActivityUpdate => "activity.update", Activity;
        ApiKeyCreate => "api_key.create", ApiKey;
        ApiKeyRevoke => "api_key.revoke", ApiKey;
        ApiKeyRotate => "api_key.rotate", ApiKey;
        CalendarTokenCreate => "calendar_token.create", CalendarToken;
        CalendarTokenRevoke => "calendar_token.revoke", User;
        CoordinatorTermEnd => "coordinator_term.end", CoordinatorTerm;
        ElectionAcceptNomination => "election.accept_nomination", ElectionCandidate;
        ElectionCertify => "election.certify", Election;
        ElectionCreate => "election.create", Election;
        ElectionNominate => "election.nominate", ElectionCandidate;
        ElectionVote => "election.vote", Election;
        ElectionWithdrawCandidate => "election.withdraw_candidate", ElectionCandidate;
        ExchangeRequestCreate => "exchange_request.create", ExchangeRequest;
        FileCreate => "file.create", File;
        FileDelete => "file.delete", File;
        FileInfected => "file.infected", File;
        FileScanned => "file.scanned", File;
        LocalAuthorityCreate => "local_authority.create", LocalAuthority;
        LocalAuthorityDelete => "local_authority.delete", LocalAuthority;
        LocalAuthorityUpdate => "local_authority.update", LocalAuthority;
        MembershipApprove => "membership.approve", Membership;
        MembershipLeave => "membership.leave", Membership;
        MembershipReject => "membership.reject", Membership;
        MembershipRequest => "membership.request", Membership;
        MilestoneCreate => "milestone.create", Milestone;
        MilestoneDelete => "milestone.delete", Milestone;
        MilestoneUpdate => "milestone.update", Milestone;
        PartnershipCreate => "partnership.create", Partnership;
        PartnershipMeasurement => "partnership.measurement", Partnership;
        PartnershipPayment => "partnership.payment", Partnership;
        PartnershipStep => "partnership.step", Partnership;
        PartnershipUpdate => "partnership.update", Partnership;
        PlatformCreate => "platform.create", Platform;
        PlatformDelete => "platform.delete", Platform;
        PlatformUpdate => "platform.update", Platform;
        PositionPaperCreate => "position_paper.create", PositionPaper;
        PositionPaperEndorse => "position_paper.endorse", PositionPaperEndorsement;
        PositionPaperUpdate => "position_paper.update", PositionPaper;
        PositionPaperWithdrawEndorsement => "position_paper.withdraw_endorsement", PositionPaperEndorsement;
        AnswerAccept => "discussion.accept_answer", Discussion;
        DiscussionCreate => "discussion.create", Discussion;
        DiscussionModerate => "discussion.moderate", Discussion;
        FlagCreate => "discussion_flag.create", DiscussionFlag;
        DiscussionFollow => "discussion_follow.create", DiscussionFollow;
        DiscussionUnfollow => "discussion_follow.delete", DiscussionFollow;
        FlagDecide => "discussion_flag.decide", DiscussionFlag;
        DiscussionUpdate => "discussion.update", Discussion;
        PostCreate => "discussion_post.create", DiscussionPost;
        PostDelete => "discussion_post.delete_text", DiscussionPost;
        PostHide => "discussion_post.hide", DiscussionPost;
        PostUnhide => "discussion_post.unhide", DiscussionPost;
        PostUpdate => "discussion_post.update", DiscussionPost;
        DocumentCreate => "document.create", Document;
        DocumentUpdate => "document.update", Document;
        PracticeCreate => "practice.create", Practice;
        PracticeReplicate => "practice.replicate", PracticeReplication;
        PracticeUpdate => "practice.update", Practice;
        RegistrationCancel => "registration.cancel", Registration;
        RegistrationCheckIn => "registration.check_in", Registration;
        RegistrationPromote => "registration.promote", Registration;
        RegistrationRecord => "registration.record", Registration;
        SessionLogin => "session.login", User;
        SessionLogout => "session.logout", User;
        SessionRefresh => "session.refresh", User;
        SessionReuseRevoked => "session.reuse_revoked", User;
        TaskForceAddMember => "task_force.add_member", TaskForceMember;
        TaskForceCreate => "task_force.create", TaskForce;
        TaskForceDelete => "task_force.delete", TaskForce;
        TaskForceRemoveMember => "task_force.remove_member", TaskForceMember;
        TaskForceUpdate => "task_force.update", TaskForce;
        TopicCreate => "topic.create", Topic;
        TopicDelete => "topic.delete", Topic;
        TopicUpdate => "topic.update", Topic;
        TopicFollow => "topic_follow.create", TopicFollow;
        TopicUnfollow => "topic_follow.delete", TopicFollow;
        UserAcceptInvitation => "user.accept_invitation", User;
        UserCreate => "user.create", User;
        UserDelete => "user.delete", User;
        UserEmailVerificationRequest => "user.email_verification_request", User;
        UserEmailVerify => "user.email_verify", User;
        UserPasswordChange => "user.password_change", User;
        UserPasswordReset => "user.password_reset", User;
        UserPasswordResetRequest => "user.password_reset_request", User;
        UserUpdate => "user.update", User;
        UserUpdateSelf => "user.update_self", User;
        WebhookCreate => "webhook.create", WebhookSubscription;
        WebhookDelete => "webhook.delete", WebhookSubscription;
        WebhookReplay => "webhook.replay", WebhookSubscription;
        WebhookReplayRange => "webhook.replay_range", WebhookSubscription;
        WebhookRotateSecret => "webhook.rotate_secret", WebhookSubscription;
        WebhookUpdate => "webhook.update", WebhookSubscription;
        WorkPlanAddAxis => "work_plan.add_axis", WorkPlanAxis;
        WorkPlanApprove => "work_plan.approve", WorkPlan;
        WorkPlanCreate => "work_plan.create", WorkPlan;
        WorkPlanDelete => "work_plan.delete", WorkPlan;
        WorkPlanReorderTopics => "work_plan.reorder_topics", WorkPlan;
        WorkPlanUpdate => "work_plan.update", WorkPlan;
        WorkingGroupAddMember => "working_group.add_member", WorkingGroupMember;
        WorkingGroupCreate => "working_group.create", WorkingGroup;
        WorkingGroupRemoveMember => "working_group.remove_member", WorkingGroupMember;
        WorkingGroupUpdate => "working_group.update", WorkingGroup;
        WorkshopAttendance => "workshop.attendance", Workshop;
        WorkshopCheckIns => "workshop.check_ins", Workshop;
        WorkshopMinutes => "workshop.minutes", Workshop;
        WorkshopUpdate => "workshop.update", Workshop;
    }
    with_status {
        ExchangeRequestDecide { to: ExchangeStatus } => "exchange_request.decide", ExchangeRequest;
        PositionPaperTransition { to: PaperStatus } => "position_paper.transition", PositionPaper;
        DocumentTransition { to: DocumentStatus } => "document.transition", Document;
        PracticeTransition { to: PracticeStatus } => "practice.transition", Practice;
        RegistrationCreate { status: RegistrationStatus } => "registration.create", Registration;
        WorkshopCreate { status: WorkshopStatus } => "workshop.create", Workshop;
        WorkshopTransition { to: WorkshopStatus } => "workshop.transition", Workshop;
    }
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
