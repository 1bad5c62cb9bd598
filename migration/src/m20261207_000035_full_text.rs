//! One search over the exchange (issue 30), on each database's own full-text engine.
//!
//! Every searchable table keeps a folded `search_text` (Arabic diacritics and letter variants
//! unified, Latin lower-cased) that the API writes with the row; workshops get theirs here. The
//! engines index that text and keep their index up to date themselves, so no write path has to
//! remember the search:
//! - PostgreSQL: a stored generated `search_vector` (`to_tsvector('english', …)`: English
//!   stemmed, Arabic words as folded) with a GIN index;
//! - SQLite: an FTS5 table per source (`<table>_fts`, `porter unicode61`, rowid = the row's id),
//!   filled by triggers on insert, on a change of `search_text` and on delete.
//!
//! People are found by their names only: their search text starts with their email, which the
//! index leaves out.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// The tables searched, each with the SQL of the text its index holds (`{row}` stands for the
/// row: the table itself on PostgreSQL, `new` in a SQLite trigger).
pub const INDEXED: [(&str, &str); 9] = [
    ("platforms", "{row}search_text"),
    ("topics", "{row}search_text"),
    ("working_groups", "{row}search_text"),
    ("task_forces", "{row}search_text"),
    ("workshops", "{row}search_text"),
    ("position_papers", "{row}search_text"),
    ("practices", "{row}search_text"),
    ("documents", "{row}search_text"),
    (
        "users",
        "CASE WHEN instr({row}search_text, ' | ') > 0 \
         THEN substr({row}search_text, instr({row}search_text, ' | ') + 3) ELSE '' END",
    ),
];

fn text_of(expr: &str, row: &str) -> String {
    expr.replace("{row}", row)
}

/// Indexes `expr` (see [`INDEXED`]) of `table` on the database's own engine, as described above.
pub async fn full_text_index(m: &SchemaManager<'_>, table: &str, expr: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    if m.get_database_backend() == DbBackend::Postgres {
        // `instr` is SQLite's; PostgreSQL spells it `strpos`.
        let text = text_of(expr, "").replace("instr(", "strpos(");
        db.execute_unprepared(&format!(
            "ALTER TABLE {table} ADD COLUMN search_vector tsvector \
             GENERATED ALWAYS AS (to_tsvector('english', {text})) STORED"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)"
        ))
        .await?;
    } else {
        let new = text_of(expr, "new.");
        let bare = text_of(expr, "");
        db.execute_unprepared(&format!(
            "CREATE VIRTUAL TABLE {table}_fts USING fts5(body, tokenize = 'porter unicode61');
             INSERT INTO {table}_fts(rowid, body) SELECT id, {bare} FROM {table};
             CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN
               INSERT INTO {table}_fts(rowid, body) VALUES (new.id, {new});
             END;
             CREATE TRIGGER {table}_fts_update AFTER UPDATE OF search_text ON {table} BEGIN
               DELETE FROM {table}_fts WHERE rowid = old.id;
               INSERT INTO {table}_fts(rowid, body) VALUES (new.id, {new});
             END;
             CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN
               DELETE FROM {table}_fts WHERE rowid = old.id;
             END;"
        ))
        .await?;
    }
    Ok(())
}

/// Undoes [`full_text_index`].
pub async fn drop_full_text_index(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    if m.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!(
            "ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector"
        ))
        .await?;
    } else {
        db.execute_unprepared(&format!(
            "DROP TRIGGER IF EXISTS {table}_fts_insert;
             DROP TRIGGER IF EXISTS {table}_fts_update;
             DROP TRIGGER IF EXISTS {table}_fts_delete;
             DROP TABLE IF EXISTS {table}_fts;"
        ))
        .await?;
    }
    Ok(())
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("workshops")
                .add_column(ColumnDef::new("search_text").text().not_null().default(""))
                .to_owned(),
        )
        .await?;
        for (table, expr) in INDEXED {
            full_text_index(m, table, expr).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in INDEXED {
            drop_full_text_index(m, table).await?;
        }
        m.alter_table(
            Table::alter()
                .table("workshops")
                .drop_column("search_text")
                .to_owned(),
        )
        .await
    }
}
