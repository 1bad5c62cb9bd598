//! The OpenAPI 3.1 document, built from the router itself (every handler registered with
//! `.service()` inside `utoipa_actix_web`), then completed with the shared error responses and
//! the bearer security scheme.

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa_actix_web::AppExt;

use crate::error::{PROBLEM_JSON, Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Experience-exchange platforms API",
        version = "1.0.0",
        description = "The union of local authorities' experience-exchange programme: platforms, \
                       members, elections, work plans, workshops, position papers and partnerships.\n\n\
                       Errors are `application/problem+json` (RFC 9457), in English or, with \
                       `Accept-Language: ar`, in Arabic. Lists answer `{items, next_cursor}` and take \
                       `limit` (1–100, default 20) and an opaque `cursor`.",
        license(name = "MIT")
    ),
    components(schemas(Problem, ProblemField)),
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

/// The standard error answers, shared by reference.
const ERROR_RESPONSES: &[(&str, &str, &str)] = &[
    (
        "BadRequest",
        "400",
        "Malformed request: bad JSON, query or path parameter",
    ),
    (
        "Unauthorized",
        "401",
        "Missing, invalid or expired access token",
    ),
    ("Forbidden", "403", "The caller may not do this"),
    ("NotFound", "404", "No such resource"),
    (
        "Conflict",
        "409",
        "Conflicts with the current state (a duplicate, or still referenced)",
    ),
    (
        "PayloadTooLarge",
        "413",
        "The request body is over the limit",
    ),
    (
        "UnsupportedMediaType",
        "415",
        "The request body is not application/json",
    ),
    (
        "ValidationFailed",
        "422",
        "Invalid fields, listed in `errors`",
    ),
    (
        "PreconditionFailed",
        "412",
        "The `If-Match` version is not the current one: read the resource again",
    ),
    (
        "PreconditionRequired",
        "428",
        "This change needs `If-Match` with the version last read",
    ),
    (
        "TooManyRequests",
        "429",
        "Too many attempts; see `Retry-After`",
    ),
    (
        "InternalError",
        "500",
        "Unexpected failure; no internals are disclosed",
    ),
];

fn is_public(op: &Operation) -> bool {
    op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().all(|r| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
        })
    })
}

fn add_response(op: &mut Operation, name: &str) {
    let Some((_, status, _)) = ERROR_RESPONSES.iter().find(|(n, _, _)| *n == name) else {
        unreachable!("no shared error response named {name}");
    };
    op.responses
        .responses
        .entry((*status).to_owned())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
}

fn complete_operation(path: &str, method: &str, op: &mut Operation) {
    let has_body = op.request_body.is_some();
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || path.contains('{');
    if has_body || has_params {
        add_response(op, "BadRequest");
    }
    if !is_public(op) {
        add_response(op, "Unauthorized");
        add_response(op, "Forbidden");
    }
    if path.contains('{') {
        add_response(op, "NotFound");
    }
    if has_body {
        add_response(op, "PayloadTooLarge");
        add_response(op, "UnsupportedMediaType");
        add_response(op, "ValidationFailed");
    }
    if method != "get" && path.starts_with("/api/") {
        add_response(op, "ValidationFailed");
    }
    let conditional = op.parameters.as_ref().is_some_and(|ps| {
        ps.iter().any(|p| match p {
            RefOr::T(p) => p.name == "If-Match",
            RefOr::Ref(_) => false,
        })
    });
    if conditional {
        add_response(op, "PreconditionFailed");
        add_response(op, "PreconditionRequired");
    }
    add_response(op, "InternalError");
}

/// Adds the error responses, the security scheme and the default (bearer) requirement.
pub fn complete(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, _, description) in ERROR_RESPONSES {
        let response = ResponseBuilder::new()
            .description(*description)
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build();
        components
            .responses
            .insert((*name).to_owned(), RefOr::T(response));
    }
    components.security_schemes.insert(
        "bearer".to_owned(),
        RefOr::T(SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("Access token from `POST /api/v1/auth/login`."))
                .build(),
        )),
    );
    doc.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, op) in ops {
            if let Some(op) = op.as_mut() {
                complete_operation(path, method, op);
            }
        }
    }
    doc
}

/// The whole document, as served at `/openapi.json` and committed as `openapi/openapi.json`.
pub fn document() -> Document {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    complete(doc)
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
    pub fn from_document(doc: &Document) -> RouteTable {
        let mut routes: Vec<(Vec<Option<String>>, Vec<String>)> = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .iter()
                .filter(|(_, present)| *present)
                .map(|(m, _)| (*m).to_owned())
                .collect();
                (segments(path), methods)
            })
            .collect();
        routes.push((segments("/openapi.json"), vec!["GET".to_owned()]));
        RouteTable { routes }
    }

    /// The methods a path answers, when the path exists at all.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
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
