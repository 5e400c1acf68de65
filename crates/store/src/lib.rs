//! The desktop's local store: one SQLite file (WAL) holding the replica — configuration,
//! patients, cases, document content, the per-case timeline — and the outbox of commands
//! the user issued.
//!
//! Queries live here, one module per aggregate; nothing else in the app writes SQL. This
//! crate never decides anything: it loads what the rules need and saves what they decided.

pub mod blobs;
pub mod cases;
pub mod catalog;
pub mod chat;
pub mod confirmed;
pub mod counters;
pub mod drafts;
pub mod events;
pub mod meta;
pub mod notifications;
pub mod outbox;
pub mod patients;
pub mod timeline;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub use sqlx::SqliteConnection as Conn;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/desktop");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub type Tx = Transaction<'static, Sqlite>;

/// The local database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Store { pool };
        store.project().await?;
        Ok(store)
    }

    /// Brings the cases' projection up to date: a store made before it (or by an older
    /// version of it) has every case projected again, once, in one transaction.
    async fn project(&self) -> Result<()> {
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&self.pool)
            .await?;
        if version >= cases::PROJECTION_VERSION {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let projected = cases::reproject(&mut tx).await?;
        // PRAGMA takes no bound parameters; the version is our own constant.
        sqlx::query(&format!(
            "PRAGMA user_version = {}",
            cases::PROJECTION_VERSION
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(projected, "the cases' projection is up to date");
        Ok(())
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so a
    /// read-then-write never fails half-way on a lock upgrade.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A connection for reads.
    ///
    /// The pool is small: never ask for a second connection (or [`Store::begin`]) while
    /// holding one. Pass the one you hold instead; several callers each holding one and
    /// waiting for another would starve the pool until all of them time out.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<Sqlite>> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The journal mode in force (for tests and diagnostics).
    pub async fn journal_mode(&self) -> Result<String> {
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.pool)
            .await?;
        Ok(mode)
    }
}

impl Store {
    /// A digest of every row of every table: equal fingerprints mean nothing changed.
    /// For tests that check a refused command left the store exactly as it was.
    pub async fn fingerprint(&self) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut conn = self.read().await?;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut digest = Sha256::new();
        for table in tables {
            // Every column as text (blobs as hex), row by row in rowid order.
            let columns: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&mut *conn)
                    .await?;
            let row_expr = columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let rows: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT {row_expr} FROM \"{table}\" ORDER BY rowid"
            ))
            .fetch_all(&mut *conn)
            .await?;
            digest.update(table.as_bytes());
            digest.update(rows.len().to_le_bytes());
            for row in rows {
                digest.update(row.as_bytes());
                digest.update(b"\n");
            }
        }
        Ok(hex::encode(digest.finalize()))
    }
}

pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn parse_id<T: FromStr>(text: &str) -> Result<T> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id {text:?}")))
}
