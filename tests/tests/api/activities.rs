use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::api_keys::{create_key, key_of};

async fn working_group(app: &TestApp, admin: &str, slug: &str) -> (i64, i64) {
    let platform = app.platform_id(slug).await;
    let plan = app
        .get_json(&format!("/api/v1/platforms/{platform}/work-plans"), None)
        .await;
    let topic = plan["items"][0]["topics"][0]["id"].as_i64().expect("topic");
    let res = app
        .request(
            Method::PUT,
            &format!("/api/v1/topics/{topic}/working-group"),
            Some(admin),
        )
        .json(&json!({}))
        .send()
        .await
        .expect("r");
    let g: Value = res.json().await.expect("json");
    (platform, g["id"].as_i64().expect("group"))
}

#[tokio::test]
async fn activity_budgets_are_exact_and_totalled_per_platform_and_period() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (eng, group) = working_group(&app, &admin, "engineering-planning").await;
    let innovation = app.platform_id("innovation").await;
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "kind": "joint_activity", "host_platform_ids": [innovation],
                    "title": {"ar": "يوم تعليمي حول نظم المعلومات الجغرافية", "en": "GIS learning day"},
                    "rationale": {"ar": "الحاجة إلى توحيد البيانات المكانية"}, "responsible_party": "بلدية الخليل",
                    "planned_quarter": "2026-Q2",
                    "risks": [{"risk": "ضعف الاتصال بالإنترنت", "mitigation": "نسخة غير متصلة من المواد"}],
                    "budget_lines": [
                        {"description": "قاعة", "unit_cost": "0.1", "units": "1", "currency": "USD"},
                        {"description": "ضيافة", "unit_cost": "0.2", "units": "1", "currency": "USD"},
                        {"description": "مدرب", "unit_cost": "1250.50", "units": "3", "currency": "ILS"}
                    ]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let a: Value = res.json().await.expect("json");
    assert_eq!(a["host_platform_ids"], json!([eng, innovation]));
    assert_eq!(a["budget"]["lines"][2]["subtotal"], "3751.50");
    assert_eq!(
        a["budget"]["totals"],
        json!([{"currency": "ILS", "total": "3751.50"}, {"currency": "USD", "total": "0.3"}])
    );
    assert_eq!(a["status"], "planned");

    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "kind": "training", "title": {"ar": "تدريب"}, "planned_quarter": "2026-Q3",
                    "budget_lines": [{"description": "مواد", "unit_cost": "99.99", "units": "10", "currency": "USD"}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let budget = app
        .get_json(&format!("/api/v1/platforms/{eng}/budget?period=2026"), None)
        .await;
    assert_eq!(
        budget["totals"],
        json!([{"currency": "ILS", "total": "3751.50"}, {"currency": "USD", "total": "1000.20"}])
    );
    assert_eq!(budget["by_quarter"].as_array().expect("q").len(), 2);
    let innovation_budget = app
        .get_json(
            &format!("/api/v1/platforms/{innovation}/budget?period=2026-Q2"),
            None,
        )
        .await;
    assert_eq!(
        innovation_budget["totals"][1]["total"], "0.3",
        "the joint activity counts for both hosts"
    );
    assert_problem(
        app.get(&format!("/api/v1/platforms/{eng}/budget?period=Q2"), None)
            .await,
        400,
    )
    .await;

    // Bad amounts and quarters are 422 with their pointers.
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "kind": "training", "title": {"ar": "س"}, "planned_quarter": "2026-Q5",
                    "budget_lines": [{"description": "x", "unit_cost": "1.5e3", "units": "-1", "currency": "usd"}]}),
        )
        .await;
    let body = assert_problem(res, 422).await;
    let pointers: Vec<&str> = body["errors"]
        .as_array()
        .expect("e")
        .iter()
        .map(|e| e["pointer"].as_str().expect("p"))
        .collect();
    assert_eq!(
        pointers,
        vec![
            "/budget_lines/0/currency",
            "/budget_lines/0/unit_cost",
            "/budget_lines/0/units",
            "/planned_quarter"
        ]
    );
}

#[tokio::test]
async fn activities_progress_in_order_with_dates() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (_, group) = working_group(&app, &admin, "financial-management").await;
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "kind": "campaign", "title": {"ar": "حملة توعية"}}),
        )
        .await;
    let a: Value = res.json().await.expect("json");
    let path = format!("/api/v1/activities/{}/status", a["id"]);
    assert_problem(
        app.post(&path, Some(&admin), &json!({"status": "completed"}))
            .await,
        409,
    )
    .await;
    for (status, field) in [
        ("started", "started_on"),
        ("advanced", "advanced_on"),
        ("completed", "completed_on"),
    ] {
        let res = app
            .post(
                &path,
                Some(&admin),
                &json!({"status": status, "on": "2026-04-01"}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body[field], "2026-04-01");
    }
    assert_problem(
        app.post(&path, Some(&admin), &json!({"status": "cancelled"}))
            .await,
        409,
    )
    .await;
    assert_problem(
        app.delete(&format!("/api/v1/activities/{}", a["id"]), Some(&admin))
            .await,
        409,
    )
    .await;
    let list = app
        .get_json(
            &format!("/api/v1/activities?working_group_id={group}&status=completed"),
            None,
        )
        .await;
    assert_eq!(list["items"].as_array().expect("i").len(), 1);
}

/// The transition framework of `000` as data: a programme's seven milestones from the template,
/// and activities that serve one, with indicators at three levels and a timeline of quarters.
#[tokio::test]
async fn activities_serve_milestones_with_indicators_and_a_timeline() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (_, group) = working_group(&app, &admin, "engineering-planning").await;
    let res = app
        .post(
            "/api/v1/milestones/template",
            Some(&admin),
            &json!({"programme": "technical-offices"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let template: Value = res.json().await.expect("json");
    let items = template["items"].as_array().expect("items");
    assert_eq!(items.len(), 7);
    assert_eq!(items[0]["name"]["ar"], "مرحلة التخطيط");
    assert_eq!(items[6]["name"]["en"], "Handover and exit");
    assert_eq!(items[6]["rank"], 7);
    let planning = items[0]["id"].as_i64().expect("id");
    // Loaded once per programme; another programme gets its own.
    let res = app
        .post(
            "/api/v1/milestones/template",
            Some(&admin),
            &json!({"programme": "technical-offices"}),
        )
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "duplicate");
    let (_, member) = app.quick_user("m@example.org", None, "female", "ar").await;
    assert_problem(
        app.post(
            "/api/v1/milestones/template",
            Some(&member),
            &json!({"programme": "other"}),
        )
        .await,
        403,
    )
    .await;
    let listed = app
        .get_json(
            "/api/v1/milestones?programme=technical-offices",
            Some(&member),
        )
        .await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(7));

    let today = app.state.clock.now().date_naive();
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "kind": "learning_day", "milestone_id": planning,
                    "title": {"ar": "اجتماعات تشاورية مع مسؤولي السلطة المحلية"},
                    "indicators": [
                        {"level": "started", "text_ar": "عقد الاجتماع الأول", "achieved_on": today},
                        {"level": "advanced", "text_ar": "الاتفاق على حجم المكتب"},
                        {"level": "completed", "text_ar": "توقيع اتفاق الإنشاء"}],
                    "timeline": [{"year": 2027, "quarter": 2}, {"year": 2027, "quarter": 1}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let a: Value = res.json().await.expect("json");
    assert_eq!(a["milestone_id"], planning);
    assert_eq!(a["indicators"][0]["achieved_on"], today.to_string());
    assert_eq!(a["indicators"][2]["level"], "completed");
    assert_eq!(
        a["timeline"],
        json!([{"year": 2027, "quarter": 1}, {"year": 2027, "quarter": 2}]),
        "in order"
    );
    let id = a["id"].as_i64().expect("id");
    // Refused, naming the field: a quarter twice, more than three years, an indicator achieved
    // in the future, a milestone that is not there.
    for (body, pointer, code) in [
        (
            json!({"timeline": [{"year": 2027, "quarter": 1}, {"year": 2027, "quarter": 1}]}),
            "/timeline",
            "duplicate",
        ),
        (
            json!({"timeline": [{"year": 2027, "quarter": 1}, {"year": 2030, "quarter": 1}]}),
            "/timeline",
            "too_long",
        ),
        (
            json!({"indicators": [{"level": "started", "text_ar": "x", "achieved_on": today + chrono::Duration::days(1)}]}),
            "/indicators/0/achieved_on",
            "future",
        ),
        (
            json!({"milestone_id": 999999}),
            "/milestone_id",
            "not_found",
        ),
    ] {
        let res = app
            .request(
                Method::PATCH,
                &format!("/api/v1/activities/{id}"),
                Some(&admin),
            )
            .header("if-match", format!("\"{}\"", a["version"]))
            .json(&body)
            .send()
            .await
            .expect("patch");
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    // Twelve quarters is three years: accepted; the milestone can be let go.
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&admin),
        )
        .header("if-match", format!("\"{}\"", a["version"]))
        .json(
            &json!({"timeline": [{"year": 2027, "quarter": 1}, {"year": 2029, "quarter": 4}],
                      "milestone_id": null}),
        )
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    let a: Value = res.json().await.expect("json");
    assert!(a["milestone_id"].is_null());
    assert_eq!(a["timeline"].as_array().map(Vec::len), Some(2));
    // Deleting a milestone keeps its activities.
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&admin),
        )
        .header("if-match", format!("\"{}\"", a["version"]))
        .json(&json!({"milestone_id": planning}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    let res = app
        .delete(&format!("/api/v1/milestones/{planning}"), Some(&admin))
        .await;
    assert_eq!(res.status(), 204);
    let a = app
        .get_json(&format!("/api/v1/activities/{id}"), Some(&admin))
        .await;
    assert!(a["milestone_id"].is_null());
    // A milestone is edited with If-Match; a rank taken in the programme is refused.
    let second = items[1]["id"].as_i64().expect("id");
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/milestones/{second}"),
            Some(&admin),
        )
        .header("if-match", "\"1\"")
        .json(&json!({"rank": 3}))
        .send()
        .await
        .expect("patch");
    assert_eq!(assert_problem(res, 409).await["code"], "duplicate");
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/milestones/{second}"),
            Some(&admin),
        )
        .header("if-match", "\"1\"")
        .json(&json!({"summary": {"ar": "خمسة أنشطة"}}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["version"], 2);
}

/// `000`'s budget: two cost units and a funder per line, spending against it, and the reports of
/// progress (on time, late) and of the budget planned against spent, in exact decimals.
#[tokio::test]
async fn progress_and_budget_are_reported_against_the_plan() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (eng, group) = working_group(&app, &admin, "engineering-planning").await;
    let res = app
        .post(
            "/api/v1/milestones/template",
            Some(&admin),
            &json!({"programme": "technical-offices"}),
        )
        .await;
    let template: Value = res.json().await.expect("json");
    let capacity = template["items"][2]["id"].as_i64().expect("id");
    let today = app.state.clock.now().date_naive();
    let (year, quarter) = (
        chrono::Datelike::year(&today),
        chrono::Datelike::month0(&today) as i32 / 3 + 1,
    );
    let (py, pq) = if quarter == 1 {
        (year - 1, 4)
    } else {
        (year, quarter - 1)
    };
    // Training due last quarter, not done: late. Training due this quarter: on time.
    let create = |title: &'static str, cells: Value, lines: Value| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let res = app
                .post(
                    "/api/v1/activities",
                    Some(&admin),
                    &json!({"working_group_id": group, "kind": "training", "milestone_id": capacity,
                            "title": {"ar": title}, "timeline": cells, "budget_lines": lines}),
                )
                .await;
            let status = res.status();
            let body: Value = res.json().await.expect("json");
            assert_eq!(status, 201, "{body}");
            body
        }
    };
    let late = create(
        "القوانين واللوائح البلدية",
        json!([{"year": py, "quarter": pq}]),
        json!([{"description": "الخبرة واللوجستيات", "unit_cost": "65", "units": "24",
                "unit_cost_2": "250", "units_2": "2", "currency": "USD", "funder": "UN-Habitat"}]),
    )
    .await;
    assert_eq!(
        late["budget"]["lines"][0]["subtotal"], "2060",
        "65 × 24 + 250 × 2"
    );
    assert_eq!(late["budget"]["lines"][0]["funder"], "UN-Habitat");
    let _on_time = create(
        "تطوير الاقتراح",
        json!([{"year": year, "quarter": quarter}]),
        json!([{"description": "الخبرة", "unit_cost": "0.1", "units": "3", "currency": "USD", "funder": "UN-Habitat"}]),
    )
    .await;
    // A second cost unit has both its parts.
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "kind": "training", "title": {"ar": "ناقص"},
                    "budget_lines": [{"description": "x", "unit_cost": "1", "units": "1", "unit_cost_2": "5", "currency": "USD"}]}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/budget_lines/0/units_2"
    );
    // Spent on the late one: recorded by the platform's managers, not in the future.
    let id = late["id"].as_i64().expect("id");
    let res = app
        .post(
            &format!("/api/v1/activities/{id}/spendings"),
            Some(&admin),
            &json!({"amount": "1000.50", "currency": "USD", "funder": "UN-Habitat", "description": "المدرب"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/activities/{id}/spendings"),
            Some(&admin),
            &json!({"amount": "1", "currency": "USD", "spent_on": today + chrono::Duration::days(1)}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["code"],
        "future"
    );
    let (_, member) = app.quick_user("m@example.org", None, "female", "ar").await;
    assert_problem(
        app.post(
            &format!("/api/v1/activities/{id}/spendings"),
            Some(&member),
            &json!({"amount": "1", "currency": "USD"}),
        )
        .await,
        403,
    )
    .await;
    let spent = app
        .get_json(&format!("/api/v1/activities/{id}/spendings"), None)
        .await;
    assert_eq!(spent["items"][0]["amount"], "1000.50");

    // Progress: one late, one on time, under the capacity development plan.
    let from = format!("{py}-01-01");
    let to = format!("{year}-12-31");
    let progress = app
        .get_json(
            &format!("/api/v1/reports/progress?from={from}&to={to}&programme=technical-offices"),
            Some(&admin),
        )
        .await;
    let rows = progress["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{progress}");
    let row = |q: String| {
        rows.iter()
            .find(|r| r["quarter"] == q)
            .cloned()
            .unwrap_or_else(|| panic!("no {q} in {progress}"))
    };
    let past = row(format!("{py}-Q{pq}"));
    assert_eq!(
        (past["late"].as_i64(), past["on_time"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(past["milestone"], "Capacity development plan");
    let now = row(format!("{year}-Q{quarter}"));
    assert_eq!(
        (now["late"].as_i64(), now["on_time"].as_i64()),
        (Some(0), Some(1))
    );
    // Budget: planned in each activity's quarter, spent in this one, exact totals.
    let budget = app
        .get_json(
            &format!("/api/v1/reports/budget?from={from}&to={to}&platform_id={eng}"),
            Some(&admin),
        )
        .await;
    assert_eq!(
        budget["totals"],
        json!([{"funder": "UN-Habitat", "currency": "USD", "planned": "2060.3", "spent": "1000.50"}]),
        "{budget}"
    );
    let this_quarter = budget["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["quarter"] == format!("{year}-Q{quarter}"))
        .cloned()
        .expect("this quarter");
    assert_eq!(this_quarter["spent"], "1000.50");
    // As CSV in Arabic.
    let res = app
        .request(
            Method::GET,
            &format!("/api/v1/reports/budget?from={from}&to={to}&format=csv"),
            Some(&admin),
        )
        .header("accept-language", "ar")
        .send()
        .await
        .expect("csv");
    let text = res.text().await.expect("text");
    assert!(
        text.starts_with("\u{feff}الممول,العملة,الربع,المخطط,المصروف\r\n"),
        "{text}"
    );
    assert!(
        text.contains("UN-Habitat,USD,المجموع,2060.3,1000.50\r\n"),
        "{text}"
    );
    // A member reports on nothing.
    assert_problem(
        app.get("/api/v1/reports/progress", Some(&member)).await,
        403,
    )
    .await;
}

#[tokio::test]
async fn activities_belong_to_a_working_group_a_platform_or_the_union() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let eng = app.platform_id("engineering-planning").await;
    let innovation = app.platform_id("innovation").await;

    // What the sources name is there from the start: engineering's two guides, the GIS topic it
    // shares with innovation, and Hebron's bilateral exchange, each of its platform as a whole.
    let seeded = app
        .get_json("/api/v1/activities?level=platform&limit=100", None)
        .await;
    let seeded = seeded["items"].as_array().expect("items");
    let titled = |needle: &str| -> &Value {
        seeded
            .iter()
            .find(|a| {
                a["title"]["ar"]
                    .as_str()
                    .is_some_and(|t| t.contains(needle))
            })
            .unwrap_or_else(|| panic!("no seeded activity titled {needle}"))
    };
    let guide = titled("إدارة المشاريع الاحترافية");
    assert_eq!(guide["kind"], "guide");
    assert_eq!(guide["platform_id"], eng);
    assert_eq!(guide["working_group_id"], Value::Null);
    assert_eq!(guide["level"], "platform");
    assert_eq!(titled("دليل عام حول")["kind"], "guide");
    let gis = titled("نشاط مشترك مع منصة الابتكار");
    assert_eq!(gis["kind"], "joint_activity");
    assert_eq!(gis["host_platform_ids"], json!([eng, innovation]));
    let hebron = titled("بلدية الخليل");
    assert_eq!(hebron["platform_id"], innovation);
    assert_eq!(hebron["kind"], "peer_exchange");
    assert_eq!(hebron["responsible_party"], "بلدية الخليل");
    assert!(
        hebron["rationale"]["ar"]
            .as_str()
            .expect("rationale")
            .contains("محافظتي الخليل وبيت لحم")
    );
    assert_eq!(seeded.len(), 4, "{seeded:?}");
    // A joint activity's workshops may be run by any of its hosts, not by another platform.
    let workshop = |platform: i64, activity: &Value| {
        json!({"platform_id": platform, "activity_id": activity["id"], "title": {"ar": "ورشة نظم المعلومات الجغرافية"},
               "starts_at": "2030-02-10T10:00:00Z", "ends_at": "2030-02-10T12:00:00Z",
               "online_url": "https://meet.example.org/gis"})
    };
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &workshop(innovation, gis),
        )
        .await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let finance = app.platform_id("financial-management").await;
    let res = app
        .post("/api/v1/workshops", Some(&admin), &workshop(finance, gis))
        .await;
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["pointer"], "/activity_id", "{body}");
    // Hebron's exchange is innovation's alone.
    let res = app
        .post("/api/v1/workshops", Some(&admin), &workshop(eng, hebron))
        .await;
    assert_problem(res, 422).await;

    // The union's own activity: no working group, no platform; admins only.
    let union_body = json!({"kind": "training", "milestone_id": null,
        "title": {"ar": "تدريب موظفي الاتحاد على إدارة المعرفة", "en": "Knowledge management for the union's staff"},
        "responsible_party": "اتحاد الهيئات المحلية", "host_platform_ids": [innovation, innovation],
        "timeline": [{"year": 2027, "quarter": 1}, {"year": 2027, "quarter": 2}]});
    let (coordinator_id, coordinator) = app
        .quick_user("coordinator@example.org", None, "female", "ar")
        .await;
    app.make_coordinator(eng, coordinator_id, "coordinator")
        .await;
    let res = app
        .post("/api/v1/activities", Some(&coordinator), &union_body)
        .await;
    assert_eq!(
        assert_problem(res, 403).await["code"],
        "not_a_manager",
        "a coordinator does not plan the union's own work"
    );
    let res = app
        .post("/api/v1/activities", Some(&admin), &union_body)
        .await;
    assert_eq!(res.status(), 201);
    let union: Value = res.json().await.expect("json");
    assert_eq!(union["level"], "union");
    assert_eq!(union["platform_id"], Value::Null);
    assert_eq!(union["working_group_id"], Value::Null);
    assert_eq!(union["host_platform_ids"], json!([innovation]));
    let id = union["id"].as_i64().expect("id");
    let listed = app.get_json("/api/v1/activities?level=union", None).await;
    let ids: Vec<i64> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![id]);
    // Changing it or its progress is the admins' too.
    assert_problem(
        app.post(
            &format!("/api/v1/activities/{id}/status"),
            Some(&coordinator),
            &json!({"status": "started"}),
        )
        .await,
        403,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/activities/{id}/status"),
            Some(&admin),
            &json!({"status": "started"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // A workshop of any platform may serve the union's activity.
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": eng, "activity_id": id, "title": {"ar": "ورشة الاتحاد"},
                    "starts_at": "2030-01-15T10:00:00Z", "ends_at": "2030-01-15T12:00:00Z",
                    "online_url": "https://meet.example.org/union"}),
        )
        .await;
    assert_eq!(res.status(), 201);

    // In the progress report, the union's activity counts for administrators and for the
    // platforms hosting it, not for the others.
    let (innovation_coordinator_id, innovation_coordinator) = app
        .quick_user("innovation@example.org", None, "male", "ar")
        .await;
    app.make_coordinator(innovation, innovation_coordinator_id, "coordinator")
        .await;
    let in_2027 = "/api/v1/reports/progress?from=2027-01-01&to=2027-12-31";
    for token in [&admin, &innovation_coordinator] {
        let report = app.get_json(in_2027, Some(token)).await;
        assert_eq!(report["rows"][0]["quarter"], "2027-Q2", "{report}");
        assert_eq!(report["rows"][0]["activities"], 1, "{report}");
        assert_eq!(report["rows"][0]["started"], 1, "{report}");
    }
    let report = app.get_json(in_2027, Some(&coordinator)).await;
    assert_eq!(report["rows"], json!([]), "{report}");

    // An administrator's key limited to one platform plans that platform's work, not the
    // union's: a key never reaches past what it was given.
    let portal = json!({"name": "engineering portal", "scopes": ["activities:write"],
                        "platform_ids": [eng]});
    let key = key_of(&create_key(&app, &admin, portal).await);
    let res = app
        .post("/api/v1/activities", Some(&key), &union_body)
        .await;
    assert_eq!(assert_problem(res, 403).await["code"], "not_a_manager");
    let res = app
        .post(
            "/api/v1/activities",
            Some(&key),
            &json!({"platform_id": innovation, "kind": "guide", "title": {"ar": "دليل"}}),
        )
        .await;
    assert_problem(res, 403).await;
    let res = app
        .post(
            "/api/v1/activities",
            Some(&key),
            &json!({"platform_id": eng, "kind": "guide", "title": {"ar": "دليل المنصة"}}),
        )
        .await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );

    // A platform's own activity, by its coordinator; another platform's is refused.
    let res = app
        .post(
            "/api/v1/activities",
            Some(&coordinator),
            &json!({"platform_id": eng, "kind": "guide", "title": {"ar": "دليل قانون التنظيم والبناء"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let own: Value = res.json().await.expect("json");
    assert_eq!(own["level"], "platform");
    assert_eq!(own["host_platform_ids"], json!([eng]));
    assert_problem(
        app.post(
            "/api/v1/activities",
            Some(&coordinator),
            &json!({"platform_id": innovation, "kind": "guide", "title": {"ar": "دليل"}}),
        )
        .await,
        403,
    )
    .await;
    // A working group's platform is its own: another one named beside it is 422, as is a
    // platform that does not exist. Nothing is written.
    let (_, group) = working_group(&app, &admin, "engineering-planning").await;
    let before = app.get_json("/api/v1/activities?limit=100", None).await["items"]
        .as_array()
        .expect("items")
        .len();
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "platform_id": innovation, "kind": "training", "title": {"ar": "س"}}),
        )
        .await;
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["pointer"], "/platform_id");
    assert_eq!(body["errors"][0]["code"], "not_allowed");
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"platform_id": 999_999, "kind": "training", "title": {"ar": "س"}}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["code"],
        "not_found"
    );
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "platform_id": eng, "kind": "training", "title": {"ar": "تدريب المجموعة"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let grouped: Value = res.json().await.expect("json");
    assert_eq!(grouped["level"], "working_group");
    let after = app.get_json("/api/v1/activities?limit=100", None).await["items"]
        .as_array()
        .expect("items")
        .len();
    assert_eq!(after, before + 1);
}

/// The migration that lets an activity belong to no working group (on SQLite, an edit of the
/// stored table definition) keeps every row and what hangs on it, both ways.
#[tokio::test]
async fn the_union_activities_migration_keeps_every_row_both_ways() {
    use migration::{Migrator, MigratorTrait};
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (eng, group) = working_group(&app, &admin, "engineering-planning").await;
    let innovation = app.platform_id("innovation").await;
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"working_group_id": group, "kind": "training", "title": {"ar": "تدريب على نظم المعلومات الجغرافية"},
                    "host_platform_ids": [innovation], "risks": [{"risk": "ضعف الاتصال"}],
                    "timeline": [{"year": 2027, "quarter": 1}],
                    "indicators": [{"level": "started", "text_ar": "بدأ"}],
                    "budget_lines": [{"description": "مدرب", "unit_cost": "65", "units": "24", "currency": "USD"}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let kept: Value = res.json().await.expect("json");
    let id = kept["id"].as_i64().expect("id");
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": eng, "activity_id": id, "title": {"ar": "ورشة"},
                    "starts_at": "2030-01-15T10:00:00Z", "ends_at": "2030-01-15T12:00:00Z",
                    "online_url": "https://meet.example.org/gis"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let workshop: Value = res.json().await.expect("json");
    let union = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"kind": "campaign", "title": {"ar": "حملة الاتحاد"}}),
        )
        .await;
    assert_eq!(union.status(), 201);
    let union: Value = union.json().await.expect("json");

    let same = |a: &Value| {
        let mut a = a.clone();
        a.as_object_mut().expect("object").remove("updated_at");
        a
    };
    // Back to the old rule: the activities of no working group go (they cannot be kept), the
    // others stay whole, and so does the workshop's link.
    // Down to before the union-activities migration (and the later ones with it).
    let all = Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == "m20261129_000019_union_activities")
        .expect("the migration");
    // The app's jobs run meanwhile: on PostgreSQL one of their transactions can deadlock with a
    // migration upgrading its lock on a table, and the database then rolls one of the two back
    // (a migration's own transaction, undone whole): take what is still applied down again.
    for attempt in 1.. {
        let applied = Migrator::get_applied_migrations(&app.db)
            .await
            .expect("applied")
            .len();
        if applied <= at {
            break;
        }
        match Migrator::down(&app.db, Some((applied - at) as u32)).await {
            Ok(()) => break,
            Err(e) if attempt < 5 && e.to_string().contains("deadlock detected") => {}
            Err(e) => panic!("down: {e}"),
        }
    }
    let applied = Migrator::get_applied_migrations(&app.db)
        .await
        .expect("applied");
    assert_eq!(
        applied.len(),
        at,
        "down to before the union-activities migration"
    );
    let back = app
        .get_json(&format!("/api/v1/activities/{id}"), None)
        .await;
    assert_eq!(same(&back), same(&kept));
    assert_eq!(
        app.get(&format!("/api/v1/activities/{}", union["id"]), None)
            .await
            .status(),
        404
    );
    let seeded = app
        .get_json("/api/v1/activities?level=platform", None)
        .await;
    assert_eq!(seeded["items"], json!([]));
    // And forward again.
    Migrator::up(&app.db, None).await.expect("up");
    let again = app
        .get_json(&format!("/api/v1/activities/{id}"), None)
        .await;
    assert_eq!(same(&again), same(&kept));
    let w = app
        .get_json(
            &format!("/api/v1/workshops/{}", workshop["id"]),
            Some(&admin),
        )
        .await;
    assert_eq!(w["activity_id"], id);
    let res = app
        .post(
            "/api/v1/activities",
            Some(&admin),
            &json!({"kind": "campaign", "title": {"ar": "حملة الاتحاد من جديد"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn of_two_moves_from_one_status_one_wins() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (_, group) = working_group(&app, &admin, "financial-management").await;
    for round in 0..4 {
        let res = app
            .post(
                "/api/v1/activities",
                Some(&admin),
                &json!({"working_group_id": group, "kind": "campaign",
                        "title": {"ar": format!("حملة {round}")}}),
            )
            .await;
        let a: Value = res.json().await.expect("json");
        let path = format!("/api/v1/activities/{}/status", a["id"]);
        let body = json!({"status": "started"});
        let (one, two) = tokio::join!(
            app.post(&path, Some(&admin), &body),
            app.post(&path, Some(&admin), &body)
        );
        let mut statuses = [one.status().as_u16(), two.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}");
        let now = app
            .get_json(&format!("/api/v1/activities/{}", a["id"]), Some(&admin))
            .await;
        assert_eq!(now["status"], "started");
        assert_eq!(now["version"], a["version"].as_i64().expect("version") + 1);
    }
}
