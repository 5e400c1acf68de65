//! The one error every use case answers with: a stable `code` the UI switches on, a
//! message for people, and the input `field` when one was wrong.
//!
//! Internals (SQL, paths, patient data) never cross this boundary: a store failure is
//! logged here, without its data, and the caller gets `internal` with a generic message.

use domain::{Refusal, RefusalCode};
use serde::Serialize;
use ts_rs::TS;

use crate::tokens::TokenError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Forbidden,
    InvalidStatus,
    InvalidInput,
    ReasonRequired,
    DocumentsRequired,
    NotEligible,
    UnknownReviewType,
    UnknownDiseaseCategory,
    TooLarge,
    Conflict,
    /// Nobody is signed in on this desktop.
    NotSignedIn,
    /// No server is configured: the desktop runs standalone.
    NotConnected,
    /// The server cannot be reached; work is kept and sent later.
    Offline,
    /// Unknown e-mail address or wrong password.
    InvalidCredentials,
    /// The server no longer accepts the session: sign in again.
    SessionExpired,
    /// The server refused the request itself (rate limit, bad input, its own failure).
    Server,
    /// The OS keyring is not available; the session cannot be kept.
    Keyring,
    /// Something failed that is not the user's doing; details are in the log.
    Internal,
}

impl From<RefusalCode> for ErrorCode {
    fn from(code: RefusalCode) -> Self {
        match code {
            RefusalCode::NotFound => ErrorCode::NotFound,
            RefusalCode::Forbidden => ErrorCode::Forbidden,
            RefusalCode::InvalidStatus => ErrorCode::InvalidStatus,
            RefusalCode::InvalidInput => ErrorCode::InvalidInput,
            RefusalCode::ReasonRequired => ErrorCode::ReasonRequired,
            RefusalCode::DocumentsRequired => ErrorCode::DocumentsRequired,
            RefusalCode::NotEligible => ErrorCode::NotEligible,
            RefusalCode::UnknownReviewType => ErrorCode::UnknownReviewType,
            RefusalCode::UnknownDiseaseCategory => ErrorCode::UnknownDiseaseCategory,
            RefusalCode::TooLarge => ErrorCode::TooLarge,
            RefusalCode::Conflict => ErrorCode::Conflict,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn not_signed_in() -> Self {
        ApiError::new(ErrorCode::NotSignedIn, "Please choose who you are first.")
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::from(Refusal::not_found(what))
    }

    pub fn internal() -> Self {
        ApiError::new(
            ErrorCode::Internal,
            "Something went wrong on this computer; nothing was changed. Please try again.",
        )
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        ApiError {
            code: r.code.into(),
            message: r.message,
            field: r.field,
        }
    }
}

/// The sync client's errors, as the UI sees them: the same stable codes, and the input
/// `field` when one was wrong (`url` for a bad server address).
impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        let (code, field) = match e.code {
            SyncErrorCode::NotConnected => (ErrorCode::NotConnected, None),
            SyncErrorCode::InvalidUrl => (ErrorCode::InvalidInput, Some("url")),
            SyncErrorCode::NotSignedIn => (ErrorCode::NotSignedIn, None),
            SyncErrorCode::Offline => (ErrorCode::Offline, None),
            SyncErrorCode::InvalidCredentials => (ErrorCode::InvalidCredentials, None),
            SyncErrorCode::SessionExpired => (ErrorCode::SessionExpired, None),
            SyncErrorCode::Server => (ErrorCode::Server, None),
            SyncErrorCode::Keyring => (ErrorCode::Keyring, None),
            SyncErrorCode::Conflict => (ErrorCode::Conflict, None),
            SyncErrorCode::Internal => (ErrorCode::Internal, None),
        };
        ApiError {
            code,
            message: e.message,
            field: field.map(str::to_string),
        }
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        // sqlx errors name tables and constraints, never bound values: safe to log.
        tracing::error!(error = %e, "local store failed");
        ApiError::internal()
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_errors_keep_their_code_and_message() {
        let api = ApiError::from(SyncError {
            code: SyncErrorCode::InvalidCredentials,
            message: "wrong".into(),
        });
        assert_eq!(api.code, ErrorCode::InvalidCredentials);
        assert_eq!(api.message, "wrong");
        assert_eq!(api.field, None);
        let api = ApiError::from(SyncError {
            code: SyncErrorCode::InvalidUrl,
            message: "bad".into(),
        });
        assert_eq!(
            (api.code, api.field.as_deref()),
            (ErrorCode::InvalidInput, Some("url"))
        );
    }
}

/// What went wrong talking to the server, with a stable code the UI can switch on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct SyncError {
    pub code: SyncErrorCode,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncErrorCode {
    /// No server configured: the desktop runs standalone.
    NotConnected,
    /// The server address is not an http(s) URL with a host.
    InvalidUrl,
    /// Nobody is signed in to the server on this desktop.
    NotSignedIn,
    /// The server could not be reached (or the connection broke): work goes on offline.
    Offline,
    /// Unknown e-mail address or wrong password.
    InvalidCredentials,
    /// The server no longer accepts the session: sign in again.
    SessionExpired,
    /// The server refused the request itself (rate limit, bad input, its own failure).
    Server,
    /// The OS keyring is not available or refused.
    Keyring,
    /// Something this desktop cannot do now (e.g. switch servers with unsent work).
    Conflict,
    /// A local failure; details are in the log.
    Internal,
}

impl SyncError {
    pub(crate) fn new(code: SyncErrorCode, message: impl Into<String>) -> Self {
        SyncError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn offline() -> Self {
        SyncError::new(
            SyncErrorCode::Offline,
            "The server cannot be reached; your work is kept and will be sent later.",
        )
    }
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> Self {
        let code = match e.code {
            ErrorCode::NotSignedIn => SyncErrorCode::NotSignedIn,
            _ => SyncErrorCode::Internal,
        };
        SyncError::new(code, e.message)
    }
}

impl From<store::StoreError> for SyncError {
    fn from(e: store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<TokenError> for SyncError {
    fn from(e: TokenError) -> Self {
        tracing::error!(error = %e, "keyring");
        SyncError::new(
            SyncErrorCode::Keyring,
            "The system keyring is not available; the session cannot be kept.",
        )
    }
}

impl From<reqwest::Error> for SyncError {
    fn from(e: reqwest::Error) -> Self {
        // Connect failures, timeouts and cut connections all mean "not now".
        tracing::info!(error = %e, "server unreachable");
        SyncError::offline()
    }
}
