//! Operations: liveness, readiness, and the 404 for unknown paths. (The OpenAPI document
//! serves itself: `crate::openapi`, which lists these handlers and so sits above them.)

use std::time::Duration;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::AppState;

/// How long readiness waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` (the process is up) or `ready` (and the database answers).
    pub status: String,
}

/// The process is up. Says nothing about the database (see `/ready`).
#[utoipa::path(get, path = "/health", tag = "ops",
    responses((status = 200, description = "The process is up", body = HealthStatus)))]
pub async fn health() -> axum::Json<HealthStatus> {
    axum::Json(HealthStatus {
        status: "ok".into(),
    })
}

/// The server can serve: its database answers within 2 s.
#[utoipa::path(get, path = "/ready", tag = "ops",
    responses(
        (status = 200, description = "Ready to serve", body = HealthStatus),
        (status = 503, description = "The database is not reachable (`unavailable`)", body = ErrorBody),
    ))]
pub async fn ready(State(state): State<AppState>) -> Result<axum::Json<HealthStatus>, ApiError> {
    match tokio::time::timeout(READY_TIMEOUT, crate::db::ping(&state.pool)).await {
        Ok(Ok(())) => Ok(axum::Json(HealthStatus {
            status: "ready".into(),
        })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            Err(ApiError::unavailable("The database is not reachable."))
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            Err(ApiError::unavailable(
                "The database did not answer in time.",
            ))
        }
    }
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("No such endpoint.")
}
