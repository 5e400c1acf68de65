//! Deciding: state + command + actor + now → events, or a refusal that says why.
//!
//! Checks run in one order everywhere, so the same command gets the same answer on every
//! replica and on the server:
//! 1. the case exists and the actor may see it — otherwise `not_found` (no hint it exists);
//! 2. the actor's role may take the action — otherwise `forbidden`;
//! 3. the case is not terminal, and its status (and the provider's assignment status)
//!    allows the action — otherwise `invalid_status`;
//! 4. the input is well-formed and refers to eligible things.

pub mod appointment;
pub mod chat;
pub mod issue;

use chrono::{DateTime, NaiveDate, Utc};

use crate::actor::{Actor, Role};
use crate::case::{AssignmentStatus, Case, CaseStatus, Document, Invoice, Opinion};
use crate::catalog::Catalog;
use crate::command::{
    ActionKind, CaseCommand, CaseFields, OpinionInput, PatientCommand, PatientInput,
    PaymentOutcome, RefundOutcome,
};
use crate::document::{parse_document, DocumentInput};
use crate::event::{CaseEvent, PatientEvent};
use crate::ids::{CaseId, DocumentId, IssueId, RequestId, UserId};
use crate::patient::Patient;
use crate::refusal::{Refusal, RefusalCode};
use crate::visibility::{can_see, can_see_billing, can_see_patient};
use crate::{limits, text};

/// What `decide_case` reads besides the command.
#[derive(Clone, Copy, Debug)]
pub struct CaseView<'a> {
    /// The case the command targets, if it exists.
    pub case: Option<&'a Case>,
    /// The patient the command names (create and update-draft), if it exists.
    pub patient: Option<&'a Patient>,
    pub catalog: &'a Catalog,
}

/// Who may have the report of a case (every opinion and the final summary, as a PDF): its
/// requester, its coordinator and admins, once the case is completed. A provider reads only
/// their own opinion ([`can_read_opinion`]), so the report, which holds every opinion, is
/// never theirs. In the usual order: `not_found`, `forbidden`, `invalid_status`.
/// [docs/decisions.md]
pub fn check_report(case: Option<&Case>, actor: Actor) -> Result<&Case, Refusal> {
    let case = case
        .filter(|c| can_see(c, actor))
        .ok_or_else(|| Refusal::not_found("Case"))?;
    match actor.role {
        Role::Requester | Role::Coordinator | Role::Admin | Role::System => {}
        Role::Provider => {
            return Err(Refusal::forbidden(
                "As a provider you cannot have the case report: it holds the other \
                 specialists' opinions. Your own opinion is on the case screen.",
            ))
        }
    }
    if case.status != CaseStatus::Completed {
        return Err(Refusal::invalid_status(format!(
            "The report is made once the case is completed; this case is {}.",
            case.status.label().to_lowercase()
        )));
    }
    Ok(case)
}

/// Whether `actor` may keep a draft opinion on `case` (on their own computer; the server
/// never sees drafts): a provider who can submit the
/// opinion now, or whose review waits on a return issue (they keep writing meanwhile).
pub fn check_opinion_draft(case: Option<&Case>, actor: Actor) -> Result<(), Refusal> {
    let refusal = match check_action(case, actor, ActionKind::SubmitOpinion) {
        Ok(_) => return Ok(()),
        Err(r) => r,
    };
    let returned = case
        .and_then(|c| c.assignment(actor.id))
        .is_some_and(|a| a.status == AssignmentStatus::Returned);
    let open = case.is_some_and(|c| c.status == CaseStatus::DoctorsAssigned);
    if refusal.code == RefusalCode::InvalidStatus && returned && open {
        return Ok(());
    }
    Err(refusal)
}

/// A draft may be incomplete, but no field may be longer than the opinion allows.
pub fn check_draft_fields(draft: &OpinionInput) -> Result<(), Refusal> {
    for (field, label, value) in [
        ("assessment", "The assessment", &draft.assessment),
        ("diagnosis", "The diagnosis", &draft.diagnosis),
        (
            "recommendations",
            "The recommendations",
            &draft.recommendations,
        ),
        ("answers", "The answers", &draft.answers),
        ("references", "The references", &draft.references),
    ] {
        text::bounded(field, label, value, limits::LONG_TEXT)?;
    }
    Ok(())
}

/// Who may have the invoice of a case: those who see its billing ([`can_see_billing`]), once
/// the authority has issued it (on completion). In the usual order: `not_found`,
/// `forbidden`, `invalid_status`.
pub fn check_invoice(case: Option<&Case>, actor: Actor) -> Result<(&Case, &Invoice), Refusal> {
    let case = case
        .filter(|c| can_see(c, actor))
        .ok_or_else(|| Refusal::not_found("Case"))?;
    if !can_see_billing(case, actor) {
        return Err(Refusal::forbidden(format!(
            "As {} you cannot see this case's invoice: invoices are for the case's requester \
             and admins.",
            article(actor.role)
        )));
    }
    match &case.invoice {
        Some(invoice) => Ok((case, invoice)),
        None => Err(Refusal::invalid_status(
            "No invoice has been issued for this case yet: it is issued when the case is \
             completed.",
        )),
    }
}

fn roles_for(action: ActionKind) -> &'static [Role] {
    match action {
        ActionKind::UpdateDraft
        | ActionKind::AddDocument
        | ActionKind::RemoveDocument
        | ActionKind::Submit => &[Role::Requester],
        ActionKind::AssignCoordinator | ActionKind::Reject => &[Role::Admin],
        ActionKind::RecordPayment | ActionKind::RecordRefund => &[Role::System],
        ActionKind::AssignProviders | ActionKind::SubmitFinalSummary => &[Role::Coordinator],
        ActionKind::RespondToAssignment
        | ActionKind::StartReview
        | ActionKind::RequestDocuments
        | ActionKind::ReturnCase
        | ActionKind::SubmitOpinion => &[Role::Provider],
        ActionKind::ResolveReturn => &[Role::Provider, Role::Coordinator, Role::Admin],
        ActionKind::Cancel => &[Role::Requester, Role::Admin],
    }
}

fn verb(action: ActionKind) -> &'static str {
    match action {
        ActionKind::UpdateDraft => "edit the draft",
        ActionKind::AddDocument => "add documents",
        ActionKind::RemoveDocument => "remove documents",
        ActionKind::Submit => "submit the case",
        ActionKind::AssignCoordinator => "assign a coordinator",
        ActionKind::RecordPayment => "record a payment",
        ActionKind::RecordRefund => "record a refund",
        ActionKind::AssignProviders => "assign providers",
        ActionKind::RespondToAssignment => "accept or decline the assignment",
        ActionKind::StartReview => "start the review",
        ActionKind::RequestDocuments => "request documents",
        ActionKind::ReturnCase => "return the case",
        ActionKind::ResolveReturn => "resolve a return issue",
        ActionKind::SubmitOpinion => "submit an opinion",
        ActionKind::SubmitFinalSummary => "submit the final summary",
        ActionKind::Cancel => "cancel the case",
        ActionKind::Reject => "reject the case",
    }
}

/// The case statuses in which an action may be taken.
fn statuses_for(action: ActionKind) -> &'static [CaseStatus] {
    use CaseStatus::*;
    match action {
        ActionKind::UpdateDraft | ActionKind::RemoveDocument | ActionKind::Submit => &[Draft],
        ActionKind::AddDocument => &[Draft, DoctorsAssigned],
        ActionKind::AssignCoordinator => &[Submitted, AwaitingPayment],
        ActionKind::Reject => &[Submitted],
        ActionKind::RecordPayment => &[AwaitingPayment],
        ActionKind::RecordRefund => &[Cancelled],
        ActionKind::AssignProviders => &[PaymentSuccessful, DoctorsAssigned],
        ActionKind::RespondToAssignment
        | ActionKind::StartReview
        | ActionKind::RequestDocuments
        | ActionKind::ReturnCase
        | ActionKind::ResolveReturn
        | ActionKind::SubmitOpinion
        | ActionKind::SubmitFinalSummary => &[DoctorsAssigned],
        ActionKind::Cancel => &[
            Draft,
            Submitted,
            AwaitingPayment,
            PaymentSuccessful,
            DoctorsAssigned,
        ],
    }
}

/// The provider's own assignment status an action needs.
fn assignment_status_for(action: ActionKind) -> Option<AssignmentStatus> {
    match action {
        ActionKind::RespondToAssignment => Some(AssignmentStatus::Assigned),
        ActionKind::StartReview => Some(AssignmentStatus::Accepted),
        ActionKind::RequestDocuments | ActionKind::ReturnCase | ActionKind::SubmitOpinion => {
            Some(AssignmentStatus::InProgress)
        }
        ActionKind::ResolveReturn => Some(AssignmentStatus::Returned),
        ActionKind::UpdateDraft
        | ActionKind::AddDocument
        | ActionKind::RemoveDocument
        | ActionKind::Submit
        | ActionKind::AssignCoordinator
        | ActionKind::RecordPayment
        | ActionKind::RecordRefund
        | ActionKind::AssignProviders
        | ActionKind::SubmitFinalSummary
        | ActionKind::Cancel
        | ActionKind::Reject => None,
    }
}

fn status_message(action: ActionKind, status: CaseStatus) -> String {
    match (action, status) {
        (ActionKind::Submit, CaseStatus::Submitted) => {
            "The case has already been submitted.".to_string()
        }
        (
            ActionKind::AssignCoordinator,
            CaseStatus::PaymentSuccessful | CaseStatus::DoctorsAssigned,
        ) => "The coordinator can no longer change: payment has been received.".to_string(),
        (ActionKind::AddDocument, CaseStatus::DoctorsAssigned) => {
            "Documents can be added now only in answer to a provider's document request."
                .to_string()
        }
        _ => format!(
            "You cannot {} while the case is {}.",
            verb(action),
            status.label().to_lowercase()
        ),
    }
}

/// Whether `actor` may take `action` on `case` now, before looking at any input. The UI
/// asks this to hide or disable what would be refused; `decide_case` asks it first.
pub fn check_action(
    case: Option<&Case>,
    actor: Actor,
    action: ActionKind,
) -> Result<&Case, Refusal> {
    let case = case
        .filter(|c| can_see(c, actor))
        .ok_or_else(|| Refusal::not_found("Case"))?;
    if !roles_for(action).contains(&actor.role) {
        return Err(Refusal::forbidden(format!(
            "As {} you cannot {}.",
            article(actor.role),
            verb(action)
        )));
    }
    // A terminal case changes no more, except that a cancelled one's refund is recorded.
    if case.status.is_terminal() && action != ActionKind::RecordRefund {
        return Err(Refusal::invalid_status(format!(
            "This case is {}; it can no longer change.",
            case.status.label().to_lowercase()
        )));
    }
    if !statuses_for(action).contains(&case.status) {
        return Err(Refusal::invalid_status(status_message(action, case.status)));
    }
    if actor.role == Role::Provider {
        if let Some(needed) = assignment_status_for(action) {
            let mine = case.assignment(actor.id).map(|a| a.status);
            if mine != Some(needed) {
                return Err(Refusal::invalid_status(assignment_message(action, mine)));
            }
        }
    }
    match action {
        ActionKind::AddDocument => {
            if case.status == CaseStatus::DoctorsAssigned && !case.has_open_document_request() {
                Err(Refusal::invalid_status(status_message(action, case.status)))
            } else {
                Ok(case)
            }
        }
        ActionKind::Submit => {
            submittable(&case.question, &case.clinical_summary, case.documents.len()).map(|()| case)
        }
        ActionKind::SubmitFinalSummary => {
            let live: Vec<_> = case
                .assignments
                .iter()
                .filter(|a| a.status != AssignmentStatus::Declined)
                .collect();
            if live.is_empty() || live.iter().any(|a| a.status != AssignmentStatus::Done) {
                Err(Refusal::invalid_status(
                    "Every assigned specialist must submit an opinion before the final summary.",
                ))
            } else {
                Ok(case)
            }
        }
        ActionKind::RecordRefund => match &case.refund {
            Some(r) if r.is_open() => Ok(case),
            Some(_) => Err(Refusal::new(
                RefusalCode::Conflict,
                "This case's refund has already been made.",
            )),
            None => Err(Refusal::invalid_status("No refund is owed on this case.")),
        },
        // A provider's own issue is checked when the command names it.
        ActionKind::ResolveReturn => {
            if actor.role == Role::Provider || case.return_issues.iter().any(|i| !i.resolved) {
                Ok(case)
            } else {
                Err(Refusal::invalid_status(
                    "There is no open return issue on this case.",
                ))
            }
        }
        ActionKind::UpdateDraft
        | ActionKind::RemoveDocument
        | ActionKind::AssignCoordinator
        | ActionKind::RecordPayment
        | ActionKind::AssignProviders
        | ActionKind::RespondToAssignment
        | ActionKind::StartReview
        | ActionKind::RequestDocuments
        | ActionKind::ReturnCase
        | ActionKind::SubmitOpinion
        | ActionKind::Cancel
        | ActionKind::Reject => Ok(case),
    }
}

fn article(role: Role) -> &'static str {
    match role {
        Role::Requester => "a requester",
        Role::Coordinator => "a coordinator",
        Role::Provider => "a provider",
        Role::Admin => "an admin",
        Role::System => "the system",
    }
}

fn assignment_message(action: ActionKind, mine: Option<AssignmentStatus>) -> String {
    let now = match mine {
        None => "not assigned to you",
        Some(AssignmentStatus::Assigned) => "waiting for your answer",
        Some(AssignmentStatus::Accepted) => "accepted but not started",
        Some(AssignmentStatus::Declined) => "declined",
        Some(AssignmentStatus::InProgress) => "in progress",
        Some(AssignmentStatus::Returned) => "returned",
        Some(AssignmentStatus::Done) => "done",
    };
    format!(
        "You cannot {} while your assignment is {now}.",
        verb(action)
    )
}

/// What a case needs before it can be submitted.
fn submittable(question: &str, clinical_summary: &str, documents: usize) -> Result<(), Refusal> {
    if question.trim().is_empty() {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "question",
            "The question for the specialists is required to submit.",
        ));
    }
    if clinical_summary.trim().is_empty() {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "clinicalSummary",
            "The clinical summary is required to submit.",
        ));
    }
    if documents == 0 {
        return Err(Refusal::field(
            RefusalCode::DocumentsRequired,
            "documents",
            "Attach at least one document before submitting.",
        ));
    }
    Ok(())
}

/// Decides a command on a case: the dispatcher. The lifecycle steps begin with
/// [`check_action`] (the case, the role, the status) and each has its own function below;
/// the case's parts have their own deciders (`appointment`, `issue`).
pub fn decide_case(
    view: CaseView<'_>,
    actor: Actor,
    command: &CaseCommand,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    let step = |action| check_action(view.case, actor, action);
    match command {
        CaseCommand::Create {
            case_id,
            fields,
            documents,
            submit,
        } => create(view, actor, *case_id, fields, documents, *submit, now),
        CaseCommand::SendOverdueReminder { .. } => overdue_reminder(view, actor, now),
        CaseCommand::Appointment(c) => appointment::decide(view.case, actor, c, now),
        CaseCommand::Issue(c) => issue::decide(view.case, actor, c, now),
        CaseCommand::UpdateDraft { fields, .. } => {
            step(ActionKind::UpdateDraft)?;
            let f = parse_fields(view, actor, fields)?;
            Ok(vec![CaseEvent::DraftUpdated {
                patient_id: f.patient_id,
                review_type_id: f.review_type_id,
                disease_category_id: f.disease_category_id,
                question: f.question,
                clinical_summary: f.clinical_summary,
            }])
        }
        CaseCommand::AddDocument {
            document_id,
            document,
            ..
        } => add_document(
            step(ActionKind::AddDocument)?,
            actor,
            *document_id,
            document,
            now,
        ),
        CaseCommand::RemoveDocument { document_id, .. } => {
            remove_document(step(ActionKind::RemoveDocument)?, *document_id)
        }
        CaseCommand::Submit { .. } => {
            step(ActionKind::Submit)?;
            Ok(vec![CaseEvent::Submitted])
        }
        CaseCommand::AssignCoordinator {
            coordinator_id,
            replacing,
            ..
        } => assign_coordinator(
            view.catalog,
            step(ActionKind::AssignCoordinator)?,
            *coordinator_id,
            *replacing,
        ),
        CaseCommand::RecordPayment { outcome, .. } => {
            step(ActionKind::RecordPayment)?;
            record_payment(outcome)
        }
        CaseCommand::RecordRefund { outcome, .. } => {
            step(ActionKind::RecordRefund)?;
            record_refund(outcome)
        }
        CaseCommand::AssignProviders { provider_ids, .. } => assign_providers(
            view.catalog,
            step(ActionKind::AssignProviders)?,
            provider_ids,
        ),
        CaseCommand::RespondToAssignment { accept, reason, .. } => {
            step(ActionKind::RespondToAssignment)?;
            respond_to_assignment(actor, *accept, reason.as_deref())
        }
        CaseCommand::StartReview { .. } => {
            step(ActionKind::StartReview)?;
            Ok(vec![CaseEvent::ReviewStarted {
                provider_id: actor.id,
            }])
        }
        CaseCommand::RequestDocuments {
            request_id, note, ..
        } => request_documents(
            step(ActionKind::RequestDocuments)?,
            actor,
            *request_id,
            note,
        ),
        CaseCommand::ReturnCase {
            issue_id, reason, ..
        } => return_case(step(ActionKind::ReturnCase)?, actor, *issue_id, reason),
        CaseCommand::ResolveReturn { issue_id, .. } => {
            resolve_return(step(ActionKind::ResolveReturn)?, actor, *issue_id)
        }
        CaseCommand::SubmitOpinion { opinion, .. } => {
            step(ActionKind::SubmitOpinion)?;
            Ok(vec![CaseEvent::OpinionSubmitted {
                provider_id: actor.id,
                opinion: parse_opinion(opinion, now)?,
            }])
        }
        CaseCommand::SubmitFinalSummary { summary, .. } => {
            step(ActionKind::SubmitFinalSummary)?;
            Ok(vec![CaseEvent::Completed {
                final_summary: text::required(
                    "summary",
                    "The final summary",
                    summary,
                    limits::LONG_TEXT,
                )?,
            }])
        }
        CaseCommand::Cancel { reason, .. } => {
            cancel(step(ActionKind::Cancel)?, actor, reason.as_deref())
        }
        CaseCommand::Reject { reason, .. } => {
            step(ActionKind::Reject)?;
            Ok(vec![CaseEvent::Rejected {
                reason: required_reason(Some(reason))?,
            }])
        }
    }
}

/// A requester's new case, submitted at once with `submit`.
fn create(
    view: CaseView<'_>,
    actor: Actor,
    case_id: CaseId,
    fields: &CaseFields,
    documents: &[(DocumentId, DocumentInput)],
    submit: bool,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    if actor.role != Role::Requester {
        return Err(Refusal::forbidden("Only requesters create cases."));
    }
    if view.case.is_some() {
        return Err(Refusal::new(
            RefusalCode::Conflict,
            "This case already exists.",
        ));
    }
    let fields = parse_fields(view, actor, fields)?;
    let mut docs = Vec::with_capacity(documents.len());
    for (id, input) in documents {
        if docs.iter().any(|d: &Document| d.id == *id) {
            return Err(Refusal::field(
                RefusalCode::Conflict,
                "documents",
                "A document is listed twice.",
            ));
        }
        docs.push(parse_document(*id, input, actor, now)?);
    }
    if submit {
        submittable(&fields.question, &fields.clinical_summary, docs.len())?;
    }
    let mut events = vec![CaseEvent::Created {
        case_id,
        requester_id: actor.id,
        patient_id: fields.patient_id,
        review_type_id: fields.review_type_id,
        disease_category_id: fields.disease_category_id,
        question: fields.question,
        clinical_summary: fields.clinical_summary,
        documents: docs,
    }];
    if submit {
        events.push(CaseEvent::Submitted);
    }
    Ok(events)
}

fn add_document(
    case: &Case,
    actor: Actor,
    document_id: DocumentId,
    document: &DocumentInput,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    if case.documents.iter().any(|d| d.id == document_id) {
        return Err(Refusal::new(
            RefusalCode::Conflict,
            "This document is already on the case.",
        ));
    }
    Ok(vec![CaseEvent::DocumentAdded {
        document: parse_document(document_id, document, actor, now)?,
    }])
}

fn remove_document(case: &Case, document_id: DocumentId) -> Result<Vec<CaseEvent>, Refusal> {
    let doc = case
        .documents
        .iter()
        .find(|d| d.id == document_id)
        .ok_or_else(|| Refusal::not_found("Document"))?;
    Ok(vec![CaseEvent::DocumentRemoved {
        document_id: doc.id,
        name: doc.name.clone(),
    }])
}

/// The admin assigns the coordinator, or changes them while the payment is pending; the
/// first assignment asks for the payment.
fn assign_coordinator(
    catalog: &Catalog,
    case: &Case,
    coordinator_id: UserId,
    replacing: Option<UserId>,
) -> Result<Vec<CaseEvent>, Refusal> {
    if case.coordinator() != replacing {
        return Err(Refusal::field(
            RefusalCode::Conflict,
            "coordinatorId",
            "Someone else changed this case's coordinator meanwhile; \
                 look at the case again before choosing.",
        ));
    }
    let review_type = catalog.review_type(case.review_type_id).ok_or_else(|| {
        Refusal::new(
            RefusalCode::UnknownReviewType,
            "The case's review type no longer exists.",
        )
    })?;
    if !catalog.coordinator_eligible(coordinator_id, case.review_type_id) {
        return Err(Refusal::field(
            RefusalCode::NotEligible,
            "coordinatorId",
            "That person is not a coordinator for this review type's specialty.",
        ));
    }
    Ok(match case.coordinator() {
        Some(current) if current == coordinator_id => {
            return Err(Refusal::field(
                RefusalCode::Conflict,
                "coordinatorId",
                "That coordinator is already assigned to this case.",
            ))
        }
        Some(current) => vec![CaseEvent::CoordinatorChanged {
            from: current,
            to: coordinator_id,
        }],
        None => vec![
            CaseEvent::CoordinatorAssigned { coordinator_id },
            CaseEvent::PaymentRequested {
                amount_minor: review_type.price_minor,
                currency: review_type.currency.clone(),
            },
        ],
    })
}

fn record_payment(outcome: &PaymentOutcome) -> Result<Vec<CaseEvent>, Refusal> {
    Ok(vec![match outcome {
        PaymentOutcome::Succeeded { reference } => CaseEvent::PaymentReceived {
            reference: text::required(
                "reference",
                "The payment reference",
                reference,
                limits::PAYMENT_REFERENCE,
            )?,
        },
        PaymentOutcome::Failed { reason } => CaseEvent::PaymentFailed {
            reason: text::bounded("reason", "The reason", reason, limits::REASON)?,
        },
    }])
}

fn record_refund(outcome: &RefundOutcome) -> Result<Vec<CaseEvent>, Refusal> {
    Ok(vec![match outcome {
        RefundOutcome::Succeeded { reference } => CaseEvent::RefundSucceeded {
            reference: text::required(
                "reference",
                "The refund reference",
                reference,
                limits::PAYMENT_REFERENCE,
            )?,
        },
        RefundOutcome::Failed { reason } => CaseEvent::RefundFailed {
            reason: text::required("reason", "The reason", reason, limits::REASON)?,
        },
    }])
}

/// The coordinator assigns providers: each mapped to the case's disease category and not
/// on the case yet (one named twice counts once).
fn assign_providers(
    catalog: &Catalog,
    case: &Case,
    provider_ids: &[UserId],
) -> Result<Vec<CaseEvent>, Refusal> {
    if provider_ids.is_empty() {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "providerIds",
            "Choose at least one provider.",
        ));
    }
    let mut chosen: Vec<UserId> = Vec::new();
    for p in provider_ids {
        if chosen.contains(p) {
            continue;
        }
        if !catalog.provider_eligible(*p, case.disease_category_id) {
            return Err(Refusal::field(
                RefusalCode::NotEligible,
                "providerIds",
                "A chosen provider is not mapped to this case's disease category.",
            ));
        }
        if case.assignment(*p).is_some() {
            return Err(Refusal::field(
                RefusalCode::Conflict,
                "providerIds",
                "A chosen provider is already on this case.",
            ));
        }
        chosen.push(*p);
    }
    Ok(vec![CaseEvent::ProvidersAssigned {
        provider_ids: chosen,
    }])
}

fn respond_to_assignment(
    actor: Actor,
    accept: bool,
    reason: Option<&str>,
) -> Result<Vec<CaseEvent>, Refusal> {
    if accept {
        Ok(vec![CaseEvent::AssignmentAccepted {
            provider_id: actor.id,
        }])
    } else {
        Ok(vec![CaseEvent::AssignmentDeclined {
            provider_id: actor.id,
            reason: required_reason(reason)?,
        }])
    }
}

fn request_documents(
    case: &Case,
    actor: Actor,
    request_id: RequestId,
    note: &str,
) -> Result<Vec<CaseEvent>, Refusal> {
    if case.document_requests.iter().any(|r| r.id == request_id) {
        return Err(Refusal::new(
            RefusalCode::Conflict,
            "This request already exists.",
        ));
    }
    Ok(vec![CaseEvent::DocumentsRequested {
        request_id,
        provider_id: actor.id,
        note: text::required("note", "What documents you need", note, limits::REASON)?,
    }])
}

fn return_case(
    case: &Case,
    actor: Actor,
    issue_id: IssueId,
    reason: &str,
) -> Result<Vec<CaseEvent>, Refusal> {
    if case.return_issues.iter().any(|i| i.id == issue_id) {
        return Err(Refusal::new(
            RefusalCode::Conflict,
            "This issue already exists.",
        ));
    }
    Ok(vec![CaseEvent::CaseReturned {
        issue_id,
        provider_id: actor.id,
        reason: required_reason(Some(reason))?,
    }])
}

fn resolve_return(case: &Case, actor: Actor, issue_id: IssueId) -> Result<Vec<CaseEvent>, Refusal> {
    let issue = case
        .return_issues
        .iter()
        .find(|i| i.id == issue_id)
        .ok_or_else(|| Refusal::not_found("Issue"))?;
    if actor.role == Role::Provider && issue.provider_id != actor.id {
        return Err(Refusal::forbidden(
            "A provider resolves only the issues it reported.",
        ));
    }
    if issue.resolved {
        return Err(Refusal::new(
            RefusalCode::Conflict,
            "This issue is already resolved.",
        ));
    }
    Ok(vec![CaseEvent::ReturnResolved { issue_id }])
}

/// Cancelling: an admin must give a reason; a paid case is owed a refund.
fn cancel(case: &Case, actor: Actor, reason: Option<&str>) -> Result<Vec<CaseEvent>, Refusal> {
    let reason = if actor.role == Role::Admin {
        Some(required_reason(reason)?)
    } else {
        text::reason(reason)?
    };
    Ok(vec![CaseEvent::Cancelled {
        reason,
        refund_due: case.is_paid(),
    }])
}

/// The coordinator's "send overdue reminder": to each provider whose opinion is overdue.
fn overdue_reminder(
    view: CaseView<'_>,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    let case = view
        .case
        .filter(|c| can_see(c, actor))
        .ok_or_else(|| Refusal::not_found("Case"))?;
    if actor.role != Role::Coordinator {
        return Err(Refusal::forbidden(format!(
            "As {} you cannot send an overdue reminder; the case's coordinator does.",
            article(actor.role)
        )));
    }
    if case.status != CaseStatus::DoctorsAssigned {
        return Err(Refusal::invalid_status(format!(
            "You cannot send an overdue reminder while the case is {}.",
            case.status.label().to_lowercase()
        )));
    }
    let provider_ids = crate::notice::overdue_providers(case, view.catalog, now);
    if provider_ids.is_empty() {
        return Err(Refusal::invalid_status(
            "No opinion on this case is overdue yet.",
        ));
    }
    Ok(vec![CaseEvent::OverdueReminderSent { provider_ids }])
}

fn required_reason(reason: Option<&str>) -> Result<String, Refusal> {
    match text::reason(reason)? {
        Some(r) => Ok(r),
        None => Err(Refusal::field(
            RefusalCode::ReasonRequired,
            "reason",
            "Please give a reason.",
        )),
    }
}

fn parse_fields(view: CaseView<'_>, actor: Actor, f: &CaseFields) -> Result<CaseFields, Refusal> {
    let patient = view
        .patient
        .filter(|p| p.id == f.patient_id && p.owner_id == actor.id)
        .ok_or_else(|| Refusal::field(RefusalCode::NotFound, "patientId", "Patient not found."))?;
    let review_type = view
        .catalog
        .review_type(f.review_type_id)
        .filter(|r| r.active)
        .ok_or_else(|| {
            Refusal::field(
                RefusalCode::UnknownReviewType,
                "reviewTypeId",
                "Unknown review type.",
            )
        })?;
    let category = view
        .catalog
        .disease_category(f.disease_category_id)
        .filter(|c| c.active)
        .ok_or_else(|| {
            Refusal::field(
                RefusalCode::UnknownDiseaseCategory,
                "diseaseCategoryId",
                "Unknown disease category.",
            )
        })?;
    if category.specialty_id != review_type.specialty_id {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "diseaseCategoryId",
            "The disease category does not belong to the review type's specialty.",
        ));
    }
    Ok(CaseFields {
        patient_id: patient.id,
        review_type_id: review_type.id,
        disease_category_id: category.id,
        question: text::bounded("question", "The question", &f.question, limits::QUESTION)?,
        clinical_summary: text::bounded(
            "clinicalSummary",
            "The clinical summary",
            &f.clinical_summary,
            limits::CLINICAL_SUMMARY,
        )?,
    })
}

fn parse_opinion(o: &OpinionInput, now: DateTime<Utc>) -> Result<Opinion, Refusal> {
    Ok(Opinion {
        assessment: text::required(
            "assessment",
            "The assessment",
            &o.assessment,
            limits::LONG_TEXT,
        )?,
        diagnosis: text::required(
            "diagnosis",
            "The diagnosis",
            &o.diagnosis,
            limits::LONG_TEXT,
        )?,
        recommendations: text::required(
            "recommendations",
            "The recommendations",
            &o.recommendations,
            limits::LONG_TEXT,
        )?,
        answers: text::bounded("answers", "The answers", &o.answers, limits::LONG_TEXT)?,
        references: text::bounded(
            "references",
            "The references",
            &o.references,
            limits::LONG_TEXT,
        )?,
        submitted_at: now,
    })
}

/// Decides a command on a patient record. `existing` is the record the command names.
pub fn decide_patient(
    existing: Option<&Patient>,
    actor: Actor,
    command: &PatientCommand,
    now: DateTime<Utc>,
) -> Result<Vec<PatientEvent>, Refusal> {
    match command {
        PatientCommand::Create { patient_id, input } => {
            if actor.role != Role::Requester {
                return Err(Refusal::forbidden("Only requesters manage patients."));
            }
            if existing.is_some() {
                return Err(Refusal::new(
                    RefusalCode::Conflict,
                    "This patient already exists.",
                ));
            }
            let p = parse_patient(input, now)?;
            Ok(vec![PatientEvent::Created {
                patient: Patient {
                    id: *patient_id,
                    owner_id: actor.id,
                    created_at: now,
                    updated_at: now,
                    ..p
                },
            }])
        }
        PatientCommand::Update { input, .. } => {
            let existing = existing
                .filter(|p| can_see_patient(p, actor))
                .ok_or_else(|| Refusal::not_found("Patient"))?;
            if actor.role != Role::Requester {
                return Err(Refusal::forbidden(
                    "Only the requester who created a patient edits it.",
                ));
            }
            let p = parse_patient(input, now)?;
            Ok(vec![PatientEvent::Updated {
                patient: Patient {
                    id: existing.id,
                    owner_id: existing.owner_id,
                    created_at: existing.created_at,
                    updated_at: now,
                    ..p
                },
            }])
        }
    }
}

fn parse_patient(input: &PatientInput, now: DateTime<Utc>) -> Result<Patient, Refusal> {
    let full_name = text::required(
        "fullName",
        "The full name",
        &input.full_name,
        limits::FULL_NAME,
    )?;
    let dob = NaiveDate::parse_from_str(input.date_of_birth.trim(), "%Y-%m-%d").map_err(|_| {
        Refusal::field(
            RefusalCode::InvalidInput,
            "dateOfBirth",
            "The date of birth must be a date (YYYY-MM-DD).",
        )
    })?;
    if dob > now.date_naive() || dob < limits::EARLIEST_DATE_OF_BIRTH {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "dateOfBirth",
            format!(
                "The date of birth must be between {} and today.",
                limits::EARLIEST_DATE_OF_BIRTH
            ),
        ));
    }
    let mrn = text::optional(
        "medicalRecordNumber",
        "The medical record number",
        input.medical_record_number.as_deref(),
        limits::MEDICAL_RECORD_NUMBER,
    )?;
    let phone = text::optional(
        "phone",
        "The phone number",
        input.phone.as_deref(),
        limits::PHONE,
    )?;
    if let Some(p) = &phone {
        if !p.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c)) {
            return Err(Refusal::field(
                RefusalCode::InvalidInput,
                "phone",
                "The phone number may contain only digits, spaces and + - ( ).",
            ));
        }
    }
    Ok(Patient {
        id: crate::ids::PatientId(uuid::Uuid::nil()),
        owner_id: UserId(uuid::Uuid::nil()),
        full_name,
        date_of_birth: dob,
        sex: input.sex,
        medical_record_number: mrn,
        phone,
        created_at: now,
        updated_at: now,
    })
}
