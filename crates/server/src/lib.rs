//! The central server: the authority every desktop syncs with.
//!
//! It owns accounts and sessions (argon2id password hashes, opaque tokens stored hashed),
//! the HTTP surface (`/v1/...`, one JSON error shape, an OpenAPI document), in [`sync`]
//! push and pull against PostgreSQL, and in [`mail`] e-mail to users over SMTP. Every rule
//! of the product stays in `domain`; the server runs those same functions as the authority.
//!
//! It must never log patient data, request or response bodies, tokens or passwords, never
//! answer a 500 that carries internals, and never trust an actor named in a request body:
//! the actor is the session's user ([`AuthUser`]).

pub mod accounts;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod mail;
pub mod notify;
pub mod openapi;
pub mod password;
pub mod payments;
pub mod proxies;
pub mod routes;
pub mod sync;
pub mod telemetry;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{middleware, Router};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use auth::AuthUser;
pub use error::{ApiError, ErrorCode};

/// The largest request body any endpoint accepts, in bytes: a hard cap in front of every
/// route. Routes that read JSON have a much smaller limit of their own (axum's
/// `DefaultBodyLimit`: 2 MiB unless a router sets another).
pub const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;

/// The largest JSON body of the account endpoints (sign-in, user creation), in bytes.
pub const MAX_ACCOUNT_BODY_BYTES: usize = 16 * 1024;

/// What every handler can reach. Cheap to clone: a pool handle and shared pointers.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub(crate) sign_in_limits: Arc<auth::limits::SignInLimits>,
    pub(crate) passwords: password::Passwords,
    pub(crate) live: sync::live::Live,
    /// The payment provider (`SO_PAYMENT_PROVIDER`: the sandbox, the only one so far);
    /// `None` (the default): this server takes no payments (see `payments`). Tests set a
    /// sandbox with their own secret.
    pub payments: Option<payments::Payments>,
    /// The refund job's interval and clock (`SO_REFUND_EVERY_SECONDS`).
    pub refunds: payments::refunds::RefundJob,
    /// The mail job's interval, clock and SMTP server (`SO_MAIL_EVERY_SECONDS`,
    /// `SO_SMTP_*`); without a mailer (the default) mails are queued, not sent.
    pub mail: mail::MailJob,
    /// The scheduled jobs' interval and clock (`SO_JOBS_EVERY_SECONDS`).
    pub jobs: jobs::JobsConfig,
    /// The reverse proxies whose `X-Forwarded-For` names the client (`SO_TRUSTED_PROXIES`);
    /// none by default.
    pub trusted_proxies: Arc<proxies::TrustedProxies>,
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            sign_in_limits: Arc::new(auth::limits::SignInLimits::new()),
            passwords: password::Passwords::new(),
            live: sync::live::Live::default(),
            payments: None,
            refunds: payments::refunds::RefundJob::default(),
            mail: mail::MailJob::default(),
            jobs: jobs::JobsConfig::default(),
            trusted_proxies: Arc::default(),
        }
    }
}

/// The whole HTTP API. Serve it with [`serve`] (which also gives handlers the client's
/// address, used to rate-limit sign-in per IP).
pub fn router(state: AppState) -> Router {
    // Everything here needs a valid session: `require_session` answers 401 before any
    // handler (or body parsing) runs, and hands the handler its `AuthUser`.
    let authenticated = Router::new()
        .route("/v1/auth/sign-out", post(routes::auth::sign_out))
        .route("/v1/me", get(routes::auth::me))
        .route("/v1/admin/users", post(routes::admin::create_user))
        .layer(DefaultBodyLimit::max(MAX_ACCOUNT_BODY_BYTES))
        .merge(sync::routes())
        .merge(payments::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_session,
        ));

    let public = Router::new()
        .route("/health", get(routes::health::health))
        .route("/ready", get(routes::health::ready))
        .route("/v1/openapi.json", get(openapi::openapi_json))
        .route(
            "/v1/auth/sign-in",
            post(routes::auth::sign_in).layer(DefaultBodyLimit::max(MAX_ACCOUNT_BODY_BYTES)),
        )
        .merge(payments::public_routes());

    let mut app = Router::new().merge(public).merge(authenticated);
    // The sandbox's page exists only on a server configured with it.
    if let Some(payments) = &state.payments {
        let (prefix, pages) = payments.pages();
        app = app.nest_service(prefix, pages);
    }

    // Layers: the last added runs first. A request gets its id, is traced, then limited;
    // whatever answers an error without our JSON shape (the body limit, an unknown method,
    // a panic) is rewritten into it on the way out.
    app.fallback(routes::health::not_found)
        .layer(middleware::from_fn(to_completion))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES))
        .layer(middleware::map_response(error::json_errors))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(telemetry::trace_layer())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Runs each request to its end in a task of its own, even when the client goes away
/// meanwhile. A handler dropped halfway through a database call could give its pooled
/// connection back inside an open transaction — sqlx 0.8's `begin` is not cancel-safe on
/// PostgreSQL (transact-rs/sqlx#4393) — and the next request's statements would run in
/// it. A panic still answers the uniform 500.
async fn to_completion(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use tracing::Instrument;
    let work = next.run(request).instrument(tracing::Span::current());
    match tokio::spawn(work).await {
        Ok(response) => response,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => error::panic_response(panic),
            Err(e) => error::ApiError::internal(e).into_response(),
        },
    }
}

/// Serves [`router`] on `listener` until `shutdown` completes, then lets requests in flight
/// finish. Also prunes the sign-in rate limiters' memory once a minute, and runs the refund
/// job (`payments::refunds`), the mail job ([`mail::start`]) and the scheduled jobs
/// ([`jobs`]) at their intervals.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Some(payments) = &state.payments {
        payments.listening_on(listener.local_addr()?);
    }
    let relay = state.live.clone().start(state.pool.clone()).await;
    let limits = state.sign_in_limits.clone();
    let housekeeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.forget_idle();
        }
    });
    let refunds = payments::refunds::start(state.clone());
    let mail = mail::start(state.clone());
    let jobs = jobs::start(state.clone());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    if let Some(refunds) = refunds {
        refunds.abort();
    }
    if let Some(mail) = mail {
        mail.abort();
    }
    if let Some(jobs) = jobs {
        jobs.abort();
    }
    housekeeping.abort();
    relay.abort();
    result
}

/// Completes on SIGTERM (how service managers stop a process) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C: shutting down"),
        () = term => tracing::info!("SIGTERM: shutting down"),
    }
}
