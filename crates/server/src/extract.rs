//! Extractors with our error shape: use [`Json`] (not `axum::Json`) to read a body, so a
//! malformed body is a 400 `invalid_input` with a clear message, a body without
//! `Content-Type: application/json` a 415, and an oversized one a 413 — never axum's plain
//! text.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::AppState;

/// A JSON request body. Answers with `axum::Json` (it is only an extractor).
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(ApiError::from(rejection)),
        }
    }
}

/// The client's address: the TCP peer's, or, when the peer is a trusted proxy
/// (`SO_TRUSTED_PROXIES`), the right-most untrusted one of `X-Forwarded-For`
/// ([`crate::proxies`]). `None` when the server was not started by [`crate::serve`] (which
/// records the peer).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientIp(None));
        };
        let forwarded_for = parts
            .headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientIp(Some(
            state.trusted_proxies.client_of(peer.ip(), forwarded_for),
        )))
    }
}

/// The header reverse proxies put the client's address in.
const X_FORWARDED_FOR: &str = "x-forwarded-for";
