//! The one search over the exchange: platforms, topics, working groups, task forces, workshops,
//! position papers, practices, documents, discussions and people, in one statement on the
//! databases' own full-text engines (migrations 35 and 36): PostgreSQL's `tsvector` with its GIN index, ranked by
//! `ts_rank`; SQLite's FTS5, ranked by `bm25`. Each kind is read under the very rule its own
//! list applies (`access::readable_*`, the directory's `Viewer`), so a hit is never something
//! the caller could not open; people only for someone signed in, and by their names only.
//!
//! A key finds only the kinds whose reads its scopes allow.
//!
//! Hits come best first, then by kind and id; the page's last hit is the cursor of the next.

use chrono::{DateTime, Utc};
use entity::{local_authority, workshop_platform};
use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, ExprTrait, Order, PostgresQueryBuilder, Query,
    SelectStatement, SqliteQueryBuilder, UnionType,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, Statement};

use crate::access;
use crate::auth::AuthUser;
use crate::domain::search::{HitKind, Terms};
use crate::error::ApiError;
use crate::services::accounts::directory::{Filter, Viewer};

/// Where the last page ended: its last hit's score, kind and id.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cursor {
    pub score: f64,
    pub kind: usize,
    pub id: i64,
}

/// What is searched for.
#[derive(Debug)]
pub struct Request<'a> {
    pub terms: &'a Terms,
    /// Only this kind.
    pub kind: Option<HitKind>,
    /// Of this platform (a workshop it hosts, a person who shows they are its member).
    pub platform_id: Option<i64>,
    /// Of this local authority (practices; people who show theirs).
    pub local_authority_id: Option<i64>,
    /// Of an authority in this governorate (practices; people who show their authority).
    pub governorate: Option<&'a str>,
    /// Dated at or after (workshops by their start, papers, practices and documents by their
    /// publication or else their creation).
    pub from: Option<DateTime<Utc>>,
    /// Dated before.
    pub to: Option<DateTime<Utc>>,
    pub after: Option<Cursor>,
    /// Hits wanted (one more is read to know whether a page follows).
    pub limit: u64,
}

/// One hit, with the texts its snippet is cut from.
#[derive(Debug)]
pub struct Hit {
    pub kind: HitKind,
    pub id: i64,
    /// The id its address names (a working group's topic; else its own).
    pub link_id: i64,
    pub platform_id: Option<i64>,
    pub title: (String, String),
    pub body: (String, String),
    pub date: Option<DateTime<Utc>>,
    pub score: f64,
}

/// A searched table: its kind, columns and dates.
struct Source {
    kind: HitKind,
    /// The scope a key needs to find it: the one its own reads need.
    scope: &'static str,
    table: &'static str,
    title: (&'static str, &'static str),
    body: Option<(&'static str, &'static str)>,
    /// The column naming its platform.
    platform: Option<&'static str>,
    /// The column its address is built from.
    link: &'static str,
    /// The columns its date is read from, the first that is set.
    date: &'static [&'static str],
}

const SOURCES: [Source; 10] = [
    Source {
        kind: HitKind::Platform,
        scope: "platforms:read",
        table: "platforms",
        title: ("name_ar", "name_en"),
        body: Some(("description_ar", "description_en")),
        platform: Some("id"),
        link: "id",
        date: &[],
    },
    Source {
        kind: HitKind::Topic,
        scope: "topics:read",
        table: "topics",
        title: ("title_ar", "title_en"),
        body: None,
        platform: Some("platform_id"),
        link: "id",
        date: &[],
    },
    Source {
        kind: HitKind::WorkingGroup,
        scope: "topics:read",
        table: "working_groups",
        title: ("name_ar", "name_en"),
        body: None,
        platform: Some("platform_id"),
        link: "topic_id",
        date: &[],
    },
    Source {
        kind: HitKind::TaskForce,
        scope: "task-forces:read",
        table: "task_forces",
        title: ("name_ar", "name_en"),
        body: Some(("mandate_ar", "mandate_en")),
        platform: None,
        link: "id",
        date: &[],
    },
    Source {
        kind: HitKind::Workshop,
        scope: "workshops:read",
        table: "workshops",
        title: ("title_ar", "title_en"),
        body: Some(("description_ar", "description_en")),
        platform: Some("platform_id"),
        link: "id",
        date: &["starts_at"],
    },
    Source {
        kind: HitKind::PositionPaper,
        scope: "position-papers:read",
        table: "position_papers",
        title: ("title_ar", "title_en"),
        body: Some(("summary_ar", "summary_en")),
        platform: Some("platform_id"),
        link: "id",
        date: &["published_at", "created_at"],
    },
    Source {
        kind: HitKind::Practice,
        scope: "practices:read",
        table: "practices",
        title: ("title_ar", "title_en"),
        body: Some(("summary_ar", "summary_en")),
        platform: Some("platform_id"),
        link: "id",
        date: &["published_at", "created_at"],
    },
    Source {
        kind: HitKind::Document,
        scope: "documents:read",
        table: "documents",
        title: ("title_ar", "title_en"),
        body: Some(("summary_ar", "summary_en")),
        platform: Some("platform_id"),
        link: "id",
        date: &["published_at", "created_at"],
    },
    Source {
        kind: HitKind::Discussion,
        scope: "discussions:read",
        table: "discussions",
        title: ("title_ar", "title_en"),
        body: Some(("body_ar", "body_en")),
        platform: Some("platform_id"),
        link: "id",
        date: &["created_at"],
    },
    Source {
        kind: HitKind::Person,
        scope: "users:read",
        table: "users",
        title: ("name_ar", "name_en"),
        body: None,
        platform: None,
        link: "id",
        date: &[],
    },
];

/// The statement's one-row table holding the parsed query (PostgreSQL).
const QUERY: &str = "search_query";

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

impl Source {
    /// Its date as SQL, or `None` when it has none.
    fn date_sql(&self) -> Option<String> {
        let cols: Vec<String> = self
            .date
            .iter()
            .map(|c| format!("\"{}\".\"{c}\"", self.table))
            .collect();
        match cols.len() {
            0 => None,
            1 => cols.into_iter().next(),
            _ => Some(format!("COALESCE({})", cols.join(", "))),
        }
    }

    /// The request's filters on this kind: `None` when the kind cannot meet them (a filter on
    /// something it does not have).
    fn filters(&self, r: &Request<'_>, viewer: Option<&Viewer>, pg: bool) -> Option<Condition> {
        let mut all = Condition::all();
        if self.kind == HitKind::Person {
            let filter = Filter {
                platform_id: r.platform_id,
                local_authority_id: r.local_authority_id,
                governorate: r.governorate,
                ..Filter::default()
            };
            all = all.add(filter.condition(viewer?));
        } else {
            if let Some(p) = r.platform_id {
                all = all.add(match (self.kind, self.platform) {
                    (HitKind::Workshop, _) => col(self.table, "id").in_subquery(
                        Query::select()
                            .column(workshop_platform::Column::WorkshopId)
                            .from(workshop_platform::Entity)
                            .and_where(workshop_platform::Column::PlatformId.eq(p))
                            .to_owned(),
                    ),
                    (_, Some(column)) => col(self.table, column).eq(p),
                    (_, None) => return None,
                });
            }
            if r.local_authority_id.is_some() || r.governorate.is_some() {
                if self.kind != HitKind::Practice {
                    return None;
                }
                if let Some(a) = r.local_authority_id {
                    all = all.add(col(self.table, "local_authority_id").eq(a));
                }
                if let Some(g) = r.governorate {
                    all = all.add(
                        col(self.table, "local_authority_id").in_subquery(
                            Query::select()
                                .column(local_authority::Column::Id)
                                .from(local_authority::Entity)
                                .and_where(local_authority::Column::Governorate.eq(g))
                                .to_owned(),
                        ),
                    );
                }
            }
        }
        if r.from.is_some() || r.to.is_some() {
            let date = self.date_sql()?;
            let placeholder = if pg { "$1" } else { "?" };
            if let Some(from) = r.from {
                all = all.add(Expr::cust_with_values(
                    format!("{date} >= {placeholder}"),
                    [from],
                ));
            }
            if let Some(to) = r.to {
                all = all.add(Expr::cust_with_values(
                    format!("{date} < {placeholder}"),
                    [to],
                ));
            }
        }
        Some(all)
    }

    /// Its part of the statement: its matching rows the caller may read, with their score.
    fn part(&self, backend: DbBackend, query: &str, condition: Condition) -> SelectStatement {
        let t = self.table;
        let pg = backend == DbBackend::Postgres;
        let null = |ty: &str| {
            Expr::cust(if pg {
                format!("CAST(NULL AS {ty})")
            } else {
                "NULL".into()
            })
        };
        let mut s = Query::select();
        s.expr_as(
            Expr::cust(self.kind.index().to_string()),
            Alias::new("kind"),
        )
        .expr_as(col(t, "id"), Alias::new("id"))
        .expr_as(col(t, self.link), Alias::new("link_id"))
        .expr_as(
            self.platform.map_or_else(|| null("bigint"), |p| col(t, p)),
            Alias::new("platform_id"),
        )
        .expr_as(col(t, self.title.0), Alias::new("title_ar"))
        .expr_as(col(t, self.title.1), Alias::new("title_en"));
        match self.body {
            Some((ar, en)) => s
                .expr_as(col(t, ar), Alias::new("body_ar"))
                .expr_as(col(t, en), Alias::new("body_en")),
            None => s
                .expr_as(Expr::cust("''"), Alias::new("body_ar"))
                .expr_as(Expr::cust("''"), Alias::new("body_en")),
        };
        s.expr_as(
            self.date_sql()
                .map_or_else(|| null("timestamptz"), Expr::cust),
            Alias::new("date"),
        );
        let matched = if pg {
            // The query is parsed once, in the statement's `search_query` (see `search`).
            s.expr_as(
                Expr::cust(format!(
                    "CAST(ts_rank(\"{t}\".\"search_vector\", \"{QUERY}\".\"q\", 1) AS double precision)"
                )),
                Alias::new("score"),
            )
            .from(Alias::new(t))
            .from(Alias::new(QUERY));
            Expr::cust(format!("\"{t}\".\"search_vector\" @@ \"{QUERY}\".\"q\""))
        } else {
            let fts = format!("{t}_fts");
            s.expr_as(Expr::cust(format!("-bm25(\"{fts}\")")), Alias::new("score"))
                .from(Alias::new(&fts))
                .inner_join(
                    Alias::new(t),
                    Expr::col((Alias::new(t), Alias::new("id")))
                        .equals((Alias::new(&fts), Alias::new("rowid"))),
                );
            Expr::cust_with_values(format!("\"{fts}\" MATCH ?"), [query])
        };
        s.cond_where(Condition::all().add(matched).add(condition));
        s
    }
}

/// What the caller may read of a kind, as a condition on its table; `None` when they may read
/// none of it (people, for someone not signed in).
fn readable(reader: access::Reader<'_>, kind: HitKind) -> Option<Condition> {
    Some(match kind {
        HitKind::Platform | HitKind::Topic | HitKind::WorkingGroup | HitKind::TaskForce => {
            Condition::all()
        }
        HitKind::Workshop => access::readable_workshops(reader),
        HitKind::PositionPaper => access::readable_papers(reader),
        HitKind::Practice => access::readable_practices(reader),
        HitKind::Document => access::readable_documents(reader),
        HitKind::Discussion => access::readable_discussions(reader),
        HitKind::Person => {
            reader?;
            Condition::all().add(col("users", "is_active").eq(true))
        }
    })
}

/// One page of hits, best first.
pub async fn search(
    db: &impl ConnectionTrait,
    auth: Option<&AuthUser>,
    r: &Request<'_>,
) -> Result<Vec<Hit>, ApiError> {
    if r.terms.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let query = if backend == DbBackend::Postgres {
        r.terms.tsquery()
    } else {
        r.terms.fts5()
    };
    let key = auth.and_then(|a| a.key.as_ref());
    let sources: Vec<&Source> = SOURCES
        .iter()
        .filter(|s| r.kind.is_none_or(|k| k == s.kind))
        .filter(|s| key.is_none_or(|k| k.has_scope(s.scope)))
        .collect();
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    // The caller's platforms, read once for every kind's rule.
    let reach = match auth {
        Some(a) => Some(access::ReadReach::of(db, a).await?),
        None => None,
    };
    let reader = auth.zip(reach.as_ref());
    let viewer = reader.map(|(a, reach)| Viewer::with_reach(a, reach));
    let mut union: Option<SelectStatement> = None;
    for source in sources {
        let Some(filters) = source.filters(r, viewer.as_ref(), backend == DbBackend::Postgres)
        else {
            continue;
        };
        let Some(visible) = readable(reader, source.kind) else {
            continue;
        };
        let part = source.part(backend, &query, Condition::all().add(visible).add(filters));
        match union.as_mut() {
            None => union = Some(part),
            Some(first) => {
                first.union(UnionType::All, part);
            }
        }
    }
    let Some(union) = union else {
        return Ok(Vec::new());
    };
    let hits = Alias::new("hits");
    let c = |name: &str| Expr::col((hits.clone(), Alias::new(name)));
    let mut outer = Query::select();
    outer
        .columns(
            [
                "kind",
                "id",
                "link_id",
                "platform_id",
                "title_ar",
                "title_en",
                "body_ar",
                "body_en",
                "date",
                "score",
            ]
            .map(|n| (hits.clone(), Alias::new(n))),
        )
        .from_subquery(union, hits.clone());
    if let Some(after) = r.after {
        let kind = after.kind as i32;
        outer.cond_where(
            Condition::any().add(c("score").lt(after.score)).add(
                Condition::all().add(c("score").eq(after.score)).add(
                    Condition::any().add(c("kind").gt(kind)).add(
                        Condition::all()
                            .add(c("kind").eq(kind))
                            .add(c("id").gt(after.id)),
                    ),
                ),
            ),
        );
    }
    outer
        .order_by((hits.clone(), Alias::new("score")), Order::Desc)
        .order_by((hits.clone(), Alias::new("kind")), Order::Asc)
        .order_by((hits.clone(), Alias::new("id")), Order::Asc)
        .limit(r.limit + 1);
    let (sql, values) = if backend == DbBackend::Postgres {
        // The tsquery is a parameter, so that one statement serves every query. PostgreSQL
        // plans a prepared statement generically after five runs, and in a generic plan
        // `to_tsquery('english', $1)` is parsed again for every row it ranks and rechecks
        // (11 ms instead of 3 for 825 practices): parsed once here, in a materialized CTE,
        // each part reads it from one row.
        let mut parsed = CommonTableExpression::new();
        parsed
            .query(
                Query::select()
                    .expr_as(
                        Expr::cust_with_values("to_tsquery('english', $1)", [query]),
                        Alias::new("q"),
                    )
                    .to_owned(),
            )
            .table_name(Alias::new(QUERY))
            .materialized(true);
        outer
            .with(Query::with().cte(parsed).to_owned())
            .build(PostgresQueryBuilder)
    } else {
        outer.build(SqliteQueryBuilder)
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let kind: i32 = row.try_get("", "kind")?;
            Ok(Hit {
                kind: HitKind::ALL
                    .get(kind as usize)
                    .copied()
                    .ok_or_else(|| ApiError::Unexpected(format!("search kind {kind}")))?,
                id: row.try_get("", "id")?,
                link_id: row.try_get("", "link_id")?,
                platform_id: row.try_get("", "platform_id")?,
                title: (row.try_get("", "title_ar")?, row.try_get("", "title_en")?),
                body: (row.try_get("", "body_ar")?, row.try_get("", "body_en")?),
                date: row.try_get("", "date")?,
                score: row.try_get("", "score")?,
            })
        })
        .collect()
}
