use chrono::{Duration, Utc};
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

struct Setup {
    admin: String,
    platform: i64,
    members: Vec<(i64, String)>,
}

/// A platform with `n` active members.
async fn setup(app: &TestApp, n: usize) -> Setup {
    let admin = app.admin_token().await;
    let platform = app.create_platform(&admin, "elections-test").await;
    let authority = app.create_authority(&admin, "بلدية أريحا", "Jericho").await;
    let mut members = Vec::new();
    for i in 0..n {
        let (id, token) = app
            .create_member(&admin, &format!("voter{i}@example.org"), Some(authority))
            .await;
        app.make_member(platform, id).await;
        members.push((id, token));
    }
    Setup {
        admin,
        platform,
        members,
    }
}

/// Windows an hour apart, from the server's clock (which tests move).
fn windows(app: &TestApp) -> Value {
    let now = app.state.clock.now();
    json!({
        "nomination_starts_at": now + Duration::hours(1),
        "nomination_ends_at": now + Duration::hours(2),
        "voting_starts_at": now + Duration::hours(3),
        "voting_ends_at": now + Duration::hours(4),
    })
}

async fn create(app: &TestApp, token: &str, platform: i64) -> i64 {
    let res = app
        .post(
            &format!("/api/v1/platforms/{platform}/elections"),
            Some(token),
            &windows(app),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["phase"], "upcoming");
    body["id"].as_i64().expect("id")
}

async fn nominate(
    app: &TestApp,
    election: i64,
    token: &str,
    seat: &str,
    user: Option<i64>,
) -> Value {
    let res = app
        .post(
            &format!("/api/v1/elections/{election}/candidates"),
            Some(token),
            &json!({"seat": seat, "user_id": user}),
        )
        .await;
    assert_eq!(res.status(), 201);
    // The answer is the nomination itself; the election as it now stands is read after.
    let candidate: Value = res.json().await.expect("json");
    assert!(candidate["id"].is_i64(), "{candidate}");
    assert_eq!(candidate["seat"], seat, "{candidate}");
    let election = app
        .get_json(&format!("/api/v1/elections/{election}"), Some(token))
        .await;
    assert!(
        election["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .any(|c| c["id"] == candidate["id"]),
        "{election}"
    );
    election
}

fn candidate_id(election: &Value, user: i64, seat: &str) -> i64 {
    election["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .find(|c| c["user_id"] == user && c["seat"] == seat)
        .and_then(|c| c["id"].as_i64())
        .expect("candidate")
}

async fn vote(
    app: &TestApp,
    election: i64,
    token: &str,
    seat: &str,
    candidate: i64,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/elections/{election}/ballots"),
        Some(token),
        &json!({"seat": seat, "candidate_id": candidate}),
    )
    .await
}

#[tokio::test]
async fn an_election_runs_from_nomination_to_certified_terms() {
    let app = spawn_app().await;
    let s = setup(&app, 4).await;
    let (a, ta) = s.members[0].clone();
    let (b, tb) = s.members[1].clone();
    let (c, tc) = s.members[2].clone();
    let (_, td) = s.members[3].clone();
    let e = create(&app, &s.admin, s.platform).await;

    // Nothing before the nomination window opens.
    let res = app
        .post(
            &format!("/api/v1/elections/{e}/candidates"),
            Some(&ta),
            &json!({"seat": "coordinator"}),
        )
        .await;
    assert_problem(res, 409).await;

    app.advance_clock(Duration::minutes(61));
    // A self-nomination stands at once, as documented; a nomination of another waits for them.
    let body = nominate(&app, e, &ta, "coordinator", None).await;
    let own = candidate_id(&body, a, "coordinator");
    assert!(
        body["candidates"]
            .as_array()
            .expect("c")
            .iter()
            .any(|x| x["id"] == own && x["accepted_at"].is_string()),
        "{body}"
    );
    let body = nominate(&app, e, &ta, "deputy", Some(b)).await;
    let b_deputy = candidate_id(&body, b, "deputy");
    assert!(
        body["candidates"]
            .as_array()
            .expect("c")
            .iter()
            .any(|x| x["user_id"] == b && x["accepted_at"].is_null())
    );
    // Only the nominee accepts.
    assert_problem(
        app.post(
            &format!("/api/v1/elections/{e}/candidates/{b_deputy}/accept"),
            Some(&ta),
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/elections/{e}/candidates/{b_deputy}/accept"),
            Some(&tb),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = nominate(&app, e, &tc, "coordinator", None).await;
    assert_eq!(body["phase"], "nomination");
    let a_coord = candidate_id(&body, a, "coordinator");
    let c_coord = candidate_id(&body, c, "coordinator");
    // The admin is not a member of the platform: may not nominate.
    let res = app
        .post(
            &format!("/api/v1/elections/{e}/candidates"),
            Some(&s.admin),
            &json!({"seat": "coordinator"}),
        )
        .await;
    assert_problem(res, 403).await;

    // No ballots before the voting window.
    assert_problem(vote(&app, e, &tb, "coordinator", a_coord).await, 409).await;
    app.advance_clock(Duration::minutes(120));
    assert_eq!(
        vote(&app, e, &ta, "coordinator", a_coord).await.status(),
        201
    );
    assert_eq!(
        vote(&app, e, &tb, "coordinator", a_coord).await.status(),
        201
    );
    assert_eq!(
        vote(&app, e, &tc, "coordinator", c_coord).await.status(),
        201
    );
    assert_eq!(vote(&app, e, &td, "deputy", b_deputy).await.status(), 201);
    // One ballot per member per seat.
    assert_problem(vote(&app, e, &ta, "coordinator", c_coord).await, 409).await;
    // A candidate for the other seat is not a choice here.
    assert_problem(vote(&app, e, &tc, "deputy", a_coord).await, 422).await;
    // Results stay closed until voting ends.
    assert_problem(
        app.get(&format!("/api/v1/elections/{e}/results"), None)
            .await,
        409,
    )
    .await;

    // Secret: who voted is stored apart from what they chose.
    use sea_orm::EntityTrait;
    let ballots = entity::election_ballot::Entity::find()
        .all(&app.db)
        .await
        .expect("ballots");
    assert_eq!(ballots.len(), 4);
    assert!(ballots.iter().all(|b| uuid::Uuid::parse_str(&b.id).is_ok()));
    let voters = entity::election_voter::Entity::find()
        .all(&app.db)
        .await
        .expect("voters");
    assert_eq!(voters.len(), 4);

    app.advance_clock(Duration::minutes(61));
    assert_problem(vote(&app, e, &td, "coordinator", a_coord).await, 409).await;
    let results = app
        .get_json(&format!("/api/v1/elections/{e}/results"), None)
        .await;
    let coordinator = &results["seats"][0];
    assert_eq!(coordinator["seat"], "coordinator");
    assert_eq!(coordinator["voters"], 3);
    assert_eq!(coordinator["winner"]["user_id"], a);
    assert_eq!(coordinator["winner"]["votes"], 2);
    assert_eq!(coordinator["tie_broken"], false);
    assert_eq!(results["seats"][1]["winner"]["user_id"], b);
    assert_eq!(results["eligible_voters"], 4);
    assert!(
        !results.to_string().contains("voter0@"),
        "no voter identities"
    );

    // Certification: admins only, once.
    assert_problem(
        app.post(
            &format!("/api/v1/elections/{e}/certify"),
            Some(&ta),
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/elections/{e}/certify"),
            Some(&s.admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let again = assert_problem(
        app.post(
            &format!("/api/v1/elections/{e}/certify"),
            Some(&s.admin),
            &json!({}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(again["code"], "already_certified", "{again}");
    let coordinators = app
        .get_json(
            &format!("/api/v1/platforms/{}/coordinators", s.platform),
            None,
        )
        .await;
    let current = coordinators["current"].as_array().expect("current");
    assert_eq!(current.len(), 2);
    assert!(
        current
            .iter()
            .any(|t| t["seat"] == "coordinator" && t["user_id"] == a && t["election_id"] == e)
    );
    assert!(
        current
            .iter()
            .any(|t| t["seat"] == "deputy" && t["user_id"] == b)
    );

    // The new coordinator may now call the next election; the previous terms end on certification.
    let e2 = create(&app, &ta, s.platform).await;
    app.advance_clock(Duration::minutes(61));
    let body = nominate(&app, e2, &tc, "coordinator", None).await;
    let c2 = candidate_id(&body, c, "coordinator");
    app.advance_clock(Duration::minutes(120));
    assert_eq!(vote(&app, e2, &tb, "coordinator", c2).await.status(), 201);
    app.advance_clock(Duration::minutes(61));
    assert_eq!(
        app.post(
            &format!("/api/v1/elections/{e2}/certify"),
            Some(&s.admin),
            &json!({})
        )
        .await
        .status(),
        200
    );
    let coordinators = app
        .get_json(
            &format!("/api/v1/platforms/{}/coordinators", s.platform),
            None,
        )
        .await;
    let current = coordinators["current"].as_array().expect("current");
    assert!(
        current
            .iter()
            .any(|t| t["seat"] == "coordinator" && t["user_id"] == c)
    );
    assert!(
        current
            .iter()
            .any(|t| t["seat"] == "deputy" && t["user_id"] == b),
        "no deputy elected: b stays"
    );
    let history = coordinators["history"].as_array().expect("history");
    assert_eq!(history.len(), 3);
    assert!(
        history
            .iter()
            .any(|t| t["user_id"] == a && !t["ended_at"].is_null())
    );
    // a is no longer a coordinator: cannot call an election.
    let res = app
        .post(
            &format!("/api/v1/platforms/{}/elections", s.platform),
            Some(&ta),
            &windows(&app),
        )
        .await;
    assert_problem(res, 403).await;
}

#[tokio::test]
async fn a_tie_goes_to_the_nomination_accepted_first() {
    let app = spawn_app().await;
    let s = setup(&app, 2).await;
    let (a, ta) = s.members[0].clone();
    let (b, tb) = s.members[1].clone();
    let e = create(&app, &s.admin, s.platform).await;
    app.advance_clock(Duration::minutes(61));
    // b is nominated by a first, but accepts only after a has nominated herself.
    let body = nominate(&app, e, &ta, "coordinator", Some(b)).await;
    let b_coord = candidate_id(&body, b, "coordinator");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let body = nominate(&app, e, &ta, "coordinator", None).await;
    let a_coord = candidate_id(&body, a, "coordinator");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(
        app.post(
            &format!("/api/v1/elections/{e}/candidates/{b_coord}/accept"),
            Some(&tb),
            &json!({})
        )
        .await
        .status(),
        200
    );
    app.advance_clock(Duration::minutes(120));
    assert_eq!(
        vote(&app, e, &ta, "coordinator", b_coord).await.status(),
        201
    );
    assert_eq!(
        vote(&app, e, &tb, "coordinator", a_coord).await.status(),
        201
    );
    app.advance_clock(Duration::minutes(61));
    let results = app
        .get_json(&format!("/api/v1/elections/{e}/results"), None)
        .await;
    assert_eq!(results["seats"][0]["tie_broken"], true);
    assert_eq!(results["seats"][0]["winner"]["user_id"], a);
    assert!(
        results["tie_rule"]
            .as_str()
            .expect("rule")
            .contains("accepted first")
    );
}

#[tokio::test]
async fn elections_check_their_windows_and_one_at_a_time() {
    let app = spawn_app().await;
    let s = setup(&app, 1).await;
    let (_, member) = s.members[0].clone();
    let now = Utc::now();
    let res = app
        .post(
            &format!("/api/v1/platforms/{}/elections", s.platform),
            Some(&s.admin),
            &json!({"nomination_starts_at": now + Duration::hours(2), "nomination_ends_at": now + Duration::hours(1),
                    "voting_starts_at": now + Duration::hours(3), "voting_ends_at": now + Duration::hours(4)}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/nomination_ends_at"
    );
    assert_problem(
        app.post(
            &format!("/api/v1/platforms/{}/elections", s.platform),
            Some(&member),
            &windows(&app),
        )
        .await,
        403,
    )
    .await;
    create(&app, &s.admin, s.platform).await;
    assert_problem(
        app.post(
            &format!("/api/v1/platforms/{}/elections", s.platform),
            Some(&s.admin),
            &windows(&app),
        )
        .await,
        409,
    )
    .await;
    let list = app
        .get_json(&format!("/api/v1/platforms/{}/elections", s.platform), None)
        .await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
}
