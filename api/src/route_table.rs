//! What the OpenAPI document says of each route, read once at start: which methods each path
//! answers (for 405 answers with `Allow`), what an API key needs to call each, who may call it
//! signed out, the query parameters it takes, and every scope a key may hold. The layers that
//! guard requests (rate limits, idempotency, unknown parameters) and the fallback read it from
//! the application's data; only `startup` builds it, from the document.

use serde_json::Value;

use crate::auth::scopes::{self, KeyAccess};

/// Public: no requirement, or an empty one among them (`[]`, `[{}]`, `[{}, {"bearer": []}]`).
pub fn is_public(op: &Value) -> bool {
    op["security"].as_array().is_some_and(|reqs| {
        reqs.is_empty()
            || reqs
                .iter()
                .any(|r| r.as_object().is_some_and(serde_json::Map::is_empty))
    })
}

/// Path-segment errors (`/users/abc`): 400. A path that exists literally under other methods
/// (`PATCH /partnerships/expiring`, caught by `/partnerships/{id}`) is 405 with `Allow` instead.
pub fn path_error(
    err: actix_web::error::PathError,
    req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let literal = req
        .app_data::<actix_web::web::Data<RouteTable>>()
        .and_then(|routes| routes.literal(req.path()));
    if let Some(methods) = literal
        && !methods.iter().any(|m| m == req.method().as_str())
    {
        return crate::error::ApiError::MethodNotAllowed(RouteTable::with_head_and_options(
            methods,
        ))
        .into();
    }
    crate::error::ApiError::Problem(
        crate::error::ProblemCode::InvalidParameter,
        crate::i18n::Text::new(
            format!("Invalid path parameter: {err}"),
            "معامل المسار غير صالح.",
        ),
    )
    .into()
}

/// Which methods each documented path answers (for 405 answers with `Allow`), and what an API
/// key needs to call each.
pub struct RouteTable {
    routes: Vec<Route>,
    /// Every scope a key may hold: those of the document's operations.
    scopes: std::collections::BTreeSet<String>,
}

/// A documented method: its name, what a key needs to call it, whether anyone may call it
/// without credentials, the query parameters it takes, and whether its body is a file that
/// streams (an upload) rather than JSON read whole.
type Method = (String, KeyAccess, bool, Vec<String>, bool);

/// Whether an operation's body is a file (any type but JSON): an upload, streamed to the store.
fn streams_body(op: &Value) -> bool {
    op["requestBody"]["content"]
        .as_object()
        .is_some_and(|c| c.keys().any(|t| t != "application/json"))
}

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
    /// Every scope a key may hold.
    pub fn scopes(&self) -> &std::collections::BTreeSet<String> {
        &self.scopes
    }

    pub fn from_document(doc: &Value) -> RouteTable {
        let mut routes: Vec<Route> = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let methods = ["get", "put", "post", "delete", "patch", "options"]
                    .iter()
                    .filter_map(|m| {
                        let op = item.get(*m)?;
                        Some((
                            m.to_ascii_uppercase(),
                            scopes::key_access(path, m, scopes::tag_of(op)),
                            is_public(op),
                            query_names(item, op),
                            streams_body(op),
                        ))
                    })
                    .collect();
                (segments(path), methods)
            })
            .collect();
        routes.push((
            segments("/openapi.json"),
            vec![("GET".to_owned(), KeyAccess::Open, true, Vec::new(), false)],
        ));
        RouteTable {
            routes,
            scopes: scopes::all(doc),
        }
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
            .map(|(_, access, public, ..)| (access.clone(), *public))
    }

    /// The query parameters `method path` documents; `None` when no documented operation
    /// answers it.
    pub fn query_parameters(&self, method: &str, path: &str) -> Option<&[String]> {
        self.method(method, path)
            .map(|(_, _, _, query, _)| query.as_slice())
    }

    /// Whether `method path` takes a file as its body (an upload): it is streamed, not read
    /// whole, and it may take longer than the request timeout.
    pub fn streams_body(&self, method: &str, path: &str) -> bool {
        self.method(method, path)
            .is_some_and(|(.., streamed)| *streamed)
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
