//! The rules of second-opinion work, pure.
//!
//! This crate owns every rule of `DOMAIN.md`: who may see a case, which command each role
//! may give in each status, what a command must carry, and what happens (events) when it is
//! accepted. A transition is a function: state + command + actor + now → events, or a
//! [`Refusal`] that says why not.
//!
//! It must never do I/O: no clock (time is passed in), no database, no network, no
//! randomness (new ids arrive inside commands). The desktop store, the in-process authority
//! and the central server all run these same functions.

pub mod actor;
pub mod appointment;
pub mod case;
pub mod catalog;
pub mod chat;
pub mod command;
pub mod decide;
pub mod demo;
pub mod event;
pub mod ids;
pub mod issue;
pub mod limits;
pub mod money;
pub mod notice;
pub mod patient;
pub mod refusal;
pub mod text;

pub use actor::{Actor, Role};
pub use appointment::{Appointment, AppointmentInput, AppointmentStatus};
pub use case::{
    AssignmentStatus, Case, CaseStatus, CoordinatorAssignment, Document, DocumentKind,
    DocumentRequest, Invoice, Opinion, ProviderAssignment, Refund, RefundStatus, ReturnIssue,
};
pub use catalog::{Catalog, DiseaseCategory, ReviewType, Specialty, User};
pub use chat::{can_read_chat, decide_chat, ChatCommand, ChatMessage};
pub use command::{
    ActionKind, CaseCommand, CaseFields, Command, DocumentInput, OpinionInput, PatientCommand,
    PatientInput, PaymentOutcome, RefundOutcome,
};
pub use decide::{check_action, decide_case, decide_patient, CaseView};
pub use event::{CaseEvent, PatientEvent, TimelineLabel};
pub use ids::{
    AppointmentId, CaseId, CommandId, DiseaseCategoryId, DocumentId, IssueId, MessageId, PatientId,
    RequestId, ReviewTypeId, SpecialtyId, UserId,
};
pub use issue::{CaseIssue, IssueInput};
pub use notice::{Channel, ChannelOff, Notice, NoticeKind, PreferenceCommand, Reminder};
pub use patient::{Patient, Sex};
pub use refusal::{Refusal, RefusalCode};

/// A case's human reference number: `SO-2026-00042`. Only the authority (the central
/// server, or standalone the in-process one) hands out `n`, gap-free per year.
pub fn case_reference(year: i32, n: i64) -> String {
    format!("SO-{year}-{n:05}")
}

/// The name of the authority's counter that numbers the cases created in `year`.
pub fn case_reference_counter(year: i32) -> String {
    format!("case-reference-{year}")
}

/// Gives a newly created case its reference: the authority's event, right after
/// `Created`. `events` are those `decide_case` returned for a `Create`.
pub fn number_new_case(events: &mut Vec<CaseEvent>, year: i32, n: i64) {
    let at = events
        .iter()
        .position(|e| matches!(e, CaseEvent::Created { .. }))
        .map_or(0, |i| i + 1);
    events.insert(
        at,
        CaseEvent::ReferenceAssigned {
            reference: case_reference(year, n),
        },
    );
}

/// An invoice's number: `INV-2026-00042`. Only the authority hands out `n`, gap-free per
/// year of issue.
pub fn invoice_number(year: i32, n: i64) -> String {
    format!("INV-{year}-{n:05}")
}

/// The name of the authority's counter that numbers the invoices issued in `year`.
pub fn invoice_counter(year: i32) -> String {
    format!("invoice-{year}")
}

/// Whether `events` complete the case: the authority then issues its invoice.
pub fn completes(events: &[CaseEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, CaseEvent::Completed { .. }))
}

/// Issues the invoice of a case that `events` complete: the authority's event, right after
/// `Completed`, for what was paid. `case` is the case before `events`.
pub fn invoice_completed_case(events: &mut Vec<CaseEvent>, case: &Case, year: i32, n: i64) {
    let Some(at) = events
        .iter()
        .position(|e| matches!(e, CaseEvent::Completed { .. }))
    else {
        return;
    };
    let (amount_minor, currency, payment_reference) = match &case.payment {
        Some(p) => (p.amount_minor, p.currency.clone(), p.reference.clone()),
        None => (0, String::new(), None),
    };
    events.insert(
        at + 1,
        CaseEvent::InvoiceIssued {
            number: invoice_number(year, n),
            amount_minor,
            currency,
            payment_reference,
        },
    );
}

/// The largest document the product accepts, in bytes (25 MiB). One rule, one place: the
/// UI, the core and (later) the server read it from here.
pub const MAX_DOCUMENT_BYTES: u32 = 25 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_case_is_numbered_right_after_it_is_created() {
        let created = CaseEvent::Created {
            case_id: CaseId(uuid::Uuid::nil()),
            requester_id: UserId(uuid::Uuid::nil()),
            patient_id: PatientId(uuid::Uuid::nil()),
            review_type_id: ReviewTypeId(uuid::Uuid::nil()),
            disease_category_id: DiseaseCategoryId(uuid::Uuid::nil()),
            question: String::new(),
            clinical_summary: String::new(),
            documents: Vec::new(),
        };
        let mut events = vec![created.clone(), CaseEvent::Submitted];
        number_new_case(&mut events, 2026, 42);
        assert_eq!(
            events,
            [
                created,
                CaseEvent::ReferenceAssigned {
                    reference: "SO-2026-00042".into()
                },
                CaseEvent::Submitted
            ]
        );
        assert_eq!(case_reference_counter(2026), "case-reference-2026");
    }
}
