//! The case: the central record of a second-opinion request, and its parts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::{
    CaseId, DiseaseCategoryId, DocumentId, IssueId, PatientId, RequestId, ReviewTypeId, UserId,
};

/// The case as a whole (seed 000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Draft,
    Submitted,
    AwaitingPayment,
    PaymentSuccessful,
    PaymentFailed,
    DoctorsAssigned,
    Completed,
    Cancelled,
    Rejected,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 9] = [
        CaseStatus::Draft,
        CaseStatus::Submitted,
        CaseStatus::AwaitingPayment,
        CaseStatus::PaymentSuccessful,
        CaseStatus::PaymentFailed,
        CaseStatus::DoctorsAssigned,
        CaseStatus::Completed,
        CaseStatus::Cancelled,
        CaseStatus::Rejected,
    ];

    /// Terminal statuses are final: nothing changes such a case except reading it.
    pub fn is_terminal(self) -> bool {
        match self {
            CaseStatus::Completed
            | CaseStatus::Cancelled
            | CaseStatus::Rejected
            | CaseStatus::PaymentFailed => true,
            CaseStatus::Draft
            | CaseStatus::Submitted
            | CaseStatus::AwaitingPayment
            | CaseStatus::PaymentSuccessful
            | CaseStatus::DoctorsAssigned => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Draft => "draft",
            CaseStatus::Submitted => "submitted",
            CaseStatus::AwaitingPayment => "awaiting_payment",
            CaseStatus::PaymentSuccessful => "payment_successful",
            CaseStatus::PaymentFailed => "payment_failed",
            CaseStatus::DoctorsAssigned => "doctors_assigned",
            CaseStatus::Completed => "completed",
            CaseStatus::Cancelled => "cancelled",
            CaseStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Draft => "Draft",
            CaseStatus::Submitted => "Submitted",
            CaseStatus::AwaitingPayment => "Awaiting payment",
            CaseStatus::PaymentSuccessful => "Payment successful",
            CaseStatus::PaymentFailed => "Payment failed",
            CaseStatus::DoctorsAssigned => "Doctors assigned",
            CaseStatus::Completed => "Completed",
            CaseStatus::Cancelled => "Cancelled",
            CaseStatus::Rejected => "Rejected",
        }
    }
}

/// One provider's part in a case (seed 003).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    Assigned,
    Accepted,
    Declined,
    InProgress,
    Returned,
    Done,
}

impl AssignmentStatus {
    pub const ALL: [AssignmentStatus; 6] = [
        AssignmentStatus::Assigned,
        AssignmentStatus::Accepted,
        AssignmentStatus::Declined,
        AssignmentStatus::InProgress,
        AssignmentStatus::Returned,
        AssignmentStatus::Done,
    ];

    /// As stored (the store's projection of who works on a case).
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Assigned => "assigned",
            AssignmentStatus::Accepted => "accepted",
            AssignmentStatus::Declined => "declined",
            AssignmentStatus::InProgress => "in_progress",
            AssignmentStatus::Returned => "returned",
            AssignmentStatus::Done => "done",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    MedicalReport,
    Imaging,
    LabResult,
    Prescription,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CaseDocument")]
pub struct Document {
    pub id: DocumentId,
    pub name: String,
    pub kind: DocumentKind,
    pub media_type: String,
    /// Lower-case hex SHA-256 of the content; the content is stored once per hash.
    pub sha256: String,
    pub size_bytes: u32,
    pub uploaded_by: UserId,
    #[ts(type = "string")]
    pub uploaded_at: DateTime<Utc>,
}

/// A coordinator's link to a case. Changing the coordinator deactivates the old row and
/// adds a new one (seed 002), so the history stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinatorAssignment {
    pub coordinator_id: UserId,
    pub active: bool,
    pub assigned_by: UserId,
    pub assigned_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Opinion {
    pub assessment: String,
    pub diagnosis: String,
    pub recommendations: String,
    pub answers: String,
    pub references: String,
    #[ts(type = "string")]
    pub submitted_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAssignment {
    pub provider_id: UserId,
    pub status: AssignmentStatus,
    pub assigned_at: DateTime<Utc>,
    pub decline_reason: Option<String>,
    pub opinion: Option<Opinion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRequest {
    pub id: RequestId,
    pub provider_id: UserId,
    pub note: String,
    pub open: bool,
    pub requested_at: DateTime<Utc>,
}

/// A provider's return issue: the case goes back to the provider's `returned` status
/// until every such issue of theirs is resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnIssue {
    pub id: IssueId,
    pub provider_id: UserId,
    pub reason: String,
    pub resolved: bool,
    pub opened_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub amount_minor: u32,
    pub currency: String,
    /// The payment provider's reference once paid.
    pub reference: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}

/// An invoice: issued by the authority when a case completes, numbered `INV-YYYY-NNNNN`
/// gap-free per year ([`crate::invoice_number`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    pub amount_minor: u32,
    pub currency: String,
    /// The payment provider's reference of the payment the invoice is for.
    pub payment_reference: Option<String>,
    pub issued_at: DateTime<Utc>,
}

/// Where a refund stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Owed; not tried yet.
    Pending,
    /// The last try failed; it will be tried again ([`Refund::next_attempt_at`]).
    Failed,
    /// The provider refunded it.
    Refunded,
}

/// The refund owed when a paid case is cancelled. It is never lost: until the provider
/// refunds it, the authority keeps trying, and each failure is on the case for people to see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub amount_minor: u32,
    pub currency: String,
    /// The payment being refunded (the provider's reference).
    pub payment_reference: Option<String>,
    pub status: RefundStatus,
    /// Failed tries so far.
    pub failures: u32,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The provider's reference of the refund, once refunded.
    pub reference: Option<String>,
    pub refunded_at: Option<DateTime<Utc>>,
    /// When it became owed (the cancellation).
    pub due_since: DateTime<Utc>,
}

impl Refund {
    /// The longest wait between two tries.
    pub const MAX_BACKOFF_MINUTES: i64 = 60;

    /// When the authority should try next: at once when it has never been tried, then after
    /// 1, 2, 4, … minutes (at most an hour) following each failure; `None` once refunded.
    pub fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        match self.status {
            RefundStatus::Refunded => None,
            RefundStatus::Pending => Some(self.due_since),
            RefundStatus::Failed => {
                let exp = self.failures.saturating_sub(1).min(6);
                let minutes = (1_i64 << exp).min(Self::MAX_BACKOFF_MINUTES);
                let last = self.last_attempt_at.unwrap_or(self.due_since);
                Some(last + chrono::Duration::minutes(minutes))
            }
        }
    }

    /// Whether it is still owed.
    pub fn is_open(&self) -> bool {
        self.status != RefundStatus::Refunded
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    /// Human reference number, assigned by the authority (never by a client).
    pub reference: Option<String>,
    pub requester_id: UserId,
    pub patient_id: PatientId,
    pub review_type_id: ReviewTypeId,
    pub disease_category_id: DiseaseCategoryId,
    pub question: String,
    pub clinical_summary: String,
    pub status: CaseStatus,
    pub documents: Vec<Document>,
    pub coordinators: Vec<CoordinatorAssignment>,
    pub payment: Option<Payment>,
    pub assignments: Vec<ProviderAssignment>,
    pub document_requests: Vec<DocumentRequest>,
    pub return_issues: Vec<ReturnIssue>,
    pub final_summary: Option<String>,
    pub cancel_reason: Option<String>,
    pub reject_reason: Option<String>,
    /// A refund is owed (the case was cancelled after payment).
    pub refund_due: bool,
    /// The refund of a paid case that was cancelled: owed, tried, done.
    #[serde(default)]
    pub refund: Option<Refund>,
    /// The invoice, issued by the authority when the case completes.
    #[serde(default)]
    pub invoice: Option<Invoice>,
    /// Appointments between the case's people (`crate::appointment`).
    #[serde(default)]
    pub appointments: Vec<crate::appointment::Appointment>,
    /// Issues reported on the case (`crate::issue`); return issues are `return_issues`.
    #[serde(default)]
    pub issues: Vec<crate::issue::CaseIssue>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl Case {
    /// The coordinator currently responsible, if any.
    pub fn coordinator(&self) -> Option<UserId> {
        self.coordinators
            .iter()
            .find(|c| c.active)
            .map(|c| c.coordinator_id)
    }

    pub fn assignment(&self, provider: UserId) -> Option<&ProviderAssignment> {
        self.assignments.iter().find(|a| a.provider_id == provider)
    }

    pub fn is_paid(&self) -> bool {
        self.payment.as_ref().is_some_and(|p| p.paid_at.is_some())
    }

    pub fn has_open_document_request(&self) -> bool {
        self.document_requests.iter().any(|r| r.open)
    }
}

/// The case statuses in which a case's people still talk, meet and raise issues: from
/// submission until the case closes, and after completion (to discuss the report). A
/// draft has nobody to talk to yet; a cancelled, rejected or unpaid case is closed.
/// [docs/decisions.md]
pub fn follow_up_status(status: CaseStatus) -> bool {
    match status {
        CaseStatus::Submitted
        | CaseStatus::AwaitingPayment
        | CaseStatus::PaymentSuccessful
        | CaseStatus::DoctorsAssigned
        | CaseStatus::Completed => true,
        CaseStatus::Draft
        | CaseStatus::Cancelled
        | CaseStatus::Rejected
        | CaseStatus::PaymentFailed => false,
    }
}
