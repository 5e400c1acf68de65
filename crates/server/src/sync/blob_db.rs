//! The queries of document content (`blobs`) and of its resumable uploads
//! (`blob_uploads`, `blob_upload_chunks`; migration 0004). Nothing here decides who may do
//! what beyond the one rule of reading: the uploader, whoever may see a case with a
//! document of that content, or whoever may read the chat of a case with a message that
//! attaches it (never an admin).

use chrono::{DateTime, Utc};
use domain::{Actor, Case, UserId};
use sqlx::{PgConnection, Row};

/// Whether `actor` may read the content of `sha256`: they uploaded it, they may see a case
/// with a document of that content, or they may read the chat of a case with a message
/// attaching it (`domain::can_read_chat`: so never an admin through chat — an admin reads
/// such content only when it is also a case's document). Its size when they may, `None`
/// when they may not or when there is no such content (the caller answers both alike).
pub async fn readable_size(
    conn: &mut PgConnection,
    sha256: &str,
    actor: Actor,
) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query("SELECT size_bytes, uploaded_by FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let size: i64 = row.get("size_bytes");
    if UserId(row.get("uploaded_by")) == actor.id {
        return Ok(Some(size));
    }
    let states: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT state FROM cases
         WHERE state->'documents' @> jsonb_build_array(jsonb_build_object('sha256', $1::text))",
    )
    .bind(sha256)
    .fetch_all(&mut *conn)
    .await?;
    for state in states {
        let case: Case = serde_json::from_value(state)
            .map_err(|e| sqlx::Error::Decode(format!("stored case: {e}").into()))?;
        if domain::visibility::can_see(&case, actor) {
            return Ok(Some(size));
        }
    }
    let chats = super::chat_db::cases_attaching(conn, sha256).await?;
    for case in super::db::get_cases(conn, &chats).await? {
        if domain::can_read_chat(&case, actor) {
            return Ok(Some(size));
        }
    }
    Ok(None)
}

/// `len` bytes of the content from byte `start` (0-based). Only the slice leaves the
/// database.
pub async fn content_slice(
    conn: &mut PgConnection,
    sha256: &str,
    start: i64,
    len: i64,
) -> sqlx::Result<Vec<u8>> {
    // substring() counts from 1 and takes `integer`s (a document is far below 2 GiB).
    sqlx::query_scalar(
        "SELECT substring(content FROM $2::integer FOR $3::integer) FROM blobs WHERE sha256 = $1",
    )
    .bind(sha256)
    .bind(start + 1)
    .bind(len)
    .fetch_one(&mut *conn)
    .await
}

/// A user's unfinished upload of one content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Upload {
    /// The declared total size.
    pub size_bytes: i64,
    /// Bytes received so far; the next chunk starts here.
    pub received: i64,
}

/// `by`'s upload of `sha256`, if any, locked until the transaction ends (chunks of one
/// upload are taken one at a time).
pub async fn lock_upload(
    conn: &mut PgConnection,
    sha256: &str,
    by: UserId,
) -> sqlx::Result<Option<Upload>> {
    let row = sqlx::query(
        "SELECT size_bytes, received FROM blob_uploads
         WHERE sha256 = $1 AND uploaded_by = $2 FOR UPDATE",
    )
    .bind(sha256)
    .bind(by.as_uuid())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Upload {
        size_bytes: r.get("size_bytes"),
        received: r.get("received"),
    }))
}

/// `by`'s upload of `sha256`, if any, without locking it.
pub async fn upload(
    conn: &mut PgConnection,
    sha256: &str,
    by: UserId,
) -> sqlx::Result<Option<Upload>> {
    let row = sqlx::query(
        "SELECT size_bytes, received FROM blob_uploads WHERE sha256 = $1 AND uploaded_by = $2",
    )
    .bind(sha256)
    .bind(by.as_uuid())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Upload {
        size_bytes: r.get("size_bytes"),
        received: r.get("received"),
    }))
}

/// Starts `by`'s upload of `sha256` with nothing received (a concurrent start of the same
/// upload wins instead), then locks it.
pub async fn start_upload(
    conn: &mut PgConnection,
    sha256: &str,
    by: UserId,
    size_bytes: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Upload> {
    sqlx::query(
        "INSERT INTO blob_uploads (sha256, uploaded_by, size_bytes, received, started_at, updated_at)
         VALUES ($1, $2, $3, 0, $4, $4) ON CONFLICT (sha256, uploaded_by) DO NOTHING",
    )
    .bind(sha256)
    .bind(by.as_uuid())
    .bind(size_bytes)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    lock_upload(conn, sha256, by)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Adds a chunk at `start` (which must be the upload's `received`) and moves `received`
/// past it.
pub async fn add_chunk(
    conn: &mut PgConnection,
    sha256: &str,
    by: UserId,
    start: i64,
    content: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO blob_upload_chunks (sha256, uploaded_by, start_byte, content)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(sha256)
    .bind(by.as_uuid())
    .bind(start)
    .bind(content)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE blob_uploads SET received = $3 + $4, updated_at = $5
         WHERE sha256 = $1 AND uploaded_by = $2",
    )
    .bind(sha256)
    .bind(by.as_uuid())
    .bind(start)
    .bind(content.len() as i64)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends a fully received upload: its chunks are put together and hashed in the database
/// (the content does not travel back to the server to be checked); only when the SHA-256
/// of the whole is `sha256` does it enter `blobs`, where it becomes readable. The upload
/// is deleted either way. Whether the hash matched.
pub async fn complete_upload(
    conn: &mut PgConnection,
    sha256: &str,
    by: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let matched: Option<bool> = sqlx::query_scalar(
        "WITH whole AS (
             SELECT string_agg(content, ''::bytea ORDER BY start_byte) AS content
             FROM blob_upload_chunks WHERE sha256 = $1 AND uploaded_by = $2
         ), stored AS (
             INSERT INTO blobs (sha256, size_bytes, content, uploaded_by, created_at)
             SELECT $1, length(content), content, $2, $3 FROM whole
             WHERE encode(sha256(content), 'hex') = $1
             ON CONFLICT (sha256) DO NOTHING
         )
         SELECT encode(sha256(content), 'hex') = $1 FROM whole",
    )
    .bind(sha256)
    .bind(by.as_uuid())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    drop_upload(conn, sha256, by).await?;
    Ok(matched.unwrap_or(false))
}

/// Deletes `by`'s upload of `sha256` and its chunks; whether there was one.
pub async fn drop_upload(conn: &mut PgConnection, sha256: &str, by: UserId) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM blob_uploads WHERE sha256 = $1 AND uploaded_by = $2")
        .bind(sha256)
        .bind(by.as_uuid())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes every upload nothing was added to since `idle_since`, with its chunks; how many.
pub async fn drop_uploads_idle_since(
    conn: &mut PgConnection,
    idle_since: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM blob_uploads WHERE updated_at < $1")
        .bind(idle_since)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
