//! Security limits shared by replicas (kept in the database), the login policy that holds a
//! guesser without locking out the owner, and the per-caller request rate.

use chrono::Duration;
use reqwest::Response;
use serde_json::{Value, json};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, assert_problem, spawn_app_with};

/// Behind a trusted proxy, `X-Forwarded-For` says where each request comes from.
const BEHIND_PROXY: (&str, &str) = ("TRUSTED_PROXIES", "127.0.0.1");

async fn login_from(
    app: &TestApp,
    base: &str,
    from: &str,
    email: &str,
    password: &str,
) -> Response {
    app.client
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("request")
}

fn retry_after(res: &Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds")
}

#[tokio::test]
async fn a_guesser_is_held_while_the_owner_still_signs_in_from_their_usual_address() {
    let app = spawn_app_with(&[
        BEHIND_PROXY,
        ("LOGIN_MAX_FAILURES_PER_PAIR", "3"),
        ("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"),
    ])
    .await;
    let base = app.address.clone();
    let (office, guesser) = ("198.51.100.10", "203.0.113.66");
    // The owner signs in from the office: that address is now theirs.
    let res = login_from(&app, &base, office, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 200);

    // One address guessing: three wrong passwords, then held, even with the right one.
    for _ in 0..3 {
        let res = login_from(&app, &base, guesser, ADMIN_EMAIL, "guess guess").await;
        assert_problem(res, 401).await;
    }
    let res = login_from(&app, &base, guesser, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let wait = retry_after(&res);
    assert!((1..=900).contains(&wait), "retry-after {wait}");
    // The RateLimit fields name the limit that was hit, not the request rate.
    let field = |name: &str| res.headers()[name].to_str().expect("ascii").to_owned();
    assert_eq!(field("ratelimit-policy"), "\"login.pair\";q=3;w=900");
    assert_eq!(field("ratelimit"), format!("\"login.pair\";r=0;t={wait}"));
    assert_problem(res, 429).await;

    // Guessing from other addresses passes the account's limit: a new address is held too…
    for i in 0..2 {
        let res = login_from(
            &app,
            &base,
            &format!("203.0.113.{i}"),
            ADMIN_EMAIL,
            "x y z w",
        )
        .await;
        assert_problem(res, 401).await;
    }
    let res = login_from(&app, &base, "192.0.2.200", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_problem(res, 429).await;
    // …but the owner, at the office, is not locked out.
    let res = login_from(&app, &base, office, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 200, "the owner must still get in");

    // The guesser's windows end, and then the guesser may try again.
    app.advance_clock(Duration::minutes(16));
    let res = login_from(&app, &base, guesser, ADMIN_EMAIL, "guess again").await;
    assert_problem(res, 401).await;
}

#[tokio::test]
async fn a_burst_of_concurrent_guesses_gets_no_more_tries_than_the_limit() {
    let app = spawn_app_with(&[BEHIND_PROXY, ("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5")]).await;
    let replicas = [app.address.clone(), app.restart().await];
    let guesses = (0..30).map(|i| {
        let (app, base) = (&app, replicas[i % 2].clone());
        async move {
            let from = format!("203.0.113.{i}");
            login_from(app, &base, &from, ADMIN_EMAIL, "a wrong guess")
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let tried = statuses.iter().filter(|s| **s == 401).count();
    let held = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((tried, held), (5, 25), "{statuses:?}");
}

#[tokio::test]
async fn a_shared_address_full_of_guesses_does_not_lock_out_the_people_behind_it() {
    let app = spawn_app_with(&[BEHIND_PROXY, ("LOGIN_MAX_FAILURES_PER_IP", "4")]).await;
    let base = app.address.clone();
    let nat = "198.51.100.77";
    assert_eq!(
        login_from(&app, &base, nat, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
    for i in 0..4 {
        let email = format!("guess{i}@example.org");
        let res = login_from(&app, &base, nat, &email, "guess guess").await;
        assert_problem(res, 401).await;
    }
    // Spraying accounts from the address is held…
    let res = login_from(&app, &base, nat, "someone@example.org", "guess guess").await;
    assert_problem(res, 429).await;
    // …and the admin, who signs in from there, still does.
    assert_eq!(
        login_from(&app, &base, nat, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn two_replicas_and_a_restart_share_the_login_limit() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES_PER_PAIR", "4")]).await;
    let replicas = [app.address.clone(), app.restart().await];
    // Alternating between the replicas, four wrong passwords in all.
    for i in 0..4 {
        let res = login_from(
            &app,
            &replicas[i % 2],
            "ignored",
            ADMIN_EMAIL,
            "wrong wrong",
        )
        .await;
        assert_problem(res, 401).await;
    }
    for base in &replicas {
        let res = login_from(&app, base, "ignored", ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_problem(res, 429).await;
    }
    // A replica started afterwards (a restart) knows it too.
    let restarted = app.restart().await;
    let res = login_from(&app, &restarted, "ignored", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_problem(res, 429).await;
}

async fn reset(app: &TestApp, base: &str, from: &str, email: &str) -> Response {
    app.client
        .post(format!("{base}/api/v1/auth/password-reset"))
        .header("x-forwarded-for", from)
        .json(&json!({"email": email}))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn password_reset_mail_is_limited_per_account_and_per_address_alike_for_unknown_ones() {
    let app = spawn_app_with(&[
        BEHIND_PROXY,
        ("MAIL_LINKS_PER_ACCOUNT_PER_HOUR", "2"),
        ("MAIL_LINKS_PER_IP_PER_HOUR", "5"),
    ])
    .await;
    let replicas = [app.address.clone(), app.restart().await];
    for email in [ADMIN_EMAIL, "ghost@example.org"] {
        for i in 0..2 {
            let res = reset(&app, &replicas[i % 2], &format!("192.0.2.{i}"), email).await;
            assert_eq!(res.status(), 202);
        }
        // The third for the same address, from anywhere: held, whether or not it has an account.
        let res = reset(&app, &replicas[1], "192.0.2.50", email).await;
        assert!(retry_after(&res) > 0);
        assert_problem(res, 429).await;
    }
    // One address asking for many accounts is held at its own limit.
    for i in 0..5 {
        let res = reset(
            &app,
            &replicas[0],
            "198.51.100.5",
            &format!("p{i}@example.org"),
        )
        .await;
        assert_eq!(res.status(), 202);
    }
    let res = reset(&app, &replicas[0], "198.51.100.5", "p9@example.org").await;
    assert_problem(res, 429).await;
    // Exactly two links went out, both to the real account; the ghost got nothing.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.wait_for_mails_to(ADMIN_EMAIL, 2).await.len(), 2);
    assert_eq!(app.mails().len(), 2);
}

#[tokio::test]
async fn password_reset_takes_as_long_for_unknown_addresses_as_for_accounts() {
    let app = spawn_app_with(&[
        ("MAIL_LINKS_PER_ACCOUNT_PER_HOUR", "1000"),
        ("MAIL_LINKS_PER_IP_PER_HOUR", "1000"),
    ])
    .await;
    let time = |email: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let res = reset(app, &app.address, "-", email).await;
            assert_eq!(res.status(), 202);
            started.elapsed().as_secs_f64() * 1000.0
        }
    };
    // Warm up, then interleave the two kinds so that both see the same machine.
    for _ in 0..5 {
        time(ADMIN_EMAIL).await;
        time("ghost@example.org").await;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // The same work either way (one insert and two counters); the mail is the worker's. On a
    // machine busy with the rest of the suite one round can be skewed by a neighbour; a real
    // difference in work skews every round, so up to three rounds are measured.
    let mut rounds = Vec::new();
    for _ in 0..3 {
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for _ in 0..40 {
            known.push(time(ADMIN_EMAIL).await);
            unknown.push(time("ghost@example.org").await);
        }
        let (k, u) = (median(&mut known), median(&mut unknown));
        println!("password reset median: account {k:.2} ms, no account {u:.2} ms");
        rounds.push(format!("account {k:.2} ms vs none {u:.2} ms"));
        if (k - u).abs() < 0.5 + 0.25 * k.min(u) {
            return;
        }
    }
    panic!("every round differs: {}", rounds.join("; "));
}

/// A workshop of the innovation platform whose check-in is open now (it starts in 30 minutes),
/// with one registered person. Returns (workshop id, code, person's id and token).
async fn open_check_in(app: &TestApp) -> (i64, String, i64, String) {
    let admin = app.admin_token().await;
    let platform = app.platform_id("innovation").await;
    let now = app.state.clock.now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": platform, "title": {"ar": "ورشة"},
                    "starts_at": now + Duration::minutes(30), "ends_at": now + Duration::hours(2),
                    "venue": {"city": "رام الله", "address": "القاعة"}, "status": "scheduled"}),
        )
        .await;
    let w: Value = res.json().await.expect("json");
    let id = w["id"].as_i64().expect("id");
    let (person_id, person) = app
        .quick_user("attendee@example.org", None, "female", "ar")
        .await;
    let res = app
        .post(
            &format!("/api/v1/workshops/{id}/registrations"),
            Some(&person),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let code = w["check_in_code"].as_str().expect("code").to_owned();
    (id, code, person_id, person)
}

#[tokio::test]
async fn check_in_codes_cannot_be_guessed_on_any_replica() {
    let app = spawn_app_with(&[("CHECK_IN_MAX_FAILURES", "3")]).await;
    let (id, code, _, person) = open_check_in(&app).await;
    let replicas = [app.address.clone(), app.restart().await];
    let check_in = |base: &str, code: &str| {
        app.client
            .post(format!("{base}/api/v1/workshops/{id}/check-in"))
            .bearer_auth(&person)
            .json(&json!({"code": code}))
            .send()
    };
    // Three attempts (wrong codes) in all, on either replica.
    for (i, guess) in ["AAAA1", "AAAA2", "AAAA3"].iter().enumerate() {
        let res = check_in(&replicas[i % 2], guess).await.expect("request");
        assert_problem(res, 422).await;
    }
    // Held on both replicas, even with the right code, until the window ends.
    for base in &replicas {
        let res = check_in(base, &code).await.expect("request");
        assert!(retry_after(&res) <= 15 * 60);
        assert_problem(res, 429).await;
    }
    app.advance_clock(Duration::minutes(16));
    let res = check_in(&replicas[0], &code).await.expect("request");
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn a_register_and_cancel_loop_is_held_and_its_mail_with_it() {
    let app = spawn_app_with(&[("REGISTRATION_CHANGES_PER_DAY", "4")]).await;
    let (id, _, person_id, person) = open_check_in(&app).await;
    let path = format!("/api/v1/workshops/{id}/registrations");
    let me = format!("{path}/{person_id}");
    // The registration in the set-up was the first change; three more pass.
    let res = app.delete(&me, Some(&person)).await;
    assert_eq!(res.status(), 204);
    let res = app.post(&path, Some(&person), &json!({})).await;
    assert_eq!(res.status(), 201);
    let res = app.delete(&me, Some(&person)).await;
    assert_eq!(res.status(), 204);
    let res = app.post(&path, Some(&person), &json!({})).await;
    assert!(retry_after(&res) > 0);
    assert_problem(res, 429).await;
    // The refused one changed nothing and mailed nothing: one confirmation per registration.
    app.wait_for_mails_to("attendee@example.org", 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // (A reminder may also have gone out: the workshop starts within the reminder window.)
    let subjects: Vec<String> = app
        .mails_to("attendee@example.org")
        .into_iter()
        .map(|m| m.subject)
        .filter(|s| !s.contains("تذكير"))
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    let regs = app.get_json(&path, Some(&app.admin_token().await)).await;
    assert_eq!(regs["items"][0]["status"], "cancelled", "{regs}");
}

#[tokio::test]
async fn request_rates_are_limited_per_caller_with_the_draft_fields() {
    let app = spawn_app_with(&[
        BEHIND_PROXY,
        ("RATE_LIMIT_ADDRESS_PER_MINUTE", "3"),
        ("RATE_LIMIT_USER_PER_MINUTE", "4"),
    ])
    .await;
    let get = |from: &'static str, token: Option<String>| {
        let mut req = app
            .client
            .get(app.url("/api/v1/platforms"))
            .header("x-forwarded-for", from);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    for remaining in [2, 1, 0] {
        let res = get("192.0.2.1", None).await.expect("request");
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["ratelimit-policy"], "\"address\";q=3;w=60");
        let current = res.headers()["ratelimit"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            current.starts_with(&format!("\"address\";r={remaining};t=")),
            "{current}"
        );
    }
    let res = get("192.0.2.1", None).await.expect("request");
    let wait = retry_after(&res);
    assert!((1..=60).contains(&wait));
    assert!(
        res.headers()["ratelimit"]
            .to_str()
            .expect("ascii")
            .contains("r=0")
    );
    assert_problem(res, 429).await;
    // Another address has its own quota; health probes are never limited.
    assert_eq!(get("192.0.2.2", None).await.expect("request").status(), 200);
    for _ in 0..5 {
        let res = app
            .client
            .get(app.url("/health/live"))
            .header("x-forwarded-for", "192.0.2.1")
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200);
    }
    // A signed-in caller counts as themself, wherever they are (the login counted to the address).
    let res = login_from(
        &app,
        &app.address,
        "198.51.100.1",
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
    )
    .await;
    let token = res.json::<Value>().await.expect("json")["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    for (i, from) in ["192.0.2.1", "192.0.2.3", "192.0.2.4", "192.0.2.5"]
        .iter()
        .enumerate()
    {
        let res = get(from, Some(token.clone())).await.expect("request");
        assert_eq!(res.status(), 200, "request {i}");
        assert_eq!(res.headers()["ratelimit-policy"], "\"user\";q=4;w=60");
    }
    let res = get("192.0.2.6", Some(token)).await.expect("request");
    assert_problem(res, 429).await;
}
