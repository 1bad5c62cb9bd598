use std::io::BufReader;

use serde_json::{Value, json};
use tests::{TestApp, assert_problem, spawn_app};

use crate::workshops::scheduled;

/// Fetches a feed, checks RFC 5545 framing, and parses it with a real iCalendar parser.
async fn feed(app: &TestApp, path: &str) -> ical::parser::ical::component::IcalCalendar {
    let res = app.get(path, None).await;
    assert_eq!(res.status(), 200, "{path}");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/calendar")
    );
    let text = res.text().await.expect("body");
    assert!(text.ends_with("\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line}");
    }
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    parser.next().expect("a calendar").expect("parses")
}

fn prop(props: &[ical::property::Property], name: &str) -> Option<String> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
}

#[tokio::test]
async fn workshop_and_platform_feeds_parse_with_timezones_and_sequences() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let eng = app.platform_id("engineering-planning").await;
    let w = scheduled(&app, &admin, eng, 30, Some(5), "بيت لحم").await;
    let id = w["id"].as_i64().expect("id");
    let cal = feed(&app, &format!("/api/v1/workshops/{id}/calendar.ics")).await;
    assert_eq!(cal.timezones.len(), 1);
    assert_eq!(
        prop(&cal.timezones[0].properties, "TZID").as_deref(),
        Some("Asia/Hebron")
    );
    assert!(!cal.timezones[0].transitions.is_empty());
    let ev = &cal.events[0];
    let uid = prop(&ev.properties, "UID").expect("uid");
    assert!(uid.starts_with(&format!("workshop-{id}@")));
    assert_eq!(prop(&ev.properties, "SEQUENCE").as_deref(), Some("0"));
    assert_eq!(prop(&ev.properties, "STATUS").as_deref(), Some("CONFIRMED"));
    // A published feed's DTSTAMP is the event's last revision, so the feed's bytes and strong
    // tag stay the same until the workshop changes: a second later it revalidates with a 304.
    assert_eq!(
        prop(&ev.properties, "DTSTAMP"),
        prop(&ev.properties, "LAST-MODIFIED")
    );
    let path = format!("/api/v1/workshops/{id}/calendar.ics");
    let first = app.get(&path, None).await;
    let tag = first.headers()["etag"].to_str().expect("etag").to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = app
        .request(reqwest::Method::GET, &path, None)
        .header("If-None-Match", &tag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(again.status(), 304, "the feed changed without a change");
    let dtstart = ev
        .properties
        .iter()
        .find(|p| p.name == "DTSTART")
        .expect("dtstart");
    assert_eq!(
        dtstart.params.as_ref().expect("params")[0].1,
        vec!["Asia/Hebron".to_owned()]
    );
    let local: String =
        w["local"]["starts_at"].as_str().expect("local")[..19].replace(['-', ':'], "");
    assert_eq!(dtstart.value.as_deref(), Some(local.as_str()));
    assert!(
        prop(&ev.properties, "SUMMARY")
            .expect("summary")
            .contains("ورشة نظم المعلومات الجغرافية")
    );

    // Every change raises the SEQUENCE; the UID stays.
    let res = app
        .patch_if(
            &format!("/api/v1/workshops/{id}"),
            &admin,
            &format!("\"{}\"", w["version"]),
            &json!({"venue": {"city": "بيت لحم", "address": "مركز السلام"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cal = feed(&app, &format!("/api/v1/workshops/{id}/calendar.ics")).await;
    assert_eq!(
        prop(&cal.events[0].properties, "SEQUENCE").as_deref(),
        Some("1")
    );
    assert_eq!(prop(&cal.events[0].properties, "UID"), Some(uid.clone()));
    assert!(
        prop(&cal.events[0].properties, "LOCATION")
            .expect("loc")
            .contains("مركز السلام")
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/workshops/{id}/transitions"),
            Some(&admin),
            &json!({"to": "cancelled"})
        )
        .await
        .status(),
        200
    );
    let cal = feed(&app, &format!("/api/v1/workshops/{id}/calendar.ics")).await;
    assert_eq!(
        prop(&cal.events[0].properties, "STATUS").as_deref(),
        Some("CANCELLED")
    );
    assert_eq!(
        prop(&cal.events[0].properties, "SEQUENCE").as_deref(),
        Some("2")
    );

    // The platform's feed: its public workshops, the launch meeting included.
    let cal = feed(&app, &format!("/api/v1/platforms/{eng}/calendar.ics")).await;
    assert_eq!(cal.events.len(), 2);
    assert!(
        cal.events
            .iter()
            .any(|e| prop(&e.properties, "UID") == Some(uid.clone()))
    );
}

#[tokio::test]
async fn a_personal_feed_lists_registrations_until_its_token_is_revoked() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let gaza = app.platform_id("gaza").await;
    let a = scheduled(&app, &admin, pr, 20, None, "رام الله").await;
    let now = app.state.clock.now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": gaza, "title": {"ar": "ورشة غزة"}, "time_zone": "Asia/Gaza", "status": "scheduled",
                    "starts_at": now + chrono::Duration::hours(40), "ends_at": now + chrono::Duration::hours(42),
                    "online_url": "https://meet.example.org/gaza"}),
        )
        .await;
    let b: Value = res.json().await.expect("json");
    let (_, person) = app
        .quick_user("feed@example.org", None, "female", "ar")
        .await;
    for w in [&a, &b] {
        app.post(
            &format!("/api/v1/workshops/{}/registrations", w["id"]),
            Some(&person),
            &json!({}),
        )
        .await;
    }
    let res = app
        .post("/api/v1/me/calendar-token", Some(&person), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let token: Value = res.json().await.expect("json");
    let url = token["url"].as_str().expect("url");
    assert!(url.starts_with("https://platforms.example.org/api/v1/calendar/"));
    let path = format!(
        "/api/v1/calendar/{}.ics",
        token["token"].as_str().expect("t")
    );
    let cal = feed(&app, &path).await;
    assert_eq!(cal.events.len(), 2);
    let zones: Vec<String> = cal
        .timezones
        .iter()
        .filter_map(|z| prop(&z.properties, "TZID"))
        .collect();
    assert_eq!(
        zones,
        vec!["Asia/Gaza".to_owned(), "Asia/Hebron".to_owned()]
    );

    // A new token revokes the old one; revoking ends the feed.
    let res = app
        .post("/api/v1/me/calendar-token", Some(&person), &json!({}))
        .await;
    let second: Value = res.json().await.expect("json");
    assert_problem(app.get(&path, None).await, 404).await;
    let path2 = format!(
        "/api/v1/calendar/{}.ics",
        second["token"].as_str().expect("t")
    );
    feed(&app, &path2).await;
    assert_eq!(
        app.delete("/api/v1/me/calendar-token", Some(&person))
            .await
            .status(),
        204
    );
    assert_problem(app.get(&path2, None).await, 404).await;
    assert_problem(app.get("/api/v1/calendar/not-a-token.ics", None).await, 404).await;
}

/// Writes an email's HTML where the preview script (`tests/email/preview`) finds it.
fn keep_for_preview(name: &str, html: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/email-preview");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(name), html);
    }
}

#[tokio::test]
async fn only_a_seat_brings_an_invitation_and_gaza_speaks_its_own_time() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let gaza = app.platform_id("gaza").await;
    let platform = app
        .get_json(&format!("/api/v1/platforms/{gaza}"), None)
        .await;
    assert_eq!(platform["time_zone"], "Asia/Gaza");
    // A Gaza workshop created without a zone is shown in Gaza's.
    let w = scheduled(&app, &admin, gaza, 72, Some(1), "غزة").await;
    assert_eq!(w["time_zone"], "Asia/Gaza");
    let id = w["id"].as_i64().expect("id");
    let path = format!("/api/v1/workshops/{id}/registrations");
    let (_, seated) = app
        .quick_user("seated@example.org", None, "female", "ar")
        .await;
    let (_, waiting) = app
        .quick_user("waiting@example.org", None, "female", "en")
        .await;
    for token in [&seated, &waiting] {
        assert_eq!(app.post(&path, Some(token), &json!({})).await.status(), 201);
    }
    app.wait_for_mails_to("seated@example.org", 1).await;
    app.wait_for_mails_to("waiting@example.org", 1).await;

    // The workshop moves: the seated person gets a REQUEST, the waiting one the news alone.
    // At 08:00 UTC four days on: the three hours stay within one local day whenever the test
    // runs (a move across midnight is written with both dates).
    let new_start = (app.state.clock.now() + chrono::Duration::days(4))
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .expect("08:00")
        .and_utc();
    let res = app
        .patch_if(
            &format!("/api/v1/workshops/{id}"),
            &admin,
            &format!("\"{}\"", w["version"]),
            &json!({"starts_at": new_start, "ends_at": new_start + chrono::Duration::hours(3)}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.expect("json");
    let update = app
        .wait_for_mails_to("seated@example.org", 2)
        .await
        .remove(1);
    assert!(
        update
            .ics
            .as_deref()
            .expect("ics")
            .contains("METHOD:REQUEST")
    );
    let news = app
        .wait_for_mails_to("waiting@example.org", 2)
        .await
        .remove(1);
    assert_eq!(news.subject, "Workshop changed");
    assert!(news.ics.is_none(), "no invitation without a seat");
    assert!(news.text.contains("still on its waiting list"));
    // In English: the zone in words with its offset, the date isolated.
    assert!(
        news.text
            .contains("(\u{2068}Gaza time\u{2069}, \u{2066}UTC+0"),
        "{}",
        news.text
    );

    // In Arabic: dates, times and the offset isolated left to right, the zone named in Arabic.
    let local =
        chrono::DateTime::parse_from_rfc3339(moved["local"]["starts_at"].as_str().expect("local"))
            .expect("rfc3339");
    let day = local.format("%Y-%m-%d %H:%M").to_string();
    assert!(
        update.html.contains(&format!("<bdi dir=\"ltr\">{day}–")),
        "{}",
        update.html
    );
    assert!(
        update
            .html
            .contains("(<bdi>توقيت غزة</bdi>، <bdi dir=\"ltr\">UTC+0")
    );
    assert!(
        !update.html.contains("Asia/"),
        "the zone by its name, not its id"
    );
    assert!(update.text.contains(&format!("\u{2066}{day}–")));
    keep_for_preview("workshop-update-ar.html", &update.html);

    // Cancelled: the seated person gets a CANCEL, the waiting one a notice without a calendar.
    let res = app
        .post(
            &format!("/api/v1/workshops/{id}/transitions"),
            Some(&admin),
            &json!({"to": "cancelled"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cancel = app
        .wait_for_mails_to("seated@example.org", 3)
        .await
        .remove(2);
    assert!(
        cancel
            .ics
            .as_deref()
            .expect("ics")
            .contains("METHOD:CANCEL")
    );
    let notice = app
        .wait_for_mails_to("waiting@example.org", 3)
        .await
        .remove(2);
    assert_eq!(notice.subject, "Workshop cancelled");
    assert!(notice.ics.is_none());
    for mail in app.mails_to("waiting@example.org") {
        assert!(
            mail.ics.is_none(),
            "{}: no calendar for the waiting list",
            mail.subject
        );
    }

    // Another platform's default stays the West Bank's; a platform can be given its own.
    let pr = app.platform_id("public-relations").await;
    let w = scheduled(&app, &admin, pr, 72, None, "رام الله").await;
    assert_eq!(w["time_zone"], "Asia/Hebron");
    let version = app.get_json(&format!("/api/v1/platforms/{pr}"), None).await["version"].clone();
    let res = app
        .patch_if(
            &format!("/api/v1/platforms/{pr}"),
            &admin,
            &format!("\"{version}\""),
            &json!({"time_zone": "Asia/Gaza"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let version = res.json::<Value>().await.expect("json")["version"].clone();
    let res = app
        .patch_if(
            &format!("/api/v1/platforms/{pr}"),
            &admin,
            &format!("\"{version}\""),
            &json!({"time_zone": "Gaza"}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["pointer"], "/time_zone");
    let w = scheduled(&app, &admin, pr, 80, None, "رام الله").await;
    assert_eq!(w["time_zone"], "Asia/Gaza");
}

#[tokio::test]
async fn venue_agenda_materials_and_experts_speak_both_languages() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let pr = app.platform_id("public-relations").await;
    let now = app.state.clock.now();
    let res = app
        .post(
            "/api/v1/workshops",
            Some(&admin),
            &json!({"platform_id": pr, "title": {"ar": "ورشة الاتصال الاستراتيجي", "en": "Strategic communication"},
                    "starts_at": now + chrono::Duration::days(5), "ends_at": now + chrono::Duration::days(5) + chrono::Duration::hours(3),
                    "status": "scheduled",
                    "venue": {"city": "رام الله", "address": "قاعة البلدية", "city_en": "Ramallah", "address_en": "Municipal hall"},
                    "agenda": [{"title": "افتتاح", "title_en": "Opening", "duration_minutes": 15}],
                    "experts": [{"name": "د. لينا حداد", "name_en": "Dr. Lina Haddad", "organisation": "الوكالة الألمانية", "organisation_en": "GIZ"}],
                    "materials": [{"title": "العرض", "title_en": "Slides", "url": "https://example.org/slides.pdf"}]}),
        )
        .await;
    let status = res.status();
    let w: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{w}");
    let id = w["id"].as_i64().expect("id");
    let read = app.get_json(&format!("/api/v1/workshops/{id}"), None).await;
    assert_eq!(read["venue"]["city_en"], "Ramallah");
    assert_eq!(read["venue"]["address_en"], "Municipal hall");
    assert_eq!(read["agenda"][0]["title_en"], "Opening");
    assert_eq!(read["experts"][0]["name_en"], "Dr. Lina Haddad");
    assert_eq!(read["experts"][0]["organisation_en"], "GIZ");
    assert_eq!(read["materials"][0]["title_en"], "Slides");
    let list = app
        .get_json(
            &format!("/api/v1/workshops?platform_id={pr}&limit=100"),
            None,
        )
        .await;
    let listed = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .expect("listed");
    assert_eq!(listed["venue"]["city_en"], "Ramallah");

    // Each reader gets the place in their language; the calendar carries both.
    let (_, ar) = app
        .quick_user("ar.reader@example.org", None, "female", "ar")
        .await;
    let (_, en) = app
        .quick_user("en.reader@example.org", None, "male", "en")
        .await;
    for token in [&ar, &en] {
        let res = app
            .post(
                &format!("/api/v1/workshops/{id}/registrations"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let arabic = app
        .wait_for_mails_to("ar.reader@example.org", 1)
        .await
        .remove(0);
    assert!(
        arabic.text.contains("قاعة البلدية، رام الله"),
        "{}",
        arabic.text
    );
    let english = app
        .wait_for_mails_to("en.reader@example.org", 1)
        .await
        .remove(0);
    assert!(
        english
            .text
            .contains("Where: \u{2068}Municipal hall, Ramallah\u{2069}"),
        "{}",
        english.text
    );
    assert!(!english.text.contains("رام الله"), "{}", english.text);
    let ics = english.ics.expect("invitation");
    let mut parser = ical::IcalParser::new(BufReader::new(ics.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("parses");
    let location = prop(&calendar.events[0].properties, "LOCATION").expect("location");
    assert!(
        location.contains("رام الله") && location.contains("Municipal hall"),
        "{location}"
    );

    // A new venue without English drops the old English: English readers then see the Arabic.
    let res = app
        .patch_if(
            &format!("/api/v1/workshops/{id}"),
            &admin,
            &format!("\"{}\"", w["version"]),
            &json!({"venue": {"city": "البيرة"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.expect("json");
    assert_eq!(moved["venue"]["city_en"], "");
    let update = app
        .wait_for_mails_to("en.reader@example.org", 2)
        .await
        .remove(1);
    assert!(
        update.text.contains("Where: \u{2068}البيرة\u{2069}"),
        "{}",
        update.text
    );
}
