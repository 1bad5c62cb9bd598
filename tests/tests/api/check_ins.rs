//! Offline check-in: signed tickets verified with the published keys (by an outside library
//! too), batches of scans applied once however often they are sent, walk-ins in one call.

use chrono::Duration;
use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::webhooks::verifier_python;
use crate::workshops::scheduled;

/// The outside ticket verifiers at hand, each as a command line before its arguments: PyJWT
/// (`tests/tickets/verify.py`) and, where `TICKET_VERIFIER_NODE_DIR` names a folder holding the
/// `jose` package, `tests/tickets/verify.mjs`. CI (`REQUIRE_WEBHOOK_VERIFIER`) requires both.
fn ticket_verifiers() -> Vec<Vec<String>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tickets");
    let mut found = Vec::new();
    if let Some(python) = verifier_python("jwt") {
        found.push(vec![python, format!("{dir}/verify.py")]);
    }
    match std::env::var("TICKET_VERIFIER_NODE_DIR") {
        Ok(_) => found.push(vec!["node".to_owned(), format!("{dir}/verify.mjs")]),
        Err(_) => {
            assert!(
                std::env::var_os("REQUIRE_WEBHOOK_VERIFIER").is_none(),
                "REQUIRE_WEBHOOK_VERIFIER is set but TICKET_VERIFIER_NODE_DIR is not"
            );
            eprintln!("skipped: no jose for Node (TICKET_VERIFIER_NODE_DIR)");
        }
    }
    found
}

async fn ticket(app: &TestApp, token: &str, workshop: i64) -> Value {
    let res = app
        .get(&format!("/api/v1/workshops/{workshop}/ticket"), Some(token))
        .await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 200, "{body}");
    body
}

fn outcomes(answer: &Value) -> Vec<(String, bool)> {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["outcome"].as_str().expect("outcome").to_owned(),
                r["repeated"].as_bool().expect("repeated"),
            )
        })
        .collect()
}

#[tokio::test]
async fn tickets_verify_offline_and_batches_count_each_scan_once() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let innovation = app.platform_id("innovation").await;
    let (coord_id, coord) = app.create_member(&admin, "door@example.org", None).await;
    app.make_coordinator(innovation, coord_id, "coordinator")
        .await;
    // Starts in two hours, two seats.
    let w = scheduled(&app, &admin, innovation, 2, Some(2), "بيت لحم").await;
    let id = w["id"].as_i64().expect("id");
    let other = scheduled(&app, &admin, innovation, 30, None, "أريحا").await;
    let path = format!("/api/v1/workshops/{id}/registrations");
    let mut people = Vec::new();
    for i in 0..3 {
        people.push(
            app.quick_user(&format!("t{i}@example.org"), None, "female", "ar")
                .await,
        );
    }
    for (_, token) in &people {
        assert_eq!(app.post(&path, Some(token), &json!({})).await.status(), 201);
    }
    let (walk_in_id, _) = app
        .quick_user("walkin@example.org", None, "male", "ar")
        .await;

    // Tickets: for a seat only; the third person waits.
    let t0 = ticket(&app, &people[0].1, id).await;
    let t1 = ticket(&app, &people[1].1, id).await;
    // A compact JWS: three base64url parts, EdDSA, the key in the header.
    let header = t0["ticket"]
        .as_str()
        .expect("t")
        .split('.')
        .next()
        .expect("header");
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header)
            .expect("base64url"),
    )
    .expect("json");
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["kid"], t0["kid"]);
    assert_eq!(t0["user_id"], people[0].0);
    let problem = assert_problem(
        app.get(
            &format!("/api/v1/workshops/{id}/ticket"),
            Some(&people[2].1),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "not_registered");
    assert_eq!(other["status"], "scheduled");
    assert_eq!(
        app.post(
            &format!("/api/v1/workshops/{}/registrations", other["id"]),
            Some(&people[0].1),
            &json!({})
        )
        .await
        .status(),
        201
    );
    let t_other = ticket(&app, &people[0].1, other["id"].as_i64().expect("id")).await;

    // The published keys verify the ticket with an outside Ed25519 implementation, offline.
    let keys = app.get_json("/api/v1/tickets/keys", None).await;
    let listed = keys["keys"].as_array().expect("keys");
    assert!(listed.iter().any(|k| k["kid"] == t0["kid"]));
    assert!(
        listed
            .iter()
            .all(|k| k["kty"] == "OKP" && k["crv"] == "Ed25519")
    );
    let during = app.state.clock.now() + Duration::hours(2);
    // Two JOSE libraries nobody here wrote: PyJWT (Python) and jose (Node).
    let verifiers = ticket_verifiers();
    for verifier in &verifiers {
        let run = |ticket: &str, at: i64| {
            let mut command = std::process::Command::new(&verifier[0]);
            command.args(&verifier[1..]);
            command
                .args([&keys.to_string(), ticket, &at.to_string()])
                .output()
                .expect("verifier")
        };
        let ok = run(t0["ticket"].as_str().expect("t"), during.timestamp());
        assert!(
            ok.status.success(),
            "{verifier:?}: {}{}",
            String::from_utf8_lossy(&ok.stdout),
            String::from_utf8_lossy(&ok.stderr)
        );
        let claims: Value = serde_json::from_slice(&ok.stdout).expect("claims");
        assert_eq!(claims["w"], id, "{verifier:?}");
        assert_eq!(claims["r"], t0["registration_id"], "{verifier:?}");
        assert_eq!(claims["u"], people[0].0, "{verifier:?}");
        // A forged payload, and scans before the door opens and after the end, are refused by
        // the same library.
        let mut parts: Vec<String> = t0["ticket"]
            .as_str()
            .expect("t")
            .split('.')
            .map(str::to_owned)
            .collect();
        parts[1] = parts[1].replacen('e', "f", 1);
        assert!(!run(&parts.join("."), during.timestamp()).status.success());
        for outside in [Duration::hours(-1), Duration::hours(6)] {
            let at = (app.state.clock.now() + outside).timestamp();
            let refused = run(t0["ticket"].as_str().expect("t"), at);
            assert!(!refused.status.success(), "{verifier:?} at {outside}");
        }
    }

    // Too early: the door opens an hour before the start.
    let scan = |nonce: &str, ticket: &Value| json!({"nonce": nonce, "ticket": ticket["ticket"], "scanned_at": during});
    let url = format!("/api/v1/workshops/{id}/check-ins");
    let batch = json!({"scans": [scan("scan-0001", &t0)]});
    let problem = assert_problem(app.post(&url, Some(&coord), &batch).await, 409).await;
    assert_eq!(problem["code"], "check_in_closed");
    // A member cannot upload scans.
    assert_problem(app.post(&url, Some(&people[1].1), &batch).await, 403).await;

    app.advance_clock(Duration::hours(2));
    let at = app.state.clock.now();
    let batch = json!({"scans": [
        scan("scan-0001", &t0),
        scan("scan-0002", &t0),
        scan("scan-0003", &t_other),
        {"nonce": "scan-0004", "ticket": "ept1.bm9wZQ.bm9wZQ", "scanned_at": at},
        {"nonce": "scan-0005", "walk_in_user_id": walk_in_id, "scanned_at": at},
        {"nonce": "scan-0006", "walk_in_user_id": people[2].0, "scanned_at": at},
        {"nonce": "scan-0007", "walk_in_user_id": 999_999, "scanned_at": at},
    ]});
    let res = app.post(&url, Some(&coord), &batch).await;
    let status = res.status();
    let first: Value = res.json().await.expect("json");
    assert_eq!(status, 200, "{first}");
    let expected: Vec<(String, bool)> = [
        "checked_in",
        "already_present",
        "wrong_workshop",
        "invalid_ticket",
        "walked_in",
        "walked_in",
        "unknown_person",
    ]
    .iter()
    .map(|o| ((*o).to_owned(), false))
    .collect();
    assert_eq!(outcomes(&first), expected);
    // Present: the ticket holder, the walk-in and the person who was waiting.
    assert_eq!(first["present"], 3);

    // The same batch again (the app never saw the answer), with one new scan: the old scans
    // answer as before and change nothing; the new one is applied.
    let mut again = batch.clone();
    again["scans"]
        .as_array_mut()
        .expect("scans")
        .push(scan("scan-0008", &t1));
    let res = app.post(&url, Some(&coord), &again).await;
    let second: Value = res.json().await.expect("json");
    let mut expected: Vec<(String, bool)> = expected.into_iter().map(|(o, _)| (o, true)).collect();
    expected.push(("checked_in".to_owned(), false));
    assert_eq!(outcomes(&second), expected);
    assert_eq!(second["present"], 4);
    for (a, b) in first["results"]
        .as_array()
        .expect("r")
        .iter()
        .zip(second["results"].as_array().expect("r"))
    {
        assert_eq!(a["registration_id"], b["registration_id"]);
    }

    // Attendance agrees: four present, counted once each; the workshop's seats follow.
    let attendance = app
        .get_json(&format!("/api/v1/workshops/{id}/attendance"), Some(&coord))
        .await;
    assert_eq!(attendance["attended"], 4, "{attendance}");
    let workshop = app.get_json(&format!("/api/v1/workshops/{id}"), None).await;
    assert_eq!(workshop["registered_count"], 4, "{workshop}");

    // Bad batches are refused whole: neither ticket nor walk-in, or an empty batch.
    let res = app
        .post(
            &url,
            Some(&coord),
            &json!({"scans": [{"nonce": "scan-0009", "scanned_at": at}]}),
        )
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["pointer"],
        "/scans/0/ticket"
    );
    let res = app.post(&url, Some(&coord), &json!({"scans": []})).await;
    assert_problem(res, 422).await;
}
