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

// --- downloads in progress (migration 0003) -------------------------------------------

/// How many bytes of `sha256` have been downloaded so far; the next piece starts there.
pub async fn partial_len(conn: &mut Conn, sha256: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(SUM(length(content)), 0) FROM partial_downloads WHERE sha256 = ?",
    )
    .bind(sha256)
    .fetch_one(&mut *conn)
    .await?)
}

/// Keeps a downloaded piece of `sha256` that starts at byte `start` (the current
/// [`partial_len`]).
pub async fn append_partial(
    conn: &mut Conn,
    sha256: &str,
    start: i64,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO partial_downloads (sha256, start_byte, content, created_at)
         VALUES (?, ?, ?, ?)",
    )
    .bind(sha256)
    .bind(start)
    .bind(bytes)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The downloaded pieces of `sha256`, put together in order.
pub async fn partial_content(conn: &mut Conn, sha256: &str) -> Result<Vec<u8>> {
    let pieces: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT content FROM partial_downloads WHERE sha256 = ? ORDER BY start_byte",
    )
    .bind(sha256)
    .fetch_all(&mut *conn)
    .await?;
    Ok(pieces.concat())
}

/// Forgets what was downloaded of `sha256`.
pub async fn drop_partial(conn: &mut Conn, sha256: &str) -> Result<()> {
    sqlx::query("DELETE FROM partial_downloads WHERE sha256 = ?")
        .bind(sha256)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[tokio::test]
    async fn a_partial_download_keeps_its_pieces_in_order_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("test.sqlite3")).await.unwrap();
        let mut conn = store.read().await.unwrap();
        let now = Utc::now();
        let sha = sha256_hex(b"hello world");
        assert_eq!(partial_len(&mut conn, &sha).await.unwrap(), 0);
        append_partial(&mut conn, &sha, 0, b"hello", now)
            .await
            .unwrap();
        append_partial(&mut conn, &sha, 5, b" world", now)
            .await
            .unwrap();
        assert_eq!(partial_len(&mut conn, &sha).await.unwrap(), 11);
        assert_eq!(
            partial_content(&mut conn, &sha).await.unwrap(),
            b"hello world",
            "the pieces come back in the order of their offsets"
        );
        assert!(
            append_partial(&mut conn, &sha, 5, b"again", now)
                .await
                .is_err(),
            "a piece is kept once per offset"
        );
        drop_partial(&mut conn, &sha).await.unwrap();
        assert_eq!(partial_len(&mut conn, &sha).await.unwrap(), 0);
        assert_eq!(
            count(&mut conn).await.unwrap(),
            0,
            "nothing became a document"
        );
    }
}
