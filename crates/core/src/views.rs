//! What the use cases take and give: the shapes the UI sees. TypeScript types are
//! generated from these (ts-rs, `ui/src/bindings/`), never hand-copied.

use chrono::{DateTime, Utc};
use domain::{
    ActionKind, CaseId, CaseStatus, DiseaseCategory, DiseaseCategoryId, Document, DocumentInput,
    Patient, PatientId, Refusal, ReviewType, ReviewTypeId, Role, Specialty, SpecialtyId, User,
    UserId,
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
