//! Benchmark data: migrates `DATABASE_URL` and adds `ROWS` (default 100000) public, scheduled
//! workshops spread over the next two years across the programme's platforms. Used by
//! `.ci/bench`; not part of the service.

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

async fn run() -> Result<usize, sea_orm::DbErr> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://bench.db?mode=rwc".into());
    let rows: usize = std::env::var("ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    let db = Database::connect(&url).await?;
    Migrator::up(&db, None).await?;
    api::seed::load(&db).await?;
    api::seed::load_launch_workshops(&db).await?;
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
