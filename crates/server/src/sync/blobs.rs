//! Document content, addressed by SHA-256: `GET /v1/blobs/{sha256}` (whole, or the part a
//! `Range: bytes=…` names, so an interrupted download resumes), and `PUT` of a whole
//! small document in one request. Large documents go up in resumable chunks
//! ([`super::uploads`]). The protocol is in docs/sync.md, "Documents".
//!
//! The hash is checked on upload (the server computes it) and the client checks it again
//! on download. Reading is allowed to the uploader and to whoever may see a case with a
//! document of that content; anyone else gets "not found", as for a missing blob.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::Actor;
use sha2::{Digest, Sha256};

use super::{blob_db, db};
use crate::error::{ErrorBody, ErrorCode};
use crate::{ApiError, AppState, AuthUser};

pub(crate) fn parse_hash(text: &str) -> Result<&str, ApiError> {
    let ok = text.len() == 64 && text.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
    if ok {
        Ok(text)
    } else {
        Err(ApiError::invalid_input(
            "The blob address must be a lower-case hex SHA-256.",
        ))
    }
}

/// What every route answers for content that is missing or not this user's to read.
pub(crate) fn not_found() -> ApiError {
    ApiError::not_found("Document not found.")
}

#[utoipa::path(put, path = "/v1/blobs/{sha256}", tag = "sync", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "Lower-case hex SHA-256 of the content")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The document's bytes, at most 25 MiB. For anything but small documents \
            prefer the resumable upload (`PUT /v1/blobs/{sha256}/upload/{offset}`)."),
    responses(
        (status = 204, description = "Stored (or already there)"),
        (status = 400, description = "Bad address, empty content or hash mismatch (`invalid_input`)", body = crate::error::ErrorBody),
        (status = 413, description = "Over 25 MiB (`payload_too_large`)", body = crate::error::ErrorBody),
    ))]
pub async fn put(
    State(state): State<AppState>,
    user: AuthUser,
    Path(sha256): Path<String>,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let sha256 = parse_hash(&sha256)?;
    domain::document::check_document_size(body.len() as u64).map_err(ApiError::from)?;
    if hex::encode(Sha256::digest(&body)) != sha256 {
        return Err(ApiError::invalid_input(
            "The content does not match its SHA-256; nothing was stored.",
        ));
    }
    let mut conn = state.pool.acquire().await?;
    db::put_blob(&mut conn, sha256, &body, user.id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/blobs/{sha256}", tag = "sync", security(("bearer" = [])),
    params(
        ("sha256" = String, Path, description = "Lower-case hex SHA-256 of the content"),
        ("Range" = Option<String>, Header, description = "One byte range: `bytes=N-` (from N \
            to the end), `bytes=N-M` (N to M, inclusive) or `bytes=-K` (the last K bytes). \
            An interrupted download asks for what it is missing."),
    ),
    responses(
        (status = 200, description = "The whole content", body = Vec<u8>, content_type = "application/octet-stream",
            headers(("Accept-Ranges" = String, description = "`bytes`"))),
        (status = 206, description = "The requested range", body = Vec<u8>, content_type = "application/octet-stream",
            headers(("Content-Range" = String, description = "`bytes N-M/size`"))),
        (status = 400, description = "Bad address, or a `Range` that is not one byte range (`invalid_input`)", body = crate::error::ErrorBody),
        (status = 404, description = "No such content, or not for this user (`not_found`)", body = crate::error::ErrorBody),
        (status = 416, description = "The range starts at or past the end (`invalid_input`); \
            `Content-Range: bytes */size`", body = crate::error::ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let sha256 = parse_hash(&sha256)?;
    let mut conn = state.pool.acquire().await?;
    // Access first: a user who may not read the content learns nothing, range or not.
    let size = blob_db::readable_size(&mut conn, sha256, Actor::new(user.id, user.role))
        .await?
        .ok_or_else(not_found)?;
    let range = match headers.get(header::RANGE) {
        None => None,
        Some(value) => {
            let text = value.to_str().map_err(|_| bad_range())?;
            match parse_range(text, size)? {
                Ranged::Satisfiable(start, end) => Some((start, end)),
                Ranged::Unsatisfiable => return Ok(unsatisfiable(size)),
            }
        }
    };
    let octets = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    let bytes = (header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    Ok(match range {
        None => {
            let content = blob_db::content_slice(&mut conn, sha256, 0, size).await?;
            ([octets, bytes], content).into_response()
        }
        Some((start, end)) => {
            let content = blob_db::content_slice(&mut conn, sha256, start, end - start + 1).await?;
            let range = content_range(&format!("bytes {start}-{end}/{size}"));
            (StatusCode::PARTIAL_CONTENT, [octets, bytes, range], content).into_response()
        }
    })
}

#[derive(Debug, PartialEq, Eq)]
enum Ranged {
    /// First and last byte, inclusive, within the content.
    Satisfiable(i64, i64),
    /// Starts at or past the end (or asks for the last 0 bytes).
    Unsatisfiable,
}

fn bad_range() -> ApiError {
    ApiError::invalid_input("Range must be one byte range: bytes=N-, bytes=N-M or bytes=-K.")
}

/// `bytes=N-`, `bytes=N-M` or `bytes=-K` against content of `size` bytes. Several ranges
/// or other units are refused rather than ignored: a client that asks for a part and gets
/// the whole would store it wrong.
fn parse_range(text: &str, size: i64) -> Result<Ranged, ApiError> {
    let spec = text.trim().strip_prefix("bytes=").ok_or_else(bad_range)?;
    let (first, last) = spec.split_once('-').ok_or_else(bad_range)?;
    let number = |s: &str| -> Result<i64, ApiError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_range());
        }
        s.parse::<i64>().map_err(|_| bad_range())
    };
    if first.is_empty() {
        let suffix = number(last)?;
        if suffix == 0 {
            return Ok(Ranged::Unsatisfiable);
        }
        return Ok(Ranged::Satisfiable((size - suffix).max(0), size - 1));
    }
    let start = number(first)?;
    let end = if last.is_empty() {
        size - 1
    } else {
        let end = number(last)?;
        if end < start {
            return Err(bad_range());
        }
        end.min(size - 1)
    };
    if start >= size {
        return Ok(Ranged::Unsatisfiable);
    }
    Ok(Ranged::Satisfiable(start, end))
}

fn content_range(text: &str) -> (header::HeaderName, HeaderValue) {
    // Digits, spaces, '-', '/' and '*' only: always a valid header value.
    let value = HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("*"));
    (header::CONTENT_RANGE, value)
}

/// 416 with `Content-Range: bytes */size`, in the usual error shape.
fn unsatisfiable(size: i64) -> Response {
    let body = ErrorBody {
        code: ErrorCode::InvalidInput,
        message: format!("The range starts past the end of the content ({size} bytes)."),
    };
    (
        StatusCode::RANGE_NOT_SATISFIABLE,
        [content_range(&format!("bytes */{size}"))],
        axum::Json(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{parse_range, Ranged};

    #[test]
    fn ranges_are_one_byte_range_within_the_content() {
        let ok = |text: &str| parse_range(text, 10).expect(text);
        assert_eq!(ok("bytes=0-"), Ranged::Satisfiable(0, 9));
        assert_eq!(ok("bytes=3-"), Ranged::Satisfiable(3, 9));
        assert_eq!(ok("bytes=3-5"), Ranged::Satisfiable(3, 5));
        assert_eq!(
            ok("bytes=3-99"),
            Ranged::Satisfiable(3, 9),
            "the end is clamped"
        );
        assert_eq!(ok("bytes=-4"), Ranged::Satisfiable(6, 9));
        assert_eq!(ok("bytes=-40"), Ranged::Satisfiable(0, 9));
        assert_eq!(ok("bytes=10-"), Ranged::Unsatisfiable, "starts at the end");
        assert_eq!(ok("bytes=-0"), Ranged::Unsatisfiable);
        for bad in [
            "bytes=5-3",
            "bytes=a-",
            "bytes=-",
            "bytes=+1-2",
            "bytes=0-1,4-5",
            "items=0-1",
            "0-1",
        ] {
            assert!(parse_range(bad, 10).is_err(), "{bad} must be refused");
        }
    }
}
