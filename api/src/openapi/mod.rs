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
                       answer is a quick 503 with `Retry-After`: try again then.",
        license(name = "MIT")
    ),
    components(schemas(Problem, ProblemField, ProblemCode)),
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
        (name = "workshops", description = "Workshops: scheduling, registrations and waiting lists, attendance, minutes"),
        (name = "calendars", description = "iCalendar feeds: a workshop, a platform, a person's private feed"),
        (name = "activities", description = "Activities of working groups with risks and budgets"),
        (name = "position-papers", description = "Position papers: immutable versions, comparison, status transitions, endorsements by local authorities"),
        (name = "partnerships", description = "Partnership and twinning agreements through their lifecycle"),
        (name = "audit", description = "The audit trail of every change"),
        (name = "search", description = "Search across platforms, topics, working groups and task forces"),
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

/// Which methods each documented path answers, for 405 answers with `Allow`.
pub struct RouteTable {
    routes: Vec<(Vec<Option<String>>, Vec<String>)>,
}

fn segments(path: &str) -> Vec<Option<String>> {
    path.trim_matches('/')
        .split('/')
        .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned()))
        .collect()
}

impl RouteTable {
    pub fn from_document(doc: &Value) -> RouteTable {
        let mut routes: Vec<(Vec<Option<String>>, Vec<String>)> = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let methods = ["get", "put", "post", "delete", "patch"]
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(|m| m.to_ascii_uppercase())
                    .collect();
                (segments(path), methods)
            })
            .collect();
        routes.push((segments("/openapi.json"), vec!["GET".to_owned()]));
        RouteTable { routes }
    }

    /// The methods of a documented path written without parameters, when `path` is one.
    pub fn literal(&self, path: &str) -> Option<Vec<String>> {
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
            .map(|(_, methods)| methods.clone())
    }

    /// The methods a path answers, when the path exists at all (a literal path's own methods,
    /// not those of a template that would also match it).
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        if let Some(methods) = self.literal(path) {
            return Some(methods);
        }
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut methods: Vec<String> = Vec::new();
        for (segs, ms) in &self.routes {
            let matches = segs.len() == wanted.len()
                && segs
                    .iter()
                    .zip(&wanted)
                    .all(|(s, w)| s.as_ref().is_none_or(|lit| lit == w));
            if matches {
                for m in ms {
                    if !methods.contains(m) {
                        methods.push(m.clone());
                    }
                }
            }
        }
        (!methods.is_empty()).then_some(methods)
    }
}
