//! Payments: the [`PaymentProvider`] interface the server (and the standalone desktop) take
//! payments through, the [`sandbox`] provider that stands in for a real one in development
//! and tests, its callback [`signature`] scheme, and the sandbox's hosted payment page.
//!
//! It owns talking to a provider: a payment link for a case, reading the provider's signed
//! callbacks into [`PaymentEvent`]s, refunds. It must never decide anything about a case
//! (the `domain` rules do, on `RecordPayment`, which the caller issues as the system user),
//! never touch a database, and never log a secret, a signature or a callback's body.

pub mod sandbox;
pub mod signature;

use std::future::Future;
use std::pin::Pin;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use domain::{Case, CaseId, CaseStatus, PaymentOutcome};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use sandbox::{CallbackRequest, CallbackTarget, DeliveryError, Sandbox};
pub use signature::Secret;

/// A future a provider's method returns (the trait is used as `dyn PaymentProvider`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An amount of money in minor units (cents, halalas).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub minor: u32,
    pub currency: String,
}

impl Amount {
    /// As people read it: `SAR 1,500.00`.
    pub fn display(&self) -> String {
        domain::money::format(self.minor, &self.currency)
    }
}

/// What a payment link is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRequest {
    pub case_id: CaseId,
    /// The case's reference number, shown to the payer (`SO-2026-00001`).
    pub case_reference: String,
    pub amount: Amount,
    /// The link made for this case before, if any: a provider returns it again while it is
    /// still good, so the payer keeps one link (across a coordinator change, too).
    pub existing: Option<PaymentLink>,
}

/// Where the payer pays: a page of the provider's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLink {
    /// The provider's id of the link; callbacks name it.
    pub id: String,
    /// The page to open in the payer's browser.
    pub url: String,
}

/// A verified callback: what happened to the payment of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    /// The provider's id of this event. The same event may be delivered more than once
    /// (retries); the receiver applies each id once.
    pub event_id: String,
    pub link_id: String,
    pub case_id: CaseId,
    /// What was paid (or tried), to check against what the case asks.
    pub amount: Amount,
    pub outcome: PaymentOutcome,
    /// When it happened at the provider.
    pub at: DateTime<Utc>,
}

/// A refund the provider accepted: its reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRef(pub String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProviderError {
    #[error("the payment provider cannot make links yet: {0}")]
    NotReady(String),
    #[error("the payment provider is not reachable: {0}")]
    Unavailable(String),
}

/// Why a callback was refused. Each has a stable [`CallbackError::code`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CallbackError {
    /// Missing, malformed or wrong signature — a tampered or forged callback.
    #[error("the callback's signature is missing, malformed or does not match")]
    InvalidSignature,
    /// Signed outside the tolerance: a replay of an old callback, or a clock far off.
    #[error("the callback was signed too long ago (or too far ahead)")]
    Stale,
    /// Signed correctly, but not an event this receiver understands.
    #[error("the callback is not a payment event: {0}")]
    Malformed(String),
}

impl CallbackError {
    pub fn code(&self) -> &'static str {
        match self {
            CallbackError::InvalidSignature => "invalid_signature",
            CallbackError::Stale => "stale_callback",
            CallbackError::Malformed(_) => "invalid_input",
        }
    }
}

impl From<signature::SignatureError> for CallbackError {
    fn from(e: signature::SignatureError) -> Self {
        use signature::SignatureError as S;
        match e {
            S::Missing | S::Malformed | S::Mismatch => CallbackError::InvalidSignature,
            S::Stale { .. } => CallbackError::Stale,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RefundError {
    #[error("the provider knows no payment with that reference")]
    UnknownPayment,
    #[error("a refund must be more than nothing, in the payment's currency")]
    InvalidAmount,
    #[error("that is more than is left to refund of the payment ({left_minor} minor units)")]
    ExceedsPayment { left_minor: u32 },
    #[error("the payment provider is not reachable: {0}")]
    Unavailable(String),
}

/// A payment provider: the sandbox today, a real one (behind its own adapter) later.
pub trait PaymentProvider: Send + Sync {
    /// The payment link for a case: a new one, or `request.existing` again while the
    /// provider still honours it. The same case gets the same link.
    fn create_link<'a>(
        &'a self,
        request: &'a LinkRequest,
    ) -> BoxFuture<'a, Result<PaymentLink, ProviderError>>;

    /// Verifies a callback (its headers and raw body, byte for byte) at `now` and reads
    /// the event in it. No I/O: the caller stores the event id and applies the outcome.
    fn verify_callback(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<PaymentEvent, CallbackError>;

    /// Refunds `amount` of the payment with `reference` (all of it or part).
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount: &'a Amount,
    ) -> BoxFuture<'a, Result<RefundRef, RefundError>>;
}

// ----- the wire: `GET /v1/cases/{id}/payment` -------------------------------------------

/// Where a case's payment stands, as the requester reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Asked for, not paid yet: the link is offered.
    Pending,
    Paid,
    /// The payment failed; the case is closed (terminal).
    Failed,
    /// The case was cancelled before it was paid.
    Cancelled,
}

impl PaymentStatus {
    /// The payment state of `case`; `None` while no payment has been asked for (before a
    /// coordinator is assigned).
    pub fn of(case: &Case) -> Option<PaymentStatus> {
        case.payment.as_ref()?;
        Some(match case.status {
            CaseStatus::AwaitingPayment => PaymentStatus::Pending,
            CaseStatus::PaymentFailed => PaymentStatus::Failed,
            CaseStatus::Cancelled if case.is_paid() => PaymentStatus::Paid,
            CaseStatus::Cancelled => PaymentStatus::Cancelled,
            CaseStatus::PaymentSuccessful | CaseStatus::DoctorsAssigned | CaseStatus::Completed => {
                PaymentStatus::Paid
            }
            // A payment is asked for only on the way to awaiting_payment.
            CaseStatus::Draft | CaseStatus::Submitted | CaseStatus::Rejected => return None,
        })
    }
}

/// A case's payment: the server's answer to `GET /v1/cases/{id}/payment`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentInfo {
    pub case_id: CaseId,
    pub status: PaymentStatus,
    pub amount_minor: u32,
    pub currency: String,
    /// The page to pay on, while the payment is pending; `null` otherwise.
    pub url: Option<String>,
    /// The provider's reference, once paid.
    pub reference: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}
