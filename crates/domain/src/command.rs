//! What people ask for. A command carries raw input as the user gave it; `decide` parses it.
//! Commands are serialised into the outbox and (later) pushed to the server, so their
//! shape is a wire format: add variants, never change the meaning of an existing one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::appointment::AppointmentCommand;
use crate::chat::ChatCommand;
pub use crate::document::DocumentInput;
use crate::ids::{
    CaseId, DiseaseCategoryId, DocumentId, IssueId, PatientId, RequestId, ReviewTypeId, UserId,
};
use crate::issue::IssueCommand;
use crate::patient::Sex;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "aggregate", rename_all = "snake_case")]
pub enum Command {
    Patient(PatientCommand),
    Case(CaseCommand),
    Chat(ChatCommand),
    Preference(crate::notice::PreferenceCommand),
    /// An admin changing the configuration (`crate::config`).
    Config(crate::config::ConfigCommand),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientInput {
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub sex: Sex,
    pub medical_record_number: Option<String>,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PatientCommand {
    Create {
        patient_id: PatientId,
        input: PatientInput,
    },
    Update {
        patient_id: PatientId,
        input: PatientInput,
    },
}

impl PatientCommand {
    pub fn patient_id(&self) -> PatientId {
        match self {
            PatientCommand::Create { patient_id, .. }
            | PatientCommand::Update { patient_id, .. } => *patient_id,
        }
    }
}

/// The editable fields of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CaseDraftInput")]
pub struct CaseFields {
    pub patient_id: PatientId,
    pub review_type_id: ReviewTypeId,
    pub disease_category_id: DiseaseCategoryId,
    /// What the requester asks the specialists.
    pub question: String,
    pub clinical_summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpinionInput {
    pub assessment: String,
    pub diagnosis: String,
    pub recommendations: String,
    pub answers: String,
    pub references: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PaymentOutcome {
    Succeeded { reference: String },
    Failed { reason: String },
}

/// What the payment provider answered to a refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RefundOutcome {
    Succeeded { reference: String },
    Failed { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseCommand {
    /// Create a case; with `submit` it goes straight to `submitted`.
    Create {
        case_id: CaseId,
        fields: CaseFields,
        documents: Vec<(DocumentId, DocumentInput)>,
        submit: bool,
    },
    UpdateDraft {
        case_id: CaseId,
        fields: CaseFields,
    },
    AddDocument {
        case_id: CaseId,
        document_id: DocumentId,
        document: DocumentInput,
    },
    RemoveDocument {
        case_id: CaseId,
        document_id: DocumentId,
    },
    Submit {
        case_id: CaseId,
    },
    /// Assign the coordinator, or change them while payment is pending.
    AssignCoordinator {
        case_id: CaseId,
        coordinator_id: UserId,
        /// The coordinator the admin saw on the case when they chose (`None`: none yet).
        /// If someone else changed it meanwhile — two admins working offline — the
        /// command is refused rather than silently overriding the other's choice.
        replacing: Option<UserId>,
    },
    RecordPayment {
        case_id: CaseId,
        outcome: PaymentOutcome,
    },
    /// The system records what the payment provider answered to a cancelled case's refund.
    RecordRefund {
        case_id: CaseId,
        outcome: RefundOutcome,
    },
    AssignProviders {
        case_id: CaseId,
        provider_ids: Vec<UserId>,
    },
    RespondToAssignment {
        case_id: CaseId,
        accept: bool,
        reason: Option<String>,
    },
    StartReview {
        case_id: CaseId,
    },
    RequestDocuments {
        case_id: CaseId,
        request_id: RequestId,
        note: String,
    },
    ReturnCase {
        case_id: CaseId,
        issue_id: IssueId,
        reason: String,
    },
    ResolveReturn {
        case_id: CaseId,
        issue_id: IssueId,
    },
    SubmitOpinion {
        case_id: CaseId,
        opinion: OpinionInput,
    },
    SubmitFinalSummary {
        case_id: CaseId,
        summary: String,
    },
    Cancel {
        case_id: CaseId,
        reason: Option<String>,
    },
    Reject {
        case_id: CaseId,
        reason: String,
    },
    /// The coordinator reminds the providers whose opinion is overdue.
    SendOverdueReminder {
        case_id: CaseId,
    },
    /// The case's appointments. Untagged: on the wire an appointment command is flat,
    /// tagged by its own `type` (`request_appointment`, …), as before it was nested.
    #[serde(untagged)]
    Appointment(AppointmentCommand),
    /// The case's issues, flat on the wire the same way (`report_issue`, …).
    #[serde(untagged)]
    Issue(IssueCommand),
}

/// The kinds of thing one can do to an existing case; what the UI asks "may I?" about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    UpdateDraft,
    AddDocument,
    RemoveDocument,
    Submit,
    AssignCoordinator,
    RecordPayment,
    RecordRefund,
    AssignProviders,
    RespondToAssignment,
    StartReview,
    RequestDocuments,
    ReturnCase,
    ResolveReturn,
    SubmitOpinion,
    SubmitFinalSummary,
    Cancel,
    Reject,
}

impl ActionKind {
    pub const ALL: [ActionKind; 17] = [
        ActionKind::UpdateDraft,
        ActionKind::AddDocument,
        ActionKind::RemoveDocument,
        ActionKind::Submit,
        ActionKind::AssignCoordinator,
        ActionKind::RecordPayment,
        ActionKind::RecordRefund,
        ActionKind::AssignProviders,
        ActionKind::RespondToAssignment,
        ActionKind::StartReview,
        ActionKind::RequestDocuments,
        ActionKind::ReturnCase,
        ActionKind::ResolveReturn,
        ActionKind::SubmitOpinion,
        ActionKind::SubmitFinalSummary,
        ActionKind::Cancel,
        ActionKind::Reject,
    ];
}

impl CaseCommand {
    pub fn case_id(&self) -> CaseId {
        match self {
            CaseCommand::Create { case_id, .. }
            | CaseCommand::UpdateDraft { case_id, .. }
            | CaseCommand::AddDocument { case_id, .. }
            | CaseCommand::RemoveDocument { case_id, .. }
            | CaseCommand::Submit { case_id }
            | CaseCommand::AssignCoordinator { case_id, .. }
            | CaseCommand::RecordPayment { case_id, .. }
            | CaseCommand::RecordRefund { case_id, .. }
            | CaseCommand::AssignProviders { case_id, .. }
            | CaseCommand::RespondToAssignment { case_id, .. }
            | CaseCommand::StartReview { case_id }
            | CaseCommand::RequestDocuments { case_id, .. }
            | CaseCommand::ReturnCase { case_id, .. }
            | CaseCommand::ResolveReturn { case_id, .. }
            | CaseCommand::SubmitOpinion { case_id, .. }
            | CaseCommand::SubmitFinalSummary { case_id, .. }
            | CaseCommand::Cancel { case_id, .. }
            | CaseCommand::Reject { case_id, .. }
            | CaseCommand::SendOverdueReminder { case_id } => *case_id,
            CaseCommand::Appointment(c) => c.case_id(),
            CaseCommand::Issue(c) => c.case_id(),
        }
    }

    /// The case-lifecycle action an existing-case command performs; `None` for `Create`
    /// and for the commands on a case's parts (appointments, issues, the overdue reminder),
    /// which their own modules decide.
    pub fn action(&self) -> Option<ActionKind> {
        Some(match self {
            CaseCommand::Create { .. }
            | CaseCommand::SendOverdueReminder { .. }
            | CaseCommand::Appointment(_)
            | CaseCommand::Issue(_) => return None,
            CaseCommand::UpdateDraft { .. } => ActionKind::UpdateDraft,
            CaseCommand::AddDocument { .. } => ActionKind::AddDocument,
            CaseCommand::RemoveDocument { .. } => ActionKind::RemoveDocument,
            CaseCommand::Submit { .. } => ActionKind::Submit,
            CaseCommand::AssignCoordinator { .. } => ActionKind::AssignCoordinator,
            CaseCommand::RecordPayment { .. } => ActionKind::RecordPayment,
            CaseCommand::RecordRefund { .. } => ActionKind::RecordRefund,
            CaseCommand::AssignProviders { .. } => ActionKind::AssignProviders,
            CaseCommand::RespondToAssignment { .. } => ActionKind::RespondToAssignment,
            CaseCommand::StartReview { .. } => ActionKind::StartReview,
            CaseCommand::RequestDocuments { .. } => ActionKind::RequestDocuments,
            CaseCommand::ReturnCase { .. } => ActionKind::ReturnCase,
            CaseCommand::ResolveReturn { .. } => ActionKind::ResolveReturn,
            CaseCommand::SubmitOpinion { .. } => ActionKind::SubmitOpinion,
            CaseCommand::SubmitFinalSummary { .. } => ActionKind::SubmitFinalSummary,
            CaseCommand::Cancel { .. } => ActionKind::Cancel,
            CaseCommand::Reject { .. } => ActionKind::Reject,
        })
    }

    /// The documents this command attaches, whose content the authority must already
    /// hold (and a client must upload first).
    pub fn documents(&self) -> Vec<&DocumentInput> {
        match self {
            CaseCommand::Create { documents, .. } => documents.iter().map(|(_, d)| d).collect(),
            CaseCommand::AddDocument { document, .. } => vec![document],
            _ => Vec::new(),
        }
    }

    /// The patient a command refers to, which the caller must load for `decide`.
    pub fn patient_id(&self) -> Option<PatientId> {
        match self {
            CaseCommand::Create { fields, .. } | CaseCommand::UpdateDraft { fields, .. } => {
                Some(fields.patient_id)
            }
            _ => None,
        }
    }
}
