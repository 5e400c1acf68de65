//! What the use cases take and give: the shapes the UI sees. TypeScript types are
//! generated from these (ts-rs, `ui/src/bindings/`), never hand-copied.

mod review;
mod talk;

pub use review::*;
pub use talk::*;

use chrono::{DateTime, Utc};
use domain::{
    ActionKind, CaseId, CaseStatus, DiseaseCategory, DiseaseCategoryId, Document, DocumentInput,
    Invoice, Patient, PatientId, Refund, RefundStatus, Refusal, ReviewType, ReviewTypeId, Role,
    Specialty, SpecialtyId, User, UserId,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A person, as others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    pub email: String,
    pub specialty_ids: Vec<SpecialtyId>,
    /// A deactivated account stays listed where it is named (the configuration's people).
    pub active: bool,
}

impl From<&User> for UserSummary {
    fn from(u: &User) -> Self {
        UserSummary {
            id: u.id,
            name: u.name.clone(),
            role: u.role,
            email: u.email.clone(),
            specialty_ids: u.specialty_ids.clone(),
            active: u.active,
        }
    }
}

/// The active configuration, for pickers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Catalog")]
pub struct CatalogView {
    pub specialties: Vec<Specialty>,
    pub review_types: Vec<ReviewType>,
    pub disease_categories: Vec<DiseaseCategory>,
    /// Active coordinators with the specialties they coordinate.
    pub coordinators: Vec<UserSummary>,
}

/// Everything an admin configures, inactive items included, and the people the
/// configuration maps (coordinators and providers, active or not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationView {
    pub specialties: Vec<Specialty>,
    pub review_types: Vec<ReviewType>,
    pub disease_categories: Vec<DiseaseCategory>,
    pub coordinators: Vec<UserSummary>,
    pub providers: Vec<UserSummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    /// Matches the case reference or the patient's name.
    pub search: Option<String>,
}

/// One page of the case list: what it filters on, the order, and where it starts.
/// Every filter is `null` (or `false`) for "any"; dates are `YYYY-MM-DD` days, inclusive, on
/// the calendar of `timeZone` (the viewer's IANA zone; UTC when `null`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CaseListQuery {
    pub status: Option<CaseStatus>,
    pub review_type_id: Option<ReviewTypeId>,
    pub disease_category_id: Option<DiseaseCategoryId>,
    pub coordinator_id: Option<UserId>,
    /// Cases this provider is on (and has not declined).
    pub provider_id: Option<UserId>,
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    pub updated_from: Option<String>,
    pub updated_to: Option<String>,
    pub time_zone: Option<String>,
    /// Only cases whose opinions or final summary are overdue now.
    pub overdue: bool,
    /// Matches the case reference or the patient's name.
    pub search: Option<String>,
    /// `updated` (the default), `created`, `reference` or `patientName`.
    pub sort: Option<String>,
    /// `asc` or `desc`; by default `desc` for the dates, `asc` for reference and name.
    pub direction: Option<String>,
    /// `CasePage.nextCursor` of the page before; `null` for the first page. Only valid
    /// with the same `sort` and `direction`.
    pub cursor: Option<String>,
}

/// A page of the case list (`App::case_page`): at most `CASE_PAGE_SIZE` rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CasePage {
    pub rows: Vec<CaseSummary>,
    /// How many cases match the filters, on every page.
    pub total: u32,
    /// Asks for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// A case in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    pub id: CaseId,
    pub reference: Option<String>,
    pub status: CaseStatus,
    pub patient_name: String,
    pub review_type_name: String,
    pub disease_category_label: String,
    pub coordinator_name: Option<String>,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
}

/// A line of the case timeline: who did what, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub actor_role: Role,
    pub label: String,
    pub detail: Option<String>,
}

/// Whether the signed-in user may take an action now, and if not, why. Computed by the
/// same rules that decide the command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionAvailability {
    pub action: ActionKind,
    pub allowed: bool,
    pub reason: Option<Refusal>,
}

/// Everything the case screen shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    #[serde(flatten)]
    #[ts(flatten)]
    pub summary: CaseSummary,
    pub patient: Patient,
    pub review_type: ReviewType,
    pub disease_category: DiseaseCategory,
    pub question: String,
    pub clinical_summary: String,
    pub documents: Vec<Document>,
    pub coordinator: Option<UserSummary>,
    pub timeline: Vec<TimelineEntry>,
    /// The actions the user's role has on this case, each allowed or not with the reason.
    pub actions: Vec<ActionAvailability>,
    pub cancel_reason: Option<String>,
    pub reject_reason: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub review: ReviewDetail,
    /// Whether the user may have the case report now (`domain::decide::check_report`: the
    /// case's requester, its coordinator and admins, once completed).
    pub report_available: bool,
    /// The invoice, for those who see the case's billing (its requester, admins); `null`
    /// for everyone else, and until the case is completed.
    pub invoice: Option<InvoiceView>,
    /// The refund of a paid case that was cancelled, for the same people as the invoice.
    pub refund: Option<RefundView>,
    /// Appointments, issues and the chat's state (`crate::talk`).
    pub talk: CaseTalk,
    /// What cancelling the case now asks of the user and sets off (`crate::app::cancel_terms`).
    pub cancel_terms: CancelTerms,
    /// Whether the user is the one to pay for the case now: its requester, while the
    /// payment is pending (`crate::payment::payment_due`). Admins may read the payment
    /// link too, but are not asked to pay.
    pub payment_due: bool,
}

/// What cancelling a case would mean for the user, from a dry run of the decision itself
/// (`domain::decide_case`); both `false` when they may not cancel it (`actions` says why).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CancelTerms {
    /// The user must give a reason (`reason_required` without one): admins do, a requester
    /// may leave it out.
    pub reason_required: bool,
    /// Cancelling makes a refund due: the case has been paid for.
    pub refund_due: bool,
}

/// The screens the signed-in user's navigation offers, each asked of the rule that would
/// refuse them otherwise (`crate::app::capabilities`). The core still refuses on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Patients: requesters see their own, admins every one (read-only); coordinators and
    /// providers see a patient only through a case (`domain::visibility::can_see_patient`).
    pub patients: bool,
    /// Adding and editing patients (`domain::decide_patient`: requesters).
    pub manage_patients: bool,
    /// New case (`domain::decide_case` on a new case: requesters).
    pub create_cases: bool,
    /// The Invoices list (`list_invoices`: requesters and admins).
    pub invoices: bool,
    /// Service records (`service_records`: providers).
    pub service_records: bool,
    /// The configuration screens (`domain::config::check_configure`: admins).
    pub configure: bool,
}

/// A case's invoice, as its requester and admins read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceView {
    /// `INV-2026-00017`, numbered by the authority.
    pub number: String,
    pub amount_minor: u32,
    pub currency: String,
    /// The amount as people read it: "SAR 1,500.00" (`domain::money::format`).
    pub amount: String,
    /// The payment provider's reference of the payment the invoice is for.
    pub payment_reference: Option<String>,
    #[ts(type = "string")]
    pub issued_at: DateTime<Utc>,
}

impl From<&Invoice> for InvoiceView {
    fn from(i: &Invoice) -> Self {
        InvoiceView {
            number: i.number.clone(),
            amount_minor: i.amount_minor,
            currency: i.currency.clone(),
            amount: domain::money::format(i.amount_minor, &i.currency),
            payment_reference: i.payment_reference.clone(),
            issued_at: i.issued_at,
        }
    }
}

/// Where the refund of a cancelled paid case stands, as its requester and admins read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    pub status: RefundStatus,
    pub amount_minor: u32,
    pub currency: String,
    /// The amount as people read it: "SAR 1,500.00".
    pub amount: String,
    /// Failed tries so far.
    pub failures: u32,
    /// Why the last try failed, as the payment provider said it.
    pub last_error: Option<String>,
    #[ts(type = "string | null")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the authority tries again; `null` once refunded.
    #[ts(type = "string | null")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The payment provider's reference of the refund, once refunded.
    pub reference: Option<String>,
    #[ts(type = "string | null")]
    pub refunded_at: Option<DateTime<Utc>>,
    /// When it became owed (the cancellation).
    #[ts(type = "string")]
    pub due_since: DateTime<Utc>,
}

impl From<&Refund> for RefundView {
    fn from(r: &Refund) -> Self {
        RefundView {
            status: r.status,
            amount_minor: r.amount_minor,
            currency: r.currency.clone(),
            amount: domain::money::format(r.amount_minor, &r.currency),
            failures: r.failures,
            last_error: r.last_error.clone(),
            last_attempt_at: r.last_attempt_at,
            next_attempt_at: r.next_attempt_at(),
            reference: r.reference.clone(),
            refunded_at: r.refunded_at,
            due_since: r.due_since,
        }
    }
}

/// An invoice in the requester's (or an admin's) list of invoices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRow {
    pub number: String,
    pub case_id: CaseId,
    pub case_reference: Option<String>,
    pub patient_name: String,
    pub amount_minor: u32,
    pub currency: String,
    /// The amount as people read it: "SAR 1,500.00".
    pub amount: String,
    #[ts(type = "string")]
    pub issued_at: DateTime<Utc>,
    pub payment_reference: Option<String>,
}

/// A provider's record of work done: a completed case they gave an opinion on. No money,
/// and nothing of the other specialists' work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRecord {
    pub case_id: CaseId,
    pub case_reference: Option<String>,
    pub review_type_name: String,
    pub disease_category_label: String,
    /// When this provider submitted their opinion.
    #[ts(type = "string")]
    pub opinion_submitted_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub completed_at: DateTime<Utc>,
}

/// A PDF written to this computer for the user to read: where it is, and whether a viewer
/// could be opened on it (on a machine without one, the UI says where the file is).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    pub opened: bool,
}

/// A new case: its fields and the staged documents to attach.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseInput {
    pub patient_id: PatientId,
    pub review_type_id: ReviewTypeId,
    pub disease_category_id: DiseaseCategoryId,
    pub question: String,
    pub clinical_summary: String,
    pub documents: Vec<DocumentInput>,
}

/// Content now in the local content store, ready to be attached to a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StagedDocument {
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub size_bytes: u32,
}
