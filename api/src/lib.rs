//! The experience-exchange platforms API: an actix-web service over sea-orm.

pub mod access;
pub mod audit;
pub mod auth;
pub mod clamav;
pub mod client;
pub mod clock;
pub mod conditional;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod etag;
pub mod export;
pub mod extract;
pub mod i18n;
pub mod ics;
pub mod idempotency;
pub mod json;
pub mod limiter;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod probe;
pub mod rate_limit;
pub mod route_table;
pub mod routes;
pub mod seed;
pub mod services;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;

/// The layering, checked on the sources: HTTP lives in `routes/`; the workflows in `services/`
/// and the rules in `domain/` know no HTTP; nothing but the router's assembly reaches into
/// `routes/`; a resource's handlers are its own.
#[cfg(test)]
mod architecture {
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(sources(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    fn code_of(path: &Path) -> String {
        // Comments may name anything; only code counts.
        std::fs::read_to_string(path)
            .expect("readable source")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_workflows_and_the_rules_know_no_http() {
        for dir in ["services", "domain"] {
            for path in sources(&src().join(dir)) {
                let code = code_of(&path);
                for http in ["actix", "HttpRequest", "HttpResponse", "crate::routes"] {
                    assert!(!code.contains(http), "{} uses {http}", path.display());
                }
            }
        }
    }

    #[test]
    fn only_the_router_assembly_reaches_into_routes() {
        // The router is assembled in startup and read for the document; lib.rs declares the
        // modules (and holds these checks).
        let assembly = [
            src().join("startup.rs"),
            src().join("openapi").join("mod.rs"),
            src().join("lib.rs"),
        ];
        for path in sources(&src()) {
            if path.starts_with(src().join("routes")) || assembly.contains(&path) {
                continue;
            }
            let code = code_of(&path);
            assert!(
                !code.contains("routes::"),
                "{} imports from routes/",
                path.display()
            );
        }
    }

    #[test]
    fn no_resource_reaches_into_another_resources_folder() {
        let routes = src().join("routes");
        let resources: Vec<String> = std::fs::read_dir(&routes)
            .expect("routes folder")
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        for resource in &resources {
            for path in sources(&routes.join(resource)) {
                let code = code_of(&path);
                for other in resources.iter().filter(|o| *o != resource) {
                    let reach = format!("routes::{other}");
                    assert!(
                        !code.contains(&reach),
                        "{} reaches into routes/{other}",
                        path.display()
                    );
                }
                assert!(
                    !code.contains("super::super::"),
                    "{} climbs out of its resource",
                    path.display()
                );
            }
        }
    }

    /// The rooms a file belongs to: its top-level module.
    fn room_of(path: &Path) -> Option<String> {
        let rel = path.strip_prefix(src()).ok()?;
        let first = rel
            .components()
            .next()?
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        let room = first.trim_end_matches(".rs").to_owned();
        (!["lib", "main", "bin"].contains(&room.as_str())).then_some(room)
    }

    /// The rooms a piece of code names: `crate::x…` and each `x` of `crate::{x…, y…}`.
    fn rooms_named(code: &str) -> std::collections::BTreeSet<String> {
        let ident = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut out = std::collections::BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let (mut depth, mut start) = (0usize, 0usize);
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            out.insert(ident(&group[start..i]));
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            out.insert(ident(&group[start..i]));
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
            } else {
                out.insert(ident(rest));
            }
        }
        out.remove("");
        out
    }

    /// Which rooms each room names.
    fn room_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
        let mut graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            std::collections::BTreeMap::new();
        for path in sources(&src()) {
            let Some(room) = room_of(&path) else {
                continue;
            };
            let named = rooms_named(&code_of(&path));
            let entry = graph.entry(room.clone()).or_default();
            entry.extend(named.into_iter().filter(|r| *r != room));
        }
        graph
    }

    /// The rooms below the workflows and the HTTP layer: they name nothing above them.
    #[test]
    fn the_lower_rooms_import_nothing_from_above() {
        let graph = room_graph();
        for lower in ["error", "config", "state", "auth", "audit", "domain"] {
            for upper in ["routes", "openapi", "services"] {
                assert!(
                    !graph[lower].contains(upper),
                    "{lower} names {upper}: move what it needs down, or the caller up"
                );
            }
        }
    }

    /// The strongly connected rooms: the circles that remain are the ones the README
    /// names, each of two rooms.
    #[test]
    fn the_only_circles_between_rooms_are_the_named_ones() {
        let graph = room_graph();
        let reachable = |from: &String| {
            let mut seen = std::collections::BTreeSet::new();
            let mut todo = vec![from.clone()];
            while let Some(room) = todo.pop() {
                for next in graph.get(&room).into_iter().flatten() {
                    if seen.insert(next.clone()) {
                        todo.push(next.clone());
                    }
                }
            }
            seen
        };
        let reach: std::collections::BTreeMap<&String, _> =
            graph.keys().map(|r| (r, reachable(r))).collect();
        let mut circles: Vec<Vec<String>> = Vec::new();
        for (room, from_room) in &reach {
            let mut circle: Vec<String> = from_room
                .iter()
                .filter(|other| reach.get(other).is_some_and(|back| back.contains(*room)))
                .cloned()
                .collect();
            if !circle.contains(room) {
                circle.push((*room).clone());
            }
            circle.sort();
            if circle.len() > 1 && !circles.contains(&circle) {
                circles.push(circle);
            }
        }
        assert_eq!(
            circles,
            vec![
                // The caller's extractor reads the keys the state holds.
                vec!["auth".to_owned(), "state".to_owned()],
                // The document is read from the router; the webhook catalogue serves the
                // message schemas from the document.
                vec!["openapi".to_owned(), "routes".to_owned()],
            ]
        );
    }

    /// "Admin" has one meaning, key-adjusted, asked of `AuthUser` (`is_admin`, `administers`,
    /// `administers_some`): nobody outside `auth` reads the raw role of the caller's account.
    #[test]
    fn the_caller_is_an_admin_in_one_sense() {
        for path in sources(&src()) {
            if path.starts_with(src().join("auth")) || path.ends_with("lib.rs") {
                continue;
            }
            let code = code_of(&path);
            assert!(
                !code.contains(".user.role"),
                "{} reads the caller's raw role",
                path.display()
            );
        }
    }

    /// Every PATCH and PUT of a versioned resource takes `If-Match` (428 without, 412 stale);
    /// the others change resources that keep no version, or (a resumable upload) are
    /// conditioned otherwise.
    #[test]
    fn every_versioned_edit_takes_if_match() {
        let unversioned = [
            "/api/v1/local-authorities/{id}",
            "/api/v1/me",
            "/api/v1/users/{id}",
            "/api/v1/topics/{id}",
            "/api/v1/topics/{id}/working-group",
            // A chunk of a resumable upload is conditioned by tus's `Upload-Offset`: it must
            // begin where the upload stands (409 otherwise).
            "/api/v1/uploads/{id}",
            // A photo is replaced whole, and keeps no version.
            "/api/v1/me/photo",
            // Following a topic, a discussion or a space is a fact, not a versioned resource.
            "/api/v1/topics/{id}/follow",
            "/api/v1/discussions/{id}/follow",
            "/api/v1/discussion-spaces/{space_kind}/{space_id}/follow",
        ];
        let doc = crate::openapi::document();
        let mut edits = 0;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in ["patch", "put"] {
                let Some(op) = item.get(method) else {
                    continue;
                };
                edits += 1;
                let takes = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["name"] == "If-Match" && p["required"] == true);
                assert_eq!(
                    takes,
                    !unversioned.contains(&path.as_str()),
                    "{method} {path}"
                );
            }
        }
        assert_eq!(edits, 24);
    }

    /// Who may do what is decided in `access` (and a resource's `rules.rs`): no handler builds a
    /// 403 of its own.
    #[test]
    fn refusals_are_rules_not_handler_code() {
        let forbidden: Vec<String> = crate::error::ProblemCode::ALL
            .iter()
            .filter(|c| c.status() == actix_web::http::StatusCode::FORBIDDEN)
            .map(|c| format!("ProblemCode::{c:?}"))
            .chain(["ApiError::forbidden()".to_owned()])
            .collect();
        assert!(forbidden.len() > 5, "{forbidden:?}");
        for path in sources(&src().join("routes")) {
            if path.ends_with("rules.rs") {
                continue;
            }
            let code = code_of(&path);
            for refusal in &forbidden {
                assert!(
                    !code.contains(refusal.as_str()),
                    "{} builds {refusal}: name the rule in access",
                    path.display()
                );
            }
        }
    }
}
