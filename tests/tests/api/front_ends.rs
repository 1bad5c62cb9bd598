//! What the web and mobile front ends lean on: safe retries (`Idempotency-Key`), cheap
//! refreshes (strong ETags, 304, `Cache-Control`), compression, and CORS that allows them.

use std::io::Read as _;

use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, assert_problem, spawn_app, spawn_app_with};

use crate::workshops::scheduled;

async fn count_titled(app: &TestApp, title: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM workshops WHERE title_ar = $1",
            [title.into()],
        ))
        .await
        .expect("query")
        .expect("row");
    row.try_get("", "n").expect("n")
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_retried_write_with_the_same_key_answers_the_first_answer_and_does_nothing_twice() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let now = app.state.clock.now();
    let body = json!({"platform_id": pr, "title": {"ar": "ورشة إعادة المحاولة"},
                      "starts_at": now + chrono::Duration::days(3),
                      "ends_at": now + chrono::Duration::days(3) + chrono::Duration::hours(2),
                      "online_url": "https://meet.example.org/retry"});
    let send = |key: &'static str, body: Value| {
        app.request(Method::POST, "/api/v1/workshops", Some(&admin))
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = send("\"k-1\"", body.clone()).await.expect("first");
    assert_eq!(first.status(), 201);
    assert_eq!(header(&first, "idempotent-replayed"), None);
    let first_location = header(&first, "location").map(str::to_owned);
    let first_body: Value = first.json().await.expect("json");

    let again = send("\"k-1\"", body.clone()).await.expect("again");
    assert_eq!(again.status(), 201);
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(
        header(&again, "location").map(str::to_owned),
        first_location
    );
    assert!(header(&again, "etag").is_some_and(|t| t.starts_with("\"1.")));
    let again_body: Value = again.json().await.expect("json");
    assert_eq!(again_body, first_body);
    assert_eq!(count_titled(&app, "ورشة إعادة المحاولة").await, 1);

    // The same key for another request: 422, and nothing done.
    let mut other = body.clone();
    other["title"]["ar"] = json!("ورشة أخرى");
    let problem = assert_problem(send("\"k-1\"", other).await.expect("other"), 422).await;
    assert_eq!(problem["code"], "idempotency_key_reused");
    assert_eq!(count_titled(&app, "ورشة أخرى").await, 0);

    // A bare key (as many clients send it) is the same key as its quoted form.
    let bare = send("k-1", body.clone()).await.expect("bare");
    assert_eq!(header(&bare, "idempotent-replayed"), Some("true"));

    // A key that is no sf-string is refused before anything runs.
    let problem = assert_problem(send("a key", body.clone()).await.expect("bad"), 400).await;
    assert_eq!(problem["code"], "invalid_idempotency_key");

    // A refused request keeps nothing: sent again, it runs again (and is refused again).
    let mut invalid = body.clone();
    invalid["ends_at"] = invalid["starts_at"].clone();
    for _ in 0..2 {
        let res = send("\"k-2\"", invalid.clone()).await.expect("invalid");
        assert_eq!(header(&res, "idempotent-replayed"), None);
        assert_problem(res, 422).await;
    }

    // The stored answer is sealed: the table shows neither the body nor the key.
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT key_hash, response FROM idempotency_keys",
        ))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    let response: String = rows[0].try_get("", "response").expect("response");
    let key_hash: String = rows[0].try_get("", "key_hash").expect("key");
    assert!(!response.contains("meet.example.org") && !key_hash.contains("k-1"));
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&response)
        .expect("base64");
    assert!(!String::from_utf8_lossy(&raw).contains("meet.example.org"));

    // A day later the key is forgotten: the same key makes a new workshop.
    app.advance_clock(chrono::Duration::hours(25));
    let later = send("\"k-1\"", body.clone()).await.expect("later");
    assert_eq!(later.status(), 201);
    assert_eq!(header(&later, "idempotent-replayed"), None);
    assert_eq!(count_titled(&app, "ورشة إعادة المحاولة").await, 2);
}

#[tokio::test]
async fn concurrent_retries_make_one_registration_and_keys_belong_to_their_caller() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let w = scheduled(&app, &admin, pr, 72, Some(5), "نابلس").await;
    let id = w["id"].as_i64().expect("id");
    let path = format!("/api/v1/workshops/{id}/registrations");
    let (_, amal) = app
        .quick_user("amal@example.org", None, "female", "ar")
        .await;
    let (_, omar) = app.quick_user("omar@example.org", None, "male", "en").await;

    // Eight retries of one registration at once, as a phone on a bad line might send them.
    let sends = (0..8).map(|_| {
        app.request(Method::POST, &path, Some(&amal))
            .header("Idempotency-Key", "\"reg-amal-1\"")
            .json(&json!({}))
            .send()
    });
    let answers = futures_util::future::join_all(sends).await;
    let mut created = 0;
    let mut replayed = 0;
    let mut in_flight = 0;
    for res in answers {
        let res = res.expect("answer");
        match (res.status().as_u16(), header(&res, "idempotent-replayed")) {
            (201, None) => created += 1,
            (201, Some("true")) => replayed += 1,
            (409, _) => {
                let problem = assert_problem(res, 409).await;
                assert_eq!(problem["code"], "idempotency_key_in_use");
                in_flight += 1;
            }
            (status, _) => panic!("unexpected {status}"),
        }
    }
    assert_eq!(
        created, 1,
        "one ran ({replayed} replayed, {in_flight} in flight)"
    );
    assert_eq!(created + replayed + in_flight, 8);
    let after = app.get_json(&format!("/api/v1/workshops/{id}"), None).await;
    assert_eq!(after["seats_left"], 4, "one seat taken");
    // Sent again once everything is done: the first answer.
    let res = app
        .request(Method::POST, &path, Some(&amal))
        .header("Idempotency-Key", "\"reg-amal-1\"")
        .json(&json!({}))
        .send()
        .await
        .expect("retry");
    assert_eq!(res.status(), 201);
    assert_eq!(header(&res, "idempotent-replayed"), Some("true"));

    // Another person with the same key is another key: Omar registers himself.
    let res = app
        .request(Method::POST, &path, Some(&omar))
        .header("Idempotency-Key", "\"reg-amal-1\"")
        .json(&json!({}))
        .send()
        .await
        .expect("omar");
    assert_eq!(res.status(), 201);
    assert_eq!(header(&res, "idempotent-replayed"), None);
    let after = app.get_json(&format!("/api/v1/workshops/{id}"), None).await;
    assert_eq!(after["seats_left"], 3);
}

#[tokio::test]
async fn reads_revalidate_with_strong_tags_that_follow_every_change() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let w = scheduled(&app, &admin, pr, 72, Some(30), "رام الله").await;
    let id = w["id"].as_i64().expect("id");
    let path = format!("/api/v1/workshops/{id}");

    let res = app.get(&path, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), Some("public, no-cache"));
    let tag = header(&res, "etag").expect("etag").to_owned();
    assert!(tag.starts_with("\"1.") && !tag.starts_with("W/"), "{tag}");
    let not_modified = app
        .request(Method::GET, &path, None)
        .header("If-None-Match", &tag)
        .send()
        .await
        .expect("304");
    assert_eq!(not_modified.status(), 304);
    assert_eq!(header(&not_modified, "etag"), Some(tag.as_str()));
    assert_eq!(
        header(&not_modified, "cache-control"),
        Some("public, no-cache")
    );
    assert!(not_modified.bytes().await.expect("body").is_empty());

    // A registration moves the seat count, not the version: the tag changes all the same.
    let (_, member) = app
        .quick_user("seat@example.org", None, "female", "ar")
        .await;
    let res = app
        .post(&format!("{path}/registrations"), Some(&member), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .request(Method::GET, &path, None)
        .header("If-None-Match", &tag)
        .send()
        .await
        .expect("changed");
    assert_eq!(res.status(), 200);
    let new_tag = header(&res, "etag").expect("etag").to_owned();
    assert_ne!(new_tag, tag);
    assert!(new_tag.starts_with("\"1."), "the version is the same");
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["seats_left"], 29);

    // The tag of a read goes back in If-Match as it is.
    let res = app
        .request(Method::PATCH, &path, Some(&admin))
        .header("If-Match", &new_tag)
        .json(&json!({"description": {"ar": "وصف"}}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), Some("no-store"));

    // List pages have tags too; the caller's own reads are cached privately.
    let list = "/api/v1/platforms?limit=5";
    let res = app.get(list, Some(&admin)).await;
    assert_eq!(header(&res, "cache-control"), Some("private, no-cache"));
    let vary = res
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        vary.contains("authorization") && vary.contains("accept-language"),
        "{vary}"
    );
    let list_tag = header(&res, "etag").expect("list etag").to_owned();
    let res = app
        .request(Method::GET, list, Some(&admin))
        .header("If-None-Match", format!("\"nope\", {list_tag}"))
        .send()
        .await
        .expect("list 304");
    assert_eq!(res.status(), 304);
    // Another language is another representation.
    let res = app
        .request(Method::GET, "/api/v1/nothing-here", None)
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("404");
    assert_eq!(res.status(), 404);
    assert_eq!(header(&res, "etag"), None, "refusals carry no tag");

    // The documentation's assets are cached and revalidated.
    let res = app.get("/docs/swagger-ui.css", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), Some("public, max-age=3600"));
    let css_tag = header(&res, "etag").expect("css etag").to_owned();
    let res = app
        .request(Method::GET, "/docs/swagger-ui.css", None)
        .header("If-None-Match", &css_tag)
        .send()
        .await
        .expect("css 304");
    assert_eq!(res.status(), 304);
    let res = app.get("/openapi.json", None).await;
    assert!(header(&res, "etag").is_some());
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("brotli");
    out
}

#[tokio::test]
async fn answers_are_compressed_when_asked_and_worth_it() {
    let app = spawn_app().await;
    let list = "/api/v1/platforms?limit=100";
    let plain = app.get(list, None).await;
    assert_eq!(header(&plain, "content-encoding"), None);
    let plain_tag = header(&plain, "etag").expect("etag").to_owned();
    let plain_body = plain.bytes().await.expect("body");
    assert!(plain_body.len() > 4096);

    for (coding, decode) in [("gzip", gunzip as fn(&[u8]) -> Vec<u8>), ("br", unbrotli)] {
        let res = app
            .request(Method::GET, list, None)
            .header("Accept-Encoding", coding)
            .send()
            .await
            .expect("compressed");
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "content-encoding"), Some(coding));
        let tag = header(&res, "etag").expect("etag").to_owned();
        assert_eq!(
            tag,
            format!("{}-{coding}\"", plain_tag.trim_end_matches('"')),
            "a coding is another representation"
        );
        let bytes = res.bytes().await.expect("body");
        assert!(
            bytes.len() * 3 < plain_body.len(),
            "{coding}: {}",
            bytes.len()
        );
        assert_eq!(decode(&bytes), plain_body.to_vec());
        // The coded tag revalidates.
        let res = app
            .request(Method::GET, list, None)
            .header("Accept-Encoding", coding)
            .header("If-None-Match", &tag)
            .send()
            .await
            .expect("304");
        assert_eq!(res.status(), 304);
    }
    // Small answers are sent as they are.
    let res = app
        .request(Method::GET, "/health/live", None)
        .header("Accept-Encoding", "gzip, br")
        .send()
        .await
        .expect("live");
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), None);
    // A calendar client that does not ask gets plain text.
    let pr = app.platform_id("public-relations").await;
    let res = app
        .get(&format!("/api/v1/platforms/{pr}/calendar.ics"), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), None);
    assert!(
        res.text()
            .await
            .expect("ics")
            .starts_with("BEGIN:VCALENDAR")
    );
}

#[tokio::test]
async fn cors_lets_a_browser_send_retry_keys_and_validators() {
    let app = spawn_app_with(&[("CORS_ORIGINS", "https://app.example.org")]).await;
    let res = app
        .request(Method::OPTIONS, "/api/v1/workshops", None)
        .header("Origin", "https://app.example.org")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type, idempotency-key, if-none-match",
        )
        .send()
        .await
        .expect("preflight");
    assert_eq!(res.status(), 200);
    let allowed = header(&res, "access-control-allow-headers")
        .expect("allowed")
        .to_ascii_lowercase();
    assert!(
        allowed.contains("idempotency-key") && allowed.contains("if-none-match"),
        "{allowed}"
    );
    let res = app
        .request(Method::GET, "/api/v1/platforms", None)
        .header("Origin", "https://app.example.org")
        .send()
        .await
        .expect("get");
    let exposed = header(&res, "access-control-expose-headers")
        .expect("exposed")
        .to_ascii_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("idempotent-replayed"),
        "{exposed}"
    );
    // tus-js-client in a browser: it sends the protocol's fields and reads them back.
    let res = app
        .request(
            Method::OPTIONS,
            "/api/v1/uploads/0f3c9a1e2b4d4c6f8a7b9c0d1e2f3a4b",
            None,
        )
        .header("Origin", "https://app.example.org")
        .header("Access-Control-Request-Method", "PATCH")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type, tus-resumable, upload-offset, upload-checksum",
        )
        .send()
        .await
        .expect("preflight");
    assert_eq!(res.status(), 200);
    let allowed = header(&res, "access-control-allow-headers")
        .expect("allowed")
        .to_ascii_lowercase();
    for name in ["tus-resumable", "upload-offset", "upload-checksum"] {
        assert!(allowed.contains(name), "{name}: {allowed}");
    }
    for name in [
        "upload-offset",
        "upload-expires",
        "location",
        "content-location",
        "tus-resumable",
    ] {
        assert!(exposed.contains(name), "{name}: {exposed}");
    }
}

#[tokio::test]
async fn retry_keys_and_validators_never_change_what_the_router_answers() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // A method no operation takes is 405 with or without a key, and keeps no key.
    for _ in 0..2 {
        let res = app
            .request(Method::PUT, "/api/v1/workshops", Some(&admin))
            .header("Idempotency-Key", "\"same\"")
            .json(&json!({}))
            .send()
            .await
            .expect("put");
        assert_problem(res, 405).await;
    }
    let res = app
        .request(Method::POST, "/api/v1/nothing-here", Some(&admin))
        .header("Idempotency-Key", "\"same\"")
        .json(&json!({}))
        .send()
        .await
        .expect("post");
    assert_problem(res, 404).await;
    // A key already used by someone signed out (at this address) does not keep a signed-out
    // caller of an operation for people from learning that it needs a token.
    let res = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .header("Idempotency-Key", "\"anon\"")
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    for _ in 0..2 {
        let res = app
            .request(Method::DELETE, "/api/v1/me/calendar-token", None)
            .header("Idempotency-Key", "\"anon\"")
            .send()
            .await
            .expect("delete");
        assert_problem(res, 401).await;
    }
    // An If-None-Match past its documented length is refused; an unknown tag simply misses.
    let res = app
        .request(Method::GET, "/api/v1/platforms", None)
        .header("If-None-Match", format!("\"{}\"", "a".repeat(600)))
        .send()
        .await
        .expect("long");
    assert_eq!(assert_problem(res, 400).await["code"], "invalid_parameter");
    let res = app
        .request(Method::GET, "/api/v1/platforms", None)
        .header("If-None-Match", "not-a-tag")
        .send()
        .await
        .expect("odd");
    assert_eq!(res.status(), 200);
}

/// Every `Vary` field of an answer, as the names it lists (lower case, each line).
fn vary_lines(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn caching_fields_hold_on_every_path_a_shared_cache_reads() {
    // CORS configured, as in front ends' deployments: its layer must not lose what others vary on.
    let app = spawn_app_with(&[("CORS_ORIGINS", "https://app.example.org")]).await;
    let small_enough = "/api/v1/platforms?limit=3"; // compressed in the api's own layer
    let large = "/openapi.json"; // compressed by actix's layer (over 64 KiB)
    for (path, coding) in [
        (small_enough, None),
        (small_enough, Some("gzip")),
        (small_enough, Some("br")),
        ("/api/v1/platforms?limit=100", Some("deflate")),
        (large, None),
        (large, Some("gzip")),
        (large, Some("deflate")),
    ] {
        let mut req = app
            .request(Method::GET, path, None)
            .header("Origin", "https://app.example.org");
        if let Some(c) = coding {
            req = req.header("Accept-Encoding", c);
        }
        let res = req.send().await.expect("get");
        assert_eq!(res.status(), 200, "{path}");
        let lines = vary_lines(&res);
        assert_eq!(
            lines.len(),
            1,
            "{path} {coding:?}: one Vary field, got {lines:?}"
        );
        assert!(
            lines[0].contains("accept-encoding"),
            "{path} {coding:?}: Vary names Accept-Encoding even when not compressed: {lines:?}"
        );
        if path.starts_with("/api/") {
            assert!(lines[0].contains("accept-language"), "{lines:?}");
            assert!(lines[0].contains("authorization"), "{lines:?}");
        }
        let encoding = header(&res, "content-encoding").map(str::to_owned);
        let tag = header(&res, "etag").expect("etag").to_owned();
        match encoding.as_deref() {
            Some(c) => assert!(
                tag.ends_with(&format!("-{c}\"")),
                "{path}: {c} has its own tag {tag}"
            ),
            None => assert!(!tag.contains('-') || !tag.ends_with("-gzip\""), "{tag}"),
        }
        let exposed = header(&res, "access-control-expose-headers")
            .expect("exposed")
            .to_ascii_lowercase();
        for field in [
            "content-disposition",
            "etag",
            "location",
            "retry-after",
            "ratelimit",
            "ratelimit-policy",
            "idempotent-replayed",
        ] {
            assert!(exposed.contains(field), "{field} not exposed: {exposed}");
        }
    }
    // A 304 carries the tag and the Vary of the answer it stands for (a shared cache merges them
    // into what it stored), and a coding's tag validates that coding only.
    for (path, coding) in [
        (small_enough, "gzip"),
        (large, "gzip"),
        (large, "deflate"),
        (large, "br"),
    ] {
        let full = app
            .request(Method::GET, path, None)
            .header("Accept-Encoding", coding)
            .send()
            .await
            .expect("full");
        assert_eq!(header(&full, "content-encoding"), Some(coding), "{path}");
        let tag = header(&full, "etag").expect("etag").to_owned();
        assert!(tag.ends_with(&format!("-{coding}\"")), "{path}: {tag}");
        let again = app
            .request(Method::GET, path, None)
            .header("Accept-Encoding", coding)
            .header("If-None-Match", &tag)
            .send()
            .await
            .expect("304");
        assert_eq!(again.status(), 304, "{path} {coding}");
        assert_eq!(
            header(&again, "etag"),
            Some(tag.as_str()),
            "{path} {coding}"
        );
        assert_eq!(header(&again, "content-encoding"), None);
        let lines = vary_lines(&again);
        assert!(
            lines.len() == 1 && lines[0].contains("accept-encoding"),
            "{path} {coding}: the 304's Vary {lines:?}"
        );
        for other in [None, Some(if coding == "gzip" { "br" } else { "gzip" })] {
            let mut req = app
                .request(Method::GET, path, None)
                .header("If-None-Match", &tag);
            if let Some(o) = other {
                req = req.header("Accept-Encoding", o);
            }
            let res = req.send().await.expect("other coding");
            assert_eq!(
                res.status(),
                200,
                "{path}: the {coding} tag validated {other:?}"
            );
            assert_eq!(header(&res, "content-encoding"), other, "{path}");
        }
    }
    // The language of an answer's text.
    let ar = app
        .request(Method::GET, "/api/v1/no-such-thing", None)
        .header("Accept-Language", "ar")
        .send()
        .await
        .expect("404");
    assert_eq!(header(&ar, "content-language"), Some("ar"));
    let en = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(header(&en, "content-language"), Some("en"));
    let both = app.get("/api/v1/platforms", None).await;
    assert_eq!(header(&both, "content-language"), Some("ar, en"));
    // A 201 says where the new resource is, and the document says so.
    let doc = app.get_json("/openapi.json", None).await;
    let created = &doc["paths"]["/api/v1/workshops"]["post"]["responses"]["201"]["headers"];
    assert!(created["Location"].is_object(), "{created}");
}
