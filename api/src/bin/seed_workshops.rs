//! Benchmark data: migrates `DATABASE_URL` and adds `ROWS` (default 100000) public, scheduled
//! workshops spread over the next two years across the programme's platforms. Used by
//! `.ci/bench`; not part of the service.
//!
//! With `REPORT_REGISTRATIONS` (e.g. 1000000; PostgreSQL only), it adds the programme's reporting
//! load instead, in set-based SQL: `REPORT_AUTHORITIES` local authorities (500),
//! `REPORT_PEOPLE` people spread over them (50000, two in five women), `REPORT_WORKSHOPS`
//! workshops (20000) spread evenly from the programme's launch (`REPORT_SINCE`, 2019-10-01) to the
//! end of this year, and the registrations spread evenly over them, eight in ten attended, one a
//! no-show, one still registered. Used by `.ci/bench-reports`.

use std::process::ExitCode;

use chrono::{Duration, Utc};
use entity::{platform, workshop, workshop_platform};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ActiveValue::NotSet, Database, EntityTrait, QueryOrder, QuerySelect, Set};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(n) => {
            println!("seeded {n} workshops");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seeding failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn env_number(name: &str) -> Option<i64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// The reporting load (see the top of the file), in a few `INSERT … SELECT generate_series`.
async fn report_load(
    db: &sea_orm::DatabaseConnection,
    registrations: i64,
) -> Result<usize, sea_orm::DbErr> {
    use chrono::Datelike;
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if db.get_database_backend() != DbBackend::Postgres {
        return Err(sea_orm::DbErr::Custom(
            "the reporting load is seeded on PostgreSQL".into(),
        ));
    }
    let authorities = env_number("REPORT_AUTHORITIES").unwrap_or(500);
    let people = env_number("REPORT_PEOPLE").unwrap_or(50_000);
    let workshops = env_number("REPORT_WORKSHOPS").unwrap_or(20_000);
    let since = std::env::var("REPORT_SINCE").unwrap_or_else(|_| "2019-10-01".into());
    let since = chrono::NaiveDate::parse_from_str(&since, "%Y-%m-%d")
        .map_err(|e| sea_orm::DbErr::Custom(format!("REPORT_SINCE: {e}")))?;
    let end = chrono::NaiveDate::from_ymd_opt(Utc::now().year() + 1, 1, 1).unwrap_or(since);
    let minutes = (end - since).num_minutes() / workshops.max(1);
    let per_workshop = (registrations + workshops - 1) / workshops;
    let statements = [
        format!(
            "INSERT INTO local_authorities (name_ar, name_en, search_text, kind, governorate, region, created_at, updated_at) \
             SELECT 'هيئة محلية ' || g, 'Local authority ' || g, 'local authority ' || g, \
             (ARRAY['municipality','village_council','village_council','joint_services_council'])[1 + g % 4], \
             (ARRAY['جنين','نابلس','رام الله والبيرة','الخليل','بيت لحم','غزة','طولكرم'])[1 + g % 7], \
             (ARRAY['north','north','center','south','south','gaza','north'])[1 + g % 7], now(), now() \
             FROM generate_series(1, {authorities}) g"
        ),
        format!(
            "INSERT INTO users (email, search_text, name_ar, name_en, gender, local_authority_id, locale, role, is_active, created_at, updated_at) \
             SELECT 'bench' || g || '@example.org', 'bench ' || g, 'مشارك ' || g, 'Participant ' || g, \
             CASE WHEN g % 5 < 2 THEN 'female' ELSE 'male' END, \
             (SELECT min(id) FROM local_authorities WHERE name_en LIKE 'Local authority %') + g % {authorities}, \
             'ar', 'member', true, now(), now() FROM generate_series(0, {people} - 1) g"
        ),
        format!(
            "INSERT INTO workshops (platform_id, kind, title_ar, title_en, description_ar, description_en, starts_at, ends_at, \
             time_zone, venue_city, registered_count, status, is_public, check_in_code, sequence, minutes_ar, minutes_en, \
             outcomes_ar, outcomes_en, version, created_at, updated_at, host_ids, venue_city_en, venue_address_en) \
             SELECT p.id, (ARRAY['learning_day','specialized_workshop','peer_exchange','training'])[1 + g % 4], \
             'ورشة التقرير ' || g, 'Report workshop ' || g, '', '', s, s + interval '3 hours', 'Asia/Hebron', 'نابلس', \
             {per_workshop}, CASE WHEN g % 3 = 0 THEN 'scheduled' ELSE 'completed' END, true, 'BENCH1', 0, '', '', '', '', 1, \
             now(), now(), p.id::text, '', '' \
             FROM generate_series(0, {workshops} - 1) g \
             CROSS JOIN LATERAL (SELECT TIMESTAMPTZ '{since} 08:00:00+00' \
               + (g * {minutes} || ' minutes')::interval AS s) t \
             JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS c FROM platforms) p \
               ON p.n = g % p.c"
        ),
        format!(
            "INSERT INTO registrations (workshop_id, user_id, status, queued_at, created_at, updated_at) \
             SELECT w.id, u0.first + (w.n * {per_workshop} + k) % {people}, \
             CASE WHEN k % 10 < 8 THEN 'attended' WHEN k % 10 = 8 THEN 'no_show' ELSE 'registered' END, \
             w.starts_at - interval '7 days', now(), now() \
             FROM (SELECT id, starts_at, row_number() OVER (ORDER BY id) - 1 AS n FROM workshops \
                   WHERE title_en LIKE 'Report workshop %') w \
             CROSS JOIN generate_series(0, {per_workshop} - 1) k \
             CROSS JOIN (SELECT min(id) AS first FROM users WHERE email LIKE 'bench%@example.org') u0 \
             WHERE w.n * {per_workshop} + k < {registrations}"
        ),
    ];
    for sql in statements {
        db.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await?;
    }
    Ok(usize::try_from(workshops).unwrap_or(0))
}

async fn run() -> Result<usize, sea_orm::DbErr> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://bench.db?mode=rwc".into());
    let rows: usize = std::env::var("ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    let db = Database::connect(&url).await?;
    Migrator::up(&db, None).await?;
    api::seed::load(&db).await?;
    api::seed::load_reread(&db).await?;
    api::seed::load_launch_workshops(&db).await?;
    if let Some(registrations) = env_number("REPORT_REGISTRATIONS") {
        return report_load(&db, registrations).await;
    }
    let platforms: Vec<i64> = platform::Entity::find()
        .select_only()
        .column(platform::Column::Id)
        .order_by_asc(platform::Column::Id)
        .into_tuple()
        .all(&db)
        .await?;
    let cities = [
        "رام الله",
        "نابلس",
        "الخليل",
        "جنين",
        "بيت لحم",
        "طولكرم",
        "غزة",
    ];
    // Whole seconds, as the API stores every workshop time.
    let now = api::clock::whole_seconds(Utc::now());
    let mut done = 0;
    while done < rows {
        let batch = (rows - done).min(1000);
        let models: Vec<workshop::ActiveModel> = (done..done + batch)
            .map(|i| {
                let starts = now + Duration::minutes(60 + (i as i64 * 7) % (60 * 24 * 730));
                let p = platforms[i % platforms.len()];
                workshop::ActiveModel {
                    id: NotSet,
                    platform_id: Set(p),
                    topic_id: Set(None),
                    activity_id: Set(None),
                    kind: Set(api::domain::ActivityKind::SpecializedWorkshop),
                    title_ar: Set(format!("ورشة تبادل خبرات رقم {i}")),
                    title_en: Set(format!("Exchange workshop {i}")),
                    description_ar: Set(String::new()),
                    description_en: Set(String::new()),
                    search_text: Set(api::domain::search::workshop_search_text(
                        (
                            &format!("ورشة تبادل خبرات رقم {i}"),
                            &format!("Exchange workshop {i}"),
                        ),
                        ("", ""),
                    )),
                    starts_at: Set(starts),
                    ends_at: Set(starts + Duration::hours(3)),
                    time_zone: Set(if i % 7 == 6 {
                        "Asia/Gaza"
                    } else {
                        "Asia/Hebron"
                    }
                    .into()),
                    venue_city: Set(Some(cities[i % cities.len()].into())),
                    venue_address: Set(Some("قاعة البلدية".into())),
                    venue_city_en: Set(String::new()),
                    venue_address_en: Set(String::new()),
                    online_url: Set(None),
                    capacity: Set(Some(20 + (i % 40) as i32)),
                    registered_count: Set((i % 25) as i32),
                    registration_opens_at: Set(None),
                    registration_closes_at: Set(None),
                    status: Set(api::domain::WorkshopStatus::Scheduled),
                    is_public: Set(true),
                    check_in_code: Set("BENCH1".into()),
                    sequence: Set(0),
                    reported_attendance: Set(None),
                    minutes_ar: Set(String::new()),
                    minutes_en: Set(String::new()),
                    outcomes_ar: Set(String::new()),
                    outcomes_en: Set(String::new()),
                    reminder_sent_at: Set(Some(now)),
                    created_by: Set(None),
                    host_ids: Set(p.to_string()),
                    eligible_governorates: Set("[]".to_owned()),
                    eligible_authority_kinds: Set("[]".to_owned()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
            })
            .collect();
        let first = workshop::Entity::insert_many(models)
            .exec(&db)
            .await?
            .last_insert_id;
        // Hosts: ids were assigned consecutively to this batch.
        let last = first.unwrap_or(0);
        let hosts: Vec<workshop_platform::ActiveModel> = (0..batch)
            .map(|k| workshop_platform::ActiveModel {
                id: NotSet,
                workshop_id: Set(last - (batch - 1 - k) as i64),
                platform_id: Set(platforms[(done + k) % platforms.len()]),
            })
            .collect();
        workshop_platform::Entity::insert_many(hosts)
            .exec(&db)
            .await?;
        done += batch;
    }
    Ok(done)
}
