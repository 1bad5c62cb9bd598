//! Transactions for writes. On SQLite they begin `IMMEDIATE`, taking the write lock up front:
//! a deferred transaction that reads and then writes can fail with "database is locked" when
//! another writer got there in between, and `busy_timeout` cannot help with that. PostgreSQL
//! ignores the option.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Begins a transaction that will write.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
