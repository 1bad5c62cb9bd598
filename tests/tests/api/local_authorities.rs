use serde_json::{Value, json};
use tests::{assert_problem, spawn_app};

#[tokio::test]
async fn admins_create_read_update_and_delete_authorities_in_arabic() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/local-authorities",
            Some(&admin),
            &json!({"name": {"ar": "بلدية دورا", "en": "Dura Municipality"}, "kind": "municipality",
                    "governorate": "الخليل", "region": "south"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let created: Value = res.json().await.expect("json");
    assert_eq!(
        location,
        format!("/api/v1/local-authorities/{}", created["id"])
    );
    assert_eq!(created["name"]["ar"], "بلدية دورا");

    let got: Value = app.get(&location, None).await.json().await.expect("json");
    assert_eq!(got, created);

    let res = app
        .patch(
            &location,
            Some(&admin),
            &json!({"kind": "union_of_municipalities", "region": "center"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.expect("json");
    assert_eq!(updated["kind"], "union_of_municipalities");
    assert_eq!(updated["name"]["ar"], "بلدية دورا");

    assert_eq!(app.delete(&location, Some(&admin)).await.status(), 204);
    assert_problem(app.get(&location, None).await, 404).await;
    assert_problem(app.delete(&location, Some(&admin)).await, 404).await;
    assert_problem(
        app.patch(&location, Some(&admin), &json!({"region": "gaza"}))
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn only_admins_write_authorities_and_anyone_reads_them() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = app
        .create_authority(&admin, "مجلس قروي عقابا", "Aqqaba Village Council")
        .await;
    let (_, member) = app.create_member(&admin, "m@example.org", Some(id)).await;
    let body = json!({"name": {"ar": "بلدية جنين", "en": "Jenin"}, "kind": "municipality",
                      "governorate": "جنين", "region": "north"});
    let path = format!("/api/v1/local-authorities/{id}");
    for token in [None, Some(member.as_str())] {
        let expected = if token.is_some() { 403 } else { 401 };
        assert_problem(
            app.post("/api/v1/local-authorities", token, &body).await,
            expected,
        )
        .await;
        assert_problem(
            app.patch(&path, token, &json!({"region": "north"})).await,
            expected,
        )
        .await;
        assert_problem(app.delete(&path, token).await, expected).await;
    }
    assert_eq!(
        app.get("/api/v1/local-authorities", None).await.status(),
        200
    );
    assert_eq!(app.get(&path, None).await.status(), 200);
}

#[tokio::test]
async fn a_duplicate_arabic_name_is_409_and_a_referenced_authority_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = app
        .create_authority(&admin, "بلدية رام الله", "Ramallah Municipality")
        .await;
    let res = app
        .post(
            "/api/v1/local-authorities",
            Some(&admin),
            &json!({"name": {"ar": "بلدية رام الله", "en": "Another"}, "kind": "municipality",
                    "governorate": "رام الله والبيرة", "region": "center"}),
        )
        .await;
    assert_problem(res, 409).await;
    let other = app
        .create_authority(&admin, "بلدية البيرة", "Al-Bireh Municipality")
        .await;
    let res = app
        .patch(
            &format!("/api/v1/local-authorities/{other}"),
            Some(&admin),
            &json!({"name": {"ar": "بلدية رام الله", "en": "x"}}),
        )
        .await;
    assert_problem(res, 409).await;

    app.create_member(&admin, "ramallah@example.org", Some(id))
        .await;
    let res = app
        .delete(&format!("/api/v1/local-authorities/{id}"), Some(&admin))
        .await;
    let body = assert_problem(res, 409).await;
    assert_eq!(
        body["detail"],
        "The record is still referenced by other records."
    );
    assert_eq!(
        app.get(&format!("/api/v1/local-authorities/{id}"), None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_list_pages_with_a_cursor_in_a_stable_order_and_filters() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // The reference data's authorities (Hebron municipality, from `003`) come first.
    let seeded: Value = app
        .get("/api/v1/local-authorities?limit=100", None)
        .await
        .json()
        .await
        .expect("json");
    let mut ids: Vec<i64> = seeded["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids.len(), 1, "{seeded}");
    for i in 0..7 {
        let region = if i % 2 == 0 { "north" } else { "gaza" };
        let res = app
            .post(
                "/api/v1/local-authorities",
                Some(&admin),
                &json!({"name": {"ar": format!("بلدية رقم {i}"), "en": format!("Town {i}")},
                        "kind": "municipality", "governorate": "جنين", "region": region}),
            )
            .await;
        let body: Value = res.json().await.expect("json");
        ids.push(body["id"].as_i64().expect("id"));
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/local-authorities?limit=3&cursor={c}"),
            None => "/api/v1/local-authorities?limit=3".to_owned(),
        };
        let page: Value = app.get(&path, None).await.json().await.expect("json");
        pages += 1;
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|i| i["id"].as_i64().expect("id")));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids);

    let page: Value = app
        .get("/api/v1/local-authorities?region=gaza", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["items"].as_array().expect("items").len(), 3);
    assert!(page["next_cursor"].is_null());
    let default: Value = app
        .get("/api/v1/local-authorities", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        default["items"].as_array().expect("items").len(),
        8,
        "the seeded one and seven"
    );
}

#[tokio::test]
async fn search_ignores_diacritics_letter_variants_and_case() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = app
        .create_authority(
            &admin,
            "مجلس الخدمات المشتركة لِلإدارة",
            "Joint Services Council",
        )
        .await;
    app.create_authority(&admin, "بلدية بيت لحم", "Bethlehem Municipality")
        .await;
    for q in ["للاداره", "لِلإدارة", "JOINT services", "المشتركه"] {
        let url = format!("/api/v1/local-authorities?q={}", urlencode(q));
        let page: Value = app.get(&url, None).await.json().await.expect("json");
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "q={q}");
        assert_eq!(items[0]["id"], id);
    }
    let page: Value = app
        .get("/api/v1/local-authorities?q=%25", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        page["items"].as_array().expect("items").len(),
        0,
        "% is literal"
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
