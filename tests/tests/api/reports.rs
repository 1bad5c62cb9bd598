//! Participation reports: counted in the database, grouped, and with small cells hidden from
//! anyone but administrators.

use chrono::{Datelike, Duration};
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

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
    let res = app
        .post(
            "/api/v1/api-keys",
            Some(&coord),
            &json!({"name": "GIZ", "scopes": ["reports:read"], "platform_ids": [finance]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let key = res.json::<Value>().await.expect("json")["key"]
        .as_str()
        .expect("key")
        .to_owned();
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
    for bad in [
        "group_by=colour",
        "group_by=gender,region,quarter,month,platform",
    ] {
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
        ("from=2026-05-01&to=2026-01-01", "to", "order"),
        ("from=2020-01-01&to=2030-01-01", "to", "too_long"),
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
