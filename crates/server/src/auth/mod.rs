//! Who is calling: opaque session tokens, the [`AuthUser`] extractor and the sign-in
//! limits. Passwords (the type, the rules, argon2id) are [`crate::password`]'s.
//!
//! A token is 32 random bytes, sent as 64 hex characters in `Authorization: Bearer …`.
//! The database keeps only its SHA-256 ([`SessionToken::hash`]), so a leaked copy of the
//! sessions table signs no one in.

pub mod limits;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::extract::{FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Role, UserId};
use sha2::{Digest, Sha256};

use crate::db::sessions;
use crate::error::ApiError;
use crate::AppState;

/// How long a session lasts after sign-in. The one place it is set.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(12);

/// The signed-in user of a request: the actor of everything it does. Extract it in a
/// handler (`user: AuthUser`); a missing, malformed, unknown, expired or revoked token —
/// or a deactivated user — is a 401 `unauthorized` before the handler runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthUser {
    pub id: UserId,
    pub role: Role,
}

impl AuthUser {
    /// `Ok` when the user has `role`, else 403 `forbidden`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role == role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "This needs the {} role.",
                role.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Already looked up by `require_session` (or an earlier extractor) for this request.
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(*user);
        }
        let token = SessionToken::from_headers(parts)?;
        let (id, role) = sessions::authenticate(&state.pool, &token.hash(), Utc::now())
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        let user = AuthUser { id, role };
        tracing::Span::current().record("user_id", tracing::field::display(user.id));
        parts.extensions.insert(user);
        Ok(user)
    }
}

/// An [`AuthUser`] who is an admin. Anyone else gets 403 `forbidden` before the handler
/// runs — and before its body is read.
#[derive(Clone, Copy, Debug)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        user.require(Role::Admin)?;
        Ok(AdminUser(user))
    }
}

/// Middleware for routers whose every route needs a session: rejects with 401 before the
/// route runs, so no body of an anonymous caller is ever parsed.
pub async fn require_session(_user: AuthUser, request: Request, next: Next) -> Response {
    next.run(request).await
}

/// A session token as the client holds it. Never logged, never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken([u8; 32]);

impl SessionToken {
    /// 32 bytes from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses the 64 hex characters a client sends.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }

    /// The token from `Authorization: Bearer <token>`, or 401.
    pub fn from_headers(parts: &Parts) -> Result<Self, ApiError> {
        let value = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let (scheme, token) = value.split_once(' ').ok_or_else(ApiError::unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::unauthorized());
        }
        Self::parse(token.trim()).ok_or_else(ApiError::unauthorized)
    }

    /// What the client sends.
    pub fn as_text(&self) -> String {
        hex::encode(self.0)
    }

    /// What the database keeps: SHA-256 of the 32 token bytes.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0).into()
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

impl FromRequestParts<AppState> for SessionToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        Self::from_headers(parts)
    }
}

/// When a session created at `now` expires.
pub fn session_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + SESSION_LIFETIME
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_hash_is_not_the_token() {
        let token = SessionToken::generate();
        let text = token.as_text();
        assert_eq!(text.len(), 64, "32 bytes are 64 hex characters");
        assert_eq!(SessionToken::parse(&text), Some(token.clone()));
        assert_ne!(
            token.hash().to_vec(),
            token.0.to_vec(),
            "the stored hash must not be the token itself"
        );
        assert_ne!(SessionToken::generate(), token, "tokens are random");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", "abc", &"g".repeat(64), &"a".repeat(63), &"a".repeat(65)] {
            assert_eq!(SessionToken::parse(bad), None, "{bad:?} is not a token");
        }
    }

    #[test]
    fn sessions_last_twelve_hours() {
        let now = Utc::now();
        assert_eq!(session_expiry(now) - now, TimeDelta::hours(12));
    }
}
