//! Programme reports: participation in workshops, memberships of platforms and seats in working
//! groups and task forces, counted in the database (one `GROUP BY` and one totals query each),
//! the names the counted ids and codes are shown by, and the small-cell rule that keeps anyone but
//! an admin from telling who took part.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait, Value};

use crate::error::ApiError;
use crate::i18n::Text;

macro_rules! dimensions {
    ($($variant:ident => $name:literal,)*) => {
        /// What a report can be grouped by.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Dimension { $($variant,)* }

        impl Dimension {
            pub const ALL: &'static [&'static str] = &[$($name,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Dimension::$variant => $name,)* }
            }

            pub fn parse(text: &str) -> Option<Dimension> {
                match text { $($name => Some(Dimension::$variant),)* _ => None }
            }
        }
    };
}

dimensions! {
    Gender => "gender",
    LocalAuthority => "local_authority",
    AuthorityKind => "authority_kind",
    Governorate => "governorate",
    Region => "region",
    Platform => "platform",
    Topic => "topic",
    WorkshopKind => "workshop_kind",
    Body => "body",
    Quarter => "quarter",
    Month => "month",
}

/// What a report counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Seats in scheduled and completed workshops starting in the period.
    Participation,
    /// Platform memberships held at some time in the period.
    Memberships,
    /// Seats in working groups and task forces held at some time in the period (taken before
    /// its end, not ended before its start).
    Seats,
    /// Discussions opened and replies posted in the period (a deleted reply not counted: its
    /// author took it back), and the distinct people who did either: the active discussants.
    Discussions,
}

impl Subject {
    /// The measures counted, in order (`people` always among them: distinct persons, the count
    /// small cells are judged by).
    pub fn measures(self) -> &'static [&'static str] {
        match self {
            Subject::Participation => &["registrations", "attendances", "no_shows", "people"],
            Subject::Memberships => &["memberships", "joined", "left", "people"],
            Subject::Seats => &["seats", "joined", "people"],
            Subject::Discussions => &["discussions", "replies", "people"],
        }
    }

    /// The dimensions that mean something for the subject.
    pub fn dimensions(self) -> &'static [Dimension] {
        use Dimension::*;
        match self {
            Subject::Participation => &[
                Gender,
                LocalAuthority,
                AuthorityKind,
                Governorate,
                Region,
                Platform,
                Topic,
                WorkshopKind,
                Quarter,
                Month,
            ],
            Subject::Memberships | Subject::Discussions => &[
                Gender,
                LocalAuthority,
                AuthorityKind,
                Governorate,
                Region,
                Platform,
                Quarter,
                Month,
            ],
            Subject::Seats => &[
                Gender,
                LocalAuthority,
                AuthorityKind,
                Governorate,
                Region,
                Platform,
                Topic,
                Body,
                Quarter,
                Month,
            ],
        }
    }

    /// The rows counted, as `FROM … WHERE …` over `u` (the person) and `a` (their authority):
    /// `$1` is the period's start, `$2` its (exclusive) end.
    fn rows(self) -> &'static str {
        match self {
            Subject::Participation => {
                "FROM registrations r JOIN workshops w ON w.id = r.workshop_id \
                 JOIN users u ON u.id = r.user_id \
                 LEFT JOIN local_authorities a ON a.id = u.local_authority_id \
                 WHERE w.starts_at >= $1 AND w.starts_at < $2 \
                 AND w.status IN ('scheduled', 'completed') \
                 AND r.status IN ('registered', 'attended', 'no_show')"
            }
            Subject::Memberships => {
                "FROM memberships m JOIN users u ON u.id = m.user_id \
                 LEFT JOIN local_authorities a ON a.id = u.local_authority_id \
                 WHERE m.status IN ('active', 'left') AND m.decided_at IS NOT NULL \
                 AND m.decided_at < $2 AND (m.left_at IS NULL OR m.left_at >= $1)"
            }
            Subject::Seats => {
                "FROM (SELECT 'working_group' AS body, g.platform_id AS platform_id, \
                 g.topic_id AS topic_id, s.user_id AS user_id, \
                 su.local_authority_id AS authority_id, s.joined_at AS joined_at, \
                 s.left_at AS left_at \
                 FROM working_group_members s JOIN working_groups g ON g.id = s.working_group_id \
                 JOIN users su ON su.id = s.user_id \
                 UNION ALL SELECT 'task_force', CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), \
                 t.user_id, t.local_authority_id, t.joined_at, t.left_at \
                 FROM task_force_members t) s \
                 JOIN users u ON u.id = s.user_id \
                 LEFT JOIN local_authorities a ON a.id = s.authority_id \
                 WHERE s.joined_at < $2 AND (s.left_at IS NULL OR s.left_at >= $1)"
            }
            Subject::Discussions => {
                "FROM (SELECT 'opening' AS what, d.platform_id AS platform_id, \
                 d.author_id AS user_id, d.created_at AS at FROM discussions d \
                 UNION ALL SELECT 'reply', pd.platform_id, p.author_id, p.created_at \
                 FROM discussion_posts p JOIN discussions pd ON pd.id = p.discussion_id \
                 WHERE p.deleted_at IS NULL) x \
                 JOIN users u ON u.id = x.user_id \
                 LEFT JOIN local_authorities a ON a.id = u.local_authority_id \
                 WHERE x.at >= $1 AND x.at < $2"
            }
        }
    }

    fn measure_sql(self) -> &'static str {
        match self {
            Subject::Participation => {
                "COUNT(*) AS registrations, \
                 SUM(CASE WHEN r.status = 'attended' THEN 1 ELSE 0 END) AS attendances, \
                 SUM(CASE WHEN r.status = 'no_show' THEN 1 ELSE 0 END) AS no_shows, \
                 COUNT(DISTINCT CASE WHEN r.status = 'attended' THEN r.user_id END) AS people"
            }
            Subject::Memberships => {
                "COUNT(*) AS memberships, \
                 SUM(CASE WHEN m.decided_at >= $1 THEN 1 ELSE 0 END) AS joined, \
                 SUM(CASE WHEN m.left_at IS NOT NULL AND m.left_at < $2 THEN 1 ELSE 0 END) AS \"left\", \
                 COUNT(DISTINCT m.user_id) AS people"
            }
            Subject::Seats => {
                "COUNT(*) AS seats, \
                 SUM(CASE WHEN s.joined_at >= $1 THEN 1 ELSE 0 END) AS joined, \
                 COUNT(DISTINCT s.user_id) AS people"
            }
            Subject::Discussions => {
                "SUM(CASE WHEN x.what = 'opening' THEN 1 ELSE 0 END) AS discussions, \
                 SUM(CASE WHEN x.what = 'reply' THEN 1 ELSE 0 END) AS replies, \
                 COUNT(DISTINCT x.user_id) AS people"
            }
        }
    }

    /// The column a dimension of the subject reads (before any conversion to text).
    fn column(self, d: Dimension) -> Option<&'static str> {
        use Dimension::*;
        let (platform, topic, time, authority) = match self {
            Subject::Participation => (
                "w.platform_id",
                "w.topic_id",
                "w.starts_at",
                "u.local_authority_id",
            ),
            Subject::Memberships => ("m.platform_id", "", "m.decided_at", "u.local_authority_id"),
            Subject::Seats => (
                "s.platform_id",
                "s.topic_id",
                "s.joined_at",
                "s.authority_id",
            ),
            Subject::Discussions => ("x.platform_id", "", "x.at", "u.local_authority_id"),
        };
        let col = match d {
            Gender => "u.gender",
            LocalAuthority => authority,
            AuthorityKind => "a.kind",
            Governorate => "a.governorate",
            Region => "a.region",
            Platform => platform,
            Topic => topic,
            WorkshopKind if self == Subject::Participation => "w.kind",
            Body if self == Subject::Seats => "s.body",
            Quarter | Month => time,
            WorkshopKind | Body => "",
        };
        (!col.is_empty() && self.dimensions().contains(&d)).then_some(col)
    }

    /// The column platforms are filtered on.
    fn platform_column(self) -> &'static str {
        match self {
            Subject::Participation => "w.platform_id",
            Subject::Memberships => "m.platform_id",
            Subject::Seats => "s.platform_id",
            Subject::Discussions => "x.platform_id",
        }
    }
}

impl Dimension {
    /// The SQL expressions of the dimension for a subject: what it is shown as (text on both
    /// databases) and what is grouped by (on PostgreSQL a quarter or month is grouped as the
    /// truncated instant, cheaper than text, and shown formatted). Quarters and months are those
    /// of the subject's moment (a workshop's start, a membership's approval, a seat's taking) in
    /// UTC.
    fn sql(self, subject: Subject, backend: DbBackend) -> Option<(String, String)> {
        let col = subject.column(self)?;
        let pg = backend == DbBackend::Postgres;
        let same = |e: String| (e.clone(), e);
        Some(match self {
            Dimension::LocalAuthority | Dimension::Platform | Dimension::Topic => {
                same(format!("CAST({col} AS TEXT)"))
            }
            Dimension::Quarter | Dimension::Month if pg => {
                let (unit, shown) = if self == Dimension::Quarter {
                    ("quarter", "YYYY-\"Q\"Q")
                } else {
                    ("month", "YYYY-MM")
                };
                let group = format!("date_trunc('{unit}', {col} AT TIME ZONE 'UTC')");
                (format!("to_char({group}, '{shown}')"), group)
            }
            Dimension::Quarter => same(format!(
                "strftime('%Y', {col}) || '-Q' || ((CAST(strftime('%m', {col}) AS INTEGER) + 2) / 3)"
            )),
            Dimension::Month => same(format!("strftime('%Y-%m', {col})")),
            _ => same(col.to_owned()),
        })
    }
}

/// What to count.
#[derive(Clone, Debug)]
pub struct Query {
    pub subject: Subject,
    pub group_by: Vec<Dimension>,
    /// More groups than this are refused (422 `too_many` on `group_by`).
    pub max_groups: usize,
    pub from: DateTime<Utc>,
    /// Exclusive.
    pub until: DateTime<Utc>,
    /// `None`: every platform (task-force seats, which belong to none, included).
    pub platforms: Option<Vec<i64>>,
}

/// The measures of one group (or of all), in the order of `Subject::measures`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts(pub Vec<u64>);

impl Counts {
    pub fn get(&self, subject: Subject, measure: &str) -> u64 {
        subject
            .measures()
            .iter()
            .position(|m| *m == measure)
            .and_then(|i| self.0.get(i).copied())
            .unwrap_or(0)
    }

    fn people(&self, subject: Subject) -> u64 {
        self.get(subject, "people")
    }
}

/// One group: its value in each dimension (`None`: not known, e.g. no authority).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub group: BTreeMap<Dimension, Option<String>>,
    pub counts: Counts,
}

/// The most groups a report answers, as the document bounds its rows.
pub use crate::domain::limits::MAX_REPORT_GROUPS as MAX_GROUPS;

/// 422 for a grouping that gives more than `max` groups.
fn too_many_groups(max: usize) -> ApiError {
    ApiError::field(
        "group_by",
        "too_many",
        Text::new(
            format!(
                "gives more than {max} groups: group by fewer dimensions, or over a shorter period"
            ),
            format!("ينتج أكثر من {max} مجموعة: اجمع بأبعاد أقل أو على فترة أقصر"),
        ),
    )
}

/// The subject counted by the query's dimensions, and over all; at most `q.max_groups` groups
/// (read one past it, to know), else 422 `too_many`.
pub async fn count(
    db: &sea_orm::DatabaseConnection,
    q: &Query,
) -> Result<(Vec<Row>, Counts), ApiError> {
    let backend = db.get_database_backend();
    let subject = q.subject;
    let mut values: Vec<Value> = vec![q.from.into(), q.until.into()];
    let mut filter = subject.rows().to_owned();
    if let Some(platforms) = &q.platforms {
        if platforms.is_empty() {
            return Ok((Vec::new(), Counts(vec![0; subject.measures().len()])));
        }
        let marks: Vec<String> = platforms
            .iter()
            .map(|p| {
                values.push((*p).into());
                format!("${}", values.len())
            })
            .collect();
        filter.push_str(&format!(
            " AND {} IN ({})",
            subject.platform_column(),
            marks.join(", ")
        ));
    }
    let measures = subject.measure_sql();
    let mut shown = Vec::new();
    let mut grouped = Vec::new();
    for (i, d) in q.group_by.iter().enumerate() {
        let (show, group) = d.sql(subject, backend).ok_or_else(|| {
            ApiError::Unexpected(format!("{} is no dimension of {subject:?}", d.as_str()))
        })?;
        shown.push(format!("{show} AS d{i}"));
        grouped.push(group);
    }
    if grouped.is_empty() {
        return Err(ApiError::Unexpected("a report groups by something".into()));
    }
    let keys: Vec<String> = (0..grouped.len()).map(|i| format!("d{i}")).collect();
    let group_of =
        |r: &sea_orm::QueryResult| -> Result<BTreeMap<Dimension, Option<String>>, sea_orm::DbErr> {
            let mut group = BTreeMap::new();
            for (i, d) in q.group_by.iter().enumerate() {
                group.insert(*d, r.try_get::<Option<String>>("", &format!("d{i}"))?);
            }
            Ok(group)
        };
    let mut rows = Vec::new();
    let mut total = None;
    if backend == DbBackend::Postgres {
        // One pass for the groups and the totals (the empty grouping set), sorted once, in
        // parallel where the planner sees fit and in memory: a year of the programme's
        // registrations is some 140 000 rows (see BENCHMARKS.md).
        let sql = format!(
            "SELECT GROUPING({}) AS is_total, {}, {measures} {filter} \
             GROUP BY GROUPING SETS (({}), ()) ORDER BY is_total DESC, {} LIMIT {}",
            grouped[0],
            shown.join(", "),
            grouped.join(", "),
            keys.join(", "),
            q.max_groups + 2
        );
        let txn = db.begin().await?;
        // For this transaction only, in one round trip: sort in memory, no JIT (its compile
        // time exceeds the query's), both cores (with the users' and authorities' hash tables
        // built once and shared, not once per worker), and a plan for these very dates.
        txn.execute_raw(Statement::from_string(
            backend,
            "SELECT set_config('work_mem', '32MB', true), set_config('jit', 'off', true), \
             set_config('parallel_setup_cost', '0', true), \
             set_config('parallel_tuple_cost', '0', true), \
             set_config('min_parallel_index_scan_size', '0', true), \
             set_config('min_parallel_table_scan_size', '0', true), \
             set_config('plan_cache_mode', 'force_custom_plan', true)",
        ))
        .await?;
        let found = txn
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        txn.commit().await?;
        for r in found {
            let is_total: i32 = r.try_get("", "is_total")?;
            let counts = counts_of(subject, &r)?;
            if is_total == 1 {
                total = Some(counts);
            } else {
                rows.push(Row {
                    group: group_of(&r)?,
                    counts,
                });
            }
        }
    } else {
        let sql = format!(
            "SELECT {}, {measures} {filter} GROUP BY {} ORDER BY {} LIMIT {}",
            shown.join(", "),
            grouped.join(", "),
            keys.join(", "),
            q.max_groups + 1
        );
        for r in db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values.clone()))
            .await?
        {
            rows.push(Row {
                group: group_of(&r)?,
                counts: counts_of(subject, &r)?,
            });
        }
        if let Some(r) = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT {measures} {filter}"),
                values,
            ))
            .await?
        {
            total = Some(counts_of(subject, &r)?);
        }
    }
    if rows.len() > q.max_groups {
        return Err(too_many_groups(q.max_groups));
    }
    let total = total.unwrap_or_else(|| Counts(vec![0; subject.measures().len()]));
    Ok((rows, total))
}

fn counts_of(subject: Subject, r: &sea_orm::QueryResult) -> Result<Counts, sea_orm::DbErr> {
    subject
        .measures()
        .iter()
        .map(|m| {
            let v: Option<i64> = r.try_get("", m)?;
            Ok(v.map_or(0, |v| u64::try_from(v).unwrap_or(0)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Counts)
}

/// One attendance, as exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendance {
    pub registration_id: i64,
    pub workshop_id: i64,
    pub workshop_title: Text,
    pub starts_at: DateTime<Utc>,
    pub platform_id: i64,
    pub platform: Text,
    pub user_id: i64,
    pub person: Text,
    pub gender: String,
    pub local_authority: Option<Text>,
    pub governorate: Option<String>,
    pub region: Option<String>,
}

/// Attendances in scheduled and completed workshops starting in `[from, until)` of the given
/// platforms (`None`: all), after the registration `after`, at most `limit`, in registration
/// order: an export walks them page by page and never holds more than a page.
pub async fn attendances(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    platforms: Option<&[i64]>,
    after: i64,
    limit: u64,
) -> Result<Vec<Attendance>, ApiError> {
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = vec![from.into(), until.into(), after.into()];
    let mut sql = String::from(
        "SELECT r.id AS rid, w.id AS wid, w.title_ar, w.title_en, w.starts_at, \
         p.id AS pid, p.name_ar AS p_ar, p.name_en AS p_en, u.id AS uid, u.name_ar AS u_ar, \
         u.name_en AS u_en, u.gender, a.name_ar AS a_ar, a.name_en AS a_en, a.governorate, \
         a.region \
         FROM registrations r JOIN workshops w ON w.id = r.workshop_id \
         JOIN platforms p ON p.id = w.platform_id JOIN users u ON u.id = r.user_id \
         LEFT JOIN local_authorities a ON a.id = u.local_authority_id \
         WHERE w.starts_at >= $1 AND w.starts_at < $2 AND r.id > $3 \
         AND w.status IN ('scheduled', 'completed') AND r.status = 'attended'",
    );
    if let Some(platforms) = platforms {
        if platforms.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = platforms
            .iter()
            .map(|p| {
                values.push((*p).into());
                format!("${}", values.len())
            })
            .collect();
        sql.push_str(&format!(" AND w.platform_id IN ({})", marks.join(", ")));
    }
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    sql.push_str(&format!(" ORDER BY r.id LIMIT ${}", values.len()));
    let both = |ar: String, en: String| {
        let en = if en.is_empty() { ar.clone() } else { en };
        Text::new(en, ar)
    };
    let mut out = Vec::new();
    for r in db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    {
        let authority: Option<String> = r.try_get("", "a_ar")?;
        out.push(Attendance {
            registration_id: r.try_get("", "rid")?,
            workshop_id: r.try_get("", "wid")?,
            workshop_title: both(r.try_get("", "title_ar")?, r.try_get("", "title_en")?),
            starts_at: r.try_get("", "starts_at")?,
            platform_id: r.try_get("", "pid")?,
            platform: both(r.try_get("", "p_ar")?, r.try_get("", "p_en")?),
            user_id: r.try_get("", "uid")?,
            person: both(r.try_get("", "u_ar")?, r.try_get("", "u_en")?),
            gender: r.try_get("", "gender")?,
            local_authority: match authority {
                Some(ar) => Some(both(
                    ar,
                    r.try_get::<Option<String>>("", "a_en")?.unwrap_or_default(),
                )),
                None => None,
            },
            governorate: r.try_get("", "governorate")?,
            region: r.try_get("", "region")?,
        });
    }
    Ok(out)
}

/// The name a code is shown by in a report (the code itself where it has none).
pub fn code_label(d: Dimension, code: &str) -> Text {
    vocabulary(d, code).unwrap_or_else(|| Text::new(code.to_owned(), code.to_owned()))
}

/// The name a code of a vocabulary dimension is shown by.
fn vocabulary(d: Dimension, code: &str) -> Option<Text> {
    let (en, ar) = match (d, code) {
        (Dimension::Gender, "female") => ("Women", "نساء"),
        (Dimension::Gender, "male") => ("Men", "رجال"),
        (Dimension::Region, "north") => ("North of the West Bank", "شمال الضفة الغربية"),
        (Dimension::Region, "center") => ("Centre of the West Bank", "وسط الضفة الغربية"),
        (Dimension::Region, "south") => ("South of the West Bank", "جنوب الضفة الغربية"),
        (Dimension::Region, "gaza") => ("Gaza Strip", "قطاع غزة"),
        (Dimension::AuthorityKind, "municipality") => ("Municipality", "بلدية"),
        (Dimension::AuthorityKind, "village_council") => ("Village council", "مجلس قروي"),
        (Dimension::AuthorityKind, "joint_services_council") => {
            ("Joint services council", "مجلس خدمات مشترك")
        }
        (Dimension::AuthorityKind, "union_of_municipalities") => {
            ("Union of municipalities", "اتحاد بلديات")
        }
        (Dimension::WorkshopKind, "learning_day") => ("Learning day", "يوم تعلم"),
        (Dimension::WorkshopKind, "specialized_workshop") => {
            ("Specialised workshop", "ورشة عمل متخصصة")
        }
        (Dimension::WorkshopKind, "best_practice_concept") => {
            ("Best-practice concept", "مفهوم الممارسات الفضلى")
        }
        (Dimension::WorkshopKind, "joint_activity") => ("Joint activity", "نشاط مشترك"),
        (Dimension::WorkshopKind, "peer_exchange") => ("Peer exchange", "تبادل الأقران"),
        (Dimension::WorkshopKind, "campaign") => ("Campaign", "حملة"),
        (Dimension::WorkshopKind, "training") => ("Training", "تدريب"),
        (Dimension::WorkshopKind, "guide") => ("Guide", "دليل"),
        (Dimension::Body, "working_group") => ("Working group", "مجموعة عمل"),
        (Dimension::Body, "task_force") => ("Task force", "فريق مهام"),
        _ => return None,
    };
    Some(Text::new(en, ar))
}

/// The names the rows' values are shown by: authorities, platforms and topics by their names (one
/// query per dimension, whatever the rows), vocabulary codes by theirs; quarters, months and
/// governorates are their own names.
pub async fn labels(
    db: &impl ConnectionTrait,
    rows: &[Row],
) -> Result<BTreeMap<(Dimension, String), Text>, ApiError> {
    use entity::{local_authority, platform, topic};

    let mut wanted: BTreeMap<Dimension, BTreeSet<String>> = BTreeMap::new();
    for r in rows {
        for (d, v) in &r.group {
            if let Some(v) = v {
                wanted.entry(*d).or_default().insert(v.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    for (d, values) in wanted {
        let ids: Vec<i64> = values.iter().filter_map(|v| v.parse().ok()).collect();
        use local_authority::Column as A;
        use platform::Column as P;
        use topic::Column as T;
        let named = match d {
            Dimension::LocalAuthority => {
                names::<local_authority::Entity>(db, [A::Id, A::NameEn, A::NameAr], ids).await?
            }
            Dimension::Platform => {
                names::<platform::Entity>(db, [P::Id, P::NameEn, P::NameAr], ids).await?
            }
            Dimension::Topic => {
                names::<topic::Entity>(db, [T::Id, T::TitleEn, T::TitleAr], ids).await?
            }
            _ => {
                for v in values {
                    let text = vocabulary(d, &v).unwrap_or_else(|| Text::new(v.clone(), v.clone()));
                    out.insert((d, v), text);
                }
                continue;
            }
        };
        for (id, en, ar) in named {
            // An English name left empty reads as the Arabic one.
            let en = if en.is_empty() { ar.clone() } else { en };
            out.insert((d, id.to_string()), Text::new(en, ar));
        }
    }
    Ok(out)
}

/// The (id, English name, Arabic name) of the rows of `E` with these ids; `columns` names its id
/// and name columns in that order.
async fn names<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    columns: [E::Column; 3],
    ids: Vec<i64>,
) -> Result<Vec<(i64, String, String)>, ApiError> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let [id, _, _] = columns;
    Ok(E::find()
        .select_only()
        .columns(columns)
        .filter(id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?)
}

/// Which rows (and whether the totals) must be hidden from someone who is not an admin: every
/// group counting fewer than `min` people; if that leaves exactly one hidden group, the next
/// smallest too, so that the totals minus the shown groups never give one hidden group back;
/// and the totals themselves when they count fewer than `min` people.
pub fn suppressed(subject: Subject, rows: &[Row], total: &Counts, min: u64) -> (Vec<bool>, bool) {
    let people = |r: &Row| r.counts.people(subject);
    let mut hidden: Vec<bool> = rows.iter().map(|r| people(r) < min).collect();
    if hidden.iter().filter(|h| **h).count() == 1
        && let Some((i, _)) = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(_, r)| (people(r), r.counts.0.clone()))
    {
        hidden[i] = true;
    }
    (hidden, total.people(subject) < min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(people: u64) -> Row {
        Row {
            group: BTreeMap::new(),
            counts: Counts(vec![people, people, 0, people]),
        }
    }

    #[test]
    fn one_small_group_takes_the_next_smallest_with_it() {
        let s = Subject::Participation;
        let rows = vec![row(12), row(3), row(7), row(30)];
        let total = Counts(vec![0, 0, 0, 52]);
        let (hidden, total_hidden) = suppressed(s, &rows, &total, 5);
        assert_eq!(hidden, vec![false, true, true, false]);
        assert!(!total_hidden);
        // Two small groups already hide each other; nothing more is hidden.
        let rows = vec![row(12), row(3), row(2)];
        assert_eq!(suppressed(s, &rows, &total, 5).0, vec![false, true, true]);
        // Nothing small: nothing hidden.
        assert_eq!(
            suppressed(s, &[row(9), row(5)], &total, 5).0,
            vec![false, false]
        );
        // Small totals are hidden too.
        assert!(suppressed(s, &[row(4)], &Counts(vec![4, 4, 0, 4]), 5).1);
    }

    #[test]
    fn every_dimension_has_a_name_and_every_subject_people() {
        for name in Dimension::ALL {
            assert_eq!(Dimension::parse(name).map(Dimension::as_str), Some(*name));
        }
        for s in [
            Subject::Participation,
            Subject::Memberships,
            Subject::Seats,
            Subject::Discussions,
        ] {
            assert!(s.measures().contains(&"people"));
            for d in s.dimensions() {
                assert!(d.sql(s, DbBackend::Sqlite).is_some(), "{s:?} {d:?}");
                assert!(d.sql(s, DbBackend::Postgres).is_some(), "{s:?} {d:?}");
            }
        }
    }

    #[test]
    fn every_code_of_a_vocabulary_dimension_has_a_name() {
        use entity::vocab::{ActivityKind, AuthorityKind, Gender, Region};
        let codes = [
            (
                Dimension::Gender,
                Gender::ALL.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
            ),
            (
                Dimension::Region,
                Region::ALL.iter().map(|r| r.as_str()).collect(),
            ),
            (
                Dimension::AuthorityKind,
                AuthorityKind::ALL.iter().map(|k| k.as_str()).collect(),
            ),
            (
                Dimension::WorkshopKind,
                ActivityKind::ALL.iter().map(|k| k.as_str()).collect(),
            ),
        ];
        for (d, codes) in codes {
            for code in codes {
                assert!(vocabulary(d, code).is_some(), "{d:?} {code}");
            }
        }
    }
}
