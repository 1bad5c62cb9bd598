use serde_json::Value;
use serde_json::json;
use tests::{TestApp, assert_problem, spawn_app};

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

fn found(body: &Value, kind: &str) -> Vec<i64> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|h| h["kind"] == kind)
        .map(|h| h["id"].as_i64().expect("id"))
        .collect()
}

/// `GET /search` for `words` (encoded here) with further `&`-joined parameters after them.
async fn search(app: &TestApp, words_then_filters: &str, token: Option<&str>) -> Value {
    let (words, filters) = words_then_filters
        .split_once('&')
        .unwrap_or((words_then_filters, ""));
    let path = format!("/api/v1/search?q={}&limit=100&{filters}", enc(words));
    app.get_json(path.trim_end_matches('&'), token).await
}

#[tokio::test]
async fn one_search_finds_each_kind_ranked_with_snippets_as_its_reader_may_see_it() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let engineering = app.platform_id("engineering-planning").await;
    let innovation = app.platform_id("innovation").await;
    let halhul = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    app.create_authority_in(&admin, ("بلدية نابلس", "Nablus"), ("نابلس", "north"))
        .await;
    let (engineer_id, engineer) = app
        .create_member(&admin, "engineer@example.org", Some(halhul))
        .await;
    app.make_member(engineering, engineer_id).await;
    app.make_member(innovation, engineer_id).await;
    let (coordinator_id, coordinator) = app
        .quick_user("innovation.coordinator@example.org", None, "female", "ar")
        .await;
    app.make_coordinator(innovation, coordinator_id, "coordinator")
        .await;
    let (outsider_id, outsider) = app
        .create_member(&admin, "outsider@example.org", None)
        .await;

    // The platforms' guides (seeded as planned documents): found by a word with the article
    // ("دليل" finds "الدليل" too), by the platform's people and not by anyone else yet.
    for (who, token, n) in [
        ("anonymous", None, 0),
        ("an outsider", Some(outsider.as_str()), 0),
        ("a member", Some(engineer.as_str()), 2),
        ("an administrator", Some(admin.as_str()), 2),
    ] {
        let body = search(&app, "دليل&type=document", token).await;
        assert_eq!(found(&body, "document").len(), n, "{who}: {body}");
    }
    let body = search(&app, "الدليل الهندسه", Some(&engineer)).await;
    let guide = &body["items"][0];
    assert_eq!(guide["kind"], "document", "{body}");
    assert_eq!(guide["title"]["ar"], "دليل عام حول \"الهندسة والتخطيط\"");
    let marked: Vec<&str> = guide["snippet"]
        .as_array()
        .expect("snippet")
        .iter()
        .filter(|s| s["hit"] == true)
        .map(|s| s["text"].as_str().expect("text"))
        .collect();
    assert!(
        marked.contains(&"دليل") && marked.contains(&"الهندسة"),
        "{guide}"
    );

    // A practice: its drafter finds it, others only once it is published; filtered by its
    // authority and governorate (the seeded Hebron practice is of another authority of the
    // same governorate, on the same platform, and does not speak of waste fees).
    let res = app
        .post(
            "/api/v1/practices",
            Some(&engineer),
            &json!({"platform_id": innovation,
                    "title": {"ar": "تحصيل رسوم النفايات الصلبة إلكترونيًا في بلدية حلحول", "en": "Halhul's electronic waste fees"},
                    "summary": {"ar": "نظام إلكتروني لتحصيل رسوم النفايات الصلبة شاركته البلدية مع البلديات المجاورة",
                                "en": "An electronic system for collecting solid-waste fees, shared with neighbouring municipalities"}}),
        )
        .await;
    let practice: Value = res.json().await.expect("json");
    let practice = practice["id"].as_i64().expect("id");
    let q = "رسوم النفايات&type=practice";
    assert!(found(&search(&app, q, None).await, "practice").is_empty());
    assert!(found(&search(&app, q, Some(&outsider)).await, "practice").is_empty());
    assert_eq!(
        found(&search(&app, q, Some(&engineer)).await, "practice"),
        [practice]
    );
    for (token, to) in [(&engineer, "submitted"), (&coordinator, "published")] {
        let res = app
            .post(
                &format!("/api/v1/practices/{practice}/transitions"),
                Some(token),
                &json!({"to": to}),
            )
            .await;
        assert_eq!(res.status(), 200, "{to}");
    }
    assert_eq!(found(&search(&app, q, None).await, "practice"), [practice]);
    let english = search(&app, "neighbouring municipality&type=practice", None).await;
    assert_eq!(found(&english, "practice"), [practice], "English, stemmed");
    let by_place = |filter: String| {
        let app = &app;
        async move {
            found(
                &search(app, &format!("{q}&{filter}"), None).await,
                "practice",
            )
        }
    };
    assert_eq!(
        by_place(format!("local_authority_id={halhul}")).await,
        [practice]
    );
    assert!(
        by_place(format!("local_authority_id={}", halhul + 1))
            .await
            .is_empty()
    );
    assert_eq!(
        by_place(format!("governorate={}", enc("الخليل"))).await,
        [practice]
    );
    assert!(
        by_place(format!("governorate={}", enc("نابلس")))
            .await
            .is_empty()
    );
    assert_eq!(
        by_place(format!("platform_id={innovation}")).await,
        [practice]
    );
    assert!(
        by_place(format!("platform_id={engineering}"))
            .await
            .is_empty()
    );

    // A members-only workshop: its platform's people find it, nobody else; dated by its start.
    let starts = chrono::Utc::now() + chrono::Duration::days(10);
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": engineering,
                    "title": {"ar": "عيادة إدارة المشاريع", "en": "Project management clinic"},
                    "starts_at": starts, "ends_at": starts + chrono::Duration::hours(3),
                    "venue": {"city": "الخليل", "address": "قاعة البلدية"},
                    "status": "scheduled", "is_public": false}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let workshop = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let q = "managing projects&type=workshop";
    assert!(found(&search(&app, q, None).await, "workshop").is_empty());
    assert!(found(&search(&app, q, Some(&outsider)).await, "workshop").is_empty());
    assert_eq!(
        found(&search(&app, q, Some(&engineer)).await, "workshop"),
        [workshop]
    );
    let day = |d: chrono::DateTime<chrono::Utc>| {
        enc(&d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    let before = format!("{q}&to={}", day(starts - chrono::Duration::days(1)));
    assert!(found(&search(&app, &before, Some(&admin)).await, "workshop").is_empty());
    let around = format!(
        "{q}&from={}&to={}",
        day(starts - chrono::Duration::days(1)),
        day(starts + chrono::Duration::days(1))
    );
    assert_eq!(
        found(&search(&app, &around, Some(&admin)).await, "workshop"),
        [workshop]
    );
    // A range that ends before it starts finds nothing dated.
    let inverted = format!(
        "{q}&from={}&to={}",
        day(starts + chrono::Duration::days(1)),
        day(starts - chrono::Duration::days(1))
    );
    assert!(found(&search(&app, &inverted, Some(&admin)).await, "workshop").is_empty());
    // A new title is what it is found by, from the next search on.
    let res = app
        .patch_if(
            &format!("/api/v1/workshops/{workshop}"),
            &admin,
            "\"1\"",
            &json!({"title": {"en": "Budgeting clinic"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        found(
            &search(&app, "budgeting&type=workshop", Some(&admin)).await,
            "workshop"
        ),
        [workshop]
    );
    assert!(found(&search(&app, q, Some(&admin)).await, "workshop").is_empty());
    assert_eq!(
        found(
            &search(&app, "عياده المشاريع&type=workshop", Some(&admin)).await,
            "workshop"
        ),
        [workshop],
        "the Arabic title it kept"
    );

    // People: by name for whoever is signed in, never by email, and an authority filter
    // finds nobody who keeps their authority to themselves.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&engineer),
            &json!({"name": {"ar": "رَنا الخطيب", "en": "Rana Khatib"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let q = "رنا الخطيب&type=person";
    assert!(found(&search(&app, q, None).await, "person").is_empty());
    assert_eq!(
        found(&search(&app, q, Some(&outsider)).await, "person"),
        [engineer_id]
    );
    assert!(
        found(
            &search(&app, "engineer&type=person", Some(&admin)).await,
            "person"
        )
        .is_empty(),
        "an email is not searched"
    );
    let filtered = format!("{q}&local_authority_id={halhul}");
    assert_eq!(
        found(&search(&app, &filtered, Some(&outsider)).await, "person"),
        [engineer_id]
    );
    let res = app
        .patch(
            "/api/v1/me",
            Some(&engineer),
            &json!({"visibility": {"authority": "nobody"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(found(&search(&app, &filtered, Some(&outsider)).await, "person").is_empty());
    assert_eq!(
        found(&search(&app, q, Some(&outsider)).await, "person"),
        [engineer_id]
    );
    let _ = outsider_id;

    // Best first: the exact platform name outranks what merely mentions it.
    let body = search(&app, "الهندسه والتخطيط", None).await;
    assert_eq!(body["items"][0]["kind"], "platform", "{body}");
    let scores: Vec<f64> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| h["score"].as_f64().expect("score"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    for bad in [
        "/api/v1/search?q=x&type=thing",
        "/api/v1/search?q=x&governorate=%20",
        "/api/v1/search?q=x&limit=0",
    ] {
        assert_problem(app.get(bad, None).await, 400).await;
    }
}
