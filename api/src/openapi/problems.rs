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
    /// POST, PUT, PATCH or DELETE: takes an `Idempotency-Key`.
    pub write: bool,
    /// What an API key meets here.
    pub key: KeyRule,
}

/// How an operation treats API keys (see `crate::auth::scopes`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum KeyRule {
    #[default]
    Open,
    Scoped,
    PeopleOnly,
}

/// The problems of the programme's rules, beyond those of the operation's shape.
pub fn specific(operation_id: &str) -> &'static [ProblemCode] {
    match operation_id {
        "login" => &[InvalidCredentials],
        "refresh" => &[InvalidRefreshToken],
        "logout"
        | "confirm_email_verification"
        | "accept_invitation"
        | "confirm_password_reset" => &[],
        "update_me" => &[],
        "change_password" => &[InvalidCredentials],
        "list_users" | "get_user" | "remove_task_force_member" => &[AdminOnly],
        "find_people" => &[NotAManager],
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
        "create_milestone" | "load_milestone_template" | "update_milestone" => {
            &[AdminOnly, Duplicate]
        }
        "delete_milestone" => &[AdminOnly],
        "record_spending" => &[NotAManager, LimitReached],
        "update_activity" => &[NotAManager],
        "delete_activity" => &[NotAManager, NotDeletable, StillReferenced],
        "change_activity_status" => &[NotAManager, TransitionNotAllowed, ConcurrentChange],
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
        "create_workshop" => &[NotAManager, NotAccepted],
        "update_workshop" => &[NotAManager, NotEditable],
        "transition_workshop" => &[NotAManager, TransitionNotAllowed, ConcurrentChange],
        "put_minutes" | "record_attendance" | "record_participants" => &[NotAManager, TooEarly],
        "check_in" => &[CheckInClosed, NotRegistered],
        "record_check_ins" => &[NotAManager, CheckInClosed],
        "get_ticket" => &[NotRegistered],
        "register" => &[
            NotAManager,
            MembersOnly,
            NotEligible,
            WorkshopNotOpen,
            RegistrationClosed,
            AlreadyRegistered,
        ],
        "cancel_registration" => &[NotAManager, NotRegistered],
        "ready" => &[Unavailable],
        "upload_file" | "upload_raw_file" | "upload_activity_file" | "upload_guide" => {
            &[NotAManager]
        }
        "upload_version_file" => &[NotAnEditor, NotEditable],
        "create_practice" => &[NotAMember],
        "update_practice" => &[Forbidden, NotEditable],
        "transition_practice" => &[
            Forbidden,
            NotAManager,
            TransitionNotAllowed,
            ConcurrentChange,
        ],
        "upload_practice_file" => &[Forbidden, NotEditable],
        "create_document" => &[NotAManager],
        "update_document" => &[Forbidden, NotEditable],
        "transition_document" => &[
            Forbidden,
            NotAManager,
            TransitionNotAllowed,
            ConcurrentChange,
            NoVersion,
        ],
        "upload_document_version" => &[Forbidden, NotEditable],
        "download_document" => &[NoVersion, PendingScan, RangeNotSatisfiable],
        "create_discussion"
        | "update_discussion"
        | "accept_answer"
        | "moderate_discussion"
        | "unhide_post"
        | "list_flags" => &[Forbidden],
        "hide_post" => &[Forbidden, PostDeleted],
        "flag_post" => &[Duplicate],
        "decide_flag" => &[Forbidden, AlreadyDecided, PostDeleted],
        "create_post" => &[Forbidden, DiscussionLocked],
        "update_post" => &[Forbidden, PostDeleted],
        // Edited meanwhile: the tombstone is written only over the reply as it was read.
        "delete_post" => &[Forbidden, PostDeleted, StaleVersion],
        "create_exchange_request" => &[NoLocalAuthority, PracticeNotPublished, OwnPractice],
        "list_exchange_requests" => &[],
        "decide_exchange_request" => &[Forbidden, AlreadyDecided],
        "plan_exchange" => &[NotAManager, NotAccepted, Duplicate],
        "record_replication" => &[Forbidden, PracticeNotPublished, OwnPractice, Duplicate],
        "upload_step_file" => &[NotAPartnershipManager],
        // One has no photo to remove.
        "delete_my_photo" => &[NotFound],
        "delete_file" => &[
            NotAManager,
            NotAnEditor,
            NotEditable,
            NotAPartnershipManager,
            Forbidden,
        ],
        "download_file" => &[InvalidLink, PendingScan, RangeNotSatisfiable],
        "create_file_link" => &[PendingScan],
        "storage_usage" | "union_storage_usage" => &[AdminOnly],
        "create_upload" => &[
            NotFound,
            NotAManager,
            TusVersion,
            PayloadTooLarge,
            ValidationError,
        ],
        "get_upload" => &[UploadExpired, TusVersion],
        "append_upload" => &[
            NotAManager,
            TusVersion,
            OffsetMismatch,
            UploadExpired,
            ChecksumMismatch,
            ConcurrentChange,
        ],
        "terminate_upload" => &[UploadExpired, TusVersion],
        "create_api_key" => &[NotAManager],
        "create_webhook" => &[NotAManager, LimitReached],
        "rotate_api_key" => &[NotEditable, StaleVersion],
        "revoke_api_key" | "rotate_webhook_secret" => &[StaleVersion],
        "list_changes" => &[CursorExpired],
        "participation_report"
        | "membership_report"
        | "seat_report"
        | "discussant_report"
        | "export_attendances" => &[Forbidden, NotAManager, ValidationError],
        "partnership_report" | "contribution_report" => &[Forbidden, ValidationError],
        "progress_report" | "budget_report" | "practice_report" => {
            &[Forbidden, NotAManager, ValidationError]
        }
        "record_payment" | "record_measurement" => {
            &[NotAPartnershipManager, NotEditable, LimitReached]
        }
        _ => &[],
    }
}

/// Every problem an operation can answer, generic ones first, each once.
pub fn for_operation(operation_id: &str, shape: Shape) -> Vec<ProblemCode> {
    let mut codes = vec![ControlCharacter];
    // A read's `If-None-Match` is a parameter too.
    if shape.path_params || shape.query_params || !shape.write {
        codes.push(InvalidParameter);
    }
    if shape.cursor {
        codes.push(InvalidCursor);
    }
    if shape.body {
        // `bad_request`: the body could not be read at all (the connection broke mid-body).
        codes.extend([
            BadRequest,
            MalformedJson,
            PayloadTooLarge,
            UnsupportedMediaType,
            ValidationError,
        ]);
    }
    match shape.key {
        // A key that is unknown, expired or revoked is refused wherever it is sent.
        KeyRule::Scoped => codes.extend([Unauthorized, InsufficientScope]),
        // A key where a person must sign in (a public operation ignores it).
        KeyRule::PeopleOnly if !shape.public => codes.push(NotForApiKeys),
        KeyRule::PeopleOnly => {}
        KeyRule::Open => {}
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
    if shape.write {
        codes.extend([
            InvalidIdempotencyKey,
            IdempotencyKeyInUse,
            IdempotencyKeyReused,
        ]);
    }
    codes.extend_from_slice(specific(operation_id));
    // Every caller has a request rate (health probes excepted), and the security limits
    // (logins, mail links, check-in codes, registration changes) answer the same problem.
    if !matches!(operation_id, "live" | "ready") {
        codes.push(TooManyRequests);
    }
    // The database down, hung or restarting, or the request past its time.
    if operation_id != "live" {
        codes.push(Unavailable);
    }
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

/// The rules of an operation that JSON Schema cannot state, as (field `code`, what it says): a
/// request valid by the schema can still be refused with 422 for them. Each code is in
/// `crate::error::RULE_FIELD_CODES`.
pub fn rules(operation_id: &str) -> Vec<(&'static str, &'static str)> {
    const PARENT: &[(&str, &str)] = &[
        ("not_allowed", "a thematic platform has no parent"),
        ("not_found", "`parent_id` is an existing platform"),
        ("invalid_parent", "the parent is another, thematic platform"),
    ];
    const SCHEDULE: &[(&str, &str)] = &[
        (
            "order",
            "`ends_at` is after `starts_at`; registration closes after it opens and by the end",
        ),
        (
            "past",
            "`starts_at` is not in the past (unless a past workshop is recorded as `completed`)",
        ),
        (
            "required",
            "a workshop has a `venue`, an `online_url`, or both; `starts_at` or \
             `starts_at_local` (and the same for the end); a `completed` one a `history_reason`",
        ),
        (
            "not_allowed",
            "a new workshop is not `cancelled`; an instant and a local time are not both given; \
             `exchange_request_id` and `activity_id` are not both given",
        ),
        ("future", "a workshop recorded as `completed` has ended"),
        (
            "format",
            "`starts_at_local`/`ends_at_local` look like `2026-12-10T10:00`",
        ),
        (
            "nonexistent_local_time",
            "a local time the clocks skip (daylight saving starts) is refused",
        ),
        (
            "ambiguous_local_time",
            "a local time the clocks pass twice (daylight saving ends) is refused: send the instant",
        ),
        (
            "not_found",
            "`platform_id`, `host_platform_ids`, `topic_id` and `activity_id` exist; \
             `exchange_request_id` asks to learn a practice of the platform",
        ),
    ];
    const AGREEMENT: &[(&str, &str)] = &[
        (
            "too_few",
            "at least two parties, one of them a local authority of the union",
        ),
        (
            "no_local_authority",
            "one party at least is a local authority of the union",
        ),
        (
            "required",
            "an authority party names `local_authority_id`, an outside one its `name`",
        ),
        (
            "not_allowed",
            "an outside party names no `local_authority_id`",
        ),
        ("not_found", "each `local_authority_id` exists"),
        ("duplicate", "an authority is a party once"),
        ("amount", "a contribution is more than zero"),
        ("before_start", "`ends_on` is after `starts_on`"),
    ];
    const PAPER: &[(&str, &str)] = &[
        (
            "not_found",
            "the topic and working group exist and belong to the paper's platform",
        ),
        (
            "not_a_member",
            "every author is an active member of the platform",
        ),
        ("deactivated", "no author's account is deactivated"),
        ("required", "a paper has at least one author"),
    ];
    let rules: &[(&str, &str)] = match operation_id {
        "create_platform" | "update_platform" => PARENT,
        "create_workshop" => SCHEDULE,
        "update_workshop" => &[
            (
                "order",
                "`ends_at` is after `starts_at`; registration closes after it opens and by the end",
            ),
            (
                "required",
                "a workshop keeps a `venue`, an `online_url`, or both",
            ),
            (
                "below_registered",
                "`capacity` is not below the people already registered",
            ),
            (
                "not_allowed",
                "an instant and a local time are not both given",
            ),
            (
                "format",
                "`starts_at_local`/`ends_at_local` look like `2026-12-10T10:00`",
            ),
            (
                "nonexistent_local_time",
                "a local time the clocks skip (daylight saving starts) is refused",
            ),
            (
                "ambiguous_local_time",
                "a local time the clocks pass twice (daylight saving ends) is refused: send the instant",
            ),
            ("not_found", "`host_platform_ids` and `topic_id` exist"),
        ],
        "progress_report" | "budget_report" | "practice_report" => &[
            ("order", "`to` is on or after `from`"),
            ("too_long", "`to` is at most ten years after `from`"),
            ("not_found", "`platform_id` is a platform"),
        ],
        "partnership_report" | "contribution_report" => &[
            ("order", "`to` is on or after `from`"),
            ("too_long", "`to` is at most ten years after `from`"),
        ],
        "record_measurement" => &[
            ("future", "`measured_on` is not in the future"),
            (
                "not_found",
                "`indicator` is the position of one of the agreement's indicators",
            ),
        ],
        "list_measurements" => &[("not_found", "`indicator` is from 1 to 30")],
        "record_payment" => &[
            ("future", "`paid_on` is not in the future"),
            ("amount", "`amount` is more than zero"),
            ("too_much", "`amount` is at most what is still unpaid"),
        ],
        "export_attendances" => &[
            ("order", "`to` is on or after `from`"),
            ("too_long", "`to` is at most ten years after `from`"),
            ("not_found", "`platform_id` is a platform"),
        ],
        "participation_report" | "membership_report" | "seat_report" | "discussant_report" => &[
            ("order", "`to` is on or after `from`"),
            ("too_long", "`to` is at most ten years after `from`"),
            ("duplicate", "`group_by` names each dimension once"),
            (
                "not_allowed",
                "`group_by` names dimensions of the report (`workshop_kind` for participation, `body` for seats, `topic` not for memberships nor discussants), and `quarter` or `month`, not both",
            ),
            (
                "too_many",
                "the grouping gives at most `REPORT_MAX_GROUPS` groups (100 000)",
            ),
            ("not_found", "`platform_id` is a platform"),
        ],
        "record_check_ins" => &[(
            "required",
            "each scan has a `ticket` or a `walk_in_user_id`",
        )],
        "create_election" => &[
            (
                "order",
                "nomination ends after it starts; voting starts after nomination ends and ends after it starts",
            ),
            ("past", "voting ends in the future"),
        ],
        "create_partnership" => {
            return [
                AGREEMENT,
                &[("future", "`consultation_on` is not in the future")],
            ]
            .concat();
        }
        "update_partnership" => AGREEMENT,
        "record_step" => &[
            ("future", "`on` is not in the future"),
            ("before_previous", "`on` is not before the previous step"),
            ("required", "a renewal names `new_ends_on`"),
            (
                "not_allowed",
                "only a renewal or an amendment names `new_ends_on`; only an amendment names `terms`",
            ),
            ("not_later", "`new_ends_on` is after the current end"),
            ("before_start", "`new_ends_on` is after the start"),
        ],
        "create_paper" => &[
            (
                "not_found",
                "`platform_id` exists; the topic and working group belong to it",
            ),
            (
                "not_a_member",
                "every author is an active member of the platform",
            ),
            ("deactivated", "no author's account is deactivated"),
            ("required", "a paper has at least one author"),
        ],
        "update_paper" => PAPER,
        "create_activity" => &[
            (
                "required",
                "a second cost unit has `unit_cost_2` and `units_2`",
            ),
            (
                "not_found",
                "`working_group_id`, `platform_id`, `milestone_id` and `host_platform_ids` exist",
            ),
            (
                "not_allowed",
                "with `working_group_id`, `platform_id` is left out or is the group's platform",
            ),
            ("duplicate", "`timeline` names each quarter once"),
            ("too_long", "`timeline` spans at most three years"),
            (
                "future",
                "an indicator's `achieved_on` is not in the future",
            ),
        ],
        "record_spending" => &[
            ("future", "`spent_on` is not in the future"),
            ("amount", "`amount` is more than zero"),
        ],
        "update_activity" => &[
            (
                "required",
                "a second cost unit has `unit_cost_2` and `units_2`",
            ),
            ("not_found", "`milestone_id` and `host_platform_ids` exist"),
            ("duplicate", "`timeline` names each quarter once"),
            ("too_long", "`timeline` spans at most three years"),
            (
                "future",
                "an indicator's `achieved_on` is not in the future",
            ),
        ],
        "list_audit" => &[("before_from", "`to` is after `from`")],
        "confirm_email_verification" | "accept_invitation" | "confirm_password_reset" => &[(
            "invalid_token",
            "the token is one the API mailed, unused and unexpired",
        )],
        "cast_ballot" => &[(
            "not_a_candidate",
            "`candidate_id` is an accepted candidate for `seat`",
        )],
        "nominate" => &[(
            "not_a_member",
            "the nominee is an active member of the platform",
        )],
        "update_me" => &[("not_found", "each of `expertise_topic_ids` is a topic")],
        "create_user" | "update_user" => &[(
            "not_found",
            "`local_authority_id` is an existing local authority",
        )],
        "change_password" => &[(
            "wrong_password",
            "`current_password` is the current password",
        )],
        "add_task_force_member" => &[
            ("not_found", "`user_id` is a user"),
            ("deactivated", "the person named has an active account"),
            ("no_authority", "the person belongs to a local authority"),
        ],
        "update_topic" | "add_topic" => {
            &[("unknown_axis", "`axis_id` is an axis of the same work plan")]
        }
        "create_work_plan" => &[("unknown_axis", "a topic's `axis` is one of the plan's axes")],
        "reorder_topics" => &[(
            "not_a_permutation",
            "`topic_ids` lists each topic of the plan exactly once",
        )],
        "put_working_group" | "add_working_group_member" => &[
            ("not_found", "`user_id` is a user"),
            ("deactivated", "the person named has an active account"),
            (
                "not_a_member",
                "the person is an active member of the platform",
            ),
        ],
        "approve_membership" => &[("deactivated", "the person named has an active account")],
        "record_participants" => &[
            (
                "required",
                "each participant gives exactly one of `user_id` and `email`",
            ),
            (
                "not_found",
                "each `user_id` or `email` is a person's account",
            ),
            ("deactivated", "the person named has an active account"),
        ],
        "record_attendance" => &[(
            "not_registered",
            "each person holds a registration for the workshop",
        )],
        "check_in" => &[("wrong_code", "`code` is the workshop's check-in code")],
        "register" => &[
            ("not_found", "`user_id` is a user"),
            ("deactivated", "the person named has an active account"),
        ],
        "create_api_key" => &[
            (
                "unknown_scope",
                "each scope is one an operation names (`x-required-scopes`)",
            ),
            ("duplicate", "a scope is listed once"),
            ("past", "`expires_at` is in the future"),
            ("required", "a coordinator's key names its `platform_ids`"),
            ("not_found", "each of `platform_ids` exists"),
            (
                "not_allowed",
                "each of `platform_ids` is a platform the caller coordinates",
            ),
        ],
        "create_webhook" | "update_webhook" => &[
            ("unknown_event_type", "each event type is in the catalogue"),
            (
                "url",
                "`url` is an absolute http(s) URL with a host and no credentials",
            ),
            ("not_https", "`url` is https outside development"),
            (
                "private_target",
                "`url` is not in a private, loopback or link-local range",
            ),
            (
                "required",
                "a coordinator's subscription names its `platform_ids`",
            ),
            ("not_found", "each of `platform_ids` exists"),
            (
                "not_allowed",
                "each of `platform_ids` is a platform the caller coordinates",
            ),
        ],
        "create_practice" => &[
            (
                "not_allowed",
                "a member names no other `local_authority_id` than their own",
            ),
            (
                "no_local_authority",
                "a caller of no local authority names the `local_authority_id`",
            ),
            (
                "not_found",
                "`platform_id`, `local_authority_id`, `topic_id` (a topic of the platform) and \
                 each of `contact_ids` exist",
            ),
            ("deactivated", "each of `contact_ids` is an active person"),
            (
                "format",
                "each of `sdg_targets` is `goal.target` with goals 1 to 17 (`11.3`, `6.b`); each \
                 tag is 1 to 50 characters without control characters",
            ),
        ],
        "update_practice" => &[
            (
                "not_found",
                "`topic_id` is a topic of the practice's platform; each of `contact_ids` exists",
            ),
            ("deactivated", "each of `contact_ids` is an active person"),
            (
                "format",
                "each of `sdg_targets` is `goal.target` with goals 1 to 17; each tag is 1 to 50 \
                 characters without control characters",
            ),
        ],
        "create_discussion" | "update_discussion" => &[
            (
                "not_found",
                "`space` is a platform, working group, task force, paper, practice or workshop \
                 the caller may see; each of `topic_ids` is a topic of its platform",
            ),
            (
                "required",
                "the title and the body each say something in Arabic, English or both",
            ),
            (
                "too_long",
                "the body's HTML (rendered from its Markdown) is at most 200 000 characters",
            ),
        ],
        "create_post" => &[
            (
                "not_found",
                "`quote_post_id` is a reply of the same discussion; each of `mention_ids` exists",
            ),
            ("deactivated", "each of `mention_ids` is an active person"),
            (
                "too_long",
                "the body's HTML (rendered from its Markdown) is at most 200 000 characters",
            ),
            (
                "not_allowed",
                "in a paper's, practice's or workshop's discussion, each of `mention_ids` takes \
                 part in its platform",
            ),
        ],
        "mark_read" => &[("not_found", "`post_id` is a reply of the discussion")],
        "update_post" => &[(
            "too_long",
            "the body's HTML (rendered from its Markdown) is at most 200 000 characters",
        )],
        "accept_answer" => &[
            ("not_found", "`post_id` is a reply of the discussion"),
            (
                "not_allowed",
                "only a question has an accepted answer, and a deleted reply is not one",
            ),
        ],
        "moderate_discussion" => &[(
            "not_found",
            "`space` is one the caller may see (and moderates)",
        )],
        "create_document" | "update_document" => &[
            (
                "not_found",
                "`platform_id`, `working_group_id` (a group of the platform), `activity_id` (an \
                 activity the platform hosts), `milestone_id`, `position_paper_id` (a paper of \
                 the platform) and each of `author_ids` exist",
            ),
            ("deactivated", "each of `author_ids` is an active person"),
        ],
        "record_replication" => &[
            ("future", "`adopted_on` is not in the future"),
            ("not_found", "`local_authority_id` is a local authority"),
        ],
        "replay_deliveries" => &[
            ("before_from", "`until` is after `since`"),
            (
                "too_many",
                "the range holds at most 10 000 messages, and with the messages already waiting \
                 at most `WEBHOOK_MAX_QUEUED` (10 000) wait",
            ),
        ],
        _ => &[],
    };
    rules.to_vec()
}
