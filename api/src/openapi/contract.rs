//! Completes the collected document into the contract other teams build from: servers, contact
//! and security; per operation a description, success descriptions and every problem it answers
//! (with an example of each); per schema the limits its type implies, the text rule every string
//! obeys, and which response fields are always present.
//!
//! It works on the JSON form of the document: each rule is a plain walk over it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::problems::{self, KeyRule, Shape};
use crate::auth::scopes::{KeyAccess, key_access, tag_of};
use crate::error::{PROBLEM_JSON, ProblemCode, problem_type};

/// The two text rules of a place: any text, and text that must not be blank.
struct TextRules {
    any: &'static str,
    nonblank: &'static str,
}

/// In bodies: no control characters but tab and line breaks.
const BODY_TEXT: TextRules = TextRules {
    any: crate::json::TEXT_PATTERN,
    nonblank: crate::json::NONBLANK_TEXT_PATTERN,
};

/// In query and path parameters: no control characters at all.
const PARAM_TEXT: TextRules = TextRules {
    any: "^[^\\u0000-\\u001F\\u007F-\\u009F]*$",
    nonblank: "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
};

/// Response schemas whose optional fields are really left out when empty.
const OMITTABLE: &[&str] = &["Problem"];

pub fn complete(doc: &mut Value) {
    doc["servers"] = json!([{
        "url": "/",
        "description": "The server that serves this document: production behind the union's \
                        domain, or local development (`cargo run -p api`, http://127.0.0.1:8080).",
        "x-internal": false
    }]);
    doc["info"]["contact"] = json!({
        "name": "Union of local authorities, experience-exchange programme: API team"
    });
    doc["components"]["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from `POST /api/v1/auth/login`: a JWT signed with HS256 and \
                            checked as RFC8725 advises (one fixed algorithm; issuer, audience and \
                            expiry required)."
        }
    });
    doc["components"]["securitySchemes"]["apiKey"] = json!({
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "API key (epk_…)",
        "description": "An API key of a service account (`/api/v1/api-keys`), sent as \
                        `Authorization: Bearer epk_…`. It acts as the person who created it, \
                        within its scopes (listed on each operation as `resource:action`) and \
                        the platforms it is limited to; sign-in, the caller's own account and \
                        the keys themselves are for people (403 `not_for_api_keys`)."
    });
    doc["security"] = json!([{"bearer": []}]);
    doc["components"]["headers"] = shared_headers();
    doc["components"]["parameters"] = shared_parameters();
    if let Some(components) = doc["components"].as_object_mut() {
        components.remove("responses");
    }
    split_shared_schemas(doc);
    let request_side = reachable(doc, Side::Request);
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            if !request_side.contains(name) && !OMITTABLE.contains(&name.as_str()) {
                require_every_property(schema);
            }
        }
    }
    doc["components"]["schemas"]["ProblemField"]["properties"]["code"]["x-rule-codes"] =
        json!(crate::error::RULE_FIELD_CODES);
    let mut used = BTreeSet::new();
    let mut paths = std::mem::take(&mut doc["paths"]);
    if let Some(paths) = paths.as_object_mut() {
        for (path, item) in paths.iter_mut() {
            for method in ["get", "put", "post", "delete", "patch", "options"] {
                if let Some(op) = item.get_mut(method) {
                    used.extend(complete_operation(path, method, op));
                }
            }
        }
    }
    doc["paths"] = paths;
    share_problem_responses(doc);
    doc["components"]["examples"] = examples(&used);
    key_scopes(doc);
    webhooks(doc);
    links(doc);
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        string_item_limits(schemas);
        for schema in schemas.values_mut() {
            page_limits(schema);
            id_minimums(schema);
            limits(schema, &BODY_TEXT);
        }
    }
}

/// Problem answers that are the same in several operations become one shared response
/// (`components.responses`), referred to from each: most of the document was copies of them.
/// Each operation keeps its own description of the answer (the problems it lists), as a 3.1
/// reference may.
fn share_problem_responses(doc: &mut Value) {
    let mut shared: BTreeMap<String, (String, Value)> = BTreeMap::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut paths = std::mem::take(&mut doc["paths"]);
    for item in paths
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut())
        {
            let Some(responses) = op["responses"].as_object_mut() else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let description = response["description"].clone();
                let mut body = response.clone();
                if let Some(b) = body.as_object_mut() {
                    b.remove("description");
                }
                let key = format!("{status}:{body}");
                let name = match shared.get(&key) {
                    Some((name, _)) => name.clone(),
                    None => {
                        let name = response_name(status, &body, &taken);
                        taken.insert(name.clone());
                        let mut component = body.clone();
                        component["description"] = json!(format!("A problem ({status})."));
                        shared.insert(key, (name.clone(), component));
                        name
                    }
                };
                *response = json!({
                    "$ref": format!("#/components/responses/{name}"),
                    "description": description,
                });
            }
        }
    }
    doc["paths"] = paths;
    doc["components"]["responses"] = Value::Object(
        shared
            .into_values()
            .collect::<BTreeMap<String, Value>>()
            .into_iter()
            .collect(),
    );
}

/// A shared problem answer's name: its status and the codes it lists (`Problem404NotFound`,
/// `Problem409AlreadyRegisteredRegistrationClosed…`), numbered if that is taken.
fn response_name(status: &str, body: &Value, taken: &BTreeSet<String>) -> String {
    let codes: Vec<String> = body["content"]["application/problem+json"]["examples"]
        .as_object()
        .map(|e| e.keys().cloned().collect())
        .unwrap_or_default();
    let pascal = |code: &str| {
        code.split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect::<String>()
    };
    let mut base = format!("Problem{status}");
    // Long lists are named by their first codes and a number; short ones by all.
    for code in codes.iter().take(3) {
        base.push_str(&pascal(code));
    }
    if codes.len() > 3 {
        base.push_str("Etc");
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// The scopes a key may be given: exactly those the operations ask for.
fn key_scopes(doc: &mut Value) {
    let scopes: Vec<String> = crate::auth::scopes::all(doc).into_iter().collect();
    let events: Vec<&str> = crate::services::events::webhooks::CATALOGUE
        .iter()
        .map(|e| e.name)
        .collect();
    let schemas = &mut doc["components"]["schemas"];
    for schema in ["CreateApiKeyRequest", "ApiKeyResponse"] {
        schemas[schema]["properties"]["scopes"]["items"] =
            json!({"type": "string", "enum": scopes, "maxLength": 40});
    }
    for schema in [
        "CreateWebhookRequest",
        "UpdateWebhookRequest",
        "WebhookResponse",
    ] {
        schemas[schema]["properties"]["event_types"]["items"] =
            json!({"type": "string", "enum": events, "maxLength": 48});
    }
}

/// The messages the API sends to webhook subscriptions (OpenAPI 3.1 `webhooks`): one per event
/// type, with the Standard Webhooks headers.
fn webhooks(doc: &mut Value) {
    let header = |description: &str, pattern: &str, max: u32| {
        json!({"in": "header", "required": true, "description": description,
               "schema": {"type": "string", "pattern": pattern, "maxLength": max}})
    };
    let mut out = Map::new();
    for e in crate::services::events::webhooks::CATALOGUE {
        // Each message a named schema (`WebhookMessageWorkshopScheduled`): generators cannot
        // name an inline one.
        let message = format!(
            "WebhookMessage{}",
            e.name
                .split(['.', '_'])
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect::<String>()
        );
        doc["components"]["schemas"][&message] = json!({
            "type": "object",
            "description": format!("The message of `{}`: {}", e.name, e.en),
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"type": "string", "const": e.name, "maxLength": 48},
                "timestamp": {"type": "string", "format": "date-time", "maxLength": 40},
                "data": {"$ref": format!("#/components/schemas/{}", e.schema)}
            }
        });
        let mut params = vec![
            header(
                "The message id: the same for every attempt and replay.",
                "^msg_[0-9a-f]{32}$",
                40,
            ),
            header(
                "Unix seconds when this attempt was signed.",
                "^[0-9]{1,12}$",
                12,
            ),
            header(
                "`v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{body}\">`, one per secret in use, separated by spaces.",
                "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$",
                200,
            ),
        ];
        for (param, name) in
            params
                .iter_mut()
                .zip(["webhook-id", "webhook-timestamp", "webhook-signature"])
        {
            param["name"] = json!(name);
        }
        out.insert(
            e.name.to_owned(),
            json!({"post": {
                "operationId": format!("webhook_{}", e.name.replace('.', "_")),
                // A tag of their own: generators group operations by tag, and the messages
                // (which the API sends, not serves) must not crowd out the subscription calls.
                "tags": ["webhook-messages"],
                // The API sends these; no client calls them, so client generators leave them out.
                "x-internal": true,
                "summary": e.en,
                "description": format!("{}\n\n{}\n\nAnswer 2xx once the message is stored; anything \
                    else (or no answer within the timeout) is retried with backoff for about three \
                    days, and 410 Gone disables the subscription. Redirects are not followed.", e.en, e.ar),
                "security": [],
                "parameters": params,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "$ref": format!("#/components/schemas/{message}")
                }}}},
                "responses": {"2XX": {"description": "Received."}}
            }}),
        );
    }
    doc["webhooks"] = Value::Object(out);
}

/// A tag as the API answers it: the version of a versioned resource, a hash of the bytes, and
/// the content coding when compressed.
const ETAG_PATTERN: &str = "^\"([0-9]+\\.)?[A-Za-z0-9_-]{16}(-(gzip|br|deflate))?\"$";
/// What `If-Match` takes: a tag as answered, or the bare version.
const IF_MATCH_PATTERN: &str = "^(W/)?\"[0-9]+(\\.[A-Za-z0-9_-]{16}(-(gzip|br|deflate))?)?\"$";

/// The request headers every read or every write takes.
fn shared_parameters() -> Value {
    json!({
        "If-None-Match": {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "Tags of copies the client holds (RFC 9110), e.g. `\"3.Q2xpZW50VGFnAAAA\"`: \
                            when one is current the answer is 304 without a body. A tag that is \
                            no current one (or no tag at all) is simply not a match.",
            "schema": {"type": "string", "maxLength": crate::conditional::MAX_IF_NONE_MATCH}
        },
        "Idempotency-Key": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "A key the client makes up for this one request (a UUID, say), to send \
                            it again safely (IETF httpapi Idempotency-Key draft): the same key with \
                            the same request answers the first answer again, marked \
                            `Idempotent-Replayed: true`; while the first still runs, 409 \
                            `idempotency_key_in_use`; with another request, 422 \
                            `idempotency_key_reused`. Keys are the caller's own and kept 24 \
                            hours; only successful answers are kept.",
            "schema": {"type": "string", "minLength": 1,
                       "maxLength": crate::idempotency::MAX_KEY_CHARS,
                       "pattern": crate::idempotency::KEY_PATTERN},
            "example": "\"8e03978e-40d5-43e8-bc93-6894a57f9324\""
        }
    })
}

/// The fields of the IETF httpapi RateLimit draft, `Retry-After`, and the caching and retry
/// fields.
fn shared_headers() -> Value {
    let mut headers = rate_limit_headers();
    headers["ETag"] = json!({
        "description": "Strong tag of this exact representation (RFC 9110); for a versioned \
                        resource it starts with the version, and goes back in `If-Match`.",
        "schema": {"type": "string", "maxLength": 48, "pattern": ETAG_PATTERN}
    });
    headers["Cache-Control"] = json!({
        "description": "`public, no-cache` for public reads, `private, no-cache` for the \
                        caller's own, `no-store` for writes, the caller's account and anything \
                        holding tokens: a stored copy is revalidated with `If-None-Match`. What \
                        never changes (a paper's version) is `immutable` for a year.",
        "schema": {"type": "string", "maxLength": 64,
                   "enum": ["public, no-cache", "private, no-cache", "no-store",
                            crate::conditional::IMMUTABLE_PUBLIC,
                            crate::conditional::IMMUTABLE_PRIVATE]}
    });
    headers["Idempotent-Replayed"] = json!({
        "description": "`true` on an answer repeated for a retry with the same `Idempotency-Key`.",
        "schema": {"type": "string", "const": "true"}
    });
    headers["Location"] = json!({
        "description": "Where the new resource is read (a path under `/api/v1`).",
        "schema": {"type": "string", "maxLength": 200, "pattern": "^/api/v1/[a-z0-9/_-]+$"}
    });
    headers
}

/// The operations whose 201 says where the new resource is (`Location`).
const CREATED_WITH_LOCATION: &[&str] = &[
    "create_activity",
    "create_api_key",
    "create_election",
    "create_local_authority",
    "create_milestone",
    "create_paper",
    "create_partnership",
    "create_platform",
    "create_task_force",
    "create_user",
    "create_webhook",
    "create_work_plan",
    "create_workshop",
    "nominate",
    "upload_file",
    "upload_raw_file",
];

/// The fields of the IETF httpapi RateLimit draft, and `Retry-After`.
fn rate_limit_headers() -> Value {
    let field = |description: &str, pattern: &str| {
        json!({"description": description,
               "schema": {"type": "string", "maxLength": 64, "pattern": pattern}})
    };
    json!({
        "RateLimit-Policy": field(
            "The caller's quota (IETF httpapi RateLimit draft): `\"user\";q=600;w=60` for a \
             signed-in caller, `\"address\";q=300;w=60` for anyone else: `q` requests per `w` \
             seconds, counted by each replica (see the README's Limits).",
            "^\"(user|address|key)\";q=[0-9]+;w=[0-9]+$"
        ),
        "RateLimit": field(
            "What is left of the quota: `r` requests for the next `t` seconds, e.g. \
             `\"user\";r=598;t=41`.",
            "^\"(user|address|key)\";r=[0-9]+;t=[0-9]+$"
        ),
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 86400}
        }
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Request,
    Response,
}

fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.insert(name.to_owned());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The schemas a request body (or a parameter), or a response, can reach.
fn reachable(doc: &Value, side: Side) -> BTreeSet<String> {
    let mut start = BTreeSet::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            match side {
                Side::Request => {
                    refs(&op["requestBody"], &mut start);
                    refs(&op["parameters"], &mut start);
                }

                Side::Response => refs(&op["responses"], &mut start),
            }
        }
    }
    let schemas = &doc["components"]["schemas"];
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = start.into_iter().collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            let mut next = BTreeSet::new();
            refs(&schemas[&name], &mut next);
            todo.extend(next);
        }
    }
    seen
}

fn has_optional_properties(schema: &Value) -> bool {
    let Some(props) = schema["properties"].as_object() else {
        return false;
    };
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    props.keys().any(|k| !required.contains(k.as_str()))
}

fn rename_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
                && let Some(new) = renames.get(name)
            {
                *r = format!("#/components/schemas/{new}");
            }
            map.values_mut().for_each(|v| rename_refs(v, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renames)),
        _ => {}
    }
}

/// An object schema used both ways whose request form has optional fields (defaults) becomes two:
/// `XInput` for requests, and `X`, whose fields a response always carries.
fn split_shared_schemas(doc: &mut Value) {
    let request = reachable(doc, Side::Request);
    let response = reachable(doc, Side::Response);
    let renames: BTreeMap<String, String> = request
        .intersection(&response)
        .filter(|name| has_optional_properties(&doc["components"]["schemas"][name.as_str()]))
        .map(|name| (name.clone(), format!("{name}Input")))
        .collect();
    if renames.is_empty() {
        return;
    }
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for (name, input) in &renames {
        if let Some(copy) = schemas.get(name).cloned() {
            schemas.insert(input.clone(), copy);
        }
    }
    for (name, schema) in schemas.iter_mut() {
        let request_only = request.contains(name) && !response.contains(name);
        if request_only || renames.values().any(|input| input == name) {
            rename_refs(schema, &renames);
        }
    }
    sort_object(schemas);
    for item in doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut())
        {
            for key in ["requestBody", "parameters"] {
                if let Some(part) = op.get_mut(key) {
                    rename_refs(part, &renames);
                }
            }
        }
    }
}

fn sort_object(map: &mut Map<String, Value>) {
    let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    map.extend(entries);
}

/// Limits on the items of string arrays, which field attributes cannot reach: (schema, property,
/// shortest item, longest item). A shortest of 1 also makes the item's text rule the non-blank one.
const STRING_ITEMS: &[(&str, &str, usize, usize)] = &[
    // A line of a paper's body, which holds at most 50 000 characters.
    ("DiffChunk", "lines", 0, 50_000),
    // A governorate's name, as local authorities store it: never blank (`governorate_names`).
    ("Eligibility", "governorates", 1, 100),
    ("EligibilityInput", "governorates", 1, 100),
];

fn string_item_limits(schemas: &mut Map<String, Value>) {
    for (schema, property, shortest, longest) in STRING_ITEMS {
        if let Some(items) = schemas
            .get_mut(*schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{property}/items")))
        {
            items["maxLength"] = json!(longest);
            if *shortest > 0 {
                items["minLength"] = json!(shortest);
            }
        }
    }
}

/// Every list answers one keyset page: `{items, next_cursor}`, at most `MAX_LIMIT` items.
fn page_limits(schema: &mut Value) {
    let is_page = schema["properties"]
        .as_object()
        .is_some_and(|p| p.contains_key("items") && p.contains_key("next_cursor"));
    if is_page {
        schema["properties"]["items"]["maxItems"] = json!(crate::pagination::MAX_LIMIT);
        let cursor = &mut schema["properties"]["next_cursor"];
        cursor["maxLength"] = json!(crate::pagination::MAX_CURSOR_CHARS);
        cursor["pattern"] = json!("^[A-Za-z0-9_-]+$");
        cursor["description"] = json!("The `cursor` of the next page; null on the last page.");
    }
}

/// Record ids start at 1: a property `id` or `…_id` (and the items of `…_ids`) says so. A body
/// naming id 0 or below is refused like any unknown id; query filters keep the type's range, since
/// an id that matches nothing filters to an empty page.
fn id_minimums(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (name, prop) in props.iter_mut() {
                    let target = if name == "id" || name.ends_with("_id") {
                        Some(prop)
                    } else if name.ends_with("_ids") {
                        prop.get_mut("items")
                    } else {
                        None
                    };
                    if let Some(schema) = target.and_then(Value::as_object_mut)
                        && has_type(schema, "integer")
                    {
                        schema.entry("minimum").or_insert(json!(1));
                    }
                }
            }
            map.values_mut().for_each(id_minimums);
        }
        Value::Array(items) => items.iter_mut().for_each(id_minimums),
        _ => {}
    }
}

fn require_every_property(schema: &mut Value) {
    if let Some(props) = schema["properties"].as_object() {
        let all: Vec<Value> = props.keys().map(|k| Value::String(k.clone())).collect();
        schema["required"] = Value::Array(all);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(items) = schema.get_mut(key).and_then(Value::as_array_mut) {
            items.iter_mut().for_each(require_every_property);
        }
    }
}

fn has_type(schema: &Map<String, Value>, wanted: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t == wanted),
        _ => false,
    }
}

/// The limits a schema's type implies, everywhere in it: integers get their type's range, dates
/// and instants their longest form, and every free string the rule against control characters.
fn limits(value: &mut Value, text: &TextRules) {
    match value {
        Value::Object(map) => {
            if has_type(map, "integer") {
                let (min, max) = match map.get("format").and_then(Value::as_str) {
                    Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
                    _ => (i64::MIN, i64::MAX),
                };
                if !map.contains_key("minimum") && !map.contains_key("exclusiveMinimum") {
                    map.insert("minimum".into(), json!(min));
                }
                if !map.contains_key("maximum") && !map.contains_key("exclusiveMaximum") {
                    map.insert("maximum".into(), json!(max));
                }
            }
            if has_type(map, "string") && !map.contains_key("enum") && !map.contains_key("const") {
                let longest = match map.get("format").and_then(Value::as_str) {
                    Some("date") => Some(10),
                    // 2026-11-25T22:18:11.123456789+05:45
                    Some("date-time") => Some(35),
                    Some("email") => Some(254),
                    Some("uuid") => Some(36),
                    _ => None,
                };
                if let Some(n) = longest {
                    map.entry("maxLength").or_insert(json!(n));
                }
                match map.get("format").and_then(Value::as_str) {
                    Some("uri") => {
                        map.entry("pattern")
                            .or_insert(json!(crate::domain::WEB_URL_PATTERN));
                    }
                    Some("decimal") => {
                        map.entry("pattern")
                            .or_insert(json!(crate::domain::money::AMOUNT_PATTERN));
                        map.entry("maxLength").or_insert(json!(17));
                    }
                    _ => {}
                }
                let nonblank = map
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n > 0);
                if !map.contains_key("format") && !map.contains_key("pattern") {
                    let pattern = if nonblank { text.nonblank } else { text.any };
                    map.insert("pattern".into(), json!(pattern));
                }
            }
            for (key, v) in map.iter_mut() {
                // Examples are values, not schemas.
                if key != "example" && key != "examples" && key != "default" {
                    limits(v, text);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| limits(v, text)),
        _ => {}
    }
}

fn shape(path: &str, method: &str, op: &Value) -> Shape {
    let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().collect();
    let query = |p: &&Value| p["in"] == "query";
    Shape {
        public: crate::route_table::is_public(op),
        path_params: path.contains('{'),
        query_params: params.iter().any(query),
        cursor: params.iter().any(|p| query(p) && p["name"] == "cursor"),
        body: op.get("requestBody").is_some(),
        if_match: params
            .iter()
            .any(|p| p["in"] == "header" && p["name"] == "If-Match"),
        write: !matches!(method, "get" | "options"),
        key: match key_access(path, method, tag_of(op)) {
            KeyAccess::Open => KeyRule::Open,
            KeyAccess::Scope(_) => KeyRule::Scoped,
            KeyAccess::PeopleOnly => KeyRule::PeopleOnly,
        },
    }
}

/// Public operations that read a token when one is sent (an author sees an unpublished paper; a
/// platform's members see a members-only workshop). An invalid token there is simply ignored.
const OPTIONAL_AUTH: &[&str] = &[
    "list_papers",
    "get_paper",
    "list_versions",
    "get_version",
    "compare_versions",
    "list_transitions",
    "list_endorsements",
    "get_workshop",
    "workshop_calendar",
    "list_workshop_files",
    "get_file",
    "download_file",
];

/// Completes one operation; answers the problems it lists.
fn complete_operation(path: &str, method: &str, op: &mut Value) -> Vec<ProblemCode> {
    let shape = shape(path, method, op);
    let operation_id = op["operationId"].as_str().unwrap_or_default().to_owned();
    let scope = match key_access(path, method, tag_of(op)) {
        KeyAccess::Scope(s) => Some(s),
        KeyAccess::Open | KeyAccess::PeopleOnly => None,
    };
    let mut security: Vec<Value> = Vec::new();
    if shape.public {
        if OPTIONAL_AUTH.contains(&operation_id.as_str()) {
            security.extend([json!({}), json!({"bearer": []})]);
        } else if scope.is_some() {
            security.push(json!({}));
        }
    } else {
        security.push(json!({"bearer": []}));
    }
    // The scope is named beside the requirement rather than in it: OpenAPI lists scopes in a
    // requirement only for OAuth flows, and an API key is no OAuth token.
    if let Some(scope) = &scope {
        security.push(json!({"apiKey": []}));
        op["x-required-scopes"] = json!([scope]);
    }
    op["security"] = Value::Array(security);
    if !op["parameters"].is_array() {
        op["parameters"] = json!([]);
    }
    // `OPTIONS` (tus's discovery) is neither a write nor a read that revalidates.
    if let Some(params) = op["parameters"].as_array_mut()
        && method != "options"
    {
        params.push(if shape.write {
            json!({"$ref": "#/components/parameters/Idempotency-Key"})
        } else {
            json!({"$ref": "#/components/parameters/If-None-Match"})
        });
    }
    let params = op.get_mut("parameters").and_then(Value::as_array_mut);
    for param in params.into_iter().flatten() {
        complete_parameter(param);
    }
    if let Some(body) = op.get_mut("requestBody") {
        limits(body, &BODY_TEXT);
    }
    let codes = problems::for_operation(&operation_id, shape);
    let responses = op["responses"].as_object_mut();
    if let Some(responses) = responses {
        complete_responses(responses, &codes, shape.write, shape.if_match);
        if CREATED_WITH_LOCATION.contains(&operation_id.as_str())
            && let Some(created) = responses.get_mut("201")
        {
            created["headers"]["Location"] = json!({"$ref": "#/components/headers/Location"});
        }
    }
    describe(op, shape, &codes);
    codes
}

fn complete_parameter(param: &mut Value) {
    if param.get("$ref").is_some() {
        return;
    }
    let name = param["name"].as_str().unwrap_or_default().to_owned();
    let location = param["in"].as_str().unwrap_or_default().to_owned();
    match (location.as_str(), name.as_str()) {
        ("query", "limit") => {
            param["schema"] = json!({"type": "integer", "format": "int64", "minimum": 1,
                                     "maximum": crate::pagination::MAX_LIMIT,
                                     "default": crate::pagination::DEFAULT_LIMIT});
            param["description"] = json!("How many items to answer at most.");
        }
        ("query", "cursor") => {
            param["schema"] = json!({"type": "string",
                                     "maxLength": crate::pagination::MAX_CURSOR_CHARS,
                                     "pattern": "^[A-Za-z0-9_-]*$"});
            param["description"] =
                json!("The opaque `next_cursor` of the previous page; absent for the first.");
        }
        ("header", "If-Match") => {
            param["schema"] = json!({"type": "string", "maxLength": 48,
                                     "pattern": IF_MATCH_PATTERN});
            param["description"] = json!(
                "The `ETag` last read (`\"3\"` or `\"3.<hash>\"`): only its version is compared, \
                 so a seat count that moved since does not make the change stale."
            );
        }
        ("path", _) if param["schema"]["type"] == "integer" => {
            // Path ids and version numbers start at 1.
            param["schema"]["minimum"] = json!(1);
            limits(&mut param["schema"], &PARAM_TEXT);
        }
        _ => {
            let schema = &mut param["schema"];
            let free_text = schema["type"] == "string"
                && schema.get("enum").is_none()
                && schema.get("format").is_none()
                && schema.get("maxLength").is_none();
            if free_text {
                schema["maxLength"] = json!(crate::middleware::MAX_PARAM_CHARS);
            }
            limits(schema, &PARAM_TEXT);
        }
    }
}

/// One example problem per code, shared by every operation that answers it.
fn examples(used: &BTreeSet<ProblemCode>) -> Value {
    let examples: Map<String, Value> = ProblemCode::ALL
        .iter()
        .filter(|code| used.contains(code))
        .map(|code| {
            let title = code.title();
            let example = json!({
                "summary": title.en,
                "value": {
                    "type": problem_type(*code),
                    "title": title.en,
                    "status": code.status().as_u16(),
                    "detail": format!("{}.", title.en),
                    "code": code.code(),
                    "instance": "/api/v1/…",
                    "request_id": "6f1c2a44-0a7e-4e0b-9a51-3c5f4a1d2b7e"
                }
            });
            (code.code().to_owned(), example)
        })
        .collect();
    Value::Object(examples)
}

fn success_description(status: &str) -> &'static str {
    match status {
        "201" => "Created",
        "202" => "Accepted",
        "204" => "Done; nothing to answer",
        _ => "Success",
    }
}

fn complete_responses(
    responses: &mut Map<String, Value>,
    codes: &[ProblemCode],
    write: bool,
    versioned: bool,
) {
    let rate_limited = codes.contains(&ProblemCode::TooManyRequests);
    let read_ok = !write && responses.contains_key("200");
    for (status, response) in responses.iter_mut() {
        if status.starts_with('2') {
            if response.get("description").is_none_or(|d| d == "") {
                response["description"] = json!(success_description(status));
            }
            let headers = &mut response["headers"];
            if !headers.is_object() {
                *headers = json!({});
            }
            headers["Cache-Control"] = json!({"$ref": "#/components/headers/Cache-Control"});
            if write {
                headers["Idempotent-Replayed"] =
                    json!({"$ref": "#/components/headers/Idempotent-Replayed"});
                if versioned {
                    // A versioned edit answers the version it wrote.
                    headers["ETag"] = json!({"$ref": "#/components/headers/ETag"});
                }
            } else {
                headers["ETag"] = json!({"$ref": "#/components/headers/ETag"});
            }
            if rate_limited {
                let headers = &mut response["headers"];
                if !headers.is_object() {
                    *headers = json!({});
                }
                headers["RateLimit"] = json!({"$ref": "#/components/headers/RateLimit"});
                headers["RateLimit-Policy"] =
                    json!({"$ref": "#/components/headers/RateLimit-Policy"});
            }
            if let Some(etag) = response.pointer_mut("/headers/ETag")
                && etag.get("$ref").is_none()
            {
                *etag = json!({"$ref": "#/components/headers/ETag"});
            }
            // A file's answer: its name (RFC 6266: an ASCII name and the UTF-8 one, percent-encoded,
            // of up to 255 characters) and its range; a resumable upload's (tus's fields, its
            // URL and the file it became).
            for (name, longest) in [
                ("Accept-Ranges", 16),
                ("Content-Range", 64),
                ("Content-Disposition", 2400),
                ("Tus-Resumable", 16),
                ("Tus-Version", 16),
                ("Tus-Extension", 64),
                ("Tus-Checksum-Algorithm", 32),
                ("Upload-Expires", 32),
                ("Location", 200),
                ("Content-Location", 200),
            ] {
                if let Some(schema) = response.pointer_mut(&format!("/headers/{name}/schema")) {
                    schema["maxLength"] = json!(longest);
                }
            }
            // Byte counts.
            for name in ["Upload-Offset", "Upload-Length", "Tus-Max-Size"] {
                if let Some(schema) = response.pointer_mut(&format!("/headers/{name}/schema")) {
                    schema["minimum"] = json!(0);
                }
            }
            if let Some(calendar) = response.pointer_mut("/content/text~1calendar/schema") {
                // A feed holds at most 1 000 events of a few kilobytes each.
                calendar["maxLength"] = json!(16 * 1024 * 1024);
            }
            limits(response, &BODY_TEXT);
        }
    }
    // Problems replace whatever the handler's macro said of the same status, keeping its words.
    let mut by_status: BTreeMap<u16, Vec<ProblemCode>> = BTreeMap::new();
    for code in codes {
        by_status
            .entry(code.status().as_u16())
            .or_default()
            .push(*code);
    }
    responses.retain(|status, _| {
        status
            .parse::<u16>()
            .map_or(true, |s| s < 400 || by_status.contains_key(&s))
    });
    for (status, codes) in by_status {
        let said = responses
            .get(&status.to_string())
            .and_then(|r| r["description"].as_str())
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        let list = codes
            .iter()
            .map(|c| format!("`{}` ({})", c.code(), c.title().en.to_lowercase()))
            .collect::<Vec<_>>()
            .join("; ");
        let description = match said {
            Some(d) => format!("{d}. Problems: {list}."),
            None => format!("Problems: {list}."),
        };
        let examples: Map<String, Value> = codes
            .iter()
            .map(|c| {
                let target = format!("#/components/examples/{}", c.code());
                (c.code().to_owned(), json!({"$ref": target}))
            })
            .collect();
        let mut response = json!({
            "description": description,
            "content": {PROBLEM_JSON: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "examples": examples
            }}
        });
        match status {
            401 => {
                response["headers"] = json!({"WWW-Authenticate": {
                    "description": "`Bearer`",
                    "schema": {"type": "string", "const": "Bearer"}
                }});
            }
            429 => {
                response["headers"] = json!({
                    "Retry-After": {"$ref": "#/components/headers/Retry-After"},
                    "RateLimit": {"$ref": "#/components/headers/RateLimit"},
                    "RateLimit-Policy": {"$ref": "#/components/headers/RateLimit-Policy"}
                });
            }
            503 => {
                response["headers"] = json!({
                    "Retry-After": {"$ref": "#/components/headers/Retry-After"}
                });
            }
            _ => {}
        }
        responses.insert(status.to_string(), response);
    }
    if read_ok {
        responses.insert(
            "304".to_owned(),
            json!({
                "description": "Not modified: the `If-None-Match` tag is the current one; no body.",
                "headers": {
                    "ETag": {"$ref": "#/components/headers/ETag"},
                    "Cache-Control": {"$ref": "#/components/headers/Cache-Control"}
                }
            }),
        );
    }
    let mut entries: Vec<(String, Value)> = std::mem::take(responses).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    responses.extend(entries);
}

/// The summary's first sentence stays the summary; the rest, with what the shape and the problem
/// list say, becomes the description.
fn describe(op: &mut Value, shape: Shape, codes: &[ProblemCode]) {
    let summary = op["summary"]
        .as_str()
        .unwrap_or_default()
        .replace('\n', " ");
    let (first, rest) = match summary.find(". ") {
        Some(i) => (summary[..=i].to_owned(), summary[i + 2..].trim().to_owned()),
        None => (summary.clone(), String::new()),
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = op["description"].as_str().filter(|d| !d.is_empty()) {
        parts.push(d.to_owned());
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts.push(if shape.public {
        "Public: no token needed.".to_owned()
    } else {
        "Needs a bearer access token.".to_owned()
    });
    match (shape.key, op["x-required-scopes"][0].as_str()) {
        (KeyRule::Scoped, Some(scope)) => {
            parts.push(format!("An API key needs the scope `{scope}`."));
        }
        (KeyRule::PeopleOnly, _) => parts.push("Not for API keys.".to_owned()),
        _ => {}
    }
    if shape.if_match {
        parts.push(
            "Send the `ETag` last read in `If-Match`: without it the answer is 428, with a stale \
             one 412."
                .to_owned(),
        );
    }
    if shape.cursor {
        parts.push(
            "A keyset-paged list: pass `next_cursor` back as `cursor` until it is null.".to_owned(),
        );
    }
    let specific: Vec<String> = codes
        .iter()
        .filter(|c| problems::specific(op["operationId"].as_str().unwrap_or_default()).contains(c))
        .map(|c| format!("`{}` ({})", c.code(), c.status().as_u16()))
        .collect();
    if !specific.is_empty() {
        parts.push(format!(
            "The programme's rules answer: {}.",
            specific.join(", ")
        ));
    }
    let rules = problems::rules(op["operationId"].as_str().unwrap_or_default());
    if !rules.is_empty() {
        let list: Vec<String> = rules
            .iter()
            .map(|(code, rule)| format!("- `{code}`: {rule}"))
            .collect();
        parts.push(format!(
            "Rules beyond the schema (422, with the field's `code`):\n{}",
            list.join("\n")
        ));
    }
    op["summary"] = json!(first);
    op["description"] = json!(parts.join("\n\n"));
}

/// Path parameters named otherwise in the answers that hold them.
const PARAM_FIELDS: &[(&str, &str)] = &[
    ("authority_id", "local_authority_id"),
    ("candidate_id", "id"),
    ("number", "version"),
];

struct OpInfo {
    path: String,
    method: &'static str,
    id: String,
    params: Vec<String>,
    if_match: bool,
    /// The schema a success answers with, and its status, and whether it carries an `ETag`.
    answer: Option<(String, String, bool)>,
    /// Where in the answer that schema stands: the answer itself, or a page's first item.
    at: &'static str,
}

fn op_infos(doc: &Value) -> Vec<OpInfo> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            let Some(op) = item.get(method) else { continue };
            let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().collect();
            let answer = ["201", "200"].iter().find_map(|status| {
                let response = &op["responses"][*status];
                let schema = response["content"]["application/json"]["schema"]["$ref"].as_str()?;
                let name = schema.rsplit('/').next()?.to_owned();
                Some((
                    name,
                    (*status).to_owned(),
                    response["headers"].get("ETag").is_some(),
                ))
            });
            // A page answers its items: links follow the first one.
            let page_item = answer.as_ref().and_then(|(name, _, _)| {
                let props = &doc["components"]["schemas"][name.as_str()]["properties"];
                props.get("next_cursor")?;
                props["items"]["items"]["$ref"]
                    .as_str()?
                    .rsplit('/')
                    .next()
                    .map(str::to_owned)
            });
            let (answer, at) = match page_item {
                Some(item) => (
                    answer.map(|(_, status, _)| (item, status, false)),
                    "/items/0",
                ),
                None => (answer, ""),
            };
            out.push(OpInfo {
                path: path.clone(),
                method,
                id: op["operationId"].as_str().unwrap_or_default().to_owned(),
                params: params
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect(),
                if_match: params
                    .iter()
                    .any(|p| p["in"] == "header" && p["name"] == "If-Match"),
                answer,
                at,
            });
        }
    }
    out
}

/// OpenAPI links from every operation that creates (or answers) a resource to the operations that
/// read, change and delete it and its sub-resources, with their path parameters taken from the
/// answer (or the request) and `If-Match` from the answer's `ETag`: what a client, and stateful
/// testing, follows.
fn links(doc: &mut Value) {
    let ops = op_infos(doc);
    let schemas = doc["components"]["schemas"].clone();
    // Where each schema can be read again: its GET path ending in a parameter.
    let readers: BTreeMap<String, (String, String)> = ops
        .iter()
        .filter(|o| o.method == "get" && o.path.ends_with('}') && o.params.len() == 1)
        .filter_map(|o| {
            let (schema, status, _) = o.answer.as_ref()?;
            (status == "200" && o.at.is_empty())
                .then(|| (schema.clone(), (o.path.clone(), o.params[0].clone())))
        })
        .collect();
    let mut all_links: Vec<(String, &'static str, String, Value)> = Vec::new();
    for source in &ops {
        let Some((schema, status, etag)) = &source.answer else {
            continue;
        };
        let body = schemas[schema.as_str()]["properties"].as_object();
        let has = |name: &str| body.is_some_and(|b| b.contains_key(name));
        let reader = readers.get(schema);
        let at = source.at;
        for target in &ops {
            if std::ptr::eq(target, source) {
                continue;
            }
            // Under the source's own path, or under where its answer is read again.
            let under = |prefix: &str| {
                target.path == prefix || target.path.starts_with(&format!("{prefix}/"))
            };
            let via_reader = reader.is_some_and(|(path, _)| under(path));
            if !(under(&source.path) || via_reader)
                || target.path == source.path && target.method == "post"
            {
                continue;
            }
            let mut parameters = Map::new();
            let resolved = target.params.iter().all(|p| {
                let from = if source.params.contains(p) && under(&source.path) {
                    format!("$request.path.{p}")
                } else if via_reader && reader.is_some_and(|(_, rp)| rp == p) && has("id") {
                    format!("$response.body#{at}/id")
                } else if has(p) && p != "id" {
                    format!("$response.body#{at}/{p}")
                } else if let Some((_, field)) = PARAM_FIELDS
                    .iter()
                    .find(|(param, field)| param == p && has(field))
                {
                    format!("$response.body#{at}/{field}")
                } else if p == "id" && has("id") && target.path.starts_with(&source.path) {
                    format!("$response.body#{at}/id")
                } else {
                    return false;
                };
                parameters.insert(p.clone(), json!(from));
                true
            });
            // A link must name the resource: a page links only to what its items identify.
            let names_it = parameters
                .values()
                .any(|v| v.as_str().is_some_and(|v| v.starts_with("$response")));
            if !resolved
                || (target.params.is_empty() && target.path != source.path)
                || (!at.is_empty() && !names_it)
            {
                continue;
            }
            if target.if_match {
                if !*etag {
                    continue;
                }
                parameters.insert("header.If-Match".to_owned(), json!("$response.header.ETag"));
            }
            let link = json!({"operationId": target.id, "parameters": parameters});
            all_links.push((
                source.path.clone(),
                source.method,
                status.clone(),
                json!([target.id.clone(), link]),
            ));
        }
    }
    for (path, method, status, pair) in all_links {
        let name = pair[0].as_str().unwrap_or_default().to_owned();
        let response = &mut doc["paths"][path.as_str()][method]["responses"][status.as_str()];
        response["links"][name.as_str()] = pair[1].clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A status a handler's own `#[utoipa::path]` names must be one its problem list answers,
    /// or the completed document would silently drop what the handler said.
    #[test]
    fn every_status_a_handler_declares_is_among_its_problems() {
        let collected = serde_json::to_value(super::super::collected()).expect("json");
        for (path, item) in collected["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("item") {
                let Some(responses) = op["responses"].as_object() else {
                    continue;
                };
                let id = op["operationId"].as_str().unwrap_or_default();
                let codes = problems::for_operation(id, shape(path, method, op));
                for status in responses.keys().filter_map(|s| s.parse::<u16>().ok()) {
                    if status >= 400 {
                        assert!(
                            codes.iter().any(|c| c.status().as_u16() == status),
                            "{method} {path} ({id}) declares {status} but lists no such problem"
                        );
                    }
                }
            }
        }
    }

    /// Every rule an operation states has a code the document lists as a rule code.
    #[test]
    fn every_stated_rule_has_a_listed_rule_code() {
        let collected = serde_json::to_value(super::super::collected()).expect("json");
        for item in collected["paths"].as_object().expect("paths").values() {
            for op in item.as_object().expect("item").values() {
                let id = op["operationId"].as_str().unwrap_or_default();
                for (code, _) in problems::rules(id) {
                    assert!(
                        crate::error::RULE_FIELD_CODES.contains(&code),
                        "{id}: {code}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_document_names_each_problem_it_uses_once_and_keeps_shared_schemas_apart() {
        let doc = super::super::document();
        let examples = doc["components"]["examples"].as_object().expect("examples");
        for (code, example) in examples {
            assert_eq!(example["value"]["code"], json!(code));
        }
        // A request form keeps its defaults; the response form always carries every field.
        let input = &doc["components"]["schemas"]["VenueInput"];
        let output = &doc["components"]["schemas"]["Venue"];
        assert_eq!(input["required"], json!(["city"]));
        assert_eq!(
            output["required"],
            json!(["address", "address_en", "city", "city_en"])
        );
    }
}
