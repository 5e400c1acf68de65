//! The `sessions` table: SHA-256 of each token, its user, expiry and revocation.

use chrono::{DateTime, Utc};
use domain::{Role, UserId};
use sqlx::PgPool;
use uuid::Uuid;

pub async fn insert(
    pool: &PgPool,
    token_hash: &[u8; 32],
    user: UserId,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&token_hash[..])
    .bind(user.0)
    .bind(created_at)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The user (id and role) of a live session: known token, not revoked, not expired at
/// `now`, and an active user.
pub async fn authenticate(
    pool: &PgPool,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<(UserId, Role)>, sqlx::Error> {
    let row: Option<(Uuid, String)> = sqlx::query_as(
        "SELECT u.id, u.role FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
           AND u.active",
    )
    .bind(&token_hash[..])
    .bind(now)
    .fetch_optional(pool)
    .await?;
    row.map(|(id, role)| {
        let role = Role::parse(&role).ok_or_else(|| {
            sqlx::Error::Decode(format!("users.role holds an unknown role {role:?}").into())
        })?;
        Ok((UserId(id), role))
    })
    .transpose()
}

/// Revokes the session; `false` when it was already revoked (or never existed).
pub async fn revoke(
    pool: &PgPool,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(&token_hash[..])
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the sessions that ended (expired or revoked) before `before`; how many. An
/// ended session can never authenticate again; its row is kept a while only to answer
/// "was this token revoked?" when someone asks soon after.
pub async fn purge_ended(pool: &PgPool, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1")
        .bind(before)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
