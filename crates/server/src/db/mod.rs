//! PostgreSQL: the pool, the schema (`migrations/server`, forward-only, embedded at build
//! time) and the queries, one module per aggregate. No SQL lives outside this module.

pub mod sessions;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

/// Every file of `migrations/server`, applied in order of their number at start-up.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/server");

/// A pool on `url` (a `postgres://` URL). Fails when the database cannot be reached.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name("so-server");
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
}

/// Brings the schema up to date. Safe with several servers starting at once: sqlx holds
/// an advisory lock while it migrates.
pub async fn migrate(pool: &PgPool) -> Result<(), MigrateError> {
    MIGRATOR.run(pool).await
}

/// Whether the database answers (the readiness check).
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}
