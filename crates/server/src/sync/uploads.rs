//! Resumable, chunked upload of document content (docs/sync.md, "Documents"):
//!
//! - `PUT /v1/blobs/{sha256}/upload/{offset}` with `Upload-Length: <total>` and the bytes
//!   from `offset` on: a chunk. The first one (offset 0) starts the upload; every other one
//!   must start where the server's copy ends (else 409 `conflict`, with the right
//!   `Upload-Offset`). The last one completes it: the server hashes the whole and only a
//!   match becomes readable; a mismatch discards the upload (400 `invalid_input`).
//! - `GET` (or `HEAD`) `/v1/blobs/{sha256}/upload`: where to go on — `Upload-Offset` and
//!   `Upload-Length`; the two are equal when the content is stored and readable.
//! - `DELETE /v1/blobs/{sha256}/upload`: gives an upload up.
//!
//! An upload belongs to its uploader alone: anyone else gets 404, exactly as for content
//! that does not exist. The size limit holds for the declared length and for the bytes
//! themselves (no chunk may go past the declared length).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::Actor;
use sqlx::PgPool;

use super::blob_db;
use super::blobs::{not_found, parse_hash};
use crate::{ApiError, AppState, AuthUser};

/// The largest chunk the server takes in one request. Clients send 1 MiB by default.
pub const MAX_CHUNK_BYTES: usize = protocol::MAX_UPLOAD_CHUNK_BYTES;

/// An upload nothing was added to for this long is dropped (when another upload starts,
/// and by [`drop_stale_uploads`]).
pub const STALE_UPLOAD_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Request (chunks) and answer: the total size of the content, in bytes.
pub const UPLOAD_LENGTH: HeaderName = HeaderName::from_static(protocol::UPLOAD_LENGTH_HEADER);
/// Answer: the bytes the server has; the next chunk starts here.
pub const UPLOAD_OFFSET: HeaderName = HeaderName::from_static(protocol::UPLOAD_OFFSET_HEADER);

fn progress(offset: i64, length: i64) -> [(HeaderName, HeaderValue); 2] {
    [
        (UPLOAD_OFFSET, HeaderValue::from(offset)),
        (UPLOAD_LENGTH, HeaderValue::from(length)),
    ]
}

fn declared_length(headers: &HeaderMap) -> Result<i64, ApiError> {
    let missing = || {
        ApiError::invalid_input(
            "Upload-Length must give the content's total size in bytes (a whole number).",
        )
    };
    let text = headers
        .get(&UPLOAD_LENGTH)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let length: u64 = text.trim().parse().map_err(|_| missing())?;
    domain::document::check_document_size(length).map_err(ApiError::from)?;
    i64::try_from(length).map_err(|_| missing())
}

#[utoipa::path(put, path = "/v1/blobs/{sha256}/upload/{offset}", tag = "sync",
    security(("bearer" = [])),
    params(
        ("sha256" = String, Path, description = "Lower-case hex SHA-256 of the whole content"),
        ("offset" = u64, Path, description = "Where this chunk starts: 0 for the first, then \
            the `Upload-Offset` the server answered"),
        ("Upload-Length" = u64, Header, description = "The whole content's size in bytes, the \
            same on every chunk; at most 25 MiB"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The chunk's bytes: at least 1, at most 4 MiB, not past `Upload-Length`"),
    responses(
        (status = 204, description = "Taken. `Upload-Offset` equal to `Upload-Length`: the \
            content was complete, matched its SHA-256 and is stored.",
            headers(
                ("Upload-Offset" = u64, description = "The bytes the server has now"),
                ("Upload-Length" = u64, description = "The declared total"),
            )),
        (status = 400, description = "Bad address, missing `Upload-Length`, empty chunk, or \
            (on the last chunk) the content does not match its SHA-256: the upload is \
            discarded, nothing is stored (`invalid_input`)", body = crate::error::ErrorBody),
        (status = 404, description = "A chunk past 0 and no upload of this content by this \
            user (`not_found`)", body = crate::error::ErrorBody),
        (status = 409, description = "The chunk does not start where the server's copy ends \
            (out of order or overlapping), or another `Upload-Length` than the upload's \
            (`conflict`); `Upload-Offset` says where to go on", body = crate::error::ErrorBody,
            headers(
                ("Upload-Offset" = u64, description = "The bytes the server has"),
                ("Upload-Length" = u64, description = "The upload's declared total"),
            )),
        (status = 413, description = "`Upload-Length` over 25 MiB, a chunk over 4 MiB or one \
            going past `Upload-Length`; nothing stored (`payload_too_large`)",
            body = crate::error::ErrorBody),
    ))]
pub async fn put_chunk(
    State(state): State<AppState>,
    user: AuthUser,
    Path((sha256, offset)): Path<(String, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let sha256 = parse_hash(&sha256)?;
    let length = declared_length(&headers)?;
    if body.is_empty() {
        return Err(ApiError::invalid_input("A chunk has at least one byte."));
    }
    let offset = i64::try_from(offset).map_err(|_| past_the_end())?;
    let end = offset
        .checked_add(body.len() as i64)
        .filter(|end| *end <= length)
        .ok_or_else(past_the_end)?;
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let upload = match blob_db::lock_upload(&mut tx, sha256, user.id).await? {
        Some(upload) => upload,
        None if offset == 0 => {
            blob_db::drop_uploads_idle_since(&mut tx, stale_before(now)).await?;
            blob_db::start_upload(&mut tx, sha256, user.id, length, now).await?
        }
        // Nothing of this user's to resume; someone else's upload is not theirs to see.
        None => return Err(not_found()),
    };
    if upload.size_bytes != length {
        let message = "This upload was started with another Upload-Length; give it up \
                       (DELETE …/upload) to start again.";
        return Ok(conflict(message, upload));
    }
    if upload.received != offset {
        let message = format!(
            "The server has {} bytes of this upload; the next chunk starts there, not at {offset}.",
            upload.received
        );
        return Ok(conflict(message, upload));
    }
    blob_db::add_chunk(&mut tx, sha256, user.id, offset, &body, now).await?;
    if end < length {
        tx.commit().await?;
        return Ok((StatusCode::NO_CONTENT, progress(end, length)).into_response());
    }
    let matched = blob_db::complete_upload(&mut tx, sha256, user.id, now).await?;
    tx.commit().await?;
    if !matched {
        return Err(ApiError::invalid_input(
            "The content does not match its SHA-256; the upload was discarded and nothing was \
             stored.",
        ));
    }
    Ok((StatusCode::NO_CONTENT, progress(length, length)).into_response())
}

fn past_the_end() -> ApiError {
    ApiError::new(
        crate::ErrorCode::PayloadTooLarge,
        "The chunk goes past the declared Upload-Length; nothing of it was stored.",
    )
}

fn conflict(
    message: impl Into<std::borrow::Cow<'static, str>>,
    upload: blob_db::Upload,
) -> Response {
    (
        progress(upload.received, upload.size_bytes),
        ApiError::conflict(message),
    )
        .into_response()
}

#[utoipa::path(get, path = "/v1/blobs/{sha256}/upload", tag = "sync", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "Lower-case hex SHA-256 of the content")),
    responses(
        (status = 204, description = "Where this user's upload stands (`HEAD` answers the \
            same). `Upload-Offset` equal to `Upload-Length`: the content is stored and this \
            user may read it; nothing to send.",
            headers(
                ("Upload-Offset" = u64, description = "The bytes the server has; the next \
                    chunk starts here"),
                ("Upload-Length" = u64, description = "The declared total"),
            )),
        (status = 400, description = "Bad address (`invalid_input`)", body = crate::error::ErrorBody),
        (status = 404, description = "No upload of this content by this user, and no content \
            this user may read: start at offset 0 (`not_found`)", body = crate::error::ErrorBody),
    ))]
pub async fn status(
    State(state): State<AppState>,
    user: AuthUser,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let sha256 = parse_hash(&sha256)?;
    let mut conn = state.pool.acquire().await?;
    if let Some(upload) = blob_db::upload(&mut conn, sha256, user.id).await? {
        let answer = progress(upload.received, upload.size_bytes);
        return Ok((StatusCode::NO_CONTENT, answer).into_response());
    }
    let size = blob_db::readable_size(&mut conn, sha256, Actor::new(user.id, user.role))
        .await?
        .ok_or_else(not_found)?;
    Ok((StatusCode::NO_CONTENT, progress(size, size)).into_response())
}

#[utoipa::path(delete, path = "/v1/blobs/{sha256}/upload", tag = "sync", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "Lower-case hex SHA-256 of the content")),
    responses(
        (status = 204, description = "This user's unfinished upload and its chunks are gone"),
        (status = 400, description = "Bad address (`invalid_input`)", body = crate::error::ErrorBody),
        (status = 404, description = "No unfinished upload of this content by this user (`not_found`)", body = crate::error::ErrorBody),
    ))]
pub async fn abandon(
    State(state): State<AppState>,
    user: AuthUser,
    Path(sha256): Path<String>,
) -> Result<StatusCode, ApiError> {
    let sha256 = parse_hash(&sha256)?;
    let mut conn = state.pool.acquire().await?;
    if blob_db::drop_upload(&mut conn, sha256, user.id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

fn stale_before(now: DateTime<Utc>) -> DateTime<Utc> {
    let age = chrono::Duration::from_std(STALE_UPLOAD_AFTER).unwrap_or(chrono::Duration::MAX);
    now.checked_sub_signed(age)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Drops the uploads nothing was added to for [`STALE_UPLOAD_AFTER`] before `now`, with
/// their chunks; how many. Starting an upload does this too; a scheduled job may call it.
pub async fn drop_stale_uploads(pool: &PgPool, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let mut conn = pool.acquire().await?;
    blob_db::drop_uploads_idle_since(&mut conn, stale_before(now)).await
}
