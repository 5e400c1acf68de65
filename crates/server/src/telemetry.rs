//! Logs: JSON lines on stdout, one per event, with the request's span (method, route
//! template, request id, user id) flattened in.
//!
//! What is logged about a request: its method, its route *template* (`/v1/cases/{id}`,
//! never the raw path or query), its request id, the signed-in user's id, the status and
//! the latency. Never headers (they carry the token), bodies, e-mail addresses, passwords
//! or patient data.

use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnRequest, MakeSpan, OnResponse, TraceLayer};
use tracing::Span;
use tracing_subscriber::EnvFilter;

/// The default filter; `SO_LOG` (same syntax as `RUST_LOG`) overrides it.
const DEFAULT_FILTER: &str = "info,sqlx=warn";

/// Installs the JSON subscriber. Call once, first thing in `main`.
pub fn init() {
    let filter =
        EnvFilter::try_from_env("SO_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .init();
}

/// The request span: see the module comment for what it may hold.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("<unmatched>", MatchedPath::as_str);
        // A client may send its own id; keep it bounded.
        let request_id: String = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(64)
            .collect();
        tracing::info_span!(
            "request",
            method = %request.method(),
            route,
            request_id,
            user_id = tracing::field::Empty,
        )
    }
}

/// One line per response: status and latency.
#[derive(Clone, Copy, Debug, Default)]
pub struct ResponseLine;

impl<B> OnResponse<B> for ResponseLine {
    fn on_response(self, response: &Response<B>, latency: Duration, _span: &Span) {
        tracing::info!(
            status = response.status().as_u16(),
            // Milliseconds with microsecond precision.
            latency_ms = latency.as_micros() as f64 / 1000.0,
            "response"
        );
    }
}

pub fn trace_layer(
) -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, DefaultOnRequest, ResponseLine>
{
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_response(ResponseLine)
}
