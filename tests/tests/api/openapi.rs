use serde_json::Value;
use tests::spawn_app;

const COMMITTED: &str = include_str!("../../../openapi/openapi.json");

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let app = spawn_app().await;
    let served: Value = app
        .get("/openapi.json", None)
        .await
        .json()
        .await
        .expect("json");
    let committed: Value = serde_json::from_str(COMMITTED).expect("committed json");
    assert!(
        served == committed,
        "openapi/openapi.json is stale: run `cargo run -p openapi > openapi/openapi.json`"
    );
    assert_eq!(served["openapi"], "3.1.0");
}

#[tokio::test]
async fn every_operation_is_tagged_summarized_and_has_error_responses() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/openapi.json", None)
        .await
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 15, "{} paths", paths.len());
    let mut conditional_writes = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            let name = format!("{method} {path}");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name} has no tag"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has no summary"
            );
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{name} lacks 500");
            let public = op["security"]
                .as_array()
                .is_some_and(|s| s.is_empty() || s.iter().any(|r| r == &serde_json::json!({})));
            if !public {
                assert!(responses.contains_key("401"), "{name} lacks 401");
            }
            let conditional = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            if conditional {
                conditional_writes += 1;
                for status in ["412", "428"] {
                    assert!(responses.contains_key(status), "{name} lacks {status}");
                }
            }
            // Every answer the document names is described, and so is the operation.
            for (status, r) in responses {
                assert!(
                    r["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{name} {status} has no description"
                );
            }
            assert!(
                op["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{name} has no description"
            );
        }
    }
    assert!(
        conditional_writes >= 8,
        "{conditional_writes} If-Match writes"
    );
    // Public routes are marked public; everything else needs the bearer scheme.
    assert_eq!(
        paths["/api/v1/auth/login"]["post"]["security"],
        serde_json::json!([])
    );
    // Reading a workshop takes a token when there is one, or an API key with its scope.
    assert_eq!(
        paths["/api/v1/workshops/{id}"]["get"]["security"],
        serde_json::json!([{}, {"bearer": []}, {"apiKey": []}])
    );
    assert_eq!(
        paths["/api/v1/workshops/{id}"]["get"]["x-required-scopes"],
        serde_json::json!(["workshops:read"])
    );
    assert_eq!(
        paths["/api/v1/workshops/{id}/registrations"]["post"]["x-required-scopes"],
        serde_json::json!(["registrations:write"])
    );
    // Every operation a key may call names its scope; signing in and the keys are for people.
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            let keyed = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("apiKey").is_some()));
            let people_only = path.starts_with("/api/v1/auth/")
                || path.starts_with("/api/v1/me")
                || path.starts_with("/api/v1/api-keys")
                || path.starts_with("/health/");
            // tus's discovery (`OPTIONS /uploads`) takes no credentials at all.
            let credential_free = method == "options";
            assert_eq!(
                keyed,
                !people_only && !credential_free,
                "{method} {path}: API key or not"
            );
            if credential_free {
                assert_eq!(op["security"], serde_json::json!([]), "{method} {path}");
            }
            assert_eq!(
                op["x-required-scopes"].is_array(),
                keyed,
                "{method} {path}: scopes"
            );
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["apiKey"]["scheme"],
        "bearer"
    );
    assert_eq!(doc["security"], serde_json::json!([{"bearer": []}]));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn swagger_ui_is_served_without_the_internet() {
    let app = spawn_app().await;
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains("swagger-ui"));
    let res = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.text().await.expect("js").len() > 100_000,
        "the bundle is vendored"
    );
    let init = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .expect("js");
    assert!(init.contains("/openapi.json"));
}

/// Every `$ref` of the document names something in it (a header's schema is not collected from
/// the operation as a body's is: one was left dangling once, and only the validator saw it).
#[tokio::test]
async fn every_reference_in_the_document_resolves() {
    fn walk(v: &Value, doc: &Value, dangling: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && doc.pointer(r.trim_start_matches('#')).is_none()
                {
                    dangling.push(r.clone());
                }
                map.values().for_each(|x| walk(x, doc, dangling));
            }
            Value::Array(items) => items.iter().for_each(|x| walk(x, doc, dangling)),
            _ => {}
        }
    }
    let doc = api::openapi::document();
    let mut dangling = Vec::new();
    walk(&doc, &doc, &mut dangling);
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}
