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
use domain::{Case, CaseId, CaseStatus, PaymentOutcome, Refund, RefundOutcome};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use sandbox::{CallbackRequest, CallbackTarget, DeliveryError, Sandbox, SandboxRefund};
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
    /// The idempotency key was used before for another refund (another payment or amount).
    #[error("that idempotency key was used for another refund")]
    KeyReused,
}

/// A payment provider: the sandbox today, a real one (behind its own adapter) later.
pub trait PaymentProvider: Send + Sync {
    /// The payment link for a case: a new one, or `request.existing` again while the
    /// provider still honours it (the sandbox's expire after a day).
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

    /// Refunds `amount` of the payment with `reference` (all of it or part), once per
    /// idempotency `key`: asked again with the same key (and the same payment and amount),
    /// the provider answers the first refund's [`RefundRef`] and refunds nothing more. So
    /// a retry after a lost answer, a crash between the refund and its recording, or two
    /// servers asking at once never refund twice. The authority's key is the case's id (a
    /// case is refunded once, wholly).
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount: &'a Amount,
        key: &'a str,
    ) -> BoxFuture<'a, Result<RefundRef, RefundError>>;
}

// ----- refunds owed by cancelled cases --------------------------------------------------

/// What one run of an authority's refund job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefundRun {
    /// Refunds that were due and asked of the provider.
    pub due: usize,
    /// Recorded as refunded.
    pub refunded: usize,
    /// Recorded as failed (to be tried again after the back-off).
    pub failed: usize,
    /// Recorded by another run meanwhile: nothing recorded by this one.
    pub already_recorded: usize,
    /// Refused by the rules for another reason than a second recording (logged).
    pub refused: usize,
}

/// A refund a cancelled case owes and that is due: what the authority (the server's refund
/// job, or the standalone desktop's) asks the provider, and whose answer it records as the
/// system user's `RecordRefund`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueRefund {
    pub case_id: CaseId,
    /// The refund as it stood when it was found due.
    pub refund: Refund,
}

impl DueRefund {
    /// The refund `case` owes, when it is due at `now` ([`Refund::next_attempt_at`]):
    /// cancelled, still open, and not waiting out the back-off of a failed try.
    pub fn of(case: &Case, now: DateTime<Utc>) -> Option<DueRefund> {
        if case.status != CaseStatus::Cancelled {
            return None;
        }
        let refund = case.refund.as_ref()?;
        let due = refund.next_attempt_at()?;
        (due <= now).then(|| DueRefund {
            case_id: case.id,
            refund: refund.clone(),
        })
    }

    /// The provider's idempotency key: the case's id.
    pub fn key(&self) -> String {
        self.case_id.to_string()
    }

    pub fn amount(&self) -> Amount {
        Amount {
            minor: self.refund.amount_minor,
            currency: self.refund.currency.clone(),
        }
    }

    /// Asks `provider` for the refund; its answer as the case records it. A failure's
    /// reason is the provider's error (never patient data), cut to what a reason may hold.
    pub async fn ask(&self, provider: &dyn PaymentProvider) -> RefundOutcome {
        let Some(reference) = self.refund.payment_reference.as_deref() else {
            return RefundOutcome::Failed {
                reason: "The payment has no provider reference to refund.".into(),
            };
        };
        match provider
            .refund(reference, &self.amount(), &self.key())
            .await
        {
            Ok(RefundRef(reference)) => RefundOutcome::Succeeded { reference },
            Err(e) => RefundOutcome::Failed {
                reason: e.to_string().chars().take(domain::limits::REASON).collect(),
            },
        }
    }

    /// Whether `outcome` is still to be recorded on the case whose refund is `now` (read
    /// again under the lock the recording takes): a success while the refund is open; a failure only
    /// while nobody has recorded another try since this one was found due — so two runs
    /// at once (two server instances) record one failure, not two, and never a failure
    /// over a success.
    pub fn still_to_record(&self, now: Option<&Refund>, outcome: &RefundOutcome) -> bool {
        match (now, outcome) {
            (Some(now), RefundOutcome::Succeeded { .. }) => now.is_open(),
            (Some(now), RefundOutcome::Failed { .. }) => *now == self.refund,
            (None, _) => false,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use domain::RefundStatus;
    use uuid::Uuid;

    fn owed(payment_reference: Option<&str>) -> DueRefund {
        DueRefund {
            case_id: CaseId(Uuid::now_v7()),
            refund: Refund {
                amount_minor: 150_000,
                currency: "SAR".into(),
                payment_reference: payment_reference.map(str::to_string),
                status: RefundStatus::Pending,
                failures: 0,
                last_error: None,
                last_attempt_at: None,
                reference: None,
                refunded_at: None,
                due_since: Utc::now(),
            },
        }
    }

    #[tokio::test]
    async fn asking_twice_for_a_due_refund_refunds_once() {
        let sandbox = Sandbox::new(Secret::new("sandbox-test-secret").unwrap());
        let due = owed(Some("sbx_pay_1"));
        sandbox.remember_payment("sbx_pay_1", &due.amount());
        let first = due.ask(&sandbox).await;
        let RefundOutcome::Succeeded { reference } = &first else {
            panic!("refunded: {first:?}");
        };
        assert_eq!(
            due.ask(&sandbox).await,
            first,
            "the same key, the same refund"
        );
        let made = sandbox.refunds_of("sbx_pay_1");
        assert_eq!(made.len(), 1, "{made:?}");
        assert_eq!(
            (made[0].key.as_str(), made[0].reference.0.as_str()),
            (due.key().as_str(), reference.as_str())
        );
    }

    #[tokio::test]
    async fn a_failure_is_a_reason_and_no_reference_is_a_failure() {
        let sandbox = Sandbox::new(Secret::new("sandbox-test-secret").unwrap());
        let outcome = owed(Some("sbx_pay_unknown")).ask(&sandbox).await;
        assert_eq!(
            outcome,
            RefundOutcome::Failed {
                reason: RefundError::UnknownPayment.to_string()
            }
        );
        sandbox.set_refund_outage(1);
        let due = owed(Some("sbx_pay_2"));
        sandbox.remember_payment("sbx_pay_2", &due.amount());
        let RefundOutcome::Failed { reason } = due.ask(&sandbox).await else {
            panic!("the provider is down");
        };
        assert!(reason.contains("not reachable"), "{reason}");
        assert!(matches!(
            owed(None).ask(&sandbox).await,
            RefundOutcome::Failed { .. }
        ));
        assert!(sandbox.refunds_of("sbx_pay_2").is_empty());
    }

    #[test]
    fn a_failure_is_recorded_once_and_never_over_a_success() {
        let due = owed(Some("sbx_pay_1"));
        let failed = RefundOutcome::Failed {
            reason: "down".into(),
        };
        let succeeded = RefundOutcome::Succeeded {
            reference: "sbx_re_1".into(),
        };
        let unchanged = due.refund.clone();
        assert!(due.still_to_record(Some(&unchanged), &failed));
        assert!(due.still_to_record(Some(&unchanged), &succeeded));

        // Another run recorded its failure meanwhile: ours is the same try, not another.
        let mut tried = unchanged.clone();
        tried.status = RefundStatus::Failed;
        tried.failures = 1;
        tried.last_attempt_at = Some(Utc::now());
        assert!(!due.still_to_record(Some(&tried), &failed));
        assert!(
            due.still_to_record(Some(&tried), &succeeded),
            "a success is the truth"
        );

        let mut refunded = tried;
        refunded.status = RefundStatus::Refunded;
        assert!(!due.still_to_record(Some(&refunded), &succeeded));
        assert!(!due.still_to_record(Some(&refunded), &failed));
        assert!(!due.still_to_record(None, &succeeded));
    }
}
