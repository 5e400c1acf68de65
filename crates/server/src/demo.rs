//! Demo accounts for development and tests (`SO_SERVER_DEMO=1`): the same people as the
//! desktop's standalone demo (`domain::demo::catalog()`: same ids, names, e-mail
//! addresses and roles), all with the password [`DEMO_PASSWORD`]. Never for real use.
//!
//! With the accounts comes the demo configuration (specialties, review types, disease
//! categories, who coordinates and reviews what), written by the sync schema's own code.

use domain::Role;
use sqlx::PgPool;

use crate::accounts::{Email, NewUser};
use crate::db::users;
use crate::password;

/// The password of every demo account. Public, hence demo-only.
pub const DEMO_PASSWORD: &str = "demo-password-2026";

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("a demo account is not valid: {0}")]
    Invalid(String),
    #[error("hashing the demo password failed: {0}")]
    Hash(String),
}

/// How many demo accounts can sign in on this database (with the published
/// [`DEMO_PASSWORD`], unless someone changed it): the server warns when it runs without
/// `SO_SERVER_DEMO` and finds any, left over from a demo run.
pub async fn accounts_signing_in(pool: &PgPool) -> Result<i64, sqlx::Error> {
    let emails: Vec<String> = domain::demo::catalog()
        .users
        .into_iter()
        .filter(|p| p.role != Role::System)
        .map(|p| p.email)
        .collect();
    users::count_signing_in(pool, &emails).await
}

/// Creates the demo accounts when there is no account at all; returns how many it
/// created (0 when there were accounts already). Safe with several servers starting at
/// once: the check and the inserts hold a lock on `users`.
pub async fn seed_accounts(pool: &PgPool) -> Result<usize, SeedError> {
    // One hash for all: they share a published password, so separate salts protect
    // nothing, and it saves a second of argon2 per start (and per test).
    let hash = tokio::task::spawn_blocking(|| password::hash_blocking(DEMO_PASSWORD))
        .await
        .map_err(|e| SeedError::Hash(e.to_string()))?
        .map_err(|e| SeedError::Hash(e.to_string()))?;

    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    if users::count(&mut *tx).await? > 0 {
        return Ok(0);
    }
    let people = domain::demo::catalog().users;
    for person in &people {
        let account = NewUser {
            email: Email::parse(&person.email)
                .map_err(|e| SeedError::Invalid(format!("{}: {}", person.email, e.message())))?,
            name: person.name.clone(),
            role: person.role,
        };
        // The system user acts for scheduled jobs and verified callbacks; nobody signs in
        // as it.
        let hash = (person.role != Role::System).then_some(hash.as_str());
        users::insert(&mut *tx, person.id, &account, hash).await?;
    }
    // Their specialties, the review types and disease categories of the same demo.
    crate::sync::db::save_configuration(&mut tx, &domain::demo::catalog()).await?;
    tx.commit().await?;
    Ok(people.len())
}
