use serde_json::Value;
use tests::{assert_problem, spawn_app};

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn hits(body: &Value) -> Vec<(String, String)> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().expect("k").to_owned(),
                h["title"]["ar"].as_str().expect("ar").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn arabic_search_ignores_diacritics_and_letter_variants() {
    let app = spawn_app().await;
    let body = app
        .get_json(&format!("/api/v1/search?q={}", enc("الاداره الماليه")), None)
        .await;
    let found = hits(&body);
    assert!(
        found.contains(&("platform".into(), "منصة الإدارة المالية".into())),
        "{found:?}"
    );

    let body = app
        .get_json(
            &format!("/api/v1/search?q={}", enc("المَعلومات الجُغرافيّه")),
            None,
        )
        .await;
    let topics: Vec<_> = hits(&body)
        .into_iter()
        .filter(|(k, _)| k == "topic")
        .collect();
    assert_eq!(topics.len(), 3, "{topics:?}");

    let body = app
        .get_json(
            &format!("/api/v1/search?q={}", enc("الخبراء الماليين")),
            None,
        )
        .await;
    assert_eq!(
        hits(&body),
        vec![(
            "task_force".to_owned(),
            "فريق عمل الخبراء الماليين".to_owned()
        )]
    );

    let body = app.get_json("/api/v1/search?q=SOLID%20waste", None).await;
    assert_eq!(
        hits(&body).len(),
        2,
        "both solid-waste topics, by English title"
    );
}

#[tokio::test]
async fn search_finds_working_groups_and_pages_through_kinds() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let platform = app.platform_id("financial-management").await;
    let plan = app
        .get_json(&format!("/api/v1/platforms/{platform}/work-plans"), None)
        .await;
    let topic = plan["items"][0]["topics"][0]["id"].as_i64().expect("topic");
    let res = app
        .request(reqwest::Method::PUT, &format!("/api/v1/topics/{topic}/working-group"), Some(&admin))
        .json(&serde_json::json!({"name": {"ar": "مجموعة الإيرادات الجديدة", "en": "New revenue group"}}))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status(), 201);
    let body = app
        .get_json(&format!("/api/v1/search?q={}", enc("الايرادات")), None)
        .await;
    let kinds: Vec<String> = hits(&body).into_iter().map(|(k, _)| k).collect();
    assert!(kinds.contains(&"working_group".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"topic".to_owned()), "{kinds:?}");

    // Page through "المجالس القروية" (platforms and topics) two at a time: no repeats, no gaps.
    let q = enc("المجالس القرويه");
    let all = app
        .get_json(&format!("/api/v1/search?q={q}&limit=100"), None)
        .await;
    let total = all["items"].as_array().expect("items").len();
    assert!(total >= 6, "{total}");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/search?q={q}&limit=2&cursor={c}"),
            None => format!("/api/v1/search?q={q}&limit=2"),
        };
        let page = app.get_json(&path, None).await;
        for h in page["items"].as_array().expect("items") {
            seen.push(format!("{}:{}", h["kind"], h["id"]));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| format!("{}:{}", h["kind"], h["id"]))
        .collect();
    assert_eq!(seen, expected);

    assert_problem(app.get("/api/v1/search?q=", None).await, 400).await;
    assert_problem(app.get("/api/v1/search", None).await, 400).await;
    assert_problem(app.get("/api/v1/search?q=x&cursor=zzz", None).await, 400).await;
}
