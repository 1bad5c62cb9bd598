//! The directory of peers (issue 30): people look each other up by name, authority,
//! governorate, platform, working group or expertise, and see each field as its person chose to
//! show it; coordinators see their platforms' members whole; a filter never finds someone by a
//! field they keep from the caller. An authority's overview counts its part in the programme.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::attachments::ids;

async fn topic_of(app: &TestApp, platform: i64) -> i64 {
    entity::topic::Entity::find()
        .filter(entity::topic::Column::PlatformId.eq(platform))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a seeded topic")
        .id
}

fn entry(page: &Value, id: i64) -> Option<&Value> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["id"] == id)
}

#[tokio::test]
async fn the_directory_shows_each_field_as_its_person_chose_and_filters_only_by_what_it_shows() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let hebron = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    let res = app
        .post(
            "/api/v1/local-authorities",
            Some(&admin),
            &json!({"name": {"ar": "بلدية نابلس", "en": "Nablus"}, "kind": "municipality",
                    "governorate": "نابلس", "region": "north"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let nablus = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let platform = app.platform_id("engineering-planning").await;
    let other = app.platform_id("public-relations").await;
    let topic = topic_of(&app, platform).await;
    let (coord_id, coordinator) = app
        .create_member(&admin, "dir.coord@example.org", Some(nablus))
        .await;
    app.make_coordinator(platform, coord_id, "coordinator")
        .await;
    let (rana_id, rana) = app
        .create_member(&admin, "rana@example.org", Some(hebron))
        .await;
    app.make_member(platform, rana_id).await;
    let (peer_id, peer) = app
        .create_member(&admin, "peer@example.org", Some(nablus))
        .await;
    app.make_member(platform, peer_id).await;
    let (outsider_id, outsider) = app
        .create_member(&admin, "outsider@example.org", Some(nablus))
        .await;
    app.make_member(other, outsider_id).await;

    // Rana says who may see what, and what she can advise on; an unknown topic changes nothing.
    let problem = assert_problem(
        app.patch(
            "/api/v1/me",
            Some(&rana),
            &json!({"job_title": "مهندسة", "expertise_topic_ids": [topic, 999_999]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/expertise_topic_ids/1");
    assert_eq!(
        app.get_json("/api/v1/me", Some(&rana)).await["job_title"],
        Value::Null
    );
    let res = app
        .patch(
            "/api/v1/me",
            Some(&rana),
            &json!({"name": {"ar": "رَنا الخطيب", "en": "Rana Khatib"},
                    "job_title": "مهندسة نظم معلومات جغرافية",
                    "expertise_topic_ids": [topic, topic],
                    "visibility": {"authority": "nobody", "platforms": "peers"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.expect("json");
    assert_eq!(
        me["visibility"],
        json!({"job_title": "everyone", "authority": "nobody", "platforms": "peers",
               "expertise": "everyone"})
    );

    let path = format!("/api/v1/directory/{rana_id}");
    assert_problem(app.get(&path, None).await, 401).await;
    // Someone of another platform: her title and expertise, not her authority or platforms.
    let seen = app.get_json(&path, Some(&outsider)).await;
    assert_eq!(seen["name"]["en"], "Rana Khatib");
    assert_eq!(seen["job_title"], "مهندسة نظم معلومات جغرافية");
    assert_eq!(seen["expertise_topic_ids"], json!([topic]));
    assert!(seen["local_authority"].is_null() && seen["platform_ids"].is_null());
    assert!(seen["email"].is_null());
    assert_eq!(seen["hidden"], json!(["authority", "platforms"]));
    // A peer on her platform sees her platforms, still not her authority.
    let seen = app.get_json(&path, Some(&peer)).await;
    assert_eq!(seen["platform_ids"], json!([platform]));
    assert_eq!(seen["hidden"], json!(["authority"]));
    // Her platform's coordinator sees her whole.
    let seen = app.get_json(&path, Some(&coordinator)).await;
    assert_eq!(seen["local_authority"]["governorate"], "الخليل");
    assert_eq!(seen["email"], "rana@example.org");
    assert_eq!(seen["hidden"], json!([]));
    // So does she.
    assert_eq!(app.get_json(&path, Some(&rana)).await["hidden"], json!([]));

    // Filters find her only by what the caller sees.
    let list = |token: &'static str, query: String| {
        let app = &app;
        let token = match token {
            "outsider" => outsider.clone(),
            "peer" => peer.clone(),
            _ => coordinator.clone(),
        };
        async move {
            app.get_json(&format!("/api/v1/directory?{query}"), Some(&token))
                .await
        }
    };
    let by_platform = list("outsider", format!("platform_id={platform}")).await;
    assert!(entry(&by_platform, rana_id).is_none(), "hidden platforms");
    assert!(
        entry(&by_platform, peer_id).is_some(),
        "shown to everyone by default"
    );
    assert!(
        entry(
            &list("peer", format!("platform_id={platform}")).await,
            rana_id
        )
        .is_some()
    );
    assert!(
        entry(
            &list("outsider", format!("local_authority_id={hebron}")).await,
            rana_id
        )
        .is_none()
    );
    assert!(
        entry(
            &list("peer", format!("local_authority_id={hebron}")).await,
            rana_id
        )
        .is_none()
    );
    assert!(
        entry(
            &list("coordinator", format!("local_authority_id={hebron}")).await,
            rana_id
        )
        .is_some()
    );
    let by_governorate = list("coordinator", "governorate=الخليل".to_owned()).await;
    assert_eq!(ids(&by_governorate), [rana_id]);
    assert!(ids(&list("outsider", "governorate=الخليل".to_owned()).await).is_empty());
    assert_eq!(
        ids(&list("outsider", format!("topic_id={topic}")).await),
        [rana_id],
        "who can advise on the topic"
    );
    // Her name, without its diacritics.
    assert_eq!(ids(&list("outsider", "q=رنا".to_owned()).await), [rana_id]);
    // Expertise kept from everyone: no longer found by it, except by her coordinator.
    let res = app
        .patch(
            "/api/v1/me",
            Some(&rana),
            &json!({"visibility": {"expertise": "nobody"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(ids(&list("outsider", format!("topic_id={topic}")).await).is_empty());
    assert_eq!(
        ids(&list("coordinator", format!("topic_id={topic}")).await),
        [rana_id]
    );
}

#[tokio::test]
async fn an_authoritys_overview_counts_its_people_platforms_practices_and_attendance() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let hebron = app.create_authority(&admin, "بلدية حلحول", "Halhul").await;
    let platform = app.platform_id("innovation").await;
    let (shown_id, _) = app
        .quick_user("shown@example.org", Some(hebron), "female", "ar")
        .await;
    app.make_member(platform, shown_id).await;
    let (private_id, private) = app
        .quick_user("private@example.org", Some(hebron), "male", "ar")
        .await;
    app.make_member(platform, private_id).await;
    let res = app
        .patch(
            "/api/v1/me",
            Some(&private),
            &json!({"visibility": {"platforms": "nobody"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // A practice shared and published, and a workshop one of them attended.
    let res = app
        .post(
            "/api/v1/practices",
            Some(&admin),
            &json!({"platform_id": platform, "local_authority_id": hebron,
                    "title": {"ar": "نظام المعلومات الجغرافية"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let practice = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    for to in ["submitted", "published"] {
        let res = app
            .post(
                &format!("/api/v1/practices/{practice}/transitions"),
                Some(&admin),
                &json!({"to": to}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let workshop = crate::files::workshop(&app, &admin, platform, true).await;
    let now = chrono::Utc::now();
    entity::registration::ActiveModel {
        workshop_id: Set(workshop),
        user_id: Set(shown_id),
        status: Set(api::domain::RegistrationStatus::Attended),
        queued_at: Set(now),
        registered_by: Set(Some(shown_id)),
        checked_in_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("registration");

    let o = app
        .get_json(
            &format!("/api/v1/local-authorities/{hebron}/overview"),
            None,
        )
        .await;
    assert_eq!(o["authority"]["name"]["en"], "Halhul");
    assert_eq!(o["people"], 2);
    assert_eq!(
        o["platforms"],
        json!([{"platform_id": platform, "members": 1}]),
        "the person who keeps their platforms is not counted on one"
    );
    assert_eq!(o["practices_shared"], 1);
    assert_eq!(o["practices_adopted"], 0);
    assert_eq!(o["workshops_attended"], 1);
    assert_problem(
        app.get("/api/v1/local-authorities/999999/overview", None)
            .await,
        404,
    )
    .await;
}
