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

use crate::auth::scopes::{self, KeyAccess};
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
        crate::services::webhooks::WorkshopEventData,
        crate::services::webhooks::RegistrationEventData,
        crate::services::webhooks::MembershipEventData,
        crate::services::webhooks::ElectionEventData,
        crate::services::webhooks::PaperEventData,
        crate::services::webhooks::PartnershipEventData,
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
        (name = "partnerships", description = "Partnership and twinning agreements through their lifecycle"),
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
        .configure(crate::routes::configure)
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

/// Which methods each documented path answers (for 405 answers with `Allow`), and what an API
/// key needs to call each.
pub struct RouteTable {
    routes: Vec<Route>,
}

/// A documented method: its name, what a key needs to call it, whether anyone may call it
/// without credentials, and the query parameters it takes.
type Method = (String, KeyAccess, bool, Vec<String>);

/// The names of the query parameters an operation documents (its own and its path's).
fn query_names(item: &Value, op: &Value) -> Vec<String> {
    [item, op]
        .iter()
        .filter_map(|v| v["parameters"].as_array())
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect()
}

/// A documented path (its segments, `None` for a parameter) and its methods.
type Route = (Vec<Option<String>>, Vec<Method>);

fn segments(path: &str) -> Vec<Option<String>> {
    path.trim_matches('/')
        .split('/')
        .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned()))
        .collect()
}

impl RouteTable {
    pub fn from_document(doc: &Value) -> RouteTable {
        let mut routes: Vec<Route> = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let methods = ["get", "put", "post", "delete", "patch"]
                    .iter()
                    .filter_map(|m| {
                        let op = item.get(*m)?;
                        Some((
                            m.to_ascii_uppercase(),
                            scopes::key_access(path, m, scopes::tag_of(op)),
                            contract::is_public(op),
                            query_names(item, op),
                        ))
                    })
                    .collect();
                (segments(path), methods)
            })
            .collect();
        routes.push((
            segments("/openapi.json"),
            vec![("GET".to_owned(), KeyAccess::Open, true, Vec::new())],
        ));
        RouteTable { routes }
    }

    fn literal_route(&self, path: &str) -> Option<&[Method]> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes
            .iter()
            .find(|(segs, _)| {
                segs.len() == wanted.len()
                    && segs
                        .iter()
                        .zip(&wanted)
                        .all(|(s, w)| s.as_deref() == Some(*w))
            })
            .map(|(_, methods)| methods.as_slice())
    }

    /// The templates a path matches, the most literal first.
    fn matching(&self, path: &str) -> Vec<&[Method]> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut found: Vec<(usize, &[Method])> = self
            .routes
            .iter()
            .filter(|(segs, _)| {
                segs.len() == wanted.len()
                    && segs
                        .iter()
                        .zip(&wanted)
                        .all(|(s, w)| s.as_ref().is_none_or(|lit| lit == w))
            })
            .map(|(segs, ms)| (segs.iter().filter(|s| s.is_none()).count(), ms.as_slice()))
            .collect();
        found.sort_by_key(|(params, _)| *params);
        found.into_iter().map(|(_, ms)| ms).collect()
    }

    /// A path's methods as `Allow` lists them: `HEAD` beside every `GET` (answered as `GET`),
    /// and `OPTIONS`.
    pub fn with_head_and_options(mut methods: Vec<String>) -> Vec<String> {
        if methods.iter().any(|m| m == "GET") && !methods.iter().any(|m| m == "HEAD") {
            let at = methods.iter().position(|m| m == "GET").map_or(0, |i| i + 1);
            methods.insert(at, "HEAD".to_owned());
        }
        if !methods.iter().any(|m| m == "OPTIONS") {
            methods.push("OPTIONS".to_owned());
        }
        methods
    }

    /// The methods of a documented path written without parameters, when `path` is one.
    pub fn literal(&self, path: &str) -> Option<Vec<String>> {
        self.literal_route(path)
            .map(|ms| ms.iter().map(|(m, ..)| m.clone()).collect())
    }

    /// The methods a path answers, when the path exists at all (a literal path's own methods,
    /// not those of a template that would also match it).
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        if let Some(methods) = self.literal(path) {
            return Some(methods);
        }
        let mut methods: Vec<String> = Vec::new();
        for ms in self.matching(path) {
            for (m, ..) in ms {
                if !methods.contains(m) {
                    methods.push(m.clone());
                }
            }
        }
        (!methods.is_empty()).then_some(methods)
    }

    /// What an API key needs to call `method path`; `None` when no documented operation answers
    /// it (the request ends in 404 or 405 anyway).
    pub fn key_access(&self, method: &str, path: &str) -> Option<KeyAccess> {
        self.operation(method, path).map(|(access, _)| access)
    }

    /// What a key needs for `method path`, and whether anyone may call it without credentials;
    /// `None` when no documented operation answers it.
    /// A literal path answers with its own methods only, as in `allowed` (`PATCH
    /// /milestones/template` is no `PATCH /milestones/{id}`).
    pub fn operation(&self, method: &str, path: &str) -> Option<(KeyAccess, bool)> {
        self.method(method, path)
            .map(|(_, access, public, _)| (access.clone(), *public))
    }

    /// The query parameters `method path` documents; `None` when no documented operation
    /// answers it.
    pub fn query_parameters(&self, method: &str, path: &str) -> Option<&[String]> {
        self.method(method, path)
            .map(|(.., query)| query.as_slice())
    }

    fn method(&self, method: &str, path: &str) -> Option<&Method> {
        let candidates = match self.literal_route(path) {
            Some(own) => vec![own],
            None => self.matching(path),
        };
        candidates
            .into_iter()
            .flat_map(|ms| ms.iter())
            .find(|(m, ..)| m.eq_ignore_ascii_case(method))
    }
}
