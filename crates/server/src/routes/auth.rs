//! Sign-in, sign-out, and who am I.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::UserView;
use crate::accounts::{could_be_an_address, email_key};
use crate::auth::{session_expiry, AuthUser, SessionToken};
use crate::db::{sessions, users};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ClientIp, Json};
use crate::password::Password;
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    #[schema(example = "admin@demo.hospital")]
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: Password,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignInResponse {
    /// The session token: send it as `Authorization: Bearer <token>`. 64 hex characters.
    pub token: String,
    /// When the session ends (12 hours after sign-in).
    pub expires_at: DateTime<Utc>,
    pub user: UserView,
}

/// Signs in with e-mail address and password; answers a session token. An unknown address
/// and a wrong password get the same answer, in about the same time.
#[utoipa::path(post, path = "/v1/auth/sign-in", tag = "auth",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in", body = SignInResponse),
        (status = 400, description = "Malformed body (`invalid_input`)", body = ErrorBody),
        (status = 401, description = "Unknown e-mail address, wrong password or deactivated account (`invalid_credentials`)", body = ErrorBody),
        (status = 413, description = "Body over 16 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON (`unsupported_media_type`)", body = ErrorBody),
        (status = 429, description = "Too many attempts for this address or from this client (`rate_limited`)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(request): Json<SignInRequest>,
) -> Result<axum::Json<SignInResponse>, ApiError> {
    if request.email.trim().is_empty() || request.password.expose().is_empty() {
        return Err(ApiError::invalid_input("email and password are required."));
    }
    state
        .sign_in_limits
        .check(client, &email_key(&request.email))?;

    // What no account can have is not looked up (a NUL would make the query fail): it is
    // answered as an unknown address, after the same dummy hash.
    let found = if could_be_an_address(&request.email) {
        users::find_for_sign_in(&state.pool, request.email.trim()).await?
    } else {
        None
    };
    let stored_hash = found.as_ref().and_then(|(_, hash)| hash.clone());
    // Always one argon2 verification, against a dummy hash when there is no account.
    let matches = state
        .passwords
        .verify(&request.password, stored_hash)
        .await?;
    let account = match found {
        Some((account, _)) if matches && account.active => account,
        _ => {
            tracing::info!("sign-in refused");
            return Err(ApiError::invalid_credentials());
        }
    };

    let now = Utc::now();
    let token = SessionToken::generate();
    let expires_at = session_expiry(now);
    sessions::insert(&state.pool, &token.hash(), account.id, now, expires_at).await?;
    tracing::info!(user_id = %account.id, "signed in");
    Ok(axum::Json(SignInResponse {
        token: token.as_text(),
        expires_at,
        user: account.into(),
    }))
}

/// Ends the session whose token is presented. Other sessions of the user stay.
#[utoipa::path(post, path = "/v1/auth/sign-out", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out: the token no longer works"),
        (status = 401, description = "No valid session (`unauthorized`)", body = ErrorBody),
    ))]
pub async fn sign_out(
    State(state): State<AppState>,
    user: AuthUser,
    token: SessionToken,
) -> Result<StatusCode, ApiError> {
    sessions::revoke(&state.pool, &token.hash(), Utc::now()).await?;
    tracing::info!(user_id = %user.id, "signed out");
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user.
#[utoipa::path(get, path = "/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = UserView),
        (status = 401, description = "No valid session (`unauthorized`)", body = ErrorBody),
    ))]
pub async fn me(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<axum::Json<UserView>, ApiError> {
    let account = users::get(&state.pool, user.id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(axum::Json(account.into()))
}
