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
pub mod authority;
pub mod case;
pub mod catalog;
pub mod chat;
pub mod command;
pub mod config;
pub mod decide;
pub mod demo;
pub mod document;
pub mod event;
pub mod ids;
pub mod issue;
pub mod limits;
pub mod money;
pub mod notice;
pub mod patient;
pub mod refusal;
pub mod text;
pub mod visibility;

pub use actor::{Actor, Role};
pub use appointment::{Appointment, AppointmentCommand, AppointmentInput, AppointmentStatus};
pub use authority::{
    case_reference, case_reference_counter, completes, invoice_completed_case, invoice_counter,
    invoice_number, number_new_case, step, Counters, Decider, Folded, Given, Named, Step,
    StepError,
};
pub use case::{
    AssignmentStatus, Case, CaseStatus, CoordinatorAssignment, Document, DocumentKind,
    DocumentRequest, Invoice, Opinion, ProviderAssignment, Refund, RefundStatus, ReturnIssue,
};
pub use catalog::{Catalog, DiseaseCategory, ReviewType, Specialty, User};
pub use chat::{ChatCommand, ChatMessage};
pub use command::{
    ActionKind, CaseCommand, CaseFields, Command, DocumentInput, OpinionInput, PatientCommand,
    PatientInput, PaymentOutcome, RefundOutcome,
};
pub use config::{
    decide_config, ConfigCommand, DiseaseCategoryInput, ReviewTypeInput, SpecialtyInput,
};
pub use decide::chat::decide_chat;
pub use decide::{check_action, decide_case, decide_patient, CaseView};
pub use event::{AppointmentEvent, CaseEvent, IssueEvent, PatientEvent, TimelineLabel};
pub use ids::{
    AppointmentId, CaseId, CommandId, DiseaseCategoryId, DocumentId, IssueId, MessageId, PatientId,
    RequestId, ReviewTypeId, SpecialtyId, UserId,
};
pub use issue::{CaseIssue, IssueCommand, IssueInput};
pub use notice::{Channel, ChannelOff, Notice, NoticeKind, PreferenceCommand, Reminder};
pub use patient::{Patient, Sex};
pub use refusal::{Refusal, RefusalCode};
pub use visibility::can_read_chat;

/// The largest document the product accepts, in bytes (25 MiB). One rule, one place: the
/// UI, the core and (later) the server read it from here.
pub const MAX_DOCUMENT_BYTES: u32 = 25 * 1024 * 1024;
