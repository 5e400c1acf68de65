//! What the use cases take and give: the shapes the UI sees. TypeScript types are
//! generated from these (ts-rs, `ui/src/bindings/`), never hand-copied.

use chrono::{DateTime, Utc};
use domain::{
    ActionKind, AssignmentStatus, CaseId, CaseStatus, DiseaseCategory, DiseaseCategoryId, Document,
    DocumentInput, IssueId, Opinion, Patient, PatientId, Refusal, RequestId, ReviewType,
    ReviewTypeId, Role, Specialty, SpecialtyId, User, UserId,
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
}

impl From<&User> for UserSummary {
    fn from(u: &User) -> Self {
        UserSummary {
            id: u.id,
            name: u.name.clone(),
            role: u.role,
            email: u.email.clone(),
            specialty_ids: u.specialty_ids.clone(),
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

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    /// Matches the case reference or the patient's name.
    pub search: Option<String>,
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
}

/// The review part of the case screen: the specialists, what they asked and said, and the
/// coordinator's final summary. What a role may read of it is decided in `crate::review`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDetail {
    /// Every provider assignment, in the order they were made; declined ones stay listed
    /// (with the reason) so the coordinator sees whom to replace.
    pub assignments: Vec<AssignmentView>,
    /// The submitted opinions the user may read, in the order of the assignments.
    pub opinions: Vec<OpinionView>,
    /// The providers' document requests, oldest first; `open` until the requester uploads.
    pub document_requests: Vec<DocumentRequestView>,
    /// The providers' return issues, oldest first.
    pub return_issues: Vec<ReturnIssueView>,
    pub final_summary: Option<String>,
    #[ts(type = "string | null")]
    pub completed_at: Option<DateTime<Utc>>,
    /// For a coordinator choosing providers: the eligible ones (mapped to the case's disease
    /// category) not on the case yet. Empty for roles that never assign providers.
    pub eligible_providers: Vec<ProviderSummary>,
}

/// A provider as the case screen names them: their name and specialties (English names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSummary {
    pub id: UserId,
    pub name: String,
    pub specialties: Vec<String>,
}

/// One provider's part in the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentView {
    pub provider: ProviderSummary,
    pub status: AssignmentStatus,
    #[ts(type = "string")]
    pub assigned_at: DateTime<Utc>,
    pub decline_reason: Option<String>,
}

/// A submitted opinion, with who wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpinionView {
    pub provider: ProviderSummary,
    #[serde(flatten)]
    #[ts(flatten)]
    pub opinion: Opinion,
}

/// A provider's request for more documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRequestView {
    pub id: RequestId,
    pub provider: ProviderSummary,
    pub note: String,
    /// Still waiting for the requester's upload.
    pub open: bool,
    #[ts(type = "string")]
    pub requested_at: DateTime<Utc>,
}

/// A provider's return issue: their review waits until it is resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReturnIssueView {
    pub id: IssueId,
    pub provider: ProviderSummary,
    pub reason: String,
    pub resolved: bool,
    #[ts(type = "string")]
    pub opened_at: DateTime<Utc>,
    /// Whether the user may resolve this issue now (the same rules as `resolve_return`:
    /// a provider resolves only their own).
    pub resolvable: bool,
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
