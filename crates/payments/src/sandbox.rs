//! The sandbox provider: a payment provider for development and tests that behaves like a
//! real one, without money.
//!
//! - **Links**: `{site}/sandbox/pay/{token}`. The token carries what the page shows (the
//!   case, its reference, the amount), when the link expires ([`LINK_LIFETIME`] after it
//!   was made) and a MAC under the sandbox's secret, so the page needs no storage, a link
//!   outlives a restart (with the same secret), and nobody can make one up, change its
//!   amount or extend it. Asked again for the same case, the sandbox answers the link it
//!   made before (the caller's `existing` one, or the last one it made in this process)
//!   while more than [`LINK_RENEWAL`] of it is left, else a new one.
//! - **Once**: a link is paid or declined once. The sandbox remembers that in this
//!   process; [`Sandbox::set_used_links`] lets an authority that keeps the callbacks (the
//!   server, in PostgreSQL) answer it across restarts and instances. A second use shows
//!   how the payment ended and sends nothing; an expired link shows "expired" (410) and
//!   changes nothing.
//! - **The hosted page** ([`Sandbox::pages`], an axum `Router` the server and the
//!   standalone desktop both mount at [`PREFIX`]): the amount and the case reference, and
//!   two buttons, "Pay" and "Decline (payment fails)".
//! - **Callbacks**: when the payer pays or declines, the page answers at once and the
//!   result is delivered afterwards, from a spawned task: signed (`signature`), to the
//!   configured [`CallbackTarget`], retried with back-off on failure — each attempt signed
//!   anew, the event id unchanged, so the receiver must apply each event id once.
//! - **Refunds** of what it was paid in this process (or was told of:
//!   [`Sandbox::remember_payment`]), at most what was paid, once per idempotency key
//!   ([`Sandbox::refunds_of`] lists them). [`Sandbox::set_refund_outage`] makes the next
//!   refund calls fail as `Unavailable`, like a provider that is down (tests, manual
//!   trials; `SO_SANDBOX_REFUND_OUTAGE`, see [`refund_outage_from_env`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use domain::{CaseId, PaymentOutcome};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::signature::{self, Secret};
use crate::{
    Amount, BoxFuture, CallbackError, LinkRequest, PaymentEvent, PaymentLink, PaymentProvider,
    ProviderError, RefundError, RefundRef,
};

/// Where the sandbox's pages are mounted, on the server and on the desktop's local listener.
pub const PREFIX: &str = "/sandbox";

/// The reason a declined sandbox payment gives.
pub const DECLINED: &str = "The card was declined (sandbox).";

/// How long a link works after it was made.
pub const LINK_LIFETIME: TimeDelta = TimeDelta::hours(24);

/// A link with less than this left is not handed out again: the payer gets a new one.
pub const LINK_RENEWAL: TimeDelta = TimeDelta::hours(1);

/// How a link was used, as told by whoever keeps the payments ([`Sandbox::set_used_links`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsedLink {
    Paid { reference: String },
    Declined,
}

/// Answers whether a link (by its id) was used before, from a record this process does
/// not hold (the server's received callbacks). `None`: not that it knows.
pub type UsedLinks = Arc<dyn Fn(String) -> BoxFuture<'static, Option<UsedLink>> + Send + Sync>;

/// How a callback is delivered.
#[derive(Clone)]
pub enum CallbackTarget {
    /// `POST` to this URL, like a real provider's webhook (the server's
    /// `/v1/payments/callback`).
    Url(String),
    /// Handed to this function in-process, as the same signed request (the standalone
    /// desktop, which has no server to call).
    InProcess(
        Arc<dyn Fn(CallbackRequest) -> BoxFuture<'static, Result<(), DeliveryError>> + Send + Sync>,
    ),
}

impl std::fmt::Debug for CallbackTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallbackTarget::Url(url) => f.debug_tuple("Url").field(url).finish(),
            CallbackTarget::InProcess(_) => f.write_str("InProcess"),
        }
    }
}

/// A callback as sent: the headers (with the signature) and the raw body.
#[derive(Clone, Debug)]
pub struct CallbackRequest {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A failed delivery: `retry` says whether trying again may help (a 5xx, a network
/// failure) or not (the receiver refused it: a 4xx).
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryError {
    pub retry: bool,
    pub message: String,
}

/// How often and how patiently a callback is retried.
#[derive(Clone, Copy, Debug)]
pub struct Retries {
    pub attempts: u32,
    pub first_wait: Duration,
}

impl Default for Retries {
    fn default() -> Self {
        Retries {
            attempts: 6,
            first_wait: Duration::from_millis(500),
        }
    }
}

/// What the page remembers about a link in this process.
#[derive(Clone, Debug, PartialEq, Eq)]
enum LinkState {
    Paid { reference: String },
    Declined,
}

#[derive(Clone, Debug)]
struct Paid {
    amount: Amount,
    refunded_minor: u32,
}

/// A refund the sandbox made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxRefund {
    /// The idempotency key it was asked with.
    pub key: String,
    pub reference: RefundRef,
    pub amount: Amount,
}

/// The environment variable that starts a sandbox "down" for its first refund calls:
/// `SO_SANDBOX_REFUND_OUTAGE=3` answers the first three `Unavailable` (manual trials of
/// the refund retries).
pub const REFUND_OUTAGE_VAR: &str = "SO_SANDBOX_REFUND_OUTAGE";

/// [`REFUND_OUTAGE_VAR`]'s value; 0 when unset or not a number.
pub fn refund_outage_from_env() -> u32 {
    std::env::var(REFUND_OUTAGE_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// The time source of a sandbox (tests move it).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The sandbox provider. Share it in an `Arc`: the pages and the delivery tasks hold it.
pub struct Sandbox {
    secret: Secret,
    clock: Clock,
    /// The address the pages are reached at (`http://127.0.0.1:8787`), without the prefix.
    site: RwLock<Option<String>>,
    callback: RwLock<Option<CallbackTarget>>,
    retries: Retries,
    http: reqwest::Client,
    links: Mutex<HashMap<String, LinkState>>,
    /// The last link made for each case in this process (its URL).
    made: Mutex<HashMap<CaseId, String>>,
    used_links: RwLock<Option<UsedLinks>>,
    payments: Mutex<HashMap<String, Paid>>,
    /// Refunds by (payment reference, idempotency key), in the order made.
    refunds: Mutex<Vec<(String, SandboxRefund)>>,
    /// How many more refund calls answer `Unavailable`.
    refund_outage: AtomicU32,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("site", &self.site)
            .field("callback", &self.callback)
            .finish_non_exhaustive()
    }
}

/// What a link token says. Short names: it travels in the URL.
#[derive(Serialize, Deserialize)]
struct Claims {
    /// The case.
    c: CaseId,
    /// Its reference number.
    r: String,
    /// Amount in minor units, and currency.
    a: u32,
    k: String,
    /// When the link stops working (Unix time).
    x: i64,
}

impl Claims {
    fn expires_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.x, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

/// The callback's body.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventBody {
    id: String,
    /// Unix time of the payment.
    created: i64,
    link: String,
    case_id: CaseId,
    amount_minor: u32,
    currency: String,
    #[serde(flatten)]
    result: EventResult,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum EventResult {
    #[serde(rename = "payment.succeeded")]
    Succeeded { reference: String },
    #[serde(rename = "payment.failed")]
    Failed { reason: String },
}

impl Sandbox {
    /// A sandbox signing with `secret`, on the computer's clock. It makes no links until
    /// [`Sandbox::set_site`] and delivers nothing until [`Sandbox::set_callback`].
    pub fn new(secret: Secret) -> Sandbox {
        Sandbox::with_clock(secret, Arc::new(Utc::now), Retries::default())
    }

    pub fn with_clock(secret: Secret, clock: Clock, retries: Retries) -> Sandbox {
        Sandbox {
            secret,
            clock,
            site: RwLock::new(None),
            callback: RwLock::new(None),
            retries,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            links: Mutex::new(HashMap::new()),
            made: Mutex::new(HashMap::new()),
            used_links: RwLock::new(None),
            payments: Mutex::new(HashMap::new()),
            refunds: Mutex::new(Vec::new()),
            refund_outage: AtomicU32::new(0),
        }
    }

    /// The next `calls` refund calls answer `Unavailable` and change nothing, as a
    /// provider that is down would; 0 ends the outage.
    pub fn set_refund_outage(&self, calls: u32) {
        self.refund_outage.store(calls, Ordering::SeqCst);
    }

    /// Tells the sandbox of a payment it took before this process started (it keeps its
    /// payments in memory only), so that it can be refunded: the authority calls it with
    /// what its own records say was paid. A payment it knows already is left as it is
    /// (with what was refunded of it). A real provider's adapter has no such call.
    pub fn remember_payment(&self, reference: &str, amount: &Amount) {
        self.payments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(reference.to_string())
            .or_insert_with(|| Paid {
                amount: amount.clone(),
                refunded_minor: 0,
            });
    }

    /// The refunds made of the payment with `reference`, in the order made.
    pub fn refunds_of(&self, reference: &str) -> Vec<SandboxRefund> {
        self.refunds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(paid, _)| paid == reference)
            .map(|(_, refund)| refund.clone())
            .collect()
    }

    /// Where browsers reach the pages: `http://host:port`, without [`PREFIX`].
    pub fn set_site(&self, url: &str) {
        *self.site.write().unwrap_or_else(|e| e.into_inner()) =
            Some(url.trim_end_matches('/').to_string());
    }

    pub fn site(&self) -> Option<String> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Where to ask whether a link was used before, beyond this process's memory (the
    /// server answers from the callbacks it received).
    pub fn set_used_links(&self, used: UsedLinks) {
        *self.used_links.write().unwrap_or_else(|e| e.into_inner()) = Some(used);
    }

    pub fn set_callback(&self, target: CallbackTarget) {
        *self.callback.write().unwrap_or_else(|e| e.into_inner()) = Some(target);
    }

    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The hosted pages, to mount at [`PREFIX`] (`Router::nest_service`):
    /// `GET /pay/{token}` shows the payment, `POST /pay/{token}` (a form with
    /// `action=pay` or `action=decline`) pays or declines it.
    pub fn pages(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/pay/{token}", get(show).post(submit))
            .with_state(self.clone())
    }

    /// Serves [`Sandbox::pages`] at [`PREFIX`] on `listener` until the task is aborted: the
    /// standalone desktop's own small site.
    pub fn serve(
        self: &Arc<Self>,
        listener: tokio::net::TcpListener,
    ) -> tokio::task::JoinHandle<()> {
        let app = Router::new().nest_service(PREFIX, self.pages());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "the sandbox's pages stopped");
            }
        })
    }

    fn token(&self, claims: &Claims) -> (String, String) {
        let json = serde_json::to_vec(claims).expect("claims serialise");
        let payload = URL_SAFE_NO_PAD.encode(json);
        let tag = self.secret.digest(&[b"link.", payload.as_bytes()]);
        // 128 bits of the MAC: unguessable, and short enough for a URL.
        let link_id = hex::encode(&tag[..16]);
        (format!("{payload}.{link_id}"), link_id)
    }

    /// The claims of a token this sandbox made, and the link's id; `None` for anything
    /// else (made up, changed, or made under another secret).
    fn read_token(&self, token: &str) -> Option<(Claims, String)> {
        let (payload, link_id) = token.split_once('.')?;
        let tag = hex::decode(link_id).ok().filter(|t| t.len() == 16)?;
        if !self.secret.verify(&[b"link.", payload.as_bytes()], &tag) {
            return None;
        }
        let json = URL_SAFE_NO_PAD.decode(payload).ok()?;
        Some((serde_json::from_slice(&json).ok()?, link_id.to_string()))
    }

    fn link_state(&self, link_id: &str) -> Option<LinkState> {
        self.links
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(link_id)
            .cloned()
    }

    /// How the link was used: in this process, else as the [`UsedLinks`] record says.
    async fn used(&self, link_id: &str) -> Option<LinkState> {
        if let Some(state) = self.link_state(link_id) {
            return Some(state);
        }
        let used = self
            .used_links
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        let state = match used(link_id.to_string()).await? {
            UsedLink::Paid { reference } => LinkState::Paid { reference },
            UsedLink::Declined => LinkState::Declined,
        };
        Some(state)
    }

    /// A link of ours for `request` in `url` that is good for more than [`LINK_RENEWAL`]
    /// at `now` (same case, reference and amount, on this site).
    fn still_good(
        &self,
        url: &str,
        request: &LinkRequest,
        site: &str,
        now: DateTime<Utc>,
    ) -> Option<PaymentLink> {
        let token = url.strip_prefix(&format!("{site}{PREFIX}/pay/"))?;
        let (claims, id) = self.read_token(token)?;
        let same = claims.c == request.case_id
            && claims.r == request.case_reference
            && claims.a == request.amount.minor
            && claims.k == request.amount.currency;
        (same && claims.expires_at() - now > LINK_RENEWAL).then(|| PaymentLink {
            id,
            url: url.to_string(),
        })
    }

    /// Settles an open link as paid or declined and sends the callback; `Err` with the
    /// state it already had.
    fn settle(&self, claims: &Claims, link_id: &str, pay: bool) -> Result<LinkState, LinkState> {
        let state = {
            let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(done) = links.get(link_id) {
                return Err(done.clone());
            }
            let state = if pay {
                LinkState::Paid {
                    reference: format!("sbx_pay_{}", Uuid::now_v7().simple()),
                }
            } else {
                LinkState::Declined
            };
            links.insert(link_id.to_string(), state.clone());
            state
        };
        let amount = Amount {
            minor: claims.a,
            currency: claims.k.clone(),
        };
        let result = match &state {
            LinkState::Paid { reference } => {
                self.payments
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(
                        reference.clone(),
                        Paid {
                            amount: amount.clone(),
                            refunded_minor: 0,
                        },
                    );
                EventResult::Succeeded {
                    reference: reference.clone(),
                }
            }
            LinkState::Declined => EventResult::Failed {
                reason: DECLINED.to_string(),
            },
        };
        let body = EventBody {
            id: format!("evt_{}", Uuid::now_v7().simple()),
            created: self.now().timestamp(),
            link: link_id.to_string(),
            case_id: claims.c,
            amount_minor: amount.minor,
            currency: amount.currency,
            result,
        };
        let body = serde_json::to_vec(&body).expect("an event serialises");
        self.deliver(body);
        Ok(state)
    }

    /// Sends `body` to the callback target from a spawned task, like a provider's webhook:
    /// the payer's page does not wait for it.
    fn deliver(&self, body: Vec<u8>) {
        let Some(target) = self
            .callback
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        else {
            tracing::warn!("sandbox payment settled but no callback target is set");
            return;
        };
        let secret = self.secret.clone();
        let clock = self.clock.clone();
        let http = self.http.clone();
        let retries = self.retries;
        tokio::spawn(async move {
            let mut wait = retries.first_wait;
            for attempt in 1..=retries.attempts {
                // Signed at each attempt, as real providers do: a retry is not stale.
                let header = signature::sign(&secret, clock(), &body);
                let mut headers = HeaderMap::new();
                headers.insert(
                    axum::http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                headers.insert(
                    signature::HEADER,
                    HeaderValue::from_str(&header).expect("the signature is ASCII"),
                );
                let request = CallbackRequest {
                    headers,
                    body: body.clone(),
                };
                let result = match &target {
                    CallbackTarget::Url(url) => post(&http, url, request).await,
                    CallbackTarget::InProcess(handler) => handler(request).await,
                };
                match result {
                    Ok(()) => return,
                    Err(e) if e.retry && attempt < retries.attempts => {
                        tracing::info!(attempt, error = %e, "sandbox callback not delivered; retrying");
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(Duration::from_secs(30));
                    }
                    Err(e) => {
                        tracing::warn!(attempt, error = %e, "sandbox callback given up");
                        return;
                    }
                }
            }
        });
    }
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    request: CallbackRequest,
) -> Result<(), DeliveryError> {
    let response = http
        .post(url)
        .headers(request.headers)
        .body(request.body)
        .send()
        .await
        .map_err(|e| DeliveryError {
            retry: true,
            message: format!("cannot reach the callback URL: {e}"),
        })?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(DeliveryError {
            retry: status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS,
            message: format!("the callback URL answered {status}"),
        })
    }
}

impl PaymentProvider for Sandbox {
    fn create_link<'a>(
        &'a self,
        request: &'a LinkRequest,
    ) -> BoxFuture<'a, Result<PaymentLink, ProviderError>> {
        Box::pin(async move {
            let site = self.site().ok_or_else(|| {
                ProviderError::NotReady("the sandbox does not know its address yet".into())
            })?;
            let now = self.now();
            // The link made before, while it is good: the caller's, else this process's.
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            let before = request
                .existing
                .iter()
                .map(|link| link.url.clone())
                .chain(made.get(&request.case_id).cloned());
            for url in before {
                if let Some(link) = self.still_good(&url, request, &site, now) {
                    return Ok(link);
                }
            }
            let (token, id) = self.token(&Claims {
                c: request.case_id,
                r: request.case_reference.clone(),
                a: request.amount.minor,
                k: request.amount.currency.clone(),
                x: (now + LINK_LIFETIME).timestamp(),
            });
            let url = format!("{site}{PREFIX}/pay/{token}");
            made.insert(request.case_id, url.clone());
            Ok(PaymentLink { id, url })
        })
    }

    fn verify_callback(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<PaymentEvent, CallbackError> {
        let header = headers
            .get(signature::HEADER)
            .map(|v| v.to_str().map_err(|_| CallbackError::InvalidSignature))
            .transpose()?;
        signature::verify(&self.secret, header, body, now)?;
        let event: EventBody =
            serde_json::from_slice(body).map_err(|e| CallbackError::Malformed(e.to_string()))?;
        let at = DateTime::<Utc>::from_timestamp(event.created, 0)
            .ok_or_else(|| CallbackError::Malformed("created is not a time".into()))?;
        Ok(PaymentEvent {
            event_id: event.id,
            link_id: event.link,
            case_id: event.case_id,
            amount: Amount {
                minor: event.amount_minor,
                currency: event.currency,
            },
            outcome: match event.result {
                EventResult::Succeeded { reference } => PaymentOutcome::Succeeded { reference },
                EventResult::Failed { reason } => PaymentOutcome::Failed { reason },
            },
            at,
        })
    }

    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount: &'a Amount,
        key: &'a str,
    ) -> BoxFuture<'a, Result<RefundRef, RefundError>> {
        Box::pin(async move {
            let down = self
                .refund_outage
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if down {
                return Err(RefundError::Unavailable(
                    "the sandbox is simulating an outage".into(),
                ));
            }
            // One lock for the whole refund: two calls with the same key at once make one.
            let mut payments = self.payments.lock().unwrap_or_else(|e| e.into_inner());
            let mut refunds = self.refunds.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((paid, made)) = refunds.iter().find(|(_, r)| r.key == key) {
                return if paid == reference && made.amount == *amount {
                    Ok(made.reference.clone())
                } else {
                    Err(RefundError::KeyReused)
                };
            }
            let paid = payments
                .get_mut(reference)
                .ok_or(RefundError::UnknownPayment)?;
            if amount.minor == 0 || amount.currency != paid.amount.currency {
                return Err(RefundError::InvalidAmount);
            }
            let left = paid.amount.minor - paid.refunded_minor;
            if amount.minor > left {
                return Err(RefundError::ExceedsPayment { left_minor: left });
            }
            paid.refunded_minor += amount.minor;
            let made = RefundRef(format!("sbx_re_{}", Uuid::now_v7().simple()));
            refunds.push((
                reference.to_string(),
                SandboxRefund {
                    key: key.to_string(),
                    reference: made.clone(),
                    amount: amount.clone(),
                },
            ));
            Ok(made)
        })
    }
}

// ----- the hosted page ------------------------------------------------------------------

#[derive(Deserialize)]
struct PayForm {
    action: String,
}

async fn show(State(sandbox): State<Arc<Sandbox>>, Path(token): Path<String>) -> Response {
    let Some((claims, link_id)) = sandbox.read_token(&token) else {
        return not_a_link();
    };
    match sandbox.used(&link_id).await {
        Some(state) => page(&claims, Body::Settled(state)),
        None if sandbox.now() >= claims.expires_at() => expired(),
        None => page(&claims, Body::Offer),
    }
}

async fn submit(
    State(sandbox): State<Arc<Sandbox>>,
    Path(token): Path<String>,
    Form(form): Form<PayForm>,
) -> Response {
    let Some((claims, link_id)) = sandbox.read_token(&token) else {
        return not_a_link();
    };
    let pay = match form.action.as_str() {
        "pay" => true,
        "decline" => false,
        _ => return (StatusCode::BAD_REQUEST, "Choose Pay or Decline.").into_response(),
    };
    // Used before (here, or as the authority's record says): how it ended, nothing sent.
    if let Some(state) = sandbox.used(&link_id).await {
        return page(&claims, Body::SettledBefore(state));
    }
    if sandbox.now() >= claims.expires_at() {
        return expired();
    }
    match sandbox.settle(&claims, &link_id, pay) {
        Ok(state) => page(&claims, Body::Settled(state)),
        // Settled before (a second click, a resubmitted form): show how it ended, send
        // nothing again. A page for the payer's browser, hence 200.
        Err(state) => page(&claims, Body::SettledBefore(state)),
    }
}

enum Body {
    Offer,
    Settled(LinkState),
    SettledBefore(LinkState),
}

/// 410: the link was good once; a new one is to be asked for.
fn expired() -> Response {
    (
        StatusCode::GONE,
        Html(layout(
            "Payment link expired",
            "<p data-testid=\"expired\">This payment link has expired: nothing was paid. \
             Ask for the payment link again in Second Opinion.</p>",
        )),
    )
        .into_response()
}

fn not_a_link() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(layout(
            "Payment link not valid",
            "<p>This payment link is not valid (any more). Ask for the link again in Second Opinion.</p>",
        )),
    )
        .into_response()
}

fn page(claims: &Claims, body: Body) -> Response {
    let amount = escape(&domain::money::format(claims.a, &claims.k));
    let reference = escape(&claims.r);
    let facts = format!(
        "<p class=\"facts\">Case <strong data-testid=\"reference\">{reference}</strong></p>\
         <p class=\"amount\" data-testid=\"amount\">{amount}</p>"
    );
    let facts = if matches!(body, Body::SettledBefore(_)) {
        format!(
            "{facts}<p data-testid=\"settled-before\">This payment link has been used already.</p>"
        )
    } else {
        facts
    };
    let html = match body {
        Body::Offer => layout(
            "Pay for your second opinion",
            &format!(
                "{facts}<form method=\"post\">\
                 <button type=\"submit\" name=\"action\" value=\"pay\">Pay {amount}</button>\
                 <button type=\"submit\" name=\"action\" value=\"decline\" class=\"decline\">\
                 Decline (payment fails)</button></form>\
                 <p class=\"note\">This is the sandbox payment provider: no money moves.</p>"
            ),
        ),
        Body::Settled(LinkState::Paid { reference: paid })
        | Body::SettledBefore(LinkState::Paid { reference: paid }) => layout(
            "Payment received",
            &format!(
                "{facts}<p data-testid=\"result\">Paid. Your payment reference is \
                 <code>{}</code>. You can close this window and go back to Second Opinion.</p>",
                escape(&paid)
            ),
        ),
        Body::Settled(LinkState::Declined) | Body::SettledBefore(LinkState::Declined) => layout(
            "Payment failed",
            &format!(
                "{facts}<p data-testid=\"result\">{}</p>\
                 <p>You can close this window and go back to Second Opinion.</p>",
                escape(DECLINED)
            ),
        ),
    };
    Html(html).into_response()
}

fn layout(title: &str, content: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Sandbox payments</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}}\
         .amount{{font-size:2rem;font-weight:600;margin:.5rem 0 1.5rem}}\
         button{{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #1c7ed6;background:#1c7ed6;color:#fff;cursor:pointer}}\
         button.decline{{background:#fff;color:#c92a2a;border-color:#c92a2a}}\
         .note{{color:#777;font-size:.85rem;margin-top:2rem}}\
         </style></head><body><h1>{title}</h1>{content}</body></html>"
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body as HttpBody;
    use axum::http::Request;
    use tokio::sync::mpsc;
    use tower::ServiceExt;

    fn sandbox() -> (Arc<Sandbox>, mpsc::UnboundedReceiver<CallbackRequest>) {
        let sandbox = Arc::new(Sandbox::new(Secret::new("sandbox-test-secret").unwrap()));
        sandbox.set_site("http://pay.test/");
        let (tx, rx) = mpsc::unbounded_channel();
        sandbox.set_callback(CallbackTarget::InProcess(Arc::new(move |request| {
            let tx = tx.clone();
            Box::pin(async move {
                tx.send(request).map_err(|_| DeliveryError {
                    retry: false,
                    message: "closed".into(),
                })
            })
        })));
        (sandbox, rx)
    }

    fn request(case_id: CaseId) -> LinkRequest {
        LinkRequest {
            case_id,
            case_reference: "SO-2026-00007".into(),
            amount: Amount {
                minor: 150_000,
                currency: "SAR".into(),
            },
            existing: None,
        }
    }

    async fn call(sandbox: &Arc<Sandbox>, request: Request<HttpBody>) -> (StatusCode, String) {
        let response = sandbox.pages().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    fn path(link: &PaymentLink) -> String {
        link.url
            .strip_prefix(&format!("http://pay.test{PREFIX}"))
            .expect("the link is on the sandbox's site")
            .to_string()
    }

    fn form(path: &str, action: &str) -> Request<HttpBody> {
        Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(HttpBody::from(format!("action={action}")))
            .unwrap()
    }

    #[tokio::test]
    async fn the_same_case_gets_the_same_link_and_the_page_shows_the_amount() {
        let (sandbox, _rx) = sandbox();
        let case_id = CaseId(Uuid::now_v7());
        let link = sandbox.create_link(&request(case_id)).await.unwrap();
        let again = sandbox
            .create_link(&LinkRequest {
                existing: Some(link.clone()),
                ..request(case_id)
            })
            .await
            .unwrap();
        assert_eq!(link, again, "one case, one link");
        let other = sandbox
            .create_link(&request(CaseId(Uuid::now_v7())))
            .await
            .unwrap();
        assert_ne!(link.id, other.id);

        let (status, html) = call(
            &sandbox,
            Request::get(path(&link)).body(HttpBody::empty()).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("SAR 1,500.00"), "{html}");
        assert!(html.contains("SO-2026-00007"), "{html}");
        assert!(html.contains("Decline (payment fails)"), "{html}");
    }

    #[tokio::test]
    async fn a_changed_or_made_up_link_is_not_a_page() {
        let (sandbox, _rx) = sandbox();
        let link = sandbox
            .create_link(&request(CaseId(Uuid::now_v7())))
            .await
            .unwrap();
        let token = path(&link).trim_start_matches("/pay/").to_string();
        let (payload, mac) = token.split_once('.').unwrap();
        // The same claims with a smaller amount, under the old MAC.
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        claims["a"] = 1.into();
        let cheaper = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        for bad in [
            format!("{cheaper}.{mac}"),
            "nothing".into(),
            format!("{payload}.00"),
        ] {
            let (status, _) = call(
                &sandbox,
                Request::get(format!("/pay/{bad}"))
                    .body(HttpBody::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
            let (status, _) = call(&sandbox, form(&format!("/pay/{bad}"), "pay")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "paying a forged link: {bad}");
        }
    }

    #[tokio::test]
    async fn paying_sends_one_signed_callback_that_verifies() {
        let (sandbox, mut rx) = sandbox();
        let case_id = CaseId(Uuid::now_v7());
        let link = sandbox.create_link(&request(case_id)).await.unwrap();
        let (status, html) = call(&sandbox, form(&path(&link), "pay")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Paid."), "{html}");

        let callback = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("the callback comes")
            .unwrap();
        let event = sandbox
            .verify_callback(&callback.headers, &callback.body, Utc::now())
            .expect("the sandbox's own callback verifies");
        assert_eq!(event.case_id, case_id);
        assert_eq!(event.link_id, link.id);
        assert_eq!(event.amount.minor, 150_000);
        let PaymentOutcome::Succeeded { reference } = &event.outcome else {
            panic!("paid, got {:?}", event.outcome);
        };

        // Paying again is refused by the page and sends nothing.
        let (status, html) = call(&sandbox, form(&path(&link), "decline")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("used already"), "{html}");
        assert!(
            html.contains(reference.as_str()),
            "the payment as it ended: {html}"
        );
        assert!(
            rx.try_recv().is_err(),
            "a settled link sends no second callback"
        );

        // What was paid can be refunded, once.
        let half = Amount {
            minor: 75_000,
            currency: "SAR".into(),
        };
        assert!(sandbox.refund(reference, &half, "first").await.is_ok());
        assert!(sandbox.refund(reference, &half, "second").await.is_ok());
        assert_eq!(
            sandbox.refund(reference, &half, "third").await,
            Err(RefundError::ExceedsPayment { left_minor: 0 })
        );
        assert_eq!(
            sandbox.refund("sbx_pay_unknown", &half, "fourth").await,
            Err(RefundError::UnknownPayment)
        );
    }

    #[tokio::test]
    async fn declining_sends_a_failed_event_and_a_tampered_one_is_refused() {
        let (sandbox, mut rx) = sandbox();
        let link = sandbox
            .create_link(&request(CaseId(Uuid::now_v7())))
            .await
            .unwrap();
        let (status, html) = call(&sandbox, form(&path(&link), "decline")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Payment failed"), "{html}");
        let callback = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("the callback comes")
            .unwrap();
        let event = sandbox
            .verify_callback(&callback.headers, &callback.body, Utc::now())
            .unwrap();
        assert_eq!(
            event.outcome,
            PaymentOutcome::Failed {
                reason: DECLINED.into()
            }
        );
        let tampered = String::from_utf8(callback.body.clone())
            .unwrap()
            .replace("payment.failed", "payment.succeeded");
        assert_eq!(
            sandbox.verify_callback(&callback.headers, tampered.as_bytes(), Utc::now()),
            Err(CallbackError::InvalidSignature)
        );
        assert_eq!(
            sandbox.verify_callback(
                &callback.headers,
                &callback.body,
                Utc::now() + chrono::TimeDelta::minutes(6)
            ),
            Err(CallbackError::Stale),
            "the same callback later than the tolerance is a replay"
        );
    }

    fn sar(minor: u32) -> Amount {
        Amount {
            minor,
            currency: "SAR".into(),
        }
    }

    #[tokio::test]
    async fn the_same_key_refunds_once_and_answers_the_same_reference() {
        let (sandbox, _rx) = sandbox();
        sandbox.remember_payment("sbx_pay_a", &sar(150_000));
        let first = sandbox
            .refund("sbx_pay_a", &sar(150_000), "case-1")
            .await
            .unwrap();
        for _ in 0..3 {
            assert_eq!(
                sandbox.refund("sbx_pay_a", &sar(150_000), "case-1").await,
                Ok(first.clone()),
                "a retry with the key gets the first refund"
            );
        }
        assert_eq!(
            sandbox.refunds_of("sbx_pay_a"),
            vec![SandboxRefund {
                key: "case-1".into(),
                reference: first,
                amount: sar(150_000),
            }]
        );
        // Nothing is left: another key is refused, the same key for something else too.
        assert_eq!(
            sandbox.refund("sbx_pay_a", &sar(1), "case-2").await,
            Err(RefundError::ExceedsPayment { left_minor: 0 })
        );
        assert_eq!(
            sandbox.refund("sbx_pay_a", &sar(100), "case-1").await,
            Err(RefundError::KeyReused)
        );
        sandbox.remember_payment("sbx_pay_b", &sar(500));
        assert_eq!(
            sandbox.refund("sbx_pay_b", &sar(150_000), "case-1").await,
            Err(RefundError::KeyReused)
        );
        assert!(sandbox.refunds_of("sbx_pay_b").is_empty());
    }

    #[tokio::test]
    async fn the_same_key_at_once_from_many_tasks_refunds_once() {
        let (sandbox, _rx) = sandbox();
        sandbox.remember_payment("sbx_pay_a", &sar(150_000));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let sandbox = sandbox.clone();
                tokio::spawn(async move {
                    sandbox
                        .refund("sbx_pay_a", &sar(150_000), "case-1")
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut references = Vec::new();
        for task in tasks {
            references.push(task.await.unwrap());
        }
        references.dedup();
        assert_eq!(references.len(), 1, "{references:?}");
        assert_eq!(sandbox.refunds_of("sbx_pay_a").len(), 1);
    }

    #[tokio::test]
    async fn an_outage_answers_unavailable_for_as_many_calls_and_changes_nothing() {
        let (sandbox, _rx) = sandbox();
        sandbox.remember_payment("sbx_pay_a", &sar(150_000));
        sandbox.set_refund_outage(2);
        for _ in 0..2 {
            assert!(matches!(
                sandbox.refund("sbx_pay_a", &sar(150_000), "case-1").await,
                Err(RefundError::Unavailable(_))
            ));
        }
        assert!(sandbox.refunds_of("sbx_pay_a").is_empty());
        let made = sandbox
            .refund("sbx_pay_a", &sar(150_000), "case-1")
            .await
            .expect("the provider is back");
        assert_eq!(sandbox.refunds_of("sbx_pay_a")[0].reference, made);

        sandbox.set_refund_outage(5);
        sandbox.set_refund_outage(0);
        assert_eq!(
            sandbox.refund("sbx_pay_a", &sar(150_000), "case-1").await,
            Ok(made),
            "0 ends the outage"
        );
    }

    #[tokio::test]
    async fn unknown_payments_and_bad_amounts_are_refused() {
        let (sandbox, _rx) = sandbox();
        assert_eq!(
            sandbox.refund("sbx_pay_a", &sar(100), "k1").await,
            Err(RefundError::UnknownPayment),
            "a payment made before this process, untold"
        );
        sandbox.remember_payment("sbx_pay_a", &sar(1_000));
        assert_eq!(
            sandbox.refund("sbx_pay_a", &sar(0), "k2").await,
            Err(RefundError::InvalidAmount)
        );
        let dollars = Amount {
            minor: 100,
            currency: "USD".into(),
        };
        assert_eq!(
            sandbox.refund("sbx_pay_a", &dollars, "k3").await,
            Err(RefundError::InvalidAmount)
        );
        assert_eq!(
            sandbox.refund("sbx_pay_a", &sar(1_001), "k4").await,
            Err(RefundError::ExceedsPayment { left_minor: 1_000 })
        );
        assert!(sandbox.refund("sbx_pay_a", &sar(400), "k5").await.is_ok());
        // Told again, it keeps what it knows (the refund made).
        sandbox.remember_payment("sbx_pay_a", &sar(1_000));
        assert_eq!(
            sandbox.refund("sbx_pay_a", &sar(601), "k6").await,
            Err(RefundError::ExceedsPayment { left_minor: 600 })
        );
    }

    /// A sandbox on a clock the test moves (`hours` ahead of the real one).
    fn sandbox_at(
        hours: Arc<std::sync::atomic::AtomicI64>,
    ) -> (Arc<Sandbox>, mpsc::UnboundedReceiver<CallbackRequest>) {
        let clock: Clock = Arc::new(move || {
            Utc::now() + TimeDelta::hours(hours.load(std::sync::atomic::Ordering::SeqCst))
        });
        let sandbox = Arc::new(Sandbox::with_clock(
            Secret::new("sandbox-test-secret").unwrap(),
            clock,
            Retries::default(),
        ));
        sandbox.set_site("http://pay.test");
        let (tx, rx) = mpsc::unbounded_channel();
        sandbox.set_callback(CallbackTarget::InProcess(Arc::new(move |request| {
            let tx = tx.clone();
            Box::pin(async move {
                tx.send(request).map_err(|_| DeliveryError {
                    retry: false,
                    message: "closed".into(),
                })
            })
        })));
        (sandbox, rx)
    }

    #[tokio::test]
    async fn a_link_expires_after_a_day_and_then_changes_nothing() {
        use std::sync::atomic::AtomicI64;
        let hours = Arc::new(AtomicI64::new(0));
        let (sandbox, mut rx) = sandbox_at(hours.clone());
        let case_id = CaseId(Uuid::now_v7());
        let link = sandbox.create_link(&request(case_id)).await.unwrap();
        assert_eq!(
            sandbox.create_link(&request(case_id)).await.unwrap(),
            link,
            "asked again in this process (no `existing`): the same link"
        );

        hours.store(23, Ordering::SeqCst);
        let renewed = sandbox
            .create_link(&LinkRequest {
                existing: Some(link.clone()),
                ..request(case_id)
            })
            .await
            .unwrap();
        assert_ne!(renewed, link, "with under an hour left, a new link is made");
        let (status, _) = call(
            &sandbox,
            Request::get(path(&link)).body(HttpBody::empty()).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "the old one works until it expires");

        hours.store(25, Ordering::SeqCst);
        let (status, html) = call(
            &sandbox,
            Request::get(path(&link)).body(HttpBody::empty()).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::GONE, "{html}");
        assert!(html.contains("expired"), "{html}");
        let (status, html) = call(&sandbox, form(&path(&link), "pay")).await;
        assert_eq!(status, StatusCode::GONE, "paying an expired link: {html}");
        assert!(rx.try_recv().is_err(), "an expired link sends no callback");
        let (status, _) = call(&sandbox, form(&path(&renewed), "pay")).await;
        assert_eq!(status, StatusCode::OK, "the renewed link still works");
    }

    #[tokio::test]
    async fn a_link_the_record_says_was_used_is_not_paid_again() {
        let (sandbox, mut rx) = sandbox();
        let case_id = CaseId(Uuid::now_v7());
        let link = sandbox.create_link(&request(case_id)).await.unwrap();
        let used_id = link.id.clone();
        // A restarted sandbox knows nothing in memory; the authority's record does.
        sandbox.set_used_links(Arc::new(move |id| {
            let paid = (id == used_id).then(|| UsedLink::Paid {
                reference: "sbx_pay_before".into(),
            });
            Box::pin(async move { paid })
        }));
        for action in ["pay", "decline"] {
            let (status, html) = call(&sandbox, form(&path(&link), action)).await;
            assert_eq!(status, StatusCode::OK, "{html}");
            assert!(html.contains("used already"), "{action}: {html}");
            assert!(html.contains("sbx_pay_before"), "how it ended: {html}");
        }
        assert!(rx.try_recv().is_err(), "nothing is sent again");
        let other = sandbox
            .create_link(&request(CaseId(Uuid::now_v7())))
            .await
            .unwrap();
        let (status, html) = call(&sandbox, form(&path(&other), "pay")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Paid."), "an unused link pays: {html}");
    }

    #[test]
    fn the_page_escapes_what_it_shows() {
        assert_eq!(
            escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
