//! Payments on the server: the payment link of a case, and the payment provider's signed
//! callbacks recorded as `RecordPayment` by the system user.
//!
//! - `GET /v1/cases/{caseId}/payment` — the case's requester (and admins): the payment's
//!   state, and while it is pending the link to pay on (made on the first ask, kept
//!   after: a coordinator change keeps it). Anyone else: `404 not_found`, as for a case
//!   that does not exist.
//! - `POST /v1/payments/callback` — the provider's callback. No session: the signature
//!   (`payments::signature`) is the authentication. A bad signature is `400
//!   invalid_signature`, one signed outside the 5-minute tolerance `400 stale_callback`;
//!   nothing changes. An event id seen before is answered `200` again and applied once. A
//!   new event is decided by the `domain` rules as the system user, through the same path
//!   as a push (the push lock, `sync::apply::apply`, the command recorded, the live
//!   channel told), in one transaction with the event's row.
//! - `/sandbox/pay/{token}` — the sandbox provider's hosted page (`payments::sandbox`),
//!   served here in development and tests. Its links expire after 24 hours and each is
//!   paid or declined once: the sandbox asks [`db::used_link`] (the callbacks received)
//!   whether a link was used, so that holds across restarts and instances too.
//!
//! The provider is a choice of configuration: `SO_PAYMENT_PROVIDER=sandbox` (what
//! `scripts/server.sh` and the tests set) mounts the sandbox and its page. Unset, this
//! server takes no payments: no `/sandbox` route exists (404), asking for a pending
//! payment's link answers `503 payments_unavailable` and stores nothing, the callback
//! route answers the same, and the refund job does not run (owed refunds stay owed).
//!
//! Configuration of the sandbox (environment): `SO_PAYMENT_SECRET` — its signing secret, at
//! least 16 bytes; several server instances must share it. Unset (development), a random
//! one is generated at start (logged as generated, never shown): links and callbacks of
//! the sandbox then last until the server restarts. `SO_PAYMENT_SANDBOX_URL` — where
//! browsers reach this server for the sandbox page (default: `http://<listen address>`).
//! `SO_SANDBOX_REFUND_OUTAGE=n` — the sandbox answers its first `n` refund calls as a
//! provider that is down (manual trials of the refund retries; default 0).
//!
//! Refunds: [`refunds`], a background job (`SO_REFUND_EVERY_SECONDS`, `server::config`).

pub mod db;
pub mod refunds;

use std::net::SocketAddr;
use std::sync::Arc;

use ::payments::sandbox::{Clock, Sandbox, PREFIX};
use ::payments::{
    Amount, CallbackError, CallbackTarget, LinkRequest, PaymentInfo, PaymentProvider,
    PaymentStatus, Secret,
};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use domain::{Actor, CaseCommand, CaseId, Command, CommandId, Role};
use protocol::{Outcome, PushedCommand};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::sync::{apply, db as sync_db};
use crate::{ApiError, AppState, AuthUser};

/// The provider's name in the tables.
const SANDBOX: &str = "sandbox";

/// A callback body is a small JSON event.
const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// The payment provider of this server (the sandbox: the only one so far), and its
/// configuration. Cheap to clone. A server without one has `AppState::payments: None`.
#[derive(Clone, Debug)]
pub struct Payments {
    sandbox: Arc<Sandbox>,
    /// `SO_PAYMENT_SANDBOX_URL`, when set: the sandbox page's address for browsers.
    site: Option<String>,
}

impl Payments {
    /// The sandbox provider with the environment's configuration (see the module comment).
    pub fn from_env() -> Payments {
        let secret = match std::env::var("SO_PAYMENT_SECRET") {
            Ok(text) if !text.is_empty() => match Secret::new(text) {
                Ok(secret) => secret,
                Err(e) => {
                    tracing::error!(error = %e, "SO_PAYMENT_SECRET is not usable; a random payment secret was generated instead");
                    Secret::generate()
                }
            },
            _ => {
                tracing::info!("payment secret generated (SO_PAYMENT_SECRET is not set): sandbox payment links and callbacks last until the server restarts");
                Secret::generate()
            }
        };
        let site = std::env::var("SO_PAYMENT_SANDBOX_URL")
            .ok()
            .filter(|u| !u.trim().is_empty());
        let payments = Payments::sandbox(secret, site);
        let outage = ::payments::sandbox::refund_outage_from_env();
        if outage > 0 {
            tracing::warn!(
                calls = outage,
                "the sandbox simulates a refund outage (SO_SANDBOX_REFUND_OUTAGE)"
            );
            payments.sandbox.set_refund_outage(outage);
        }
        payments
    }

    /// The sandbox provider signing with `secret`; its page at `site` (default: the address
    /// the server listens on).
    pub fn sandbox(secret: Secret, site: Option<String>) -> Payments {
        Payments::sandbox_on(secret, site, Arc::new(Utc::now))
    }

    /// The same on `clock`: when links are made and expire, and when callbacks are signed
    /// (tests move it).
    pub fn sandbox_on(secret: Secret, site: Option<String>, clock: Clock) -> Payments {
        let sandbox = Arc::new(Sandbox::with_clock(secret, clock, Default::default()));
        if let Some(site) = &site {
            sandbox.set_site(site);
        }
        Payments { sandbox, site }
    }

    /// Lets the sandbox's page see which links were used, from the callbacks `pool` holds
    /// (a link stays used after a restart, and on every instance).
    pub fn remember_used_links_in(&self, pool: &PgPool) {
        let pool = pool.clone();
        self.sandbox.set_used_links(Arc::new(move |link_id| {
            let pool = pool.clone();
            Box::pin(async move {
                let mut conn = match pool.acquire().await {
                    Ok(conn) => conn,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot tell whether a payment link was used");
                        return None;
                    }
                };
                match db::used_link(&mut conn, &link_id).await {
                    Ok(used) => used,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot tell whether a payment link was used");
                        None
                    }
                }
            })
        }));
    }

    fn provider(&self) -> &dyn PaymentProvider {
        self.sandbox.as_ref()
    }

    /// The sandbox provider itself: its refunds, a simulated outage (tests, manual trials).
    pub fn sandbox_provider(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// Before a refund: the sandbox keeps its payments in memory, so one taken before this
    /// server started (or by another instance) is told to it from the case's record — the
    /// server's record of a verified callback. A real provider knows its payments.
    fn knows_payment_of(&self, due: &::payments::DueRefund) {
        if let Some(reference) = &due.refund.payment_reference {
            self.sandbox.remember_payment(reference, &due.amount());
        }
    }

    /// Tells the sandbox where this server listens: its callbacks go to
    /// `/v1/payments/callback` there, and its page is there unless configured otherwise.
    pub fn listening_on(&self, addr: SocketAddr) {
        let ip = match addr.ip() {
            ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
            ip if ip.is_unspecified() => "[::1]".to_string(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            std::net::IpAddr::V4(ip) => ip.to_string(),
        };
        let local = format!("http://{ip}:{}", addr.port());
        if self.site.is_none() {
            self.sandbox.set_site(&local);
        }
        self.sandbox
            .set_callback(CallbackTarget::Url(format!("{local}/v1/payments/callback")));
    }

    /// The sandbox's hosted page, to mount at [`PREFIX`].
    pub fn pages(&self) -> (&'static str, Router) {
        (PREFIX, self.sandbox.pages())
    }
}

/// The provider, or `503 payments_unavailable` when this server has none.
fn provider_of(state: &AppState) -> Result<&Payments, ApiError> {
    state
        .payments
        .as_ref()
        .ok_or_else(ApiError::payments_unavailable)
}

/// Routes anyone may call (the callback's signature is its authentication).
pub fn public_routes() -> Router<AppState> {
    Router::new().route(
        "/v1/payments/callback",
        post(callback).layer(DefaultBodyLimit::max(MAX_CALLBACK_BYTES)),
    )
}

/// Routes behind a session.
pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/cases/{case_id}/payment", get(payment))
}

// ----- the payment of a case ------------------------------------------------------------

#[utoipa::path(get, path = "/v1/cases/{case_id}/payment", tag = "payments", security(("bearer" = [])),
    params(("case_id" = Uuid, Path, description = "The case")),
    responses(
        (status = 200, description = "`PaymentInfo` (crate `payments`): `{caseId, status, \
            amountMinor, currency, url, reference, paidAt}`; `status` is `pending` (then `url` \
            is the page to pay on, the same one on every ask), `paid`, `failed` or \
            `cancelled`", body = Object),
        (status = 401, description = "No valid session (`unauthorized`)", body = crate::error::ErrorBody),
        (status = 404, description = "No such case, or the user is not its requester or an admin (`not_found`)", body = crate::error::ErrorBody),
        (status = 409, description = "No payment has been asked for yet: no coordinator (`conflict`)", body = crate::error::ErrorBody),
        (status = 503, description = "The payment provider is not available (`unavailable`), or this server has none (`payments_unavailable`: no link is made or stored)", body = crate::error::ErrorBody),
    ))]
pub async fn payment(
    State(state): State<AppState>,
    user: AuthUser,
    Path(case_id): Path<Uuid>,
) -> Result<axum::Json<PaymentInfo>, ApiError> {
    let case_id = CaseId(case_id);
    let mut conn = state.pool.acquire().await?;
    let case = sync_db::get_cases(&mut conn, &[case_id])
        .await?
        .pop()
        .filter(|c| match user.role {
            Role::Admin => true,
            Role::Requester => c.requester_id == user.id,
            Role::Coordinator | Role::Provider | Role::System => false,
        })
        .ok_or_else(|| ApiError::not_found("Case not found."))?;
    let (Some(status), Some(asked)) = (PaymentStatus::of(&case), case.payment.as_ref()) else {
        return Err(ApiError::conflict(
            "No payment has been asked for on this case yet.",
        ));
    };
    let amount = Amount {
        minor: asked.amount_minor,
        currency: asked.currency.clone(),
    };
    let url = match status {
        PaymentStatus::Pending => {
            let payments = provider_of(&state)?;
            let existing = db::link(&mut conn, case_id).await?;
            // No pooled connection waits on the provider's network call.
            drop(conn);
            let request = LinkRequest {
                case_id,
                case_reference: case.reference.clone().unwrap_or_default(),
                amount: amount.clone(),
                existing: existing.clone(),
            };
            let link = payments
                .provider()
                .create_link(&request)
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, "no payment link");
                    ApiError::unavailable("The payment provider is not available; try again.")
                })?;
            if existing.as_ref() != Some(&link) {
                let mut conn = state.pool.acquire().await?;
                db::save_link(&mut conn, case_id, SANDBOX, &link, &amount, Utc::now()).await?;
            }
            Some(link.url)
        }
        PaymentStatus::Paid | PaymentStatus::Failed | PaymentStatus::Cancelled => None,
    };
    Ok(axum::Json(PaymentInfo {
        case_id,
        status,
        amount_minor: amount.minor,
        currency: amount.currency,
        url,
        reference: asked.reference.clone(),
        paid_at: asked.paid_at,
    }))
}

// ----- the provider's callback ----------------------------------------------------------

/// Why a callback was refused, for the provider. Stable: add codes, never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallbackErrorCode {
    /// The signature is missing, malformed, or does not match the body (tampered, forged).
    InvalidSignature,
    /// Signed more than 5 minutes from now: a replay of an old callback.
    StaleCallback,
    /// Signed, but not an event this server understands.
    InvalidInput,
}

/// The body of a refused callback.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CallbackErrorBody {
    pub code: CallbackErrorCode,
    pub message: String,
}

/// What a received callback did.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallbackAnswer {
    pub event_id: String,
    /// `applied`, `refused` (the rules refused it: e.g. the case was cancelled meanwhile),
    /// `amount_mismatch`, `unknown_case`, or `duplicate` (received before; nothing done
    /// again).
    pub result: String,
}

fn refuse(e: &CallbackError) -> Response {
    let code = match e {
        CallbackError::InvalidSignature => CallbackErrorCode::InvalidSignature,
        CallbackError::Stale => CallbackErrorCode::StaleCallback,
        CallbackError::Malformed(_) => CallbackErrorCode::InvalidInput,
    };
    tracing::warn!(code = e.code(), "payment callback refused");
    (
        StatusCode::BAD_REQUEST,
        axum::Json(CallbackErrorBody {
            code,
            message: e.to_string(),
        }),
    )
        .into_response()
}

#[utoipa::path(post, path = "/v1/payments/callback", tag = "payments",
    params(("So-Sandbox-Signature" = String, Header,
        description = "`t=<unix time>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">`")),
    request_body(content = Object, description = "The provider's event, as signed \
        (the sandbox's: `{id, created, link, caseId, amountMinor, currency, type: \
        payment.succeeded|payment.failed, reference|reason}`)"),
    responses(
        (status = 200, description = "Received: applied, or received before (nothing done twice)", body = CallbackAnswer),
        (status = 400, description = "`invalid_signature`, `stale_callback` or `invalid_input`; nothing changed", body = CallbackErrorBody),
        (status = 413, description = "Body over 64 KiB (`payload_too_large`)", body = crate::error::ErrorBody),
        (status = 503, description = "This server has no payment provider (`payments_unavailable`); nothing changed", body = crate::error::ErrorBody),
    ))]
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let event = match provider_of(&state)?
        .provider()
        .verify_callback(&headers, &body, now)
    {
        Ok(event) => event,
        Err(e) => return Ok(refuse(&e)),
    };
    let result = record(&state, &event, now).await?;
    tracing::info!(event = %event.event_id, case = %event.case_id.as_uuid(), result, "payment callback");
    Ok(axum::Json(CallbackAnswer {
        event_id: event.event_id,
        result: result.to_string(),
    })
    .into_response())
}

/// Applies `event` once: under the push lock, so it is decided in line with pushes, numbered
/// with them, and a second delivery of the same event waits for the first and then finds it.
async fn record(
    state: &AppState,
    event: &::payments::PaymentEvent,
    now: chrono::DateTime<Utc>,
) -> Result<&'static str, ApiError> {
    let mut tx = state.pool.begin().await?;
    sync_db::lock_log(&mut tx).await?;
    if db::event_seen(&mut tx, &event.event_id).await? {
        return Ok("duplicate");
    }
    let Some(case) = sync_db::get_cases(&mut tx, &[event.case_id]).await?.pop() else {
        db::record_event(
            &mut tx,
            SANDBOX,
            event,
            now,
            db::EventResult::UnknownCase,
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        return Ok(db::EventResult::UnknownCase.as_str());
    };
    let asked = case
        .payment
        .as_ref()
        .map(|p| (p.amount_minor, p.currency.as_str()));
    if asked != Some((event.amount.minor, event.amount.currency.as_str())) {
        tracing::warn!(event = %event.event_id, "a payment of another amount than the case asks; not applied");
        db::record_event(
            &mut tx,
            SANDBOX,
            event,
            now,
            db::EventResult::AmountMismatch,
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        return Ok(db::EventResult::AmountMismatch.as_str());
    }

    let system = Actor::new(db::system_user(&mut tx).await?, Role::System);
    let pushed = PushedCommand {
        command_id: CommandId(Uuid::now_v7()),
        issued_at: event.at,
        command: Command::Case(CaseCommand::RecordPayment {
            case_id: event.case_id,
            outcome: event.outcome.clone(),
        }),
    };
    let outcome = apply::apply_and_record(&mut tx, system, &pushed, now).await?;
    let (result, refusal) = match &outcome {
        Outcome::Accepted { .. } => (db::EventResult::Applied, None),
        Outcome::Refused { refusal } => {
            tracing::warn!(event = %event.event_id, code = ?refusal.code, "a payment the rules refused (a refund may be owed)");
            (db::EventResult::Refused, Some(refusal.code.as_str()))
        }
    };
    db::record_event(
        &mut tx,
        SANDBOX,
        event,
        now,
        result,
        refusal,
        Some(pushed.command_id),
    )
    .await?;
    tx.commit().await?;
    Ok(result.as_str())
}
