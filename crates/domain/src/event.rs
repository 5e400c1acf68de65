//! What happened. Events are the only way state changes: `evolve` folds them into the
//! aggregate, the same way on every replica and on the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::appointment::Appointment;
use crate::appointment::AppointmentStatus;
use crate::case::{
    AssignmentStatus, Case, CaseStatus, CoordinatorAssignment, Document, DocumentRequest, Invoice,
    Opinion, Payment, ProviderAssignment, Refund, RefundStatus, ReturnIssue,
};
use crate::ids::{
    AppointmentId, CaseId, DiseaseCategoryId, DocumentId, IssueId, PatientId, RequestId,
    ReviewTypeId, UserId,
};
use crate::issue::CaseIssue;
use crate::patient::Patient;
use crate::visibility::{INVOICE_ISSUED, REFUND_FAILED, REFUND_ISSUED};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PatientEvent {
    Created { patient: Patient },
    Updated { patient: Patient },
}

impl PatientEvent {
    pub fn evolve(&self) -> Patient {
        match self {
            PatientEvent::Created { patient } | PatientEvent::Updated { patient } => {
                patient.clone()
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEvent {
    Created {
        case_id: CaseId,
        requester_id: UserId,
        patient_id: PatientId,
        review_type_id: ReviewTypeId,
        disease_category_id: DiseaseCategoryId,
        question: String,
        clinical_summary: String,
        documents: Vec<Document>,
    },
    /// Only the authority emits this.
    ReferenceAssigned {
        reference: String,
    },
    DraftUpdated {
        patient_id: PatientId,
        review_type_id: ReviewTypeId,
        disease_category_id: DiseaseCategoryId,
        question: String,
        clinical_summary: String,
    },
    DocumentAdded {
        document: Document,
    },
    DocumentRemoved {
        document_id: DocumentId,
        name: String,
    },
    Submitted,
    CoordinatorAssigned {
        coordinator_id: UserId,
    },
    CoordinatorChanged {
        from: UserId,
        to: UserId,
    },
    PaymentRequested {
        amount_minor: u32,
        currency: String,
    },
    PaymentReceived {
        reference: String,
    },
    PaymentFailed {
        reason: String,
    },
    ProvidersAssigned {
        provider_ids: Vec<UserId>,
    },
    AssignmentAccepted {
        provider_id: UserId,
    },
    AssignmentDeclined {
        provider_id: UserId,
        reason: String,
    },
    ReviewStarted {
        provider_id: UserId,
    },
    DocumentsRequested {
        request_id: RequestId,
        provider_id: UserId,
        note: String,
    },
    CaseReturned {
        issue_id: IssueId,
        provider_id: UserId,
        reason: String,
    },
    ReturnResolved {
        issue_id: IssueId,
    },
    OpinionSubmitted {
        provider_id: UserId,
        opinion: Opinion,
    },
    Completed {
        final_summary: String,
    },
    Cancelled {
        reason: Option<String>,
        refund_due: bool,
    },
    Rejected {
        reason: String,
    },
    /// Only the authority emits this, right after `Completed`.
    InvoiceIssued {
        number: String,
        amount_minor: u32,
        currency: String,
        payment_reference: Option<String>,
    },
    RefundSucceeded {
        reference: String,
    },
    RefundFailed {
        reason: String,
    },
    OverdueReminderSent {
        provider_ids: Vec<UserId>,
    },
    /// The case's appointments. Untagged: on the wire flat, tagged by its own `type`
    /// (`appointment_requested`, …), as the case's other events.
    #[serde(untagged)]
    Appointment(AppointmentEvent),
    /// The case's issues, flat on the wire the same way (`issue_reported`, …).
    #[serde(untagged)]
    Issue(IssueEvent),
}

/// What happened to one of a case's appointments (folded by `evolve_appointment`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AppointmentEvent {
    #[serde(rename = "appointment_requested")]
    Requested { appointment: Appointment },
    /// Edited while pending, or rescheduled after acceptance: pending again, proposed by
    /// whoever changed it.
    #[serde(rename = "appointment_changed")]
    Changed {
        appointment_id: AppointmentId,
        starts_at: DateTime<Utc>,
        duration_minutes: u32,
        time_zone: String,
        purpose: Option<String>,
    },
    #[serde(rename = "appointment_answered")]
    Answered {
        appointment_id: AppointmentId,
        accepted: bool,
        reason: Option<String>,
    },
    #[serde(rename = "appointment_canceled")]
    Canceled {
        appointment_id: AppointmentId,
        reason: Option<String>,
    },
    #[serde(rename = "appointment_completed")]
    Completed { appointment_id: AppointmentId },
}

/// What happened to one of a case's issues (folded by `evolve_issue`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum IssueEvent {
    #[serde(rename = "issue_reported")]
    Reported { issue: CaseIssue },
    #[serde(rename = "issue_edited")]
    Edited {
        issue_id: IssueId,
        title: String,
        description: String,
    },
    #[serde(rename = "issue_deleted")]
    Deleted {
        issue_id: IssueId,
        /// For the timeline, which keeps what the case no longer does.
        title: String,
    },
    #[serde(rename = "issue_resolved")]
    Resolved { issue_id: IssueId },
}

/// A timeline line: the label people read and an optional detail (a reason, a file name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineLabel {
    pub label: &'static str,
    pub detail: Option<String>,
}

impl CaseEvent {
    /// How the event reads in the case timeline; `None` for bookkeeping events.
    pub fn timeline(&self) -> Option<TimelineLabel> {
        let (label, detail) = match self {
            CaseEvent::Created { .. } => ("New case created", None),
            CaseEvent::ReferenceAssigned { .. } => return None,
            CaseEvent::DraftUpdated { .. } => ("Draft updated", None),
            CaseEvent::DocumentAdded { document } => {
                ("Document added", Some(document.name.clone()))
            }
            CaseEvent::DocumentRemoved { name, .. } => ("Document removed", Some(name.clone())),
            CaseEvent::Submitted => ("Submitted for review", None),
            CaseEvent::CoordinatorAssigned { .. } => ("Coordinator assigned", None),
            CaseEvent::CoordinatorChanged { .. } => ("Coordinator changed", None),
            CaseEvent::PaymentRequested { .. } => ("Awaiting payment", None),
            CaseEvent::PaymentReceived { .. } => ("Payment received", None),
            CaseEvent::PaymentFailed { reason } => ("Payment failed", Some(reason.clone())),
            CaseEvent::ProvidersAssigned { .. } => ("Doctors assigned", None),
            CaseEvent::AssignmentAccepted { .. } => ("Assignment accepted", None),
            CaseEvent::AssignmentDeclined { reason, .. } => {
                ("Assignment declined", Some(reason.clone()))
            }
            CaseEvent::ReviewStarted { .. } => ("Under specialist review", None),
            CaseEvent::DocumentsRequested { note, .. } => {
                ("Documents requested", Some(note.clone()))
            }
            CaseEvent::CaseReturned { reason, .. } => ("Case returned", Some(reason.clone())),
            CaseEvent::ReturnResolved { .. } => ("Return issue resolved", None),
            CaseEvent::OpinionSubmitted { .. } => ("Opinion submitted", None),
            CaseEvent::Completed { .. } => ("Case completed", None),
            CaseEvent::Cancelled { reason, .. } => ("Case cancelled", reason.clone()),
            CaseEvent::Rejected { reason } => ("Case rejected", Some(reason.clone())),
            CaseEvent::InvoiceIssued { number, .. } => (INVOICE_ISSUED, Some(number.clone())),
            CaseEvent::RefundSucceeded { .. } => (REFUND_ISSUED, None),
            CaseEvent::RefundFailed { reason } => (REFUND_FAILED, Some(reason.clone())),
            CaseEvent::OverdueReminderSent { .. } => ("Overdue reminder sent", None),
            CaseEvent::Appointment(AppointmentEvent::Requested { appointment }) => (
                "Appointment requested",
                Some(
                    appointment
                        .starts_at
                        .format("%Y-%m-%d %H:%M UTC")
                        .to_string(),
                ),
            ),
            CaseEvent::Appointment(AppointmentEvent::Changed { starts_at, .. }) => (
                "Appointment rescheduled",
                Some(starts_at.format("%Y-%m-%d %H:%M UTC").to_string()),
            ),
            CaseEvent::Appointment(AppointmentEvent::Answered { accepted: true, .. }) => {
                ("Appointment accepted", None)
            }
            CaseEvent::Appointment(AppointmentEvent::Answered {
                accepted: false,
                reason,
                ..
            }) => ("Appointment rejected", reason.clone()),
            CaseEvent::Appointment(AppointmentEvent::Canceled { reason, .. }) => {
                ("Appointment canceled", reason.clone())
            }
            CaseEvent::Appointment(AppointmentEvent::Completed { .. }) => {
                ("Appointment completed", None)
            }
            CaseEvent::Issue(IssueEvent::Reported { issue }) => {
                ("Issue reported", Some(issue.title.clone()))
            }
            CaseEvent::Issue(IssueEvent::Edited { title, .. }) => {
                ("Issue edited", Some(title.clone()))
            }
            CaseEvent::Issue(IssueEvent::Deleted { title, .. }) => {
                ("Issue deleted", Some(title.clone()))
            }
            CaseEvent::Issue(IssueEvent::Resolved { .. }) => ("Issue resolved", None),
        };
        Some(TimelineLabel { label, detail })
    }

    /// The timeline line with names filled in where the event only carries ids.
    pub fn timeline_line(&self, catalog: &crate::catalog::Catalog) -> Option<TimelineLabel> {
        let mut line = self.timeline()?;
        if line.detail.is_none() {
            let name = |id: UserId| catalog.name_of(id);
            line.detail = match self {
                CaseEvent::CoordinatorAssigned { coordinator_id } => Some(name(*coordinator_id)),
                CaseEvent::CoordinatorChanged { from, to } => {
                    Some(format!("{} \u{2192} {}", name(*from), name(*to)))
                }
                CaseEvent::PaymentRequested {
                    amount_minor,
                    currency,
                } => Some(crate::money::format(*amount_minor, currency)),
                CaseEvent::ProvidersAssigned { provider_ids } => Some(
                    provider_ids
                        .iter()
                        .map(|p| name(*p))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => None,
            };
        }
        Some(line)
    }

    /// Folds this event into the case. `case` is `None` only before `Created`.
    ///
    /// Evolve trusts its input: events were decided by the rules, so an event that does
    /// not fit (an update before creation) is a programming error, reported as `None`.
    pub fn evolve(&self, case: Option<Case>, at: DateTime<Utc>, by: Actor) -> Option<Case> {
        if let CaseEvent::Created {
            case_id,
            requester_id,
            patient_id,
            review_type_id,
            disease_category_id,
            question,
            clinical_summary,
            documents,
        } = self
        {
            return Some(Case {
                id: *case_id,
                reference: None,
                requester_id: *requester_id,
                patient_id: *patient_id,
                review_type_id: *review_type_id,
                disease_category_id: *disease_category_id,
                question: question.clone(),
                clinical_summary: clinical_summary.clone(),
                status: CaseStatus::Draft,
                documents: documents.clone(),
                coordinators: Vec::new(),
                payment: None,
                assignments: Vec::new(),
                document_requests: Vec::new(),
                return_issues: Vec::new(),
                final_summary: None,
                cancel_reason: None,
                reject_reason: None,
                refund_due: false,
                refund: None,
                invoice: None,
                appointments: Vec::new(),
                issues: Vec::new(),
                created_at: at,
                updated_at: at,
                submitted_at: None,
                completed_at: None,
            });
        }
        let mut c = case?;
        c.updated_at = at;
        match self {
            CaseEvent::Created { .. } => unreachable!("handled above"),
            CaseEvent::ReferenceAssigned { reference } => c.reference = Some(reference.clone()),
            CaseEvent::DraftUpdated {
                patient_id,
                review_type_id,
                disease_category_id,
                question,
                clinical_summary,
            } => {
                c.patient_id = *patient_id;
                c.review_type_id = *review_type_id;
                c.disease_category_id = *disease_category_id;
                c.question = question.clone();
                c.clinical_summary = clinical_summary.clone();
            }
            CaseEvent::DocumentAdded { document } => {
                c.documents.push(document.clone());
                // An upload answers the providers' open requests; they are told and may ask again.
                for r in c.document_requests.iter_mut() {
                    r.open = false;
                }
            }
            CaseEvent::DocumentRemoved { document_id, .. } => {
                c.documents.retain(|d| d.id != *document_id)
            }
            CaseEvent::Submitted => {
                c.status = CaseStatus::Submitted;
                c.submitted_at = Some(at);
            }
            CaseEvent::CoordinatorAssigned { coordinator_id } => {
                c.coordinators.push(CoordinatorAssignment {
                    coordinator_id: *coordinator_id,
                    active: true,
                    assigned_by: by.id,
                    assigned_at: at,
                });
                c.status = CaseStatus::AwaitingPayment;
            }
            CaseEvent::CoordinatorChanged { from, to } => {
                for row in c.coordinators.iter_mut() {
                    row.active = false;
                }
                cancel_open(&mut c, Some(*from), at, by.id);
                c.coordinators.push(CoordinatorAssignment {
                    coordinator_id: *to,
                    active: true,
                    assigned_by: by.id,
                    assigned_at: at,
                });
            }
            CaseEvent::PaymentRequested {
                amount_minor,
                currency,
            } => {
                c.payment = Some(Payment {
                    amount_minor: *amount_minor,
                    currency: currency.clone(),
                    reference: None,
                    paid_at: None,
                })
            }
            CaseEvent::PaymentReceived { reference } => {
                if let Some(p) = c.payment.as_mut() {
                    p.reference = Some(reference.clone());
                    p.paid_at = Some(at);
                }
                c.status = CaseStatus::PaymentSuccessful;
            }
            CaseEvent::PaymentFailed { .. } => {
                c.status = CaseStatus::PaymentFailed;
                cancel_open(&mut c, None, at, by.id);
            }
            CaseEvent::ProvidersAssigned { provider_ids } => {
                for p in provider_ids {
                    c.assignments.push(ProviderAssignment {
                        provider_id: *p,
                        status: AssignmentStatus::Assigned,
                        assigned_at: at,
                        decline_reason: None,
                        opinion: None,
                    });
                }
                c.status = CaseStatus::DoctorsAssigned;
            }
            CaseEvent::AssignmentAccepted { provider_id } => {
                set_assignment(&mut c, *provider_id, AssignmentStatus::Accepted)
            }
            CaseEvent::AssignmentDeclined {
                provider_id,
                reason,
            } => {
                if let Some(a) = c
                    .assignments
                    .iter_mut()
                    .find(|a| a.provider_id == *provider_id)
                {
                    a.status = AssignmentStatus::Declined;
                    a.decline_reason = Some(reason.clone());
                }
                cancel_open(&mut c, Some(*provider_id), at, by.id);
            }
            CaseEvent::ReviewStarted { provider_id } => {
                set_assignment(&mut c, *provider_id, AssignmentStatus::InProgress)
            }
            CaseEvent::DocumentsRequested {
                request_id,
                provider_id,
                note,
            } => c.document_requests.push(DocumentRequest {
                id: *request_id,
                provider_id: *provider_id,
                note: note.clone(),
                open: true,
                requested_at: at,
            }),
            CaseEvent::CaseReturned {
                issue_id,
                provider_id,
                reason,
            } => {
                c.return_issues.push(ReturnIssue {
                    id: *issue_id,
                    provider_id: *provider_id,
                    reason: reason.clone(),
                    resolved: false,
                    opened_at: at,
                });
                set_assignment(&mut c, *provider_id, AssignmentStatus::Returned);
            }
            CaseEvent::ReturnResolved { issue_id } => {
                let mut provider = None;
                if let Some(i) = c.return_issues.iter_mut().find(|i| i.id == *issue_id) {
                    i.resolved = true;
                    provider = Some(i.provider_id);
                }
                if let Some(p) = provider {
                    let still_open = c
                        .return_issues
                        .iter()
                        .any(|i| i.provider_id == p && !i.resolved);
                    if !still_open {
                        set_assignment(&mut c, p, AssignmentStatus::InProgress);
                    }
                }
            }
            CaseEvent::OpinionSubmitted {
                provider_id,
                opinion,
            } => {
                if let Some(a) = c
                    .assignments
                    .iter_mut()
                    .find(|a| a.provider_id == *provider_id)
                {
                    a.status = AssignmentStatus::Done;
                    a.opinion = Some(opinion.clone());
                }
            }
            CaseEvent::Completed { final_summary } => {
                c.final_summary = Some(final_summary.clone());
                c.status = CaseStatus::Completed;
                c.completed_at = Some(at);
            }
            CaseEvent::Cancelled { reason, refund_due } => {
                c.cancel_reason = reason.clone();
                c.refund_due = *refund_due;
                c.status = CaseStatus::Cancelled;
                cancel_open(&mut c, None, at, by.id);
                if *refund_due {
                    c.refund = c.payment.as_ref().map(|p| Refund {
                        amount_minor: p.amount_minor,
                        currency: p.currency.clone(),
                        payment_reference: p.reference.clone(),
                        status: RefundStatus::Pending,
                        failures: 0,
                        last_error: None,
                        last_attempt_at: None,
                        reference: None,
                        refunded_at: None,
                        due_since: at,
                    });
                }
            }
            CaseEvent::Rejected { reason } => {
                c.reject_reason = Some(reason.clone());
                c.status = CaseStatus::Rejected;
                cancel_open(&mut c, None, at, by.id);
            }
            CaseEvent::InvoiceIssued {
                number,
                amount_minor,
                currency,
                payment_reference,
            } => {
                c.invoice = Some(Invoice {
                    number: number.clone(),
                    amount_minor: *amount_minor,
                    currency: currency.clone(),
                    payment_reference: payment_reference.clone(),
                    issued_at: at,
                })
            }
            CaseEvent::RefundSucceeded { reference } => {
                if let Some(r) = c.refund.as_mut() {
                    r.status = RefundStatus::Refunded;
                    r.reference = Some(reference.clone());
                    r.refunded_at = Some(at);
                    r.last_attempt_at = Some(at);
                }
                c.refund_due = false;
            }
            CaseEvent::RefundFailed { reason } => {
                if let Some(r) = c.refund.as_mut() {
                    r.status = RefundStatus::Failed;
                    r.failures += 1;
                    r.last_error = Some(reason.clone());
                    r.last_attempt_at = Some(at);
                }
            }
            CaseEvent::OverdueReminderSent { .. } => {}
            CaseEvent::Appointment(e) => evolve_appointment(&mut c, e, at, by.id),
            CaseEvent::Issue(e) => evolve_issue(&mut c, e, at, by.id),
        }
        Some(c)
    }
}

fn set_assignment(c: &mut Case, provider: UserId, status: AssignmentStatus) {
    if let Some(a) = c.assignments.iter_mut().find(|a| a.provider_id == provider) {
        a.status = status;
    }
}

/// Folds an appointment event into the case.
fn evolve_appointment(c: &mut Case, event: &AppointmentEvent, at: DateTime<Utc>, by: UserId) {
    match event {
        AppointmentEvent::Requested { appointment } => c.appointments.push(appointment.clone()),
        AppointmentEvent::Changed {
            appointment_id,
            starts_at,
            duration_minutes,
            time_zone,
            purpose,
        } => touch(c, *appointment_id, at, by, |a| {
            a.starts_at = *starts_at;
            a.duration_minutes = *duration_minutes;
            a.time_zone = time_zone.clone();
            a.purpose = purpose.clone();
            a.status = AppointmentStatus::Pending;
            a.proposed_by = by;
        }),
        AppointmentEvent::Answered {
            appointment_id,
            accepted,
            reason,
        } => touch(c, *appointment_id, at, by, |a| {
            a.status = if *accepted {
                AppointmentStatus::Accepted
            } else {
                AppointmentStatus::Rejected
            };
            a.reason = reason.clone();
        }),
        AppointmentEvent::Canceled {
            appointment_id,
            reason,
        } => touch(c, *appointment_id, at, by, |a| {
            a.status = AppointmentStatus::Canceled;
            a.reason = reason.clone();
        }),
        AppointmentEvent::Completed { appointment_id } => touch(c, *appointment_id, at, by, |a| {
            a.status = AppointmentStatus::Completed
        }),
    }
}

/// Changes one of the case's appointments and stamps the change (who, when, a new
/// version); an appointment the case does not have is left alone.
fn touch(
    c: &mut Case,
    id: AppointmentId,
    at: DateTime<Utc>,
    by: UserId,
    change: impl FnOnce(&mut Appointment),
) {
    if let Some(a) = c.appointments.iter_mut().find(|a| a.id == id) {
        change(a);
        a.updated_at = at;
        a.changed_by = by;
        a.version += 1;
    }
}

/// Cancels the open appointments of `user` (or all, for `None`): the case closed, or the
/// person left it (a declined provider, a replaced coordinator).
fn cancel_open(c: &mut Case, user: Option<UserId>, at: DateTime<Utc>, by: UserId) {
    for a in c.appointments.iter_mut() {
        if a.status.is_open() && user.is_none_or(|u| a.is_party(u)) {
            a.status = AppointmentStatus::Canceled;
            a.updated_at = at;
            a.changed_by = by;
            a.version += 1;
        }
    }
}

/// Folds an issue event into the case.
fn evolve_issue(c: &mut Case, event: &IssueEvent, at: DateTime<Utc>, by: UserId) {
    match event {
        IssueEvent::Reported { issue } => c.issues.push(issue.clone()),
        IssueEvent::Edited {
            issue_id,
            title,
            description,
        } => {
            if let Some(i) = c.issues.iter_mut().find(|i| i.id == *issue_id) {
                i.title = title.clone();
                i.description = description.clone();
                i.updated_at = at;
            }
        }
        IssueEvent::Deleted { issue_id, .. } => c.issues.retain(|i| i.id != *issue_id),
        IssueEvent::Resolved { issue_id } => {
            if let Some(i) = c.issues.iter_mut().find(|i| i.id == *issue_id) {
                i.resolved = true;
                i.resolved_at = Some(at);
                i.resolved_by = Some(by);
                i.updated_at = at;
            }
        }
    }
}
