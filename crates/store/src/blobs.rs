//! Document content, addressed by its SHA-256 and stored once per hash.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::{Conn, Result};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Stores `bytes` (once per hash) and returns their hash.
pub async fn put(conn: &mut Conn, bytes: &[u8], now: DateTime<Utc>) -> Result<String> {
    let sha = sha256_hex(bytes);
    sqlx::query(
        "INSERT INTO blobs (sha256, size_bytes, content, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha)
    .bind(bytes.len() as i64)
    .bind(bytes)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(sha)
}

pub async fn get(conn: &mut Conn, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("SELECT content FROM blobs WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The stored size of a blob, if it is stored.
pub async fn size(conn: &mut Conn, sha256: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT size_bytes FROM blobs WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM blobs")
        .fetch_one(&mut *conn)
        .await?)
}

/// Records that the server has the content (uploaded from here or downloaded from it).
pub async fn mark_on_server(conn: &mut Conn, sha256: &str) -> Result<()> {
    sqlx::query("UPDATE blobs SET on_server = 1 WHERE sha256 = ?")
        .bind(sha256)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether the server is known to have the content.
pub async fn is_on_server(conn: &mut Conn, sha256: &str) -> Result<bool> {
    Ok(
        sqlx::query_scalar::<_, bool>("SELECT on_server FROM blobs WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(false),
    )
}
