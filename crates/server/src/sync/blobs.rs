//! Document content, addressed by SHA-256: `PUT` and `GET /v1/blobs/{sha256}`.
//!
//! The hash is checked on upload (the server computes it) and the client checks it again
//! on download. Reading is allowed to the uploader and to whoever may see a case with a
//! document of that content; anyone else gets "not found", as for a missing blob.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use chrono::Utc;
use domain::Actor;
use sha2::{Digest, Sha256};

use super::db;
use crate::{ApiError, AppState, AuthUser};

fn parse_hash(text: &str) -> Result<&str, ApiError> {
    let ok = text.len() == 64 && text.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
    if ok {
        Ok(text)
    } else {
        Err(ApiError::invalid_input(
            "The blob address must be a lower-case hex SHA-256.",
        ))
    }
}

#[utoipa::path(put, path = "/v1/blobs/{sha256}", tag = "sync", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "Lower-case hex SHA-256 of the content")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The document's bytes, at most 25 MiB"),
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
    domain::decide::check_document_size(body.len() as u64).map_err(ApiError::from)?;
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
    params(("sha256" = String, Path, description = "Lower-case hex SHA-256 of the content")),
    responses(
        (status = 200, description = "The content", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 404, description = "No such content, or not for this user (`not_found`)", body = crate::error::ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    Path(sha256): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let sha256 = parse_hash(&sha256)?;
    let mut conn = state.pool.acquire().await?;
    let content = db::readable_blob(&mut conn, sha256, Actor::new(user.id, user.role))
        .await?
        .ok_or_else(|| ApiError::not_found("Document not found."))?;
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream")],
        content,
    ))
}
