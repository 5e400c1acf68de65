//! Sync: the server as the authority over pushed commands, and the pull of what changed.
//! The model is in `docs/sync.md`; the wire types in the `protocol` crate.

pub mod apply;
pub mod blob_db;
pub mod blobs;
pub mod chat_db;
pub mod db;
pub mod live;
pub mod pull;
pub mod push;
pub mod uploads;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;

use crate::AppState;

/// The largest push body: `protocol::MAX_PUSH_COMMANDS` commands of ordinary size.
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;

/// A document of the largest allowed size, plus slack for nothing: blobs are raw bytes.
pub const MAX_BLOB_BYTES: usize = domain::MAX_DOCUMENT_BYTES as usize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/push",
            post(push::push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route("/v1/pull", get(pull::pull))
        .route("/v1/live", get(live::live))
        .route("/v1/notification-settings", get(crate::notify::settings))
        .route(
            "/v1/blobs/{sha256}",
            put(blobs::put)
                .layer(DefaultBodyLimit::max(MAX_BLOB_BYTES))
                .get(blobs::get),
        )
        .route(
            "/v1/blobs/{sha256}/upload",
            get(uploads::status).delete(uploads::abandon),
        )
        .route(
            "/v1/blobs/{sha256}/upload/{offset}",
            put(uploads::put_chunk).layer(DefaultBodyLimit::max(uploads::MAX_CHUNK_BYTES)),
        )
}
