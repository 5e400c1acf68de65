//! What only admins do: create accounts.

use axum::extract::State;
use axum::http::StatusCode;
use domain::UserId;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::UserView;
use crate::accounts::NewUser;
use crate::auth::AdminUser;
use crate::db::users;
use crate::error::{ApiError, ErrorBody};
use crate::extract::Json;
use crate::password::Password;
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserRequest {
    #[schema(example = "new.provider@hospital.org")]
    pub email: String,
    #[schema(example = "Dr. Mona Aziz")]
    pub name: String,
    #[schema(schema_with = super::person_role_schema)]
    pub role: String,
    /// At least 12 characters.
    #[schema(value_type = String, format = Password)]
    pub password: Password,
}

/// Creates an account (admins only). The e-mail address must not be taken, in any case.
#[utoipa::path(post, path = "/v1/admin/users", tag = "admin",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserView),
        (status = 400, description = "Malformed body or invalid field (`invalid_input`); the message names the field", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 409, description = "The e-mail address is taken (`conflict`)", body = ErrorBody),
        (status = 413, description = "Body over 16 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON (`unsupported_media_type`)", body = ErrorBody),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Json(request): Json<CreateUserRequest>,
) -> Result<(StatusCode, axum::Json<UserView>), ApiError> {
    let new = NewUser::parse(&request.email, &request.name, &request.role)?;
    request.password.check_rules()?;
    let hash = state.passwords.hash(&request.password).await?;
    let account = match users::insert(&state.pool, UserId(Uuid::now_v7()), &new, Some(&hash)).await
    {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ApiError::conflict(
                "email: an account with this e-mail address already exists.",
            ))
        }
        other => other?,
    };
    tracing::info!(admin_id = %admin.id, user_id = %account.id, role = account.role.as_str(), "account created");
    Ok((StatusCode::CREATED, axum::Json(account.into())))
}
