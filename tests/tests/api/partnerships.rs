//! Partnership agreements: the lifecycle from the decentralized-cooperation procedure, the
//! governor's visa when money is involved, amendments and renewals, who manages them, and the
//! list of agreements about to expire.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

pub(crate) struct People {
    pub(crate) admin: String,
    pub(crate) authority: i64,
    /// A member of the international partnerships task force.
    pub(crate) officer: String,
    /// A signed-in user outside the task force.
    pub(crate) member: String,
}

pub(crate) async fn people(app: &TestApp) -> People {
    let admin = app.admin_token().await;
    let authority = app
        .create_authority(&admin, "بلدية بيت لحم", "Bethlehem")
        .await;
    let (officer_id, officer) = app
        .quick_user("officer@example.org", Some(authority), "female", "ar")
        .await;
    let (_, member) = app
        .quick_user("someone@example.org", Some(authority), "male", "ar")
        .await;
    let tf = app.get_json("/api/v1/task-forces?limit=100", None).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["slug"] == "international-partnerships")
        .and_then(|t| t["id"].as_i64())
        .expect("the seeded task force");
    let res = app
        .post(
            &format!("/api/v1/task-forces/{tf}/members"),
            Some(&admin),
            &json!({"user_id": officer_id}),
        )
        .await;
    assert_eq!(res.status(), 201);
    People {
        admin,
        authority,
        officer,
        member,
    }
}

pub(crate) fn agreement(who: &People, contributions: bool, ends_on: &str) -> Value {
    let money = if contributions {
        json!([{"amount": "25000.50", "currency": "EUR", "due_on": "2027-06-30", "description": "الدفعة الأولى"},
               {"amount": "14999.50", "currency": "EUR", "due_on": "2028-06-30"}])
    } else {
        json!([])
    };
    json!({
        "kind": "twinning",
        "subject": {"ar": "توأمة بيت لحم مع مدينة أجنبية", "en": "Twinning of Bethlehem"},
        "objectives": {"ar": "تبادل الخبرات في إدارة النفايات"},
        "fields": [{"ar": "البيئة", "en": "Environment"}, {"ar": "الثقافة", "en": "Culture"}],
        "indicators": [{"ar": "عدد الزيارات المتبادلة"}],
        "supervising_body": "لجنة المتابعة المشتركة",
        "starts_on": "2026-01-01",
        "ends_on": ends_on,
        "minutes": "محضر اللقاء التشاوري الأول",
        "documents": [{"title": "مذكرة تقديم", "url": "https://example.org/memo.pdf"}],
        "parties": [
            {"kind": "local_authority", "local_authority_id": who.authority,
             "obligations": {"ar": "توفير مقر للمشروع"}},
            {"kind": "foreign_local_authority", "name": {"ar": "مدينة أجنبية", "en": "A foreign city"},
             "country": "FR", "obligations": {"ar": "تمويل التدريب"}, "contributions": money},
        ]
    })
}

pub(crate) async fn open(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/api/v1/partnerships", Some(token), body).await;
    let status = res.status();
    let value: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{value}");
    value
}

async fn step(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/partnerships/{id}/steps"),
        Some(token),
        &body,
    )
    .await
}

pub(crate) async fn walk(app: &TestApp, token: &str, id: i64, path: &[&str]) {
    for to in path {
        let res = step(
            app,
            token,
            id,
            json!({"to": to, "minutes": format!("محضر {to}")}),
        )
        .await;
        assert_eq!(res.status(), 200, "to {to}");
    }
}

#[tokio::test]
async fn an_agreement_with_money_needs_the_visa_and_goes_through_every_step() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let a = open(&app, &who.officer, &agreement(&who, true, "2029-12-31")).await;
    let id = a["id"].as_i64().expect("id");
    assert_eq!(a["status"], "consultation");
    assert_eq!(a["requires_visa"], true);
    assert_eq!(
        a["totals"],
        json!([{"currency": "EUR", "amount": "40000.00"}])
    );
    assert_eq!(a["parties"][0]["name"]["ar"], "بلدية بيت لحم");
    assert_eq!(a["parties"][1]["contributions"][0]["amount"], "25000.50");
    assert_eq!(a["steps"][0]["to"], "consultation");
    assert!(a["steps"][0]["from"].is_null());
    assert_eq!(a["steps"][0]["minutes"], "محضر اللقاء التشاوري الأول");
    assert_eq!(a["steps"][0]["documents"][0]["title"], "مذكرة تقديم");
    assert_eq!(a["next_statuses"], json!(["drafting", "terminated"]));

    // Terms change while negotiated, with If-Match.
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/partnerships/{id}"),
            Some(&who.officer),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"supervising_body": "مكتب التعاون اللامركزي"}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);

    // Skipping ahead is a conflict.
    assert_problem(
        step(&app, &who.officer, id, json!({"to": "approved"})).await,
        409,
    )
    .await;
    walk(
        &app,
        &who.officer,
        id,
        &["drafting", "council_deliberation", "approved", "signing"],
    )
    .await;
    // Money involved: no entry into force without the governor's visa.
    let p = assert_problem(
        step(&app, &who.officer, id, json!({"to": "in_force"})).await,
        409,
    )
    .await;
    assert!(
        p["detail"].as_str().unwrap_or_default().contains("visa"),
        "{p}"
    );
    walk(&app, &who.officer, id, &["visa", "in_force"]).await;

    // In force, the terms are settled.
    let current = app
        .get_json(&format!("/api/v1/partnerships/{id}"), Some(&who.member))
        .await;
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/partnerships/{id}"),
            Some(&who.officer),
        )
        .header("If-Match", format!("\"{}\"", current["version"]))
        .json(&json!({"supervising_body": "غيرها"}))
        .send()
        .await
        .expect("send");
    assert_problem(res, 409).await;

    // Renewal needs a later end date; an amendment may move it.
    let res = step(&app, &who.officer, id, json!({"to": "renewed"})).await;
    assert_problem(res, 422).await;
    let res = step(
        &app,
        &who.officer,
        id,
        json!({"to": "renewed", "new_ends_on": "2029-01-01"}),
    )
    .await;
    assert_problem(res, 422).await;
    let res = step(
        &app,
        &who.officer,
        id,
        json!({"to": "renewed", "new_ends_on": "2032-12-31", "minutes": "قرار المجلس بالتجديد",
               "documents": [{"title": "قرار التجديد", "url": "https://example.org/renewal.pdf"}]}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let renewed: Value = res.json().await.expect("json");
    assert_eq!(renewed["ends_on"], "2032-12-31");
    let res = step(
        &app,
        &who.officer,
        id,
        json!({"to": "completed", "new_ends_on": "2033-01-01"}),
    )
    .await;
    assert_problem(res, 422).await;
    walk(&app, &who.officer, id, &["amended", "completed"]).await;
    assert_problem(
        step(&app, &who.officer, id, json!({"to": "in_force"})).await,
        409,
    )
    .await;

    let steps = app
        .get_json(
            &format!("/api/v1/partnerships/{id}/steps"),
            Some(&who.member),
        )
        .await;
    let path: Vec<&str> = steps["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|s| s["to"].as_str())
        .collect();
    assert_eq!(
        path,
        [
            "consultation",
            "drafting",
            "council_deliberation",
            "approved",
            "signing",
            "visa",
            "in_force",
            "renewed",
            "amended",
            "completed"
        ]
    );
    assert_eq!(steps["items"][2]["minutes"], "محضر council_deliberation");
    assert_eq!(steps["items"][7]["documents"][0]["title"], "قرار التجديد");
}

#[tokio::test]
async fn without_money_there_is_no_visa_step() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let a = open(&app, &who.admin, &agreement(&who, false, "2029-12-31")).await;
    let id = a["id"].as_i64().expect("id");
    assert_eq!(a["requires_visa"], false);
    assert_eq!(a["totals"], json!([]));
    walk(
        &app,
        &who.admin,
        id,
        &[
            "drafting",
            "council_deliberation",
            "drafting",
            "council_deliberation",
            "approved",
            "signing",
        ],
    )
    .await;
    assert_problem(step(&app, &who.admin, id, json!({"to": "visa"})).await, 409).await;
    walk(&app, &who.admin, id, &["in_force", "terminated"]).await;

    // Dates of steps: not in the future, not before the previous step.
    let b = open(&app, &who.admin, &agreement(&who, false, "2029-12-31")).await;
    let bid = b["id"].as_i64().expect("id");
    let tomorrow = (Utc::now() + Duration::days(2)).date_naive();
    let res = step(
        &app,
        &who.admin,
        bid,
        json!({"to": "drafting", "on": tomorrow}),
    )
    .await;
    assert_problem(res, 422).await;
    let res = step(
        &app,
        &who.admin,
        bid,
        json!({"to": "drafting", "on": "2020-01-01"}),
    )
    .await;
    assert_problem(res, 422).await;
}

#[tokio::test]
async fn agreements_are_managed_by_the_task_force_and_hidden_from_anonymous_callers() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let body = agreement(&who, true, "2029-12-31");
    assert_problem(app.post("/api/v1/partnerships", None, &body).await, 401).await;
    assert_problem(
        app.post("/api/v1/partnerships", Some(&who.member), &body)
            .await,
        403,
    )
    .await;
    let a = open(&app, &who.officer, &body).await;
    let id = a["id"].as_i64().expect("id");
    for path in [
        "/api/v1/partnerships".to_owned(),
        "/api/v1/partnerships/expiring".to_owned(),
        format!("/api/v1/partnerships/{id}"),
        format!("/api/v1/partnerships/{id}/steps"),
    ] {
        assert_problem(app.get(&path, None).await, 401).await;
        assert_eq!(
            app.get(&path, Some(&who.member)).await.status(),
            200,
            "{path}"
        );
    }
    assert_problem(
        step(&app, &who.member, id, json!({"to": "drafting"})).await,
        403,
    )
    .await;
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/partnerships/{id}"),
            Some(&who.member),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"supervising_body": "x"}))
        .send()
        .await
        .expect("send");
    assert_problem(res, 403).await;

    // Bad terms → 422 with the field, and nothing written.
    let mut one_party = body.clone();
    one_party["parties"] = json!([body["parties"][0]]);
    let mut no_authority = body.clone();
    no_authority["parties"][0] = json!({"kind": "national_partner", "name": {"ar": "وزارة"}});
    let mut zero = body.clone();
    zero["parties"][1]["contributions"][0]["amount"] = json!("0");
    let mut backwards = body.clone();
    backwards["ends_on"] = json!("2025-01-01");
    let mut nameless = body.clone();
    nameless["parties"][1]["name"] = Value::Null;
    let mut unknown = body.clone();
    unknown["parties"][0]["local_authority_id"] = json!(999_999);
    let mut twice = body.clone();
    twice["parties"][1] = json!({"kind": "local_authority", "local_authority_id": who.authority});
    for (bad, pointer) in [
        (one_party, "/parties"),
        (no_authority, "/parties"),
        (zero, "/parties/1/contributions/0/amount"),
        (backwards, "/ends_on"),
        (nameless, "/parties/1/name"),
        (twice, "/parties/1/local_authority_id"),
        (unknown, "/parties/0/local_authority_id"),
    ] {
        let res = app
            .post("/api/v1/partnerships", Some(&who.officer), &bad)
            .await;
        let p = assert_problem(res, 422).await;
        assert_eq!(p["errors"][0]["pointer"], pointer, "{p}");
    }
    let mut float = body.clone();
    float["parties"][1]["contributions"][0]["amount"] = json!(12.5);
    assert_problem(
        app.post("/api/v1/partnerships", Some(&who.officer), &float)
            .await,
        422,
    )
    .await;
    let list = app
        .get_json("/api/v1/partnerships", Some(&who.member))
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["items"][0]["parties"][1]["ar"], "مدينة أجنبية");
    let found = app
        .get_json(
            &format!(
                "/api/v1/partnerships?local_authority_id={}&q=توامه",
                who.authority
            ),
            Some(&who.member),
        )
        .await;
    assert_eq!(found["items"][0]["id"].as_i64(), Some(id));
}

#[tokio::test]
async fn agreements_expiring_within_n_days_are_listed_soonest_first() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let today = Utc::now().date_naive();
    let mut ids = Vec::new();
    for days in [200, 10, 40, 25] {
        let ends = (today + Duration::days(days)).to_string();
        let a = open(&app, &who.admin, &agreement(&who, false, &ends)).await;
        let id = a["id"].as_i64().expect("id");
        walk(
            &app,
            &who.admin,
            id,
            &[
                "drafting",
                "council_deliberation",
                "approved",
                "signing",
                "in_force",
            ],
        )
        .await;
        ids.push(id);
    }
    // One that ends soon but is not in force does not count.
    let pending = open(
        &app,
        &who.admin,
        &agreement(&who, false, &(today + Duration::days(5)).to_string()),
    )
    .await;
    let got = |q: &'static str| {
        let app = &app;
        let token = who.member.clone();
        async move {
            app.get_json(&format!("/api/v1/partnerships/expiring{q}"), Some(&token))
                .await
        }
    };
    let ids_of = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|p| p["id"].as_i64())
            .collect()
    };
    assert_eq!(ids_of(&got("?within_days=30").await), vec![ids[1], ids[3]]);
    let default = got("").await;
    assert_eq!(ids_of(&default), vec![ids[1], ids[3], ids[2]]);
    assert_eq!(default["items"][0]["days_left"], 10);
    assert!(!ids_of(&default).contains(&pending["id"].as_i64().expect("id")));
    // Paging keeps the order.
    let first = got("?within_days=365&limit=2").await;
    assert_eq!(ids_of(&first), vec![ids[1], ids[3]]);
    let cursor = first["next_cursor"].as_str().expect("more").to_owned();
    let second = app
        .get_json(
            &format!("/api/v1/partnerships/expiring?within_days=365&limit=2&cursor={cursor}"),
            Some(&who.member),
        )
        .await;
    assert_eq!(ids_of(&second), vec![ids[2], ids[0]]);
    assert!(second["next_cursor"].is_null());
    for bad in ["?within_days=0", "?within_days=5000", "?within_days=abc"] {
        let res = app
            .get(
                &format!("/api/v1/partnerships/expiring{bad}"),
                Some(&who.member),
            )
            .await;
        assert_problem(res, 400).await;
    }
}

#[tokio::test]
async fn contributions_are_paid_against_their_due_dates_and_reported() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let body = agreement(&who, true, "2029-12-31");
    let id = open(&app, &who.officer, &body).await["id"]
        .as_i64()
        .expect("id");
    let view = app
        .get_json(&format!("/api/v1/partnerships/{id}"), Some(&who.officer))
        .await;
    let first = view["parties"][1]["contributions"][0].clone();
    let first_id = first["id"].as_i64().expect("id");
    assert_eq!(first["payment_status"], "due");
    assert_eq!(first["paid"], "0");
    let pay = |contribution: i64, body: Value, token: String| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/partnerships/{id}/contributions/{contribution}/payments"),
                Some(&token),
                &body,
            )
            .await
        }
    };
    // Not before the agreement is agreed: its contributions may still change.
    let res = pay(first_id, json!({"amount": "100"}), who.officer.clone()).await;
    assert_eq!(assert_problem(res, 409).await["code"], "not_editable");
    walk(
        &app,
        &who.officer,
        id,
        &[
            "drafting",
            "council_deliberation",
            "approved",
            "signing",
            "visa",
            "in_force",
        ],
    )
    .await;
    // Only the agreements' managers record payments.
    let res = pay(first_id, json!({"amount": "100"}), who.member.clone()).await;
    assert_problem(res, 403).await;
    let res = pay(
        first_id,
        json!({"amount": "10000.25", "reference": "حوالة 17"}),
        who.officer.clone(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let view: Value = res.json().await.expect("json");
    let first = &view["parties"][1]["contributions"][0];
    assert_eq!(first["paid"], "10000.25");
    assert_eq!(first["payment_status"], "partly_paid");
    assert_eq!(first["payments"][0]["reference"], "حوالة 17");
    // Refused, changing nothing: more than is unpaid, a day to come, nothing, another agreement's.
    let tomorrow = (app.state.clock.now() + Duration::days(1)).date_naive();
    for (body, pointer, code) in [
        (json!({"amount": "15000.26"}), "/amount", "too_much"),
        (
            json!({"amount": "1", "paid_on": tomorrow}),
            "/paid_on",
            "future",
        ),
        (json!({"amount": "0"}), "/amount", "amount"),
    ] {
        let problem = assert_problem(pay(first_id, body, who.officer.clone()).await, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer);
        assert_eq!(problem["errors"][0]["code"], code);
    }
    let other = open(&app, &who.officer, &agreement(&who, true, "2029-12-31")).await;
    let res = app
        .post(
            &format!(
                "/api/v1/partnerships/{}/contributions/{first_id}/payments",
                other["id"]
            ),
            Some(&who.officer),
            &json!({"amount": "1"}),
        )
        .await;
    assert_problem(res, 404).await;

    // The report of contributions due: exact decimals, by currency.
    let path = "/api/v1/reports/contributions?from=2027-01-01&to=2028-12-31";
    let report = app.get_json(path, Some(&who.admin)).await;
    assert_eq!(
        report["rows"].as_array().map(Vec::len),
        Some(4),
        "two agreements"
    );
    let ours: Vec<&Value> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["partnership_id"] == id)
        .collect();
    assert_eq!(ours[0]["outstanding"], "15000.25");
    assert_eq!(ours[0]["status"], "partly_paid");
    assert_eq!(report["totals"][0]["currency"], "EUR");
    assert_eq!(report["totals"][0]["amount"], "80000.00");
    assert_eq!(report["totals"][0]["paid"], "10000.25");
    assert_eq!(report["totals"][0]["outstanding"], "69999.75");
    assert_eq!(report["totals"][0]["late"], "0");
    // Past the first due date, what is unpaid of it is late.
    let due = chrono::NaiveDate::from_ymd_opt(2027, 7, 10).expect("day");
    app.advance_clock(Duration::days(
        (due - app.state.clock.now().date_naive()).num_days(),
    ));
    let report = app.get_json(path, Some(&who.admin)).await;
    assert_eq!(report["totals"][0]["late"], "40000.75");
    let view = app
        .get_json(&format!("/api/v1/partnerships/{id}"), Some(&who.officer))
        .await;
    assert_eq!(
        view["parties"][1]["contributions"][0]["payment_status"],
        "late"
    );
    let res = pay(first_id, json!({"amount": "15000.25"}), who.officer.clone()).await;
    let view: Value = res.json().await.expect("json");
    let settled = &view["parties"][1]["contributions"][0];
    assert_eq!(settled["payment_status"], "paid");
    // Paid after its due date: the agreement keeps that fact, and how late.
    let due_on: chrono::NaiveDate = settled["due_on"]
        .as_str()
        .expect("due_on")
        .parse()
        .expect("date");
    let days = (due - due_on).num_days();
    assert!(days > 0);
    assert_eq!(settled["paid_late"], true, "{settled}");
    assert_eq!(settled["days_late"], days, "{settled}");
    assert_eq!(settled["settled_on"], due.to_string(), "{settled}");
    let report = app.get_json(path, Some(&who.admin)).await;
    let row = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["contribution_id"] == first_id)
        .expect("the contribution");
    assert_eq!(row["paid_late"], true, "{row}");
    assert_eq!(row["days_late"], days, "{row}");
    // As a sheet: Arabic headers, amounts as numbers, due dates as dates.
    let res = app
        .request(Method::GET, &format!("{path}&format=csv"), Some(&who.admin))
        .header("accept-language", "ar")
        .send()
        .await
        .expect("csv");
    let text = res.text().await.expect("text");
    assert!(
        text.starts_with("\u{feff}الاتفاقية,الموضوع,الطرف,تاريخ الاستحقاق"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            ",EUR,25000.50,25000.50,0.00,مدفوعة,{due},نعم,{days}\r\n"
        )),
        "{text}"
    );

    if let Some(python) = crate::webhooks::verifier_python("openpyxl") {
        let res = app
            .get(&format!("{path}&format=xlsx"), Some(&who.admin))
            .await;
        let book = crate::reports::read_with_python(
            &python,
            &res.bytes().await.expect("xlsx"),
            "contributions.xlsx",
        );
        let row = &book["sheets"][0]["rows"][1];
        assert_eq!(row[3]["type"], "datetime", "a due date is a date");
        assert_eq!(row[5]["type"], "float", "an amount is a number");
        assert_eq!(row[5]["value"], 25000.5);
    }

    // Agreements by stage: ours in force, the other still in consultation.
    let stages = app
        .get_json(
            "/api/v1/reports/partnerships?from=2027-01-01&to=2027-12-31",
            Some(&who.admin),
        )
        .await;
    let count = |status: &str| {
        stages["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["status"] == status)
            .map(|r| r["agreements"].clone())
    };
    assert_eq!(count("in_force"), Some(json!(1)));
    assert_eq!(count("consultation"), Some(json!(1)));
    assert_eq!(stages["total"], 2);
    // A member reports on nothing.
    assert_problem(
        app.get("/api/v1/reports/partnerships", Some(&who.member))
            .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn agreements_in_force_are_evaluated_measured_and_amended_keeping_their_terms() {
    let app = spawn_app().await;
    let who = people(&app).await;
    let id = open(&app, &who.officer, &agreement(&who, false, "2029-12-31")).await["id"]
        .as_i64()
        .expect("id");
    let measure = |body: Value, token: String| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/partnerships/{id}/measurements"),
                Some(&token),
                &body,
            )
            .await
        }
    };
    // Not measured before it is in force.
    let res = measure(json!({"indicator": 1, "value": "2"}), who.officer.clone()).await;
    assert_eq!(assert_problem(res, 409).await["code"], "not_editable");
    walk(
        &app,
        &who.officer,
        id,
        &[
            "drafting",
            "council_deliberation",
            "approved",
            "signing",
            "in_force",
        ],
    )
    .await;
    let today = app.state.clock.now().date_naive();
    let res = measure(
        json!({"indicator": 1, "value": "2", "measured_on": today - Duration::days(30), "note": "زيارتان"}),
        who.officer.clone(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let first: Value = res.json().await.expect("json");
    assert_eq!(first["indicator_name"]["ar"], "عدد الزيارات المتبادلة");
    // The monitoring and evaluation stage (002), then measured again.
    walk(&app, &who.officer, id, &["evaluation"]).await;
    let res = measure(json!({"indicator": 1, "value": "5"}), who.officer.clone()).await;
    assert_eq!(res.status(), 201);
    for (body, pointer, code) in [
        (
            json!({"indicator": 2, "value": "1"}),
            "/indicator",
            "not_found",
        ),
        (
            json!({"indicator": 1, "value": "1", "measured_on": today + Duration::days(1)}),
            "/measured_on",
            "future",
        ),
    ] {
        let problem = assert_problem(measure(body, who.officer.clone()).await, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer);
        assert_eq!(problem["errors"][0]["code"], code);
    }
    assert_problem(
        measure(json!({"indicator": 1, "value": "1"}), who.member.clone()).await,
        403,
    )
    .await;
    let values = app
        .get_json(
            &format!("/api/v1/partnerships/{id}/measurements?indicator=1"),
            Some(&who.member),
        )
        .await;
    let values: Vec<&str> = values["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["value"].as_str().expect("value"))
        .collect();
    assert_eq!(values, ["2", "5"], "values over time");

    // Terms go with an amendment only.
    let res = step(
        &app,
        &who.officer,
        id,
        json!({"to": "renewed", "new_ends_on": "2031-12-31", "terms": {"supervising_body": "x"}}),
    )
    .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/terms"
    );
    // The evaluation leads to an amendment: new terms, the old ones kept.
    let res = step(
        &app,
        &who.officer,
        id,
        json!({"to": "amended", "minutes": "قرار المجلس بالتعديل",
               "terms": {"supervising_body": "لجنة التوأمة الموسعة",
                         "indicators": [{"ar": "عدد الزيارات المتبادلة"}, {"ar": "عدد المتدربين"}]}}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let amended: Value = res.json().await.expect("json");
    assert_eq!(amended["status"], "amended");
    assert_eq!(amended["supervising_body"], "لجنة التوأمة الموسعة");
    assert_eq!(amended["indicators"].as_array().map(Vec::len), Some(2));
    // Found by the new terms.
    let found = app
        .get_json(
            "/api/v1/partnerships?q=%D8%A7%D9%84%D9%85%D9%88%D8%B3%D8%B9%D8%A9",
            Some(&who.member),
        )
        .await;
    assert_eq!(found["items"][0]["id"], id);
    let res = step(
        &app,
        &who.officer,
        id,
        json!({"to": "renewed", "new_ends_on": "2031-12-31"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let terms = app
        .get_json(
            &format!("/api/v1/partnerships/{id}/terms"),
            Some(&who.member),
        )
        .await;
    let items = terms["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "as agreed, as amended, as renewed");
    assert_eq!(items[0]["version"], 1);
    assert_eq!(items[0]["supervising_body"], "لجنة المتابعة المشتركة");
    assert_eq!(items[0]["indicators"].as_array().map(Vec::len), Some(1));
    assert_eq!(items[1]["supervising_body"], "لجنة التوأمة الموسعة");
    assert_eq!(items[1]["ends_on"], "2029-12-31");
    assert_eq!(items[2]["current"], true);
    assert_eq!(items[2]["ends_on"], "2031-12-31");
    assert!(items[2]["replaced_on"].is_null());
    // The second indicator can now be measured.
    let res = measure(json!({"indicator": 2, "value": "14"}), who.officer.clone()).await;
    assert_eq!(res.status(), 201);
}
