//! The one error type of the HTTP API, and the one shape every error answer has:
//! `{ "code": "...", "message": "..." }`, with a small stable snake_case `code` that
//! clients switch on (never on the message).
//!
//! A 500 says only that something went wrong; what went wrong goes to the log (without
//! request data). A unique-constraint violation is a 409, a value the database refuses a
//! 400: bad input never becomes a 5xx.

use std::any::Any;
use std::borrow::Cow;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

type Source = Box<dyn std::error::Error + Send + Sync>;

/// What went wrong, for programs. Stable: add codes, never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request is malformed (bad JSON, wrong types, missing or invalid fields).
    InvalidInput,
    /// 401 from sign-in: unknown e-mail address or wrong password (never says which).
    InvalidCredentials,
    /// 401: no valid session (token missing, malformed, unknown, expired or revoked).
    Unauthorized,
    /// 403: signed in, but this user may not do this.
    Forbidden,
    /// 404: no such thing — or one this user may not see.
    NotFound,
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: it clashes with what exists (e.g. the e-mail address is taken).
    Conflict,
    /// 413: the request body is larger than this endpoint accepts.
    PayloadTooLarge,
    /// 415: the body is not sent as `application/json`.
    UnsupportedMediaType,
    /// 429: too many attempts; see the `Retry-After` header.
    RateLimited,
    /// 503: a dependency (the database) is not available; try again later.
    Unavailable,
    /// 503: this server takes no payments: no payment provider is configured
    /// (`SO_PAYMENT_PROVIDER`). Retrying does not help; its operator must set one.
    PaymentsUnavailable,
    /// 500: a fault of the server; details are only in its log.
    Internal,
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
            ErrorCode::InvalidCredentials | ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unavailable | ErrorCode::PaymentsUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code for an error answer made outside our handlers (axum's 405, the body
    /// limit's 413, ...), by its status.
    fn for_status(status: StatusCode) -> ErrorCode {
        match status {
            StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
            StatusCode::FORBIDDEN => ErrorCode::Forbidden,
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::CONFLICT => ErrorCode::Conflict,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
            StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Unavailable,
            s if s.is_client_error() => ErrorCode::InvalidInput,
            _ => ErrorCode::Internal,
        }
    }

    fn default_message(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "The request is not valid.",
            ErrorCode::InvalidCredentials => "The e-mail address or the password is not right.",
            ErrorCode::Unauthorized => {
                "Sign in first: the session token is missing, malformed, expired or revoked."
            }
            ErrorCode::Forbidden => "You may not do this.",
            ErrorCode::NotFound => "Not found.",
            ErrorCode::MethodNotAllowed => "This method is not allowed here.",
            ErrorCode::Conflict => "That clashes with what already exists.",
            ErrorCode::PayloadTooLarge => "The request body is too large.",
            ErrorCode::UnsupportedMediaType => {
                "Send the body as JSON, with `Content-Type: application/json`."
            }
            ErrorCode::RateLimited => "Too many attempts; try again later.",
            ErrorCode::Unavailable => "The service is not available right now; try again.",
            ErrorCode::PaymentsUnavailable => {
                "This server takes no payments: no payment provider is configured on it. \
                 Ask its operator."
            }
            ErrorCode::Internal => "Something went wrong on the server.",
        }
    }
}

/// The body of every error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// For people; may change. Never contains server internals.
    pub message: String,
}

/// An error answer. Handlers return `Result<_, ApiError>`; `?` on a `sqlx::Error` maps it
/// (unique violation → 409, refused value → 400, pool exhausted → 503, else 500).
pub struct ApiError {
    code: ErrorCode,
    message: Cow<'static, str>,
    retry_after: Option<Duration>,
    source: Option<Source>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
            source: None,
        }
    }

    fn of(code: ErrorCode) -> Self {
        Self::new(code, code.default_message())
    }

    pub fn invalid_input(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn invalid_credentials() -> Self {
        Self::of(ErrorCode::InvalidCredentials)
    }

    pub fn unauthorized() -> Self {
        Self::of(ErrorCode::Unauthorized)
    }

    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// 404. Say "not found" alike for what does not exist and what this user may not see.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn payload_too_large() -> Self {
        Self::of(ErrorCode::PayloadTooLarge)
    }

    pub fn unsupported_media_type() -> Self {
        Self::of(ErrorCode::UnsupportedMediaType)
    }

    pub fn rate_limited(wait: Duration) -> Self {
        // Whole seconds, rounded up: `Retry-After: 0` would invite an immediate retry.
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut e = Self::new(
            ErrorCode::RateLimited,
            format!("Too many attempts; try again in {secs} s."),
        );
        e.retry_after = Some(Duration::from_secs(secs.max(1)));
        e
    }

    pub fn unavailable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::Unavailable, message)
    }

    /// 503 `payments_unavailable`: this server has no payment provider.
    pub fn payments_unavailable() -> Self {
        Self::of(ErrorCode::PaymentsUnavailable)
    }

    /// A fault of the server. `source` goes to the log only.
    pub fn internal(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        let mut e = Self::of(ErrorCode::Internal);
        e.source = Some(Box::new(source));
        e
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(source) = &self.source {
            tracing::error!(code = ?self.code, error = %source, "request failed");
        }
        let mut response = (
            self.code.status(),
            axum::Json(ErrorBody {
                code: self.code,
                message: self.message.into_owned(),
            }),
        )
            .into_response();
        if let Some(wait) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(wait.as_secs()));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                // The constraint's name says which rule; the values stay out of the log.
                let refused = |api: ApiError| {
                    tracing::info!(sqlstate = %code, constraint = db.constraint(), "database refused a write");
                    api
                };
                match code.as_str() {
                    "23505" => refused(ApiError::conflict("That already exists.")),
                    "23503" => refused(ApiError::invalid_input(
                        "It refers to something that does not exist.",
                    )),
                    "23502" | "23514" => refused(ApiError::invalid_input(
                        "A value is missing or not allowed.",
                    )),
                    c if c.starts_with("22") => {
                        refused(ApiError::invalid_input("A value is not acceptable."))
                    }
                    // Serialization failure, deadlock: the client may simply retry.
                    "40001" | "40P01" => ApiError::unavailable(
                        "The server was busy with a conflicting change; try again.",
                    ),
                    _ => ApiError::internal(e),
                }
            }
            sqlx::Error::PoolTimedOut => {
                tracing::warn!("no database connection free in time");
                ApiError::unavailable("The database is busy; try again.")
            }
            // The database is down or unreachable: a passing condition, not a bug.
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolClosed => {
                tracing::warn!(error = %e, "the database is not reachable");
                ApiError::unavailable("The database is not reachable; try again.")
            }
            sqlx::Error::RowNotFound => ApiError::of(ErrorCode::NotFound),
            _ => ApiError::internal(e),
        }
    }
}

/// A refusal of the domain's rules answered as an HTTP error (for requests that are one
/// command, not a push: a push answers refusals inside its 200). The message keeps the
/// field the refusal names, as `field: message`.
impl From<domain::Refusal> for ApiError {
    fn from(refusal: domain::Refusal) -> Self {
        use domain::RefusalCode as R;
        let code = match refusal.code {
            R::NotFound => ErrorCode::NotFound,
            R::Forbidden => ErrorCode::Forbidden,
            R::InvalidStatus | R::NotEligible | R::Conflict => ErrorCode::Conflict,
            R::InvalidInput
            | R::ReasonRequired
            | R::DocumentsRequired
            | R::UnknownReviewType
            | R::UnknownDiseaseCategory => ErrorCode::InvalidInput,
            R::TooLarge => ErrorCode::PayloadTooLarge,
        };
        let message = match &refusal.field {
            Some(field) if !refusal.message.starts_with(field.as_str()) => {
                format!("{field}: {}", refusal.message)
            }
            _ => refusal.message,
        };
        ApiError::new(code, message)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        // axum's texts say what serde found (the field, the line and column); they go back
        // to the sender only, never to the log.
        let text = rejection.body_text();
        let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
        match rejection {
            JsonRejection::JsonDataError(_) => ApiError::invalid_input(format!(
                "The request body is not what this endpoint expects: {detail}"
            )),
            JsonRejection::JsonSyntaxError(_) => {
                ApiError::invalid_input(format!("The request body is not valid JSON: {detail}"))
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::unsupported_media_type(),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::payload_too_large()
            }
            _ => ApiError::invalid_input("The request body could not be read."),
        }
    }
}

/// Rewrites an error answer that is not already our JSON (axum's 405, the body limit's
/// 413, a panic's 500, ...) into `{code, message}`, keeping its status and headers. A page
/// for people (`text/html`: the sandbox payment page's "expired" or "not valid") is kept.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let kept = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if kept {
        return response;
    }
    let (mut parts, _body) = response.into_parts();
    parts.headers.remove(CONTENT_TYPE);
    parts.headers.remove(CONTENT_LENGTH);
    let code = ErrorCode::for_status(status);
    let body = ApiError::of(code).into_response();
    let (body_parts, body) = body.into_parts();
    parts.headers.extend(body_parts.headers);
    Response::from_parts(parts, body)
}

/// A handler panicked: a plain 500 (the panic message goes to the log, not the client).
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "a handler panicked");
    ApiError::of(ErrorCode::Internal).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_statuses_match() {
        let json = serde_json::to_string(&ErrorCode::PayloadTooLarge).unwrap();
        assert_eq!(json, "\"payload_too_large\"");
        let json = serde_json::to_string(&ErrorCode::PaymentsUnavailable).unwrap();
        assert_eq!(json, "\"payments_unavailable\"");
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::InvalidCredentials,
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Conflict,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::RateLimited,
            ErrorCode::Unavailable,
            ErrorCode::PaymentsUnavailable,
        ] {
            assert!(
                code.status().is_client_error()
                    || matches!(
                        code,
                        ErrorCode::Unavailable | ErrorCode::PaymentsUnavailable
                    ),
                "{code:?} is the client's problem or a passing one, not a server fault"
            );
        }
    }

    #[test]
    fn internal_errors_hide_their_source() {
        let e = ApiError::internal(std::io::Error::other("password=hunter2 at db.internal"));
        assert_eq!(e.message(), "Something went wrong on the server.");
        let response = e.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn refusals_keep_their_meaning_and_field() {
        use domain::{Refusal, RefusalCode};
        let e = ApiError::from(Refusal::field(
            RefusalCode::InvalidInput,
            "document",
            "The file is empty.",
        ));
        assert_eq!(e.code(), ErrorCode::InvalidInput);
        assert_eq!(e.message(), "document: The file is empty.");
        let e = ApiError::from(Refusal::not_found("Case"));
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotFound, "Case not found.")
        );
        let e = ApiError::from(Refusal::new(RefusalCode::TooLarge, "Too large."));
        assert_eq!(e.code(), ErrorCode::PayloadTooLarge);
    }

    #[test]
    fn rate_limited_rounds_the_wait_up() {
        let e = ApiError::rate_limited(Duration::from_millis(11_200));
        assert_eq!(e.retry_after, Some(Duration::from_secs(12)));
        let e = ApiError::rate_limited(Duration::ZERO);
        assert_eq!(e.retry_after, Some(Duration::from_secs(1)));
    }
}
