//! Which problems each operation answers.
//!
//! Most follow from an operation's shape: every operation can meet a control character in its URL
//! or an internal error; one that needs a token can be refused it; one with a path parameter can
//! name nothing; one with a body can receive bad JSON or invalid fields; one with `If-Match` can
//! be stale. The rest are the programme's own rules, listed here by operation id: the handler's
//! name. The integration tests check every problem they meet against this list.

use crate::error::ProblemCode::{self, *};

/// What the document says of an operation that decides its generic problems.
#[derive(Debug, Default, Clone, Copy)]
pub struct Shape {
    pub public: bool,
    pub path_params: bool,
    pub query_params: bool,
    pub cursor: bool,
    pub body: bool,
    pub if_match: bool,
}

/// The problems of the programme's rules, beyond those of the operation's shape.
pub fn specific(operation_id: &str) -> &'static [ProblemCode] {
    match operation_id {
        "login" => &[InvalidCredentials, TooManyRequests],
        "refresh" => &[InvalidRefreshToken],
        "logout"
        | "confirm_email_verification"
        | "accept_invitation"
        | "confirm_password_reset" => &[],
        "update_me" => &[],
        "change_password" => &[InvalidCredentials],
        "list_users" | "get_user" | "remove_task_force_member" => &[AdminOnly],
        "delete_platform" | "delete_task_force" => &[AdminOnly, StillReferenced],
        "update_local_authority"
        | "create_platform"
        | "update_platform"
        | "create_task_force"
        | "update_task_force" => &[AdminOnly, Duplicate],
        "create_user" => &[AdminOnly, Duplicate],
        "create_local_authority" => &[AdminOnly, Duplicate, LimitReached],
        "update_user" => &[AdminOnly, LastAdmin, Duplicate],
        "delete_user" => &[AdminOnly, CannotDeleteSelf, LastAdmin, StillReferenced],
        "delete_local_authority" => &[AdminOnly, StillReferenced],
        "add_task_force_member" => &[AdminOnly, AlreadyAMember, AuthorityQuotaFull],
        "list_audit" => &[Forbidden, ValidationError],
        "create_election" => &[NotAManager, ElectionUnderWay],
        "cast_ballot" => &[NotAMember, WindowClosed, AlreadyVoted],
        "nominate" => &[NotAMember, WindowClosed, Duplicate, LimitReached],
        "accept_nomination" => &[NomineeOnly, WindowClosed],
        "certify" => &[AdminOnly, ResultsNotReady, AlreadyCertified],
        "get_results" => &[ResultsNotReady],
        "create_work_plan" => &[NotAManager, Duplicate],
        "list_members"
        | "put_working_group"
        | "remove_working_group_member"
        | "list_registrations"
        | "get_attendance" => &[NotAManager],
        "add_working_group_member" => &[NotAManager, Duplicate, LimitReached],
        "request_membership" => &[AlreadyAMember],
        "remove_membership" => &[NotAManager, NotACurrentMember],
        "approve_membership" | "reject_membership" => &[NotAManager, NotPending],
        "update_work_plan" => &[NotAManager, StaleVersion, Duplicate],
        "update_topic" | "reorder_topics" => &[NotAManager, StaleVersion],
        "add_axis" | "add_topic" => &[NotAManager, StaleVersion, LimitReached],
        "delete_topic" => &[NotAManager, StaleVersion, StillReferenced],
        "approve_work_plan" => &[NotAManager, TransitionNotAllowed, StaleVersion],
        "delete_work_plan" => &[NotAManager, NotDeletable, StillReferenced],
        "create_activity" => &[NotAManager],
        "update_activity" => &[NotAManager],
        "delete_activity" => &[NotAManager, NotDeletable, StillReferenced],
        "change_activity_status" => &[NotAManager, TransitionNotAllowed],
        "platform_budget" => &[InvalidParameter],
        "create_partnership" => &[NotAPartnershipManager],
        "update_partnership" => &[NotAPartnershipManager, NotEditable],
        "record_step" => &[
            NotAPartnershipManager,
            TransitionNotAllowed,
            ConcurrentChange,
            LimitReached,
        ],
        "expiring_partnerships" => &[InvalidParameter],
        "create_paper" => &[NotAMember],
        "update_paper" => &[NotAnEditor, NotEditable],
        "transition_paper" => &[
            Forbidden,
            NotAManager,
            TransitionNotAllowed,
            ConcurrentChange,
        ],
        "compare_versions" | "get_version" => &[InvalidParameter],
        "endorse" => &[NoLocalAuthority, NotEndorsable, AlreadyEndorsed],
        "withdraw_endorsement" => &[Forbidden],
        "search_all" => &[InvalidParameter],
        "create_workshop" => &[NotAManager],
        "update_workshop" => &[NotAManager, NotEditable],
        "transition_workshop" => &[NotAManager, TransitionNotAllowed],
        "put_minutes" | "record_attendance" => &[NotAManager, TooEarly],
        "check_in" => &[CheckInClosed, NotRegistered],
        "register" => &[
            NotAManager,
            MembersOnly,
            WorkshopNotOpen,
            RegistrationClosed,
            AlreadyRegistered,
        ],
        "cancel_registration" => &[NotAManager, NotRegistered],
        "ready" => &[Unavailable],
        _ => &[],
    }
}

/// Every problem an operation can answer, generic ones first, each once.
pub fn for_operation(operation_id: &str, shape: Shape) -> Vec<ProblemCode> {
    let mut codes = vec![ControlCharacter];
    if shape.path_params || shape.query_params {
        codes.push(InvalidParameter);
    }
    if shape.cursor {
        codes.push(InvalidCursor);
    }
    if shape.body {
        codes.extend([
            MalformedJson,
            PayloadTooLarge,
            UnsupportedMediaType,
            ValidationError,
        ]);
    }
    if !shape.public {
        codes.push(Unauthorized);
    }
    if shape.path_params {
        codes.push(NotFound);
    }
    if shape.if_match {
        codes.extend([VersionRequired, StaleVersion]);
    }
    codes.extend_from_slice(specific(operation_id));
    codes.push(InternalError);
    let mut seen = Vec::with_capacity(codes.len());
    for code in codes {
        if !seen.contains(&code) {
            seen.push(code);
        }
    }
    seen.sort_by_key(|c| c.status());
    seen
}
