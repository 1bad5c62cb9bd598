//! Discussions: peers ask and answer in a space; seen by whoever may see the space, written in
//! by its people, Markdown made safe, replies edited with their history kept and deleted to a
//! tombstone, an accepted answer, and the changes feed.

use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app, spawn_app_with};

/// Opens a discussion as `token`; answers the body.
async fn open(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/discussions", Some(token), &body).await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    body
}

/// Replies as `token`; answers the body.
async fn reply(app: &TestApp, token: &str, d: i64, body: Value) -> Value {
    let res = app
        .post(
            &format!("/api/v1/discussions/{d}/posts"),
            Some(token),
            &body,
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    body
}

/// The whole changes feed as anonymous sees it, read again (for up to 20 s) until `done` holds
/// of its items: on PostgreSQL a change is told once no older transaction can still commit.
async fn feed_until(app: &TestApp, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/changes?limit=100&cursor={c}"),
                None => "/api/v1/changes?limit=100".to_owned(),
            };
            let page = app.get_json(&path, None).await;
            items.extend(page["items"].as_array().expect("items").iter().cloned());
            if page["has_more"] != true {
                break;
            }
            cursor = page["next_cursor"].as_str().map(str::to_owned);
        }
        if done(&items) || std::time::Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn a_platforms_people_ask_and_answer_and_the_asker_accepts_an_answer() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let villages = app.platform_id("innovation").await;
    let (asker_id, asker) = app
        .quick_user("asker@example.org", None, "female", "ar")
        .await;
    app.make_member(villages, asker_id).await;
    let (peer_id, peer) = app.quick_user("peer@example.org", None, "male", "ar").await;
    app.make_member(villages, peer_id).await;
    let (_, outsider) = app
        .quick_user("outsider@example.org", None, "male", "en")
        .await;

    // Arabic only, Markdown with something that would run: kept as written, shown safe.
    let body = json!({"space": {"kind": "platform", "id": villages}, "kind": "question",
                      "title": {"ar": "كيف تجمعون رسوم النفايات الصلبة؟"},
                      "body": {"ar": "نرغب في معرفة **آلية التحصيل**<script>alert(1)</script> [رابط](javascript:alert(1))"},
                      "tags": ["النفايات", " الرسوم ", "النفايات"]});
    let d = open(&app, &asker, body.clone()).await;
    let id = d["id"].as_i64().expect("id");
    assert_eq!(d["space"], json!({"kind": "platform", "id": villages}));
    assert_eq!(d["platform_id"], villages);
    assert_eq!(
        d["title"],
        json!({"ar": "كيف تجمعون رسوم النفايات الصلبة؟", "en": ""})
    );
    assert!(d["body"]["ar"].as_str().expect("md").contains("<script>"));
    let html = d["html"]["ar"].as_str().expect("html");
    assert!(html.contains("<strong>آلية التحصيل</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
    assert_eq!(d["tags"], json!(["النفايات", "الرسوم"]));
    assert_eq!(d["author_id"], asker_id);
    // Found by the one search, by anyone (a platform's discussions are public), diacritics and
    // hamza forms aside.
    let found = app
        .get_json(
            "/api/v1/search?q=%D8%B1%D8%B3%D9%88%D9%85%20%D8%A7%D9%84%D9%86%D9%81%D8%A7%D9%8A%D8%A7%D8%AA&type=discussion",
            None,
        )
        .await;
    assert_eq!(
        found["items"][0]["href"],
        format!("/api/v1/discussions/{id}")
    );

    // Who may open one here: not someone of no platform, not an empty text, not a missing space.
    assert_problem(
        app.post("/api/v1/discussions", Some(&outsider), &body)
            .await,
        403,
    )
    .await;
    assert_problem(app.post("/api/v1/discussions", None, &body).await, 401).await;
    let mut blank = body.clone();
    blank["title"] = json!({"ar": "  ", "en": ""});
    let problem = assert_problem(
        app.post("/api/v1/discussions", Some(&asker), &blank).await,
        422,
    )
    .await;
    assert!(problem.to_string().contains("/title"), "{problem}");
    let mut nowhere = body.clone();
    nowhere["space"] = json!({"kind": "practice", "id": 999_999});
    assert_problem(
        app.post("/api/v1/discussions", Some(&asker), &nowhere)
            .await,
        422,
    )
    .await;

    // Replies: flat, quoting, in order; the discussion's count and activity move.
    let first = reply(
        &app,
        &peer,
        id,
        json!({"body": "جمعناها مع **فاتورة الكهرباء**."}),
    )
    .await;
    assert_eq!(first["lang"], "ar");
    assert!(
        first["html"]
            .as_str()
            .expect("html")
            .contains("<strong>فاتورة الكهرباء</strong>")
    );
    let second = reply(
        &app,
        &asker,
        id,
        json!({"body": "Thank you, what did it cost?", "quote_post_id": first["id"]}),
    )
    .await;
    assert_eq!(second["lang"], "en");
    assert_eq!(second["quote_post_id"], first["id"]);
    let page = app
        .get_json(&format!("/api/v1/discussions/{id}/posts"), None)
        .await;
    assert_eq!(
        ids(&page),
        [
            first["id"].as_i64().expect("id"),
            second["id"].as_i64().expect("id")
        ]
    );
    let d = app
        .get_json(&format!("/api/v1/discussions/{id}"), None)
        .await;
    assert_eq!(d["post_count"], 2);
    // Someone who may not write here does not reply; a quote from elsewhere is refused.
    assert_problem(
        app.post(
            &format!("/api/v1/discussions/{id}/posts"),
            Some(&outsider),
            &json!({"body": "x"}),
        )
        .await,
        403,
    )
    .await;
    let other = open(
        &app,
        &peer,
        json!({"space": {"kind": "platform", "id": villages},
               "title": {"en": "Street lighting"}, "body": {"en": "Solar?"}}),
    )
    .await;
    let elsewhere = reply(
        &app,
        &peer,
        other["id"].as_i64().expect("id"),
        json!({"body": "yes"}),
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/discussions/{id}/posts"),
            Some(&peer),
            &json!({"body": "x", "quote_post_id": elsewhere["id"]}),
        )
        .await,
        422,
    )
    .await;
    // Latest activity first: the discussion just replied to leads.
    let list = app
        .get_json(
            &format!("/api/v1/discussions?space_kind=platform&space_id={villages}"),
            None,
        )
        .await;
    assert_eq!(ids(&list), [other["id"].as_i64().expect("id"), id]);
    let tagged = app
        .get_json(
            &format!(
                "/api/v1/discussions?tag={}",
                "%D8%A7%D9%84%D8%B1%D8%B3%D9%88%D9%85"
            ),
            None,
        )
        .await;
    assert_eq!(ids(&tagged), [id], "by the tag الرسوم");
    let one = app.get_json("/api/v1/discussions?limit=1", None).await;
    let cursor = one["next_cursor"].as_str().expect("a next page");
    let rest = app
        .get_json(
            &format!("/api/v1/discussions?limit=1&cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(ids(&rest), [id]);

    // An edit keeps the text it replaces; the author or a coordinator edits, nobody else.
    let first_id = first["id"].as_i64().expect("id");
    let post_path = format!("/api/v1/discussions/{id}/posts/{first_id}");
    assert_problem(
        app.patch_if(&post_path, &asker, "\"1\"", &json!({"body": "x"}))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.patch(&post_path, Some(&peer), &json!({"body": "x"}))
            .await,
        428,
    )
    .await;
    let res = app
        .patch_if(
            &post_path,
            &peer,
            "\"1\"",
            &json!({"body": "جمعناها مع فاتورة الكهرباء، وارتفع التحصيل إلى ٨٠٪."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.expect("json");
    assert_eq!(edited["edit_count"], 1);
    assert_problem(
        app.patch_if(&post_path, &peer, "\"1\"", &json!({"body": "stale"}))
            .await,
        412,
    )
    .await;
    let revisions = app.get_json(&format!("{post_path}/revisions"), None).await;
    assert_eq!(
        revisions["items"][0]["body"],
        "جمعناها مع **فاتورة الكهرباء**."
    );
    assert_eq!(revisions["items"][0]["edited_by"], peer_id);

    // The asker accepts an answer; the peer who answered may not.
    let accept = format!("/api/v1/discussions/{id}/accepted-answer");
    assert_problem(
        app.post(&accept, Some(&peer), &json!({"post_id": first_id}))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/discussions/{}/accepted-answer", other["id"]),
            Some(&peer),
            &json!({"post_id": elsewhere["id"]}),
        )
        .await,
        422,
    )
    .await;
    let res = app
        .post(&accept, Some(&asker), &json!({"post_id": first_id}))
        .await;
    assert_eq!(res.status(), 200);
    let d: Value = res.json().await.expect("json");
    assert_eq!(d["accepted_post_id"], first_id);
    let page = app
        .get_json(&format!("/api/v1/discussions/{id}/posts"), None)
        .await;
    assert_eq!(page["items"][0]["accepted"], true);
    assert_eq!(page["items"][1]["accepted"], false);

    // Deleted: a tombstone in its place, its history gone, no longer the answer.
    let res = app.delete(&post_path, Some(&peer)).await;
    assert_eq!(res.status(), 200);
    let gone: Value = res.json().await.expect("json");
    assert!(gone["body"].is_null() && gone["html"].is_null() && gone["deleted_at"].is_string());
    let page = app
        .get_json(&format!("/api/v1/discussions/{id}/posts"), None)
        .await;
    assert_eq!(page["items"][0]["id"], first_id);
    assert!(page["items"][0]["body"].is_null());
    let revisions = app.get_json(&format!("{post_path}/revisions"), None).await;
    assert_eq!(revisions["items"], json!([]));
    let d = app
        .get_json(&format!("/api/v1/discussions/{id}"), None)
        .await;
    assert!(d["accepted_post_id"].is_null(), "{d}");
    assert_problem(app.delete(&post_path, Some(&peer)).await, 409).await;
    // The second reply quoted the first: it still names it.
    assert_eq!(page["items"][1]["quote_post_id"], first_id);
    let _ = admin;
}

#[tokio::test]
async fn a_partial_edit_keeps_the_other_language_and_the_feed_carries_discussions() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let d = open(
        &app,
        &admin,
        json!({"space": {"kind": "platform", "id": finance},
               "title": {"ar": "موازنة ٢٠٢٧", "en": "The 2027 budget"},
               "body": {"ar": "ملاحظات", "en": "Notes"}}),
    )
    .await;
    let id = d["id"].as_i64().expect("id");
    let path = format!("/api/v1/discussions/{id}");
    let res = app
        .patch_if(
            &path,
            &admin,
            "\"1\"",
            &json!({"title": {"en": "Budget 2027"}, "body": {"ar": null}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.expect("json");
    assert_eq!(
        edited["title"],
        json!({"ar": "موازنة ٢٠٢٧", "en": "Budget 2027"})
    );
    assert_eq!(edited["body"], json!({"ar": "", "en": "Notes"}));
    assert_eq!(edited["version"], 2);
    // Nothing may be left to read.
    assert_problem(
        app.patch_if(&path, &admin, "\"2\"", &json!({"body": {"en": null}}))
            .await,
        422,
    )
    .await;
    let p = reply(&app, &admin, id, json!({"body": "نعم"})).await;

    // The feed: the discussion and its reply, to anyone (a platform's discussions are public).
    let reply_id = p["id"].as_i64().expect("id");
    let items = feed_until(&app, |items| {
        items
            .iter()
            .any(|i| i["type"] == "discussion-posts" && i["id"] == reply_id)
    })
    .await;
    let types: Vec<(String, i64)> = items
        .iter()
        .filter(|i| i["type"] == "discussions" || i["type"] == "discussion-posts")
        .map(|i| {
            (
                i["type"].as_str().expect("type").to_owned(),
                i["id"].as_i64().expect("id"),
            )
        })
        .collect();
    assert!(types.contains(&("discussions".into(), id)), "{types:?}");
    assert!(
        types.contains(&("discussion-posts".into(), p["id"].as_i64().expect("id"))),
        "{types:?}"
    );
}

#[tokio::test]
async fn a_members_only_workshops_discussion_is_its_peoples_alone() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let (member_id, member) = app
        .quick_user("finance@example.org", None, "female", "ar")
        .await;
    app.make_member(finance, member_id).await;
    let (_, outsider) = app
        .quick_user("outsider@example.org", None, "male", "ar")
        .await;
    let now = chrono::Utc::now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": finance,
                    "title": {"ar": "ورشة للأعضاء فقط"},
                    "starts_at": now + chrono::Duration::hours(30),
                    "ends_at": now + chrono::Duration::hours(33),
                    "venue": {"city": "رام الله", "address": "قاعة الاتحاد"},
                    "status": "scheduled", "is_public": false}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let w = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let space = json!({"kind": "workshop", "id": w});
    let d = open(
        &app,
        &member,
        json!({"space": space, "title": {"ar": "تحضير الورشة"}, "body": {"ar": "ما المطلوب؟"}}),
    )
    .await;
    let id = d["id"].as_i64().expect("id");
    for (who, token, sees) in [
        ("anonymous", None, false),
        ("an outsider", Some(outsider.as_str()), false),
        ("a member", Some(member.as_str()), true),
        ("an administrator", Some(admin.as_str()), true),
    ] {
        let one = app.get(&format!("/api/v1/discussions/{id}"), token).await;
        assert_eq!(one.status(), if sees { 200 } else { 404 }, "{who}");
        let posts = app
            .get(&format!("/api/v1/discussions/{id}/posts"), token)
            .await;
        assert_eq!(posts.status(), if sees { 200 } else { 404 }, "{who}: posts");
        let list = app
            .get_json(
                &format!("/api/v1/discussions?space_kind=workshop&space_id={w}"),
                token,
            )
            .await;
        assert_eq!(ids(&list).contains(&id), sees, "{who}: the list");
        // The one search, Arabic folded (ة as ه).
        let found = app
            .get_json(
                "/api/v1/search?q=%D8%AA%D8%AD%D8%B6%D9%8A%D8%B1%20%D8%A7%D9%84%D9%88%D8%B1%D8%B4%D9%87&type=discussion",
                token,
            )
            .await;
        assert_eq!(ids(&found).contains(&id), sees, "{who}: the search");
    }
    // A follower who leaves the platform is no longer told of its members-only replies.
    let (leaver_id, leaver) = app
        .quick_user("leaver@example.org", None, "female", "ar")
        .await;
    app.make_member(finance, leaver_id).await;
    let res = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/discussions/{id}/follow"),
            Some(&leaver),
        )
        .send()
        .await
        .expect("follow");
    assert_eq!(res.status(), 204);
    reply(&app, &member, id, json!({"body": "الأول"})).await;
    let told = |token: String| {
        let app = &app;
        async move {
            notices(app, &token)
                .await
                .iter()
                .filter(|n| n["kind"] == "discussion.reply")
                .count()
        }
    };
    assert_eq!(told(leaver.clone()).await, 1, "told while a member");
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        entity::membership::Entity::update_many()
            .col_expr(
                entity::membership::Column::Status,
                Expr::value(api::domain::MembershipStatus::Left.as_str()),
            )
            .filter(entity::membership::Column::UserId.eq(leaver_id))
            .exec(&app.db)
            .await
            .expect("left");
    }
    reply(&app, &member, id, json!({"body": "الثاني"})).await;
    assert_eq!(told(leaver).await, 1, "not told after leaving");

    // The outsider cannot open one there either: for them the space is not there.
    assert_problem(
        app.post(
            "/api/v1/discussions",
            Some(&outsider),
            &json!({"space": space, "title": {"ar": "سؤال"}, "body": {"ar": "؟"}}),
        )
        .await,
        422,
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/discussions/{id}/posts"),
            Some(&outsider),
            &json!({"body": "x"}),
        )
        .await,
        404,
    )
    .await;
}

/// The kinds of the notices in `token`'s inbox.
async fn notices(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json("/api/v1/me/notifications?limit=100", Some(token))
        .await["items"]
        .as_array()
        .expect("items")
        .clone()
}

#[tokio::test]
async fn coordinators_lock_move_and_hide_and_a_flag_reaches_their_queue() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let innovation = app.platform_id("innovation").await;
    let finance = app.platform_id("financial-management").await;
    let (coordinator_id, coordinator) = app
        .quick_user("coordinator@example.org", None, "female", "ar")
        .await;
    app.make_coordinator(innovation, coordinator_id, "coordinator")
        .await;
    let (member_id, member) = app
        .quick_user("member@example.org", None, "male", "ar")
        .await;
    app.make_member(innovation, member_id).await;
    let (reader_id, reader) = app
        .quick_user("reader@example.org", None, "male", "en")
        .await;
    app.make_member(innovation, reader_id).await;
    let d = open(
        &app,
        &member,
        json!({"space": {"kind": "platform", "id": innovation},
               "title": {"ar": "تجربة الطاقة الشمسية"}, "body": {"ar": "ما رأيكم؟"}}),
    )
    .await;
    let id = d["id"].as_i64().expect("id");
    let moderation = format!("/api/v1/discussions/{id}/moderation");
    let posts = format!("/api/v1/discussions/{id}/posts");

    // Locked: no replies until unlocked; a member does not moderate.
    assert_problem(
        app.post(&moderation, Some(&member), &json!({"locked": true}))
            .await,
        403,
    )
    .await;
    let res = app
        .post(
            &moderation,
            Some(&coordinator),
            &json!({"locked": true, "pinned": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let locked: Value = res.json().await.expect("json");
    assert!(
        locked["locked"] == true && locked["pinned"] == true,
        "{locked}"
    );
    let problem = assert_problem(
        app.post(&posts, Some(&reader), &json!({"body": "x"})).await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "discussion_locked");
    let res = app
        .post(&moderation, Some(&coordinator), &json!({"locked": false}))
        .await;
    assert_eq!(res.status(), 200);

    // Hidden with a reason: its text is gone for readers and the feed, its author is told.
    let rude = reply(&app, &member, id, json!({"body": "كلام مسيء"})).await;
    let rude_id = rude["id"].as_i64().expect("id");
    let hidden = format!("{posts}/{rude_id}/hidden");
    assert_problem(
        app.post(&hidden, Some(&reader), &json!({"reason": "x"}))
            .await,
        403,
    )
    .await;
    let res = app
        .post(
            &hidden,
            Some(&coordinator),
            &json!({"reason": "إساءة شخصية"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let as_reader = app.get_json(&posts, Some(&reader)).await;
    let seen = &as_reader["items"][0];
    assert!(seen["body"].is_null() && seen["html"].is_null(), "{seen}");
    assert!(seen["hidden_at"].is_string() && seen["hidden_reason"].is_null());
    let as_author = app.get_json(&posts, Some(&member)).await;
    assert_eq!(as_author["items"][0]["body"], "كلام مسيء");
    assert_eq!(as_author["items"][0]["hidden_reason"], "إساءة شخصية");
    let told = notices(&app, &member).await;
    let notice = told
        .iter()
        .find(|n| n["kind"] == "post.hidden")
        .expect("the author is told");
    assert!(
        notice["body"].to_string().contains("إساءة شخصية"),
        "{notice}"
    );
    // The feed tells of the hiding (its version 2) without the text.
    let feed = feed_until(&app, |items| {
        items
            .iter()
            .any(|c| c["type"] == "discussion-posts" && c["id"] == rude_id && c["version"] == 2)
    })
    .await;
    let in_feed = feed
        .iter()
        .find(|c| c["type"] == "discussion-posts" && c["id"] == rude_id)
        .expect("in the feed");
    assert!(in_feed["data"]["body"].is_null(), "{in_feed}");
    let res = app.delete(&hidden, Some(&coordinator)).await;
    assert_eq!(res.status(), 200);
    let shown = app.get_json(&posts, Some(&reader)).await;
    assert_eq!(shown["items"][0]["body"], "كلام مسيء");

    // A flag: once per person, in the coordinators' queue and inbox; upheld, the reply hides.
    let flags = format!("{posts}/{rude_id}/flags");
    let res = app
        .post(&flags, Some(&reader), &json!({"reason": "فيه إساءة"}))
        .await;
    assert_eq!(res.status(), 201);
    let flag: Value = res.json().await.expect("json");
    assert_eq!(flag["status"], "open");
    assert_problem(
        app.post(&flags, Some(&reader), &json!({"reason": "مرة أخرى"}))
            .await,
        409,
    )
    .await;
    assert!(
        notices(&app, &coordinator)
            .await
            .iter()
            .any(|n| n["kind"] == "post.flagged")
    );
    let queue = app
        .get_json("/api/v1/discussion-flags?status=open", Some(&coordinator))
        .await;
    assert_eq!(ids(&queue), [flag["id"].as_i64().expect("id")]);
    let theirs = app
        .get_json("/api/v1/discussion-flags?status=open", Some(&member))
        .await;
    assert!(ids(&theirs).is_empty(), "not a member's queue");
    let decision = format!("/api/v1/discussion-flags/{}/decision", flag["id"]);
    assert_problem(
        app.post(&decision, Some(&member), &json!({"outcome": "upheld"}))
            .await,
        403,
    )
    .await;
    let res = app
        .post(&decision, Some(&coordinator), &json!({"outcome": "upheld"}))
        .await;
    assert_eq!(res.status(), 200);
    let as_reader = app.get_json(&posts, Some(&reader)).await;
    assert!(as_reader["items"][0]["body"].is_null());
    let problem = assert_problem(
        app.post(
            &decision,
            Some(&coordinator),
            &json!({"outcome": "dismissed"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "already_decided");

    // Moved to another platform's space by an administrator, who moderates both.
    assert_problem(
        app.post(
            &moderation,
            Some(&coordinator),
            &json!({"space": {"kind": "platform", "id": finance}}),
        )
        .await,
        403,
    )
    .await;
    let res = app
        .post(
            &moderation,
            Some(&admin),
            &json!({"space": {"kind": "platform", "id": finance}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.expect("json");
    assert_eq!(moved["space"], json!({"kind": "platform", "id": finance}));
    assert_eq!(moved["platform_id"], finance);

    // Every act is in the trail.
    let trail = app.get_json("/api/v1/audit?limit=100", Some(&admin)).await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "discussion.moderate",
        "discussion_post.hide",
        "discussion_post.unhide",
        "discussion_flag.create",
        "discussion_flag.decide",
    ] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
}

#[tokio::test]
async fn a_flood_of_replies_is_stopped_for_a_minute() {
    let app = spawn_app_with(&[("POSTS_PER_MINUTE", "10")]).await;
    let admin = app.admin_token().await;
    let villages = app.platform_id("innovation").await;
    let d = open(
        &app,
        &admin,
        json!({"space": {"kind": "platform", "id": villages},
               "title": {"en": "Flood"}, "body": {"en": "Test"}}),
    )
    .await;
    let id = d["id"].as_i64().expect("id");
    let posts = format!("/api/v1/discussions/{id}/posts");
    // The discussion itself counts: nine replies more reach the limit of ten.
    for n in 0..9 {
        let res = app
            .post(&posts, Some(&admin), &json!({"body": format!("reply {n}")}))
            .await;
        assert_eq!(res.status(), 201, "reply {n}");
    }
    let res = app
        .post(&posts, Some(&admin), &json!({"body": "one too many"}))
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let d = app
        .get_json(&format!("/api/v1/discussions/{id}"), None)
        .await;
    assert_eq!(d["post_count"], 9, "nothing written");
    app.advance_clock(chrono::Duration::seconds(61));
    let res = app
        .post(&posts, Some(&admin), &json!({"body": "a minute later"}))
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn followers_and_the_mentioned_are_told_and_unread_replies_are_counted() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let innovation = app.platform_id("innovation").await;
    let mut people = Vec::new();
    for who in ["asker", "space.follower", "thread.follower", "mentioned"] {
        let (id, token) = app
            .quick_user(&format!("{who}@example.org"), None, "female", "ar")
            .await;
        app.make_member(innovation, id).await;
        people.push((id, token));
    }
    let [
        (asker_id, asker),
        (_, space_follower),
        (_, thread_follower),
        (mentioned_id, mentioned),
    ] = <[(i64, String); 4]>::try_from(people).expect("four");
    let d = open(
        &app,
        &asker,
        json!({"space": {"kind": "platform", "id": innovation},
               "title": {"ar": "أنظمة الأرشفة"}, "body": {"ar": "من جرّب نظامًا؟"}}),
    )
    .await;
    let id = d["id"].as_i64().expect("id");
    let res = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/discussion-spaces/platform/{innovation}/follow"),
            Some(&space_follower),
        )
        .send()
        .await
        .expect("follow");
    assert_eq!(res.status(), 204);
    let res = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/discussions/{id}/follow"),
            Some(&thread_follower),
        )
        .send()
        .await
        .expect("follow");
    assert_eq!(res.status(), 204);

    let first = reply(
        &app,
        &asker,
        id,
        json!({"body": "أضيف سؤالًا: ما الكلفة؟", "mention_ids": [mentioned_id]}),
    )
    .await;
    assert_eq!(first["mention_ids"], json!([mentioned_id]));
    let kinds = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .map(|n| n["kind"].as_str().expect("kind").to_owned())
            .filter(|k| k.starts_with("discussion."))
            .collect()
    };
    assert_eq!(
        kinds(notices(&app, &space_follower).await),
        ["discussion.reply"]
    );
    assert_eq!(
        kinds(notices(&app, &thread_follower).await),
        ["discussion.reply"]
    );
    assert_eq!(
        kinds(notices(&app, &mentioned).await),
        ["discussion.mention"]
    );
    assert!(
        kinds(notices(&app, &asker).await).is_empty(),
        "not one's own"
    );

    // Unread replies per reader, in the list; read, then one more.
    let unread = |token: Option<String>| {
        let app = &app;
        async move {
            let list = app
                .get_json(
                    &format!("/api/v1/discussions?space_kind=platform&space_id={innovation}"),
                    token.as_deref(),
                )
                .await;
            let item = list["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|i| i["id"] == id)
                .cloned()
                .expect("listed");
            (item["following"].clone(), item["unread_count"].clone())
        }
    };
    assert_eq!(
        unread(Some(space_follower.clone())).await,
        (json!(true), json!(1))
    );
    assert_eq!(unread(Some(asker.clone())).await, (json!(false), json!(0)));
    assert_eq!(unread(None).await, (Value::Null, Value::Null));
    let res = app
        .post(
            &format!("/api/v1/discussions/{id}/read"),
            Some(&space_follower),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        unread(Some(space_follower.clone())).await,
        (json!(true), json!(0))
    );
    reply(&app, &mentioned, id, json!({"body": "نحو ألف دينار"})).await;
    assert_eq!(
        unread(Some(space_follower.clone())).await,
        (json!(true), json!(1))
    );
    // Unfollowed: no more notices, no longer following.
    let res = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/discussion-spaces/platform/{innovation}/follow"),
            Some(&space_follower),
        )
        .send()
        .await
        .expect("unfollow");
    assert_eq!(res.status(), 204);
    assert_eq!(unread(Some(space_follower.clone())).await.0, json!(false));
    let _ = (admin, asker_id);

    // In a members-only workshop's discussion only its platform's people are mentioned.
    let finance = app.platform_id("financial-management").await;
    let now = chrono::Utc::now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&app.admin_token().await),
            &json!({"platform_id": finance, "title": {"ar": "ورشة مغلقة"},
                    "starts_at": now + chrono::Duration::hours(30),
                    "ends_at": now + chrono::Duration::hours(33),
                    "venue": {"city": "رام الله", "address": "قاعة"},
                    "status": "scheduled", "is_public": false}),
        )
        .await;
    let w = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let admin = app.admin_token().await;
    let closed = open(
        &app,
        &admin,
        json!({"space": {"kind": "workshop", "id": w}, "title": {"ar": "تحضير"}, "body": {"ar": "؟"}}),
    )
    .await;
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/discussions/{}/posts", closed["id"]),
            Some(&admin),
            &json!({"body": "انظري", "mention_ids": [mentioned_id]}),
        )
        .await,
        422,
    )
    .await;
    assert!(problem.to_string().contains("/mention_ids/0"), "{problem}");
}
