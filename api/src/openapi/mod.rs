//! The OpenAPI 3.1 document. utoipa collects it from the router itself (every handler registered
//! with `.service()` inside `utoipa_actix_web`); [`contract::complete`] then adds what the router
//! cannot know: the problems each operation answers, the limits every type implies, the
//! security scheme and the servers.

mod contract;
pub mod problems;

use actix_web::App;
use serde_json::Value;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;
use utoipa_actix_web::AppExt;

use crate::error::{Problem, ProblemCode, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Experience-exchange platforms API",
        version = "1.0.0",
        description = "The union of local authorities' experience-exchange programme: platforms, \
                       members, elections, work plans, workshops, position papers and partnerships.\n\n\
                       Errors are `application/problem+json` (RFC 9457), in English or, with \
                       `Accept-Language: ar`, in Arabic. Lists answer `{items, next_cursor}` and take \
                       `limit` (1–100, default 20) and an opaque `cursor`.\n\n\
                       Each caller has a request rate (a signed-in caller by account, anyone else \
                       by address): every answer carries `RateLimit` and `RateLimit-Policy` (IETF \
                       httpapi draft), and past the quota the answer is 429 with `Retry-After`. \
                       Security limits (wrong passwords, mail links, check-in codes, registration \
                       changes) answer 429 the same way. When the database is down or slow the \
                       answer is a quick 503 with `Retry-After`: try again then.\n\n\
                       Partner portals sign in with an API key (`Authorization: Bearer epk_…`, \
                       scopes listed on each operation), receive signed webhooks (Standard \
                       Webhooks; the messages are under `webhooks`) and mirror with the changes \
                       feed (`GET /api/v1/changes`).",
        license(name = "MIT", identifier = "MIT")
    ),
    components(schemas(
        Problem,
        ProblemField,
        ProblemCode,
        crate::services::events::webhooks::WorkshopEventData,
        crate::services::events::webhooks::RegistrationEventData,
        crate::services::events::webhooks::MembershipEventData,
        crate::services::events::webhooks::ElectionEventData,
        crate::services::events::webhooks::PaperEventData,
        crate::services::events::webhooks::PartnershipEventData,
        crate::services::events::webhooks::FileEventData,
        crate::services::events::webhooks::PracticeEventData,
        crate::services::events::webhooks::DocumentEventData,
        crate::services::events::webhooks::DiscussionEventData,
        crate::services::events::webhooks::ExchangeEventData,
        crate::services::events::webhooks::ReplicationEventData,
        // Named by a header (`Tus-Resumable`) only.
        crate::routes::files::TusVersion,
        crate::routes::files::WorkshopFilePurpose,
        crate::routes::practices::SdgTarget,
        crate::routes::practices::Tag,
    )),
    tags(
        (name = "auth", description = "Login, token refresh, password reset, email verification, invitations"),
        (name = "me", description = "The caller's own account"),
        (name = "users", description = "Accounts (administrators)"),
        (name = "local-authorities", description = "Municipalities, village councils, joint-services councils and unions"),
        (name = "platforms", description = "Platforms, their members and coordinators"),
        (name = "elections", description = "Coordinator elections: nominations, secret ballots, results, certification"),
        (name = "work-plans", description = "Work plans, axes and ranked topics"),
        (name = "topics", description = "Topics and their working groups"),
        (name = "task-forces", description = "Specialised task forces and their members"),
        (name = "milestones", description = "A programme's milestones (the transition framework of the technical offices): the seven of the framework as a template, and the activities that serve each"),
        (name = "workshops", description = "Workshops: scheduling, registrations and waiting lists, attendance, minutes"),
        (name = "calendars", description = "iCalendar feeds: a workshop, a platform, a person's private feed"),
        (name = "activities", description = "Activities of working groups with risks and budgets"),
        (name = "position-papers", description = "Position papers: immutable versions, comparison, status transitions, endorsements by local authorities"),
        (name = "practices", description = "Practices local authorities share so that others learn them: drafted by their people, published by the platform's coordinators, versioned, with files"),
        (name = "documents", description = "The platforms' publications (guides, manuals, templates, studies, position papers): planned as an activity's or milestone's output, versioned as files, published by the platform's coordinators, their downloads counted"),
        (name = "discussions", description = "Peers ask and answer between workshops in a space (a platform, a working group, a task force, a paper, a practice, a workshop): discussions and questions with Markdown made safe, flat replies with quotes and kept history, accepted answers, follows and read state, mentions, moderation by the space's coordinators and people's flags"),
        (name = "partnerships", description = "Partnership and twinning agreements through their lifecycle"),
        (name = "files", description = "Files attached to the programme's work (a workshop's materials, agenda and minutes, a paper version's PDF, a partnership step's documents, an activity's outputs, a platform's guides, a person's photo): uploaded whole or resumably, their type told from their bytes, read back with ranges under their parent's visibility"),
        (name = "audit", description = "The audit trail of every change"),
        (name = "search", description = "Search across platforms, topics, working groups and task forces"),
        (name = "api-keys", description = "API keys of service accounts (partner portals): scopes, platforms, expiry, rotation, revocation"),
        (name = "webhooks", description = "Webhook subscriptions (Standard Webhooks): the event catalogue, signing secrets, the delivery log and replays"),
        (name = "webhook-messages", description = "The messages the API sends to a subscription's URL (under `webhooks`): what a partner's endpoint receives, signed"),
        (name = "changes", description = "The changes feed: every create, update and delete of what the caller may see, in a stable order, for mirrors and offline apps"),
        (name = "reports", description = "Programme reports for the union and its funders: participation, memberships and working-group and task-force seats by gender, authority, region, platform and period; small cells hidden from anyone but administrators; as JSON, CSV or XLSX"),
        (name = "notifications", description = "The caller's in-app inbox: membership requests and decisions, waiting-list promotions, workshops that move or are cancelled, elections, papers in review, adopted or endorsed; in both languages, with the unread count"),
        (name = "operations", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The document as utoipa collects it from the router, before [`contract::complete`].
pub fn collected() -> Document {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(|cfg| crate::routes::configure(&mut crate::routes::Routes::Documented(cfg)))
        .split_for_parts();
    doc
}

/// The whole document, as served at `/openapi.json` and committed as `openapi/openapi.json`.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(collected()).unwrap_or(Value::Null);
    contract::complete(&mut doc);
    doc
}

/// The document as pretty JSON with a trailing newline, the committed file's exact form.
pub fn document_json() -> String {
    let mut json = serde_json::to_string_pretty(&document()).unwrap_or_default();
    json.push('\n');
    json
}
