//! The experience-exchange platforms API: an actix-web service over sea-orm.

pub mod access;
pub mod audit;
pub mod auth;
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
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod probe;
pub mod rate_limit;
pub mod routes;
pub mod seed;
pub mod services;
pub mod startup;
pub mod state;
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
}
