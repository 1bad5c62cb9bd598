//! Participation reports: counted in the database, grouped, and with small cells hidden from
//! anyone but administrators.

use chrono::{Datelike, Duration};
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app, spawn_app_with};

use crate::api_keys::{create_key, key_of};

async fn authority(app: &TestApp, admin: &str, name: &str, region: &str) -> i64 {
    let res = app
        .post(
            "/api/v1/local-authorities",
            Some(admin),
            &json!({"name": {"ar": name, "en": name}, "kind": "municipality",
                    "governorate": "نابلس", "region": region}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id")
}

/// A scheduled workshop of `platform` starting `days` from now; people registered and, once it
/// has started, marked attended (true) or no-show (false).
async fn held(app: &TestApp, admin: &str, platform: i64, days: i64) -> i64 {
    let start = app.state.clock.now() + Duration::days(days);
    let res = app
        .post(
            "/api/v1/workshops",
            Some(admin),
            &json!({"platform_id": platform, "title": {"ar": "ورشة التقارير"}, "status": "scheduled",
                    "starts_at": start, "ends_at": start + Duration::hours(3),
                    "venue": {"city": "نابلس"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id")
}

fn row<'a>(report: &'a Value, key: &str, value: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["group"][key] == value)
        .unwrap_or_else(|| panic!("no {key}={value} in {report}"))
}

#[tokio::test]
async fn participation_is_counted_by_any_dimension_and_small_cells_are_hidden() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let north = authority(&app, &admin, "بلدية جنين", "north").await;
    let south = authority(&app, &admin, "بلدية دورا", "south").await;
    let w1 = held(&app, &admin, finance, 10).await;
    let w2 = held(&app, &admin, finance, 12).await;
    // Seven women and a man from the north, a woman and a man from the south.
    let mut people = Vec::new();
    for i in 0..6 {
        people.push((
            app.quick_user(&format!("f{i}@example.org"), Some(north), "female", "ar")
                .await,
            true,
        ));
    }
    people.push((
        app.quick_user("m0@example.org", Some(north), "male", "ar")
            .await,
        true,
    ));
    people.push((
        app.quick_user("g0@example.org", Some(south), "female", "ar")
            .await,
        true,
    ));
    people.push((
        app.quick_user("m1@example.org", Some(south), "male", "ar")
            .await,
        false,
    ));
    for ((_, token), _) in &people {
        let res = app
            .post(
                &format!("/api/v1/workshops/{w1}/registrations"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    // The second workshop: two of the women and the northern man again.
    let again = [0usize, 1, 6];
    for i in again {
        let res = app
            .post(
                &format!("/api/v1/workshops/{w2}/registrations"),
                Some(&people[i].0.1),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    app.advance_clock(Duration::days(13));
    let mark = |entries: Vec<Value>, w: i64| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let res = app
                .post(
                    &format!("/api/v1/workshops/{w}/attendance"),
                    Some(&admin),
                    &json!({"entries": entries}),
                )
                .await;
            assert_eq!(res.status(), 200);
        }
    };
    mark(
        people
            .iter()
            .map(|((id, _), came)| json!({"user_id": id, "status": if *came { "attended" } else { "no_show" }}))
            .collect(),
        w1,
    )
    .await;
    mark(
        again
            .iter()
            .map(|i| json!({"user_id": people[*i].0.0, "status": "attended"}))
            .collect(),
        w2,
    )
    .await;

    let day = (app.state.clock.now() - Duration::days(13)).date_naive();
    let (from, to) = (day, day + Duration::days(20));
    let path =
        |group: &str| format!("/api/v1/reports/participation?group_by={group}&from={from}&to={to}");

    // An administrator sees every count.
    let report = app.get_json(&path("gender"), Some(&admin)).await;
    assert!(report["min_cell"].is_null());
    let women = row(&report, "gender", "female");
    assert_eq!(
        (women["attendances"].as_i64(), women["people"].as_i64()),
        (Some(9), Some(7))
    );
    let men = row(&report, "gender", "male");
    assert_eq!(
        (
            men["registrations"].as_i64(),
            men["attendances"].as_i64(),
            men["people"].as_i64()
        ),
        (Some(3), Some(2), Some(1)),
        "a no-show is a registration, not an attendance"
    );
    assert_eq!(men["no_shows"], 1);
    // Any combination of the dimensions: all nine at once still adds up to the totals.
    let all = app
        .get_json(
            &path("gender,local_authority,authority_kind,governorate,region,platform,topic,workshop_kind,month"),
            Some(&admin),
        )
        .await;
    assert_eq!(all["group_by"].as_array().expect("group_by").len(), 9);
    let rows = all["rows"].as_array().expect("rows");
    assert!(rows.len() >= 2, "{all}");
    for measure in ["registrations", "attendances"] {
        let sum: i64 = rows
            .iter()
            .map(|r| r[measure].as_i64().expect("a count"))
            .sum();
        assert_eq!(Some(sum), all["totals"][measure].as_i64(), "{measure}");
    }
    assert_eq!(men["no_show_rate"], 0.3333, "one no-show in three taken");
    assert_eq!(women["no_show_rate"], 0.0);
    assert_eq!(women["labels"]["gender"], "Women");
    assert_eq!(report["totals"]["registrations"], 12);
    assert_eq!(report["totals"]["attendances"], 11);
    assert_eq!(report["totals"]["people"], 8);
    let by_region = app
        .get_json(&path("region,authority_kind"), Some(&admin))
        .await;
    assert_eq!(row(&by_region, "region", "north")["people"], 7);
    assert_eq!(row(&by_region, "region", "south")["people"], 1);
    assert_eq!(
        row(&by_region, "region", "north")["group"]["authority_kind"],
        "municipality"
    );
    let quarter = format!("{}-Q{}", day.year(), day.month().div_ceil(3));
    let by_quarter = app.get_json(&path("quarter,platform"), Some(&admin)).await;
    let q = row(&by_quarter, "quarter", &quarter);
    assert_eq!(q["group"]["platform"], finance.to_string());
    // Ids are shown by name, in the caller's language.
    let named = app
        .request(
            reqwest::Method::GET,
            &path("platform,local_authority"),
            Some(&admin),
        )
        .header("accept-language", "ar")
        .send()
        .await
        .expect("report")
        .json::<Value>()
        .await
        .expect("json");
    let north_row = row(&named, "local_authority", &north.to_string());
    assert_eq!(north_row["labels"]["local_authority"], "بلدية جنين");
    assert_eq!(north_row["labels"]["platform"], "منصة الإدارة المالية");

    // A coordinator sees the same report with small groups hidden: the lone small group takes
    // the next smallest with it, so that the totals minus the rest give nothing back.
    let (coord_id, coord) = app.create_member(&admin, "coord@example.org", None).await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    let report = app.get_json(&path("gender"), Some(&coord)).await;
    assert_eq!(report["min_cell"], 5);
    assert_eq!(report["platform_ids"], json!([finance]));
    assert_eq!(row(&report, "gender", "male")["people"], "<5");
    assert_eq!(row(&report, "gender", "male")["attendances"], "<5");
    assert_eq!(row(&report, "gender", "female")["people"], "<5");
    assert_eq!(report["totals"]["people"], 8);
    // Nothing small: nothing hidden.
    let report = app.get_json(&path("workshop_kind"), Some(&coord)).await;
    assert_eq!(report["rows"][0]["people"], 8);
    // Another platform is not theirs to report on.
    let pr = app.platform_id("public-relations").await;
    let res = app
        .get(
            &format!("{}&platform_id={pr}", path("gender")),
            Some(&coord),
        )
        .await;
    assert_eq!(assert_problem(res, 403).await["code"], "not_a_manager");

    // A partner key with reports:read, created by the coordinator: aggregates, small cells
    // hidden.
    let key = key_of(
        &create_key(
            &app,
            &coord,
            json!({"name": "GIZ", "scopes": ["reports:read"], "platform_ids": [finance]}),
        )
        .await,
    );
    let report = app.get_json(&path("gender"), Some(&key)).await;
    assert_eq!(row(&report, "gender", "male")["people"], "<5");
    // A member reports on nothing.
    let (_, member) = people[0].0.clone();
    assert_problem(app.get(&path("gender"), Some(&member)).await, 403).await;
    // Without parameters: this year, by quarter and gender.
    let report = app
        .get_json("/api/v1/reports/participation", Some(&admin))
        .await;
    assert_eq!(report["group_by"], json!(["quarter", "gender"]));
    assert_eq!(
        report["from"],
        format!("{}-01-01", app.state.clock.now().year())
    );
    // Bad parameters are refused, naming what is wrong: malformed ones 400, rules 422.
    for bad in ["group_by=colour", "group_by=gender,region,,quarter"] {
        let res = app
            .get(
                &format!("/api/v1/reports/participation?{bad}"),
                Some(&admin),
            )
            .await;
        assert_eq!(
            assert_problem(res, 400).await["code"],
            "invalid_parameter",
            "{bad}"
        );
    }
    for (bad, field, code) in [
        ("group_by=gender,gender", "group_by", "duplicate"),
        ("group_by=gender,quarter,month", "group_by", "not_allowed"),
        ("from=2026-05-01&to=2026-01-01", "to", "order"),
        ("from=2020-01-01&to=2031-01-01", "to", "too_long"),
        ("platform_id=999999", "platform_id", "not_found"),
    ] {
        let res = app
            .get(
                &format!("/api/v1/reports/participation?{bad}"),
                Some(&admin),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["pointer"], field, "{bad}");
        assert_eq!(problem["errors"][0]["code"], code, "{bad}");
    }
}

async fn seat_holders(app: &TestApp, admin: &str) -> (i64, i64, Vec<(i64, String)>, Vec<i64>) {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let finance = app.platform_id("financial-management").await;
    let north = authority(app, admin, "بلدية طوباس", "north").await;
    let south = authority(app, admin, "بلدية يطا", "south").await;
    let mut women = Vec::new();
    for i in 0..6 {
        let (id, token) = app
            .quick_user(&format!("w{i}@example.org"), Some(north), "female", "ar")
            .await;
        app.make_member(finance, id).await;
        women.push((id, token));
    }
    let mut men = Vec::new();
    for i in 0..2 {
        let (id, _) = app
            .quick_user(&format!("m{i}@example.org"), Some(south), "male", "ar")
            .await;
        men.push(id);
    }
    app.make_member(finance, men[0]).await;
    // The other man was a member and left.
    let now = chrono::Utc::now();
    entity::membership::ActiveModel {
        platform_id: Set(finance),
        user_id: Set(men[1]),
        status: Set(api::domain::MembershipStatus::Left),
        requested_at: Set(now),
        decided_at: Set(Some(now)),
        decided_by: Set(None),
        left_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("membership");
    // Five women sit in the working group of a finance topic; both men in a task force.
    let topic = entity::topic::Entity::find()
        .filter(entity::topic::Column::PlatformId.eq(finance))
        .one(&app.db)
        .await
        .expect("topics")
        .expect("a finance topic");
    let group = entity::working_group::ActiveModel {
        topic_id: Set(topic.id),
        platform_id: Set(finance),
        name_ar: Set("مجموعة الموازنات".into()),
        name_en: Set("Budgets group".into()),
        lead_user_id: Set(None),
        search_text: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("group");
    for (id, _) in women.iter().take(5) {
        entity::working_group_member::ActiveModel {
            working_group_id: Set(group.id),
            user_id: Set(*id),
            joined_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("seat");
    }
    let force = entity::task_force::Entity::find()
        .filter(entity::task_force::Column::Slug.eq("financial-experts"))
        .one(&app.db)
        .await
        .expect("task forces")
        .expect("the financial experts");
    for id in &men {
        entity::task_force_member::ActiveModel {
            task_force_id: Set(force.id),
            user_id: Set(*id),
            local_authority_id: Set(south),
            joined_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("seat");
    }
    (finance, topic.id, women, men)
}

#[tokio::test]
async fn memberships_and_seats_are_counted_by_the_same_dimensions() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (finance, topic, _, _) = seat_holders(&app, &admin).await;

    let report = app
        .get_json(
            "/api/v1/reports/memberships?group_by=gender,region",
            Some(&admin),
        )
        .await;
    let women = row(&report, "gender", "female");
    assert_eq!(
        (
            &women["memberships"],
            &women["joined"],
            &women["left"],
            &women["people"]
        ),
        (&json!(6), &json!(6), &json!(0), &json!(6))
    );
    assert_eq!(women["labels"]["region"], "North of the West Bank");
    let men = row(&report, "gender", "male");
    assert_eq!(
        (&men["memberships"], &men["left"], &men["people"]),
        (&json!(2), &json!(1), &json!(2)),
        "a membership that ended in the period was held in it"
    );
    // Without parameters: by platform and gender, named.
    let report = app
        .get_json("/api/v1/reports/memberships", Some(&admin))
        .await;
    assert_eq!(report["group_by"], json!(["platform", "gender"]));
    assert_eq!(
        row(&report, "platform", &finance.to_string())["labels"]["platform"],
        "Financial Management Platform"
    );
    // A dimension that does not apply is refused, naming it.
    let res = app
        .get(
            "/api/v1/reports/memberships?group_by=workshop_kind",
            Some(&admin),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["code"], "not_allowed");

    let seats = app
        .get_json("/api/v1/reports/seats?group_by=body,topic", Some(&admin))
        .await;
    let group = row(&seats, "body", "working_group");
    assert_eq!((&group["seats"], &group["people"]), (&json!(5), &json!(5)));
    assert_eq!(group["group"]["topic"], topic.to_string());
    let force = row(&seats, "body", "task_force");
    assert_eq!(force["seats"], 2);
    assert!(
        force["group"]["topic"].is_null(),
        "a task force has no topic"
    );
    assert_eq!(force["labels"]["body"], "Task force");
    assert_eq!(seats["totals"]["seats"], 7);

    // The finance coordinator sees the platform's working groups, not the union's task forces,
    // and small groups hidden.
    let (coord_id, coord) = app.create_member(&admin, "coord@example.org", None).await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    let seats = app
        .get_json("/api/v1/reports/seats?group_by=body", Some(&coord))
        .await;
    assert_eq!(seats["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(row(&seats, "body", "working_group")["seats"], 5);
    let report = app
        .get_json("/api/v1/reports/memberships?group_by=gender", Some(&coord))
        .await;
    // Three men now (the coordinator is one), a lone small group: the women's is hidden too.
    assert_eq!(row(&report, "gender", "male")["people"], "<5");
    assert_eq!(row(&report, "gender", "female")["people"], "<5");
    assert_eq!(report["totals"]["people"], 9);
}

/// Runs the Python reader of `tests/reports/read_xlsx.py` over a workbook (or, named `.csv`, a
/// CSV file).
pub fn read_with_python(python: &str, bytes: &[u8], name: &str) -> Value {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/reports/read_xlsx.py");
    let out = std::process::Command::new(python)
        .arg(script)
        .arg(&path)
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "openpyxl could not read the workbook: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A CSV body: checks the byte-order mark and CRLF ends, and splits it into records (Python's
/// reader checks the quoting below).
fn csv_records(body: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(body).expect("utf-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    assert!(text.ends_with("\r\n"), "records end in CRLF");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn reports_open_as_csv_and_xlsx_in_the_callers_language() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    // A name with a comma and quotes, which CSV must quote.
    let north = authority(&app, &admin, "بلدية \"قباطية\", جنين", "north").await;
    let w = held(&app, &admin, finance, 2).await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let gender = if i < 5 { "female" } else { "male" };
        let (id, token) = app
            .quick_user(&format!("p{i}@example.org"), Some(north), gender, "ar")
            .await;
        let res = app
            .post(
                &format!("/api/v1/workshops/{w}/registrations"),
                Some(&token),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 201);
        ids.push(id);
    }
    app.advance_clock(Duration::days(3));
    let res = app
        .post(
            &format!("/api/v1/workshops/{w}/attendance"),
            Some(&admin),
            &json!({"entries": ids.iter().map(|id| json!({"user_id": id, "status": "attended"})).collect::<Vec<_>>()}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let get = |path: String, accept: &'static str, lang: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let res = app
                .request(reqwest::Method::GET, &path, Some(&admin))
                .header("accept", accept)
                .header("accept-language", lang)
                .send()
                .await
                .expect("report");
            assert_eq!(res.status(), 200, "{path}");
            let ct = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (ct, res.bytes().await.expect("body").to_vec())
        }
    };

    // CSV by Accept, headers in Arabic, names of groups in Arabic, a totals line.
    let (ct, body) = get(
        "/api/v1/reports/participation?group_by=gender".into(),
        "text/csv",
        "ar",
    )
    .await;
    assert!(ct.starts_with("text/csv"), "{ct}");
    let records = csv_records(&body);
    assert_eq!(
        records[0],
        [
            "الجنس",
            "التسجيلات",
            "الحضور",
            "الغياب",
            "الأشخاص",
            "نسبة الغياب"
        ]
    );
    assert_eq!(records[1][..5], ["نساء", "5", "5", "0", "5"]);
    assert_eq!(records[2][..5], ["رجال", "2", "2", "0", "2"]);
    assert_eq!(records[3][..5], ["المجموع", "7", "7", "0", "7"]);
    // In English by ?format=, whatever Accept says.
    let (_, body) = get(
        "/api/v1/reports/participation?group_by=gender&format=csv".into(),
        "application/json",
        "en",
    )
    .await;
    assert_eq!(csv_records(&body)[0][0], "Gender");

    // The attendances, one line each, streamed.
    let (_, body) = get(
        format!("/api/v1/reports/attendances?platform_id={finance}"),
        "text/csv",
        "en",
    )
    .await;
    let records = csv_records(&body);
    assert_eq!(records.len(), 8, "a header and seven attendances");
    assert_eq!(records[0][..3], ["Workshop", "Title", "Starts (UTC)"]);
    assert_eq!(records[1][0], w.to_string());
    assert!(
        std::str::from_utf8(&body)
            .expect("utf-8")
            .contains(",\"بلدية \"\"قباطية\"\", جنين\","),
        "a field with a comma and quotes is quoted, its quotes doubled"
    );
    let (ct, body) = get(
        "/api/v1/reports/attendances".into(),
        "application/json",
        "en",
    )
    .await;
    assert!(ct.starts_with("application/json"));
    let list: Value = serde_json::from_slice(&body).expect("a JSON array");
    assert_eq!(list.as_array().map(Vec::len), Some(7));
    assert_eq!(list[0]["workshop_id"], w);
    assert_eq!(list[0]["region"], "north");
    // Nothing in the period: an empty array.
    let (_, body) = get(
        "/api/v1/reports/attendances?from=2020-01-01&to=2020-12-31".into(),
        "application/json",
        "en",
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Value>(&body).expect("json"),
        json!([])
    );

    // A partner key sees aggregates, not who attended.
    let key = key_of(
        &create_key(
            &app,
            &admin,
            json!({"name": "Donor", "scopes": ["reports:read"]}),
        )
        .await,
    );
    assert_eq!(
        app.get("/api/v1/reports/participation?format=csv", Some(&key))
            .await
            .status(),
        200
    );
    assert_problem(
        app.get("/api/v1/reports/attendances", Some(&key)).await,
        403,
    )
    .await;

    // XLSX, read by openpyxl: Arabic right to left, numbers as numbers, dates as dates.
    let Some(python) = crate::webhooks::verifier_python("openpyxl") else {
        return;
    };
    let (ct, body) = get(
        "/api/v1/reports/participation?group_by=gender,quarter&format=xlsx".into(),
        "*/*",
        "ar",
    )
    .await;
    assert!(ct.starts_with("application/vnd.openxmlformats"), "{ct}");
    let book = read_with_python(&python, &body, "report.xlsx");
    let sheet = &book["sheets"][0];
    assert_eq!(sheet["title"], "المشاركة");
    assert_eq!(sheet["right_to_left"], true);
    assert_eq!(sheet["rows"][0][0]["value"], "الجنس");
    assert_eq!(sheet["rows"][1][0]["value"], "نساء");
    assert_eq!(sheet["rows"][1][2]["type"], "int", "counts are numbers");
    assert_eq!(sheet["rows"][1][2]["value"], 5);
    assert_eq!(
        sheet["rows"][1][6]["type"], "int",
        "a rate of 0 is a number"
    );
    assert_eq!(sheet["formats"][1][6], "0.0%");
    let (_, body) = get(
        "/api/v1/reports/attendances?format=xlsx".into(),
        "*/*",
        "en",
    )
    .await;
    let book = read_with_python(&python, &body, "report.xlsx");
    let sheet = &book["sheets"][0];
    assert_eq!(sheet["right_to_left"], false);
    assert_eq!(sheet["rows"].as_array().map(Vec::len), Some(8));
    assert_eq!(sheet["rows"][1][0]["value"], w);
    assert_eq!(sheet["rows"][1][2]["type"], "datetime", "a start is a date");
    assert_eq!(sheet["rows"][1][7]["value"], "بلدية \"قباطية\", جنين");
    // Python's CSV reader reads the same export back, quotes and all.
    let (_, body) = get("/api/v1/reports/attendances?format=csv".into(), "*/*", "ar").await;
    let csv = read_with_python(&python, &body, "report.csv");
    assert_eq!(csv["bom"], true);
    assert_eq!(csv["records"][0][0], "الورشة");
    assert_eq!(csv["records"][1][7], "بلدية \"قباطية\", جنين");
    assert_eq!(csv["records"][1][6], "نساء");
    assert_eq!(csv["records"].as_array().map(Vec::len), Some(8));
}

#[tokio::test]
async fn a_report_of_more_groups_than_allowed_is_refused_not_cut() {
    let app = spawn_app_with(&[("REPORT_MAX_GROUPS", "1")]).await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    for (email, gender) in [("w@example.org", "female"), ("m@example.org", "male")] {
        let (id, _) = app.quick_user(email, None, gender, "ar").await;
        app.make_member(finance, id).await;
    }
    let one = app
        .get_json(
            "/api/v1/reports/memberships?group_by=platform",
            Some(&admin),
        )
        .await;
    assert_eq!(one["rows"].as_array().expect("rows").len(), 1, "{one}");
    let res = app
        .get(
            "/api/v1/reports/memberships?group_by=platform,gender",
            Some(&admin),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "group_by");
    assert_eq!(problem["errors"][0]["code"], "too_many");
}

#[tokio::test]
async fn a_parent_platform_reports_the_sum_of_its_sub_platforms_and_several_can_be_asked_at_once() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let parent = app.platform_id("village-councils").await;
    let north = app.platform_id("village-councils-north").await;
    let center = app.platform_id("village-councils-center").await;
    let south = app.platform_id("village-councils-south").await;
    let finance = app.platform_id("financial-management").await;
    let mut n = 0;
    for (platform, people) in [(north, 1), (center, 2), (south, 1), (finance, 1)] {
        let w = crate::workshops::scheduled(&app, &admin, platform, 48, None, "نابلس").await;
        for _ in 0..people {
            n += 1;
            let (id, _) = app
                .quick_user(&format!("p{n}@example.org"), None, "female", "ar")
                .await;
            let res = app
                .post(
                    &format!("/api/v1/workshops/{}/registrations", w["id"]),
                    Some(&admin),
                    &json!({"user_id": id}),
                )
                .await;
            assert_eq!(res.status(), 201);
        }
    }
    let year = app.state.clock.now().format("%Y").to_string();
    let report = |query: String| {
        let app = &app;
        let admin = &admin;
        let year = year.clone();
        async move {
            app.get_json(
                &format!("/api/v1/reports/participation?from={year}-01-01&to={year}-12-31&{query}"),
                Some(admin),
            )
            .await
        }
    };
    let by_parent = report(format!("platform_id={parent}")).await;
    assert_eq!(by_parent["totals"]["registrations"], 4, "{by_parent}");
    let ids = by_parent["platform_ids"].to_string();
    for sub in [north, center, south] {
        assert!(ids.contains(&sub.to_string()), "{ids}");
    }
    let two = report(format!("platform_id={north},{center}")).await;
    assert_eq!(two["totals"]["registrations"], 3, "{two}");
    // Grouped by platform, each group says which platform it is.
    let grouped = report(format!("platform_id={parent},{finance}&group_by=platform")).await;
    assert_eq!(grouped["totals"]["registrations"], 5, "{grouped}");
    let labels: Vec<String> = grouped["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            r["labels"]["platform"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(labels.len(), 4, "{grouped}");
    assert!(labels.iter().all(|l| !l.is_empty()), "{labels:?}");
    // A sub-platform's coordinator may not report on the parent; an unknown id is named.
    let (coordinator_id, coordinator) = app
        .quick_user("north@example.org", None, "male", "ar")
        .await;
    app.make_coordinator(north, coordinator_id, "coordinator")
        .await;
    let res = app
        .get(
            &format!("/api/v1/reports/participation?platform_id={parent}"),
            Some(&coordinator),
        )
        .await;
    assert_problem(res, 403).await;
    let res = app
        .get(
            &format!("/api/v1/reports/participation?platform_id={north},999999"),
            Some(&admin),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["code"],
        "not_found"
    );
}

#[tokio::test]
async fn active_discussants_are_counted_by_gender_and_region_with_small_cells_hidden() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let finance = app.platform_id("financial-management").await;
    let innovation = app.platform_id("innovation").await;
    let north = authority(&app, &admin, "بلدية طوباس", "north").await;
    let south = authority(&app, &admin, "بلدية يطا", "south").await;
    let member = |email: String, authority: i64, gender: &'static str, platform: i64| {
        let app = &app;
        async move {
            let (id, token) = app.quick_user(&email, Some(authority), gender, "ar").await;
            app.make_member(platform, id).await;
            token
        }
    };
    let post = |token: String, path: String, body: Value| {
        let app = &app;
        async move {
            let res = app.post(&path, Some(&token), &body).await;
            let status = res.status();
            let body: Value = res.json().await.expect("json");
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().expect("id")
        }
    };
    // A northern man opens a discussion on the finance platform; six northern women reply once
    // each; a southern woman replies twice and deletes one (taken back: not counted).
    let opener = member("opener@example.org".into(), north, "male", finance).await;
    let d = post(
        opener,
        "/api/v1/discussions".into(),
        json!({"space": {"kind": "platform", "id": finance}, "kind": "question",
               "title": {"ar": "كيف تحصّلون رسوم النفايات؟"}, "body": {"ar": "نرغب في التجربة"}}),
    )
    .await;
    let replies = format!("/api/v1/discussions/{d}/posts");
    for i in 0..6 {
        let token = member(format!("n{i}@example.org"), north, "female", finance).await;
        post(
            token,
            replies.clone(),
            json!({"body": "مع فاتورة الكهرباء", "lang": "ar"}),
        )
        .await;
    }
    let southern = member("s0@example.org".into(), south, "female", finance).await;
    post(
        southern.clone(),
        replies.clone(),
        json!({"body": "عبر الهيئة المحلية", "lang": "ar"}),
    )
    .await;
    let gone = post(
        southern.clone(),
        replies.clone(),
        json!({"body": "خطأ", "lang": "ar"}),
    )
    .await;
    let res = app
        .delete(&format!("{replies}/{gone}"), Some(&southern))
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    // Elsewhere: a discussion on the innovation platform, by someone of no authority.
    let (other_id, other) = app
        .quick_user("other@example.org", None, "male", "ar")
        .await;
    app.make_member(innovation, other_id).await;
    post(
        other,
        "/api/v1/discussions".into(),
        json!({"space": {"kind": "platform", "id": innovation}, "kind": "discussion",
               "title": {"ar": "نقاش آخر"}, "body": {"ar": "نص"}}),
    )
    .await;

    // The administrator sees every group in full.
    let report = app
        .get_json(
            "/api/v1/reports/discussants?group_by=gender,region",
            Some(&admin),
        )
        .await;
    let group = |report: &Value, gender: &str, region: Option<&str>| -> Value {
        report["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| {
                r["group"]["gender"] == gender
                    && region.map_or(r["group"]["region"].is_null(), |g| {
                        r["group"]["region"] == g
                    })
            })
            .cloned()
            .unwrap_or_else(|| panic!("no {gender} {region:?} in {report}"))
    };
    let women_north = group(&report, "female", Some("north"));
    assert_eq!(
        (
            &women_north["discussions"],
            &women_north["replies"],
            &women_north["people"]
        ),
        (&json!(0), &json!(6), &json!(6))
    );
    let man_north = group(&report, "male", Some("north"));
    assert_eq!(
        (
            &man_north["discussions"],
            &man_north["replies"],
            &man_north["people"]
        ),
        (&json!(1), &json!(0), &json!(1))
    );
    let woman_south = group(&report, "female", Some("south"));
    assert_eq!(
        (&woman_south["replies"], &woman_south["people"]),
        (&json!(1), &json!(1)),
        "a deleted reply is not counted"
    );
    assert_eq!(group(&report, "male", None)["discussions"], 1);
    assert_eq!(
        (
            &report["totals"]["discussions"],
            &report["totals"]["replies"],
            &report["totals"]["people"]
        ),
        (&json!(2), &json!(7), &json!(9))
    );
    assert_eq!(women_north["labels"]["region"], "North of the West Bank");
    // By default: by quarter and gender.
    let report = app
        .get_json("/api/v1/reports/discussants", Some(&admin))
        .await;
    assert_eq!(report["group_by"], json!(["quarter", "gender"]));
    // A dimension that does not apply is refused.
    let res = app
        .get("/api/v1/reports/discussants?group_by=topic", Some(&admin))
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["code"], "not_allowed");

    // The finance coordinator: the platform's discussions alone, the two small groups hidden.
    let (coord_id, coord) = app.create_member(&admin, "fcoord@example.org", None).await;
    app.make_coordinator(finance, coord_id, "coordinator").await;
    let report = app
        .get_json(
            "/api/v1/reports/discussants?group_by=gender,region",
            Some(&coord),
        )
        .await;
    assert_eq!(report["rows"].as_array().map(Vec::len), Some(3), "{report}");
    assert_eq!(group(&report, "female", Some("north"))["people"], 6);
    assert_eq!(group(&report, "male", Some("north"))["people"], "<5");
    assert_eq!(group(&report, "female", Some("south"))["people"], "<5");
    assert_eq!(
        (
            &report["totals"]["discussions"],
            &report["totals"]["people"]
        ),
        (&json!(1), &json!(8))
    );
    // A member who coordinates nothing reports on nothing.
    let res = app
        .get("/api/v1/reports/discussants", Some(&southern))
        .await;
    assert_eq!(res.status(), 403);
}
