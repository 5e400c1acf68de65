//! Shared fixtures for the domain tests: one configured world (users, review types, disease
//! categories, patients) and cases driven to each status through the real command path —
//! `decide_case`, then `CaseEvent::evolve` — never assembled by hand, so a fixture can only
//! reach a state the rules themselves allow.
//!
//! Nothing here decides what *should* happen; the expectations live in the test files.

// Each test binary (`mod support;`) uses a different part of this module.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{
    decide_case, decide_patient, Actor, Case, CaseCommand, CaseEvent, CaseFields, CaseId, CaseView,
    Catalog, DiseaseCategory, DiseaseCategoryId, DocumentId, DocumentInput, DocumentKind, IssueId,
    OpinionInput, Patient, PatientCommand, PatientId, PatientInput, PaymentOutcome, RefundOutcome,
    Refusal, RequestId, ReviewType, ReviewTypeId, Role, Sex, Specialty, SpecialtyId, User, UserId,
};
use uuid::Uuid;

const fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const fn person(n: u128, role: Role) -> Actor {
    Actor {
        id: UserId(uuid(n)),
        role,
    }
}

// ---- configuration --------------------------------------------------------------------

pub const CARDIOLOGY: SpecialtyId = SpecialtyId(uuid(0xA1));
pub const NEUROLOGY: SpecialtyId = SpecialtyId(uuid(0xA2));

/// Active cardiology review type; every fixture case uses it.
pub const RT_CARDIO: ReviewTypeId = ReviewTypeId(uuid(0xB1));
pub const RT_NEURO: ReviewTypeId = ReviewTypeId(uuid(0xB2));
/// Configured but switched off by an admin.
pub const RT_RETIRED: ReviewTypeId = ReviewTypeId(uuid(0xB3));
/// Never configured.
pub const RT_UNKNOWN: ReviewTypeId = ReviewTypeId(uuid(0xB9));

/// Cardiology category; every fixture case uses it.
pub const HEART: DiseaseCategoryId = DiseaseCategoryId(uuid(0xC1));
pub const BRAIN: DiseaseCategoryId = DiseaseCategoryId(uuid(0xC2));
pub const CAT_RETIRED: DiseaseCategoryId = DiseaseCategoryId(uuid(0xC3));
pub const CAT_UNKNOWN: DiseaseCategoryId = DiseaseCategoryId(uuid(0xC9));

pub const PRICE_MINOR: u32 = 150_000;
pub const CURRENCY: &str = "SAR";

// ---- people ---------------------------------------------------------------------------

/// The requester who creates every fixture case.
pub const OWNER: Actor = person(0x11, Role::Requester);
/// Another hospital's requester.
pub const OTHER_REQUESTER: Actor = person(0x12, Role::Requester);
/// First assigned to fixture cases, then replaced by `COORD` before payment.
pub const FORMER_COORD: Actor = person(0x20, Role::Coordinator);
/// The case's own (active) coordinator from `awaiting_payment` on.
pub const COORD: Actor = person(0x21, Role::Coordinator);
/// Eligible for cardiology, never on the fixture cases.
pub const OTHER_COORD: Actor = person(0x22, Role::Coordinator);
/// A coordinator of another specialty: not eligible for cardiology cases.
pub const NEURO_COORD: Actor = person(0x23, Role::Coordinator);

// Providers mapped to HEART. Each is named after the assignment status it holds on every
// fixture case it is on (the review under way, and the cases that follow from it).
pub const P_ASSIGNED: Actor = person(0x31, Role::Provider);
pub const P_ACCEPTED: Actor = person(0x32, Role::Provider);
pub const P_IN_PROGRESS: Actor = person(0x33, Role::Provider);
pub const P_RETURNED: Actor = person(0x34, Role::Provider);
pub const P_DONE: Actor = person(0x35, Role::Provider);
pub const P_DECLINED: Actor = person(0x36, Role::Provider);
/// Mapped to HEART, never assigned to a fixture case.
pub const P_OUTSIDER: Actor = person(0x37, Role::Provider);
/// Mapped to BRAIN only.
pub const P_NEURO: Actor = person(0x38, Role::Provider);
/// Mapped to HEART but deactivated.
pub const P_INACTIVE: Actor = person(0x39, Role::Provider);

pub const ADMIN: Actor = person(0x41, Role::Admin);
/// The verified payment callback and the scheduler.
pub const SYSTEM: Actor = person(0x51, Role::System);

// ---- records --------------------------------------------------------------------------

pub const OWNER_PATIENT: PatientId = PatientId(uuid(0xD1));
pub const OTHER_PATIENT: PatientId = PatientId(uuid(0xD2));

/// Every fixture case.
pub const CASE: CaseId = CaseId(uuid(0xE1));
/// A case id nobody has used.
pub const NEW_CASE: CaseId = CaseId(uuid(0xE2));

/// Uploaded with the draft.
pub const DOC_DRAFT: DocumentId = DocumentId(uuid(0xF1));
/// Uploaded in answer to `REQ_ANSWERED`.
pub const DOC_ANSWER: DocumentId = DocumentId(uuid(0xF2));
/// Not on any case yet.
pub const DOC_NEW: DocumentId = DocumentId(uuid(0xF3));

/// P_IN_PROGRESS's request, still open, on the review under way.
pub const REQ_OPEN: RequestId = RequestId(uuid(0x101));
/// P_DONE's request, answered, on the case whose opinions are in.
pub const REQ_ANSWERED: RequestId = RequestId(uuid(0x102));
pub const REQ_NEW: RequestId = RequestId(uuid(0x103));

/// P_RETURNED's return issue, still open, on the review under way.
pub const ISSUE_OPEN: IssueId = IssueId(uuid(0x201));
/// P_DONE's return issue, resolved, on the case whose opinions are in.
pub const ISSUE_RESOLVED: IssueId = IssueId(uuid(0x202));
pub const ISSUE_NEW: IssueId = IssueId(uuid(0x203));

fn user(a: Actor, name: &str, specialty_ids: Vec<SpecialtyId>, active: bool) -> User {
    User {
        id: a.id,
        name: name.to_string(),
        email: format!("{}@hospital.test", name.to_lowercase().replace(' ', ".")),
        role: a.role,
        specialty_ids,
        active,
    }
}

pub fn catalog() -> Catalog {
    let heart_pool = [
        P_ASSIGNED,
        P_ACCEPTED,
        P_IN_PROGRESS,
        P_RETURNED,
        P_DONE,
        P_DECLINED,
        P_OUTSIDER,
        P_INACTIVE,
    ];
    let mut users = vec![
        user(OWNER, "Requester Owner", vec![], true),
        user(OTHER_REQUESTER, "Requester Other", vec![], true),
        user(FORMER_COORD, "Coord Former", vec![CARDIOLOGY], true),
        user(COORD, "Coord Own", vec![CARDIOLOGY], true),
        user(OTHER_COORD, "Coord Other", vec![CARDIOLOGY], true),
        user(NEURO_COORD, "Coord Neuro", vec![NEUROLOGY], true),
        user(P_NEURO, "Dr Neuro", vec![NEUROLOGY], true),
        user(ADMIN, "Admin", vec![], true),
    ];
    for (i, p) in heart_pool.iter().enumerate() {
        users.push(user(
            *p,
            &format!("Dr Heart {i}"),
            vec![CARDIOLOGY],
            *p != P_INACTIVE,
        ));
    }
    let review_type = |id, name: &str, specialty_id, active| ReviewType {
        id,
        name_en: name.to_string(),
        name_ar: format!("{name} (ar)"),
        price_minor: PRICE_MINOR,
        currency: CURRENCY.to_string(),
        expected_review_days: 5,
        specialty_id,
        active,
    };
    let category = |id, label: &str, specialty_id, providers: &[Actor], active| DiseaseCategory {
        id,
        label_en: label.to_string(),
        label_ar: format!("{label} (ar)"),
        specialty_id,
        provider_ids: providers.iter().map(|p| p.id).collect(),
        active,
    };
    Catalog {
        users,
        specialties: vec![
            Specialty {
                id: CARDIOLOGY,
                name_en: "Cardiology".into(),
                name_ar: "أمراض القلب".into(),
            },
            Specialty {
                id: NEUROLOGY,
                name_en: "Neurology".into(),
                name_ar: "طب الأعصاب".into(),
            },
        ],
        review_types: vec![
            review_type(RT_CARDIO, "Cardiac review", CARDIOLOGY, true),
            review_type(RT_NEURO, "Neuro review", NEUROLOGY, true),
            review_type(RT_RETIRED, "Old cardiac review", CARDIOLOGY, false),
        ],
        disease_categories: vec![
            category(HEART, "Heart failure", CARDIOLOGY, &heart_pool, true),
            category(BRAIN, "Epilepsy", NEUROLOGY, &[P_NEURO], true),
            category(CAT_RETIRED, "Old category", CARDIOLOGY, &heart_pool, false),
        ],
    }
}

fn patient(id: PatientId, owner: Actor, name: &str) -> Patient {
    let command = PatientCommand::Create {
        patient_id: id,
        input: PatientInput {
            full_name: name.to_string(),
            date_of_birth: "1961-04-12".into(),
            sex: Sex::Female,
            medical_record_number: Some("MRN-0042".into()),
            phone: Some("+966 11 000 0000".into()),
        },
    };
    let events = decide_patient(None, owner, &command, base_time())
        .unwrap_or_else(|r| panic!("fixture patient refused: {r:?}"));
    events
        .last()
        .expect("a created patient has an event")
        .evolve()
}

pub fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 8, 0, 0)
        .single()
        .expect("a valid instant")
}

/// The requester's own patient for requesters; the case's patient otherwise (only
/// requesters name patients, so what others pass never matters).
pub fn patient_of(actor: Actor) -> PatientId {
    if actor.id == OTHER_REQUESTER.id {
        OTHER_PATIENT
    } else {
        OWNER_PATIENT
    }
}

// ---- commands -------------------------------------------------------------------------

pub fn sha(n: u64) -> String {
    format!("{n:064x}")
}

pub fn document(name: &str) -> DocumentInput {
    DocumentInput {
        name: name.to_string(),
        kind: DocumentKind::MedicalReport,
        media_type: "application/pdf".into(),
        sha256: sha(name.len() as u64 + 1),
        size_bytes: 120_000,
    }
}

pub fn fields(patient_id: PatientId) -> CaseFields {
    CaseFields {
        patient_id,
        review_type_id: RT_CARDIO,
        disease_category_id: HEART,
        question: "Is surgery indicated, or should we continue medical therapy?".into(),
        clinical_summary: "62-year-old, NYHA III, EF 30% on echo, on optimal therapy.".into(),
    }
}

pub fn create(
    case_id: CaseId,
    fields: CaseFields,
    documents: Vec<(DocumentId, DocumentInput)>,
    submit: bool,
) -> CaseCommand {
    CaseCommand::Create {
        case_id,
        fields,
        documents,
        submit,
    }
}

pub fn update_draft(fields: CaseFields) -> CaseCommand {
    CaseCommand::UpdateDraft {
        case_id: CASE,
        fields,
    }
}

pub fn add_document(document_id: DocumentId, document: DocumentInput) -> CaseCommand {
    CaseCommand::AddDocument {
        case_id: CASE,
        document_id,
        document,
    }
}

pub fn remove_document(document_id: DocumentId) -> CaseCommand {
    CaseCommand::RemoveDocument {
        case_id: CASE,
        document_id,
    }
}

pub fn submit() -> CaseCommand {
    CaseCommand::Submit { case_id: CASE }
}

/// Assigns the first coordinator (the admin saw none).
pub fn assign_coordinator(coordinator: Actor) -> CaseCommand {
    CaseCommand::AssignCoordinator {
        case_id: CASE,
        coordinator_id: coordinator.id,
        replacing: None,
    }
}

/// Changes the coordinator the admin saw (`from`) to `to`.
pub fn change_coordinator(from: Actor, to: Actor) -> CaseCommand {
    CaseCommand::AssignCoordinator {
        case_id: CASE,
        coordinator_id: to.id,
        replacing: Some(from.id),
    }
}

pub fn payment_succeeded(reference: &str) -> CaseCommand {
    CaseCommand::RecordPayment {
        case_id: CASE,
        outcome: PaymentOutcome::Succeeded {
            reference: reference.to_string(),
        },
    }
}

pub fn payment_failed(reason: &str) -> CaseCommand {
    CaseCommand::RecordPayment {
        case_id: CASE,
        outcome: PaymentOutcome::Failed {
            reason: reason.to_string(),
        },
    }
}

pub fn refund(outcome: RefundOutcome) -> CaseCommand {
    CaseCommand::RecordRefund {
        case_id: CASE,
        outcome,
    }
}

pub fn assign_providers(providers: &[Actor]) -> CaseCommand {
    CaseCommand::AssignProviders {
        case_id: CASE,
        provider_ids: providers.iter().map(|p| p.id).collect(),
    }
}

pub fn accept() -> CaseCommand {
    CaseCommand::RespondToAssignment {
        case_id: CASE,
        accept: true,
        reason: None,
    }
}

pub fn decline(reason: Option<&str>) -> CaseCommand {
    CaseCommand::RespondToAssignment {
        case_id: CASE,
        accept: false,
        reason: reason.map(str::to_string),
    }
}

pub fn start_review() -> CaseCommand {
    CaseCommand::StartReview { case_id: CASE }
}

pub fn request_documents(request_id: RequestId, note: &str) -> CaseCommand {
    CaseCommand::RequestDocuments {
        case_id: CASE,
        request_id,
        note: note.to_string(),
    }
}

pub fn return_case(issue_id: IssueId, reason: &str) -> CaseCommand {
    CaseCommand::ReturnCase {
        case_id: CASE,
        issue_id,
        reason: reason.to_string(),
    }
}

pub fn resolve_return(issue_id: IssueId) -> CaseCommand {
    CaseCommand::ResolveReturn {
        case_id: CASE,
        issue_id,
    }
}

pub fn opinion_input() -> OpinionInput {
    OpinionInput {
        assessment: "Severe ischaemic cardiomyopathy.".into(),
        diagnosis: "Three-vessel coronary disease.".into(),
        recommendations: "Refer for CABG after viability study.".into(),
        answers: "Yes, surgery is indicated.".into(),
        references: "ESC 2021 heart failure guideline.".into(),
    }
}

pub fn submit_opinion(opinion: OpinionInput) -> CaseCommand {
    CaseCommand::SubmitOpinion {
        case_id: CASE,
        opinion,
    }
}

pub fn final_summary(summary: &str) -> CaseCommand {
    CaseCommand::SubmitFinalSummary {
        case_id: CASE,
        summary: summary.to_string(),
    }
}

pub fn cancel(reason: Option<&str>) -> CaseCommand {
    CaseCommand::Cancel {
        case_id: CASE,
        reason: reason.map(str::to_string),
    }
}

pub fn reject(reason: &str) -> CaseCommand {
    CaseCommand::Reject {
        case_id: CASE,
        reason: reason.to_string(),
    }
}

/// One well-formed command of each shape: every `CaseCommand` variant, and both outcomes of
/// the variants whose outcome changes what happens (create as draft or submitted, payment
/// succeeded or failed, accept or decline). Each is what the right person would send to the
/// fixture cases, so whatever refuses it is a rule, never bad input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Probe {
    CreateDraft,
    CreateAndSubmit,
    UpdateDraft,
    AddDocument,
    RemoveDocument,
    Submit,
    AssignCoordinator,
    PaymentSucceeded,
    PaymentFailed,
    RefundSucceeded,
    RefundFailed,
    AssignProviders,
    Accept,
    Decline,
    StartReview,
    RequestDocuments,
    ReturnCase,
    ResolveReturn,
    SubmitOpinion,
    SubmitFinalSummary,
    Cancel,
    Reject,
}

impl Probe {
    pub const ALL: [Probe; 22] = [
        Probe::CreateDraft,
        Probe::CreateAndSubmit,
        Probe::UpdateDraft,
        Probe::AddDocument,
        Probe::RemoveDocument,
        Probe::Submit,
        Probe::AssignCoordinator,
        Probe::PaymentSucceeded,
        Probe::PaymentFailed,
        Probe::RefundSucceeded,
        Probe::RefundFailed,
        Probe::AssignProviders,
        Probe::Accept,
        Probe::Decline,
        Probe::StartReview,
        Probe::RequestDocuments,
        Probe::ReturnCase,
        Probe::ResolveReturn,
        Probe::SubmitOpinion,
        Probe::SubmitFinalSummary,
        Probe::Cancel,
        Probe::Reject,
    ];

    /// The command `actor` sends. `case_id` is used by `Create`; the others target `CASE`.
    pub fn command(self, case_id: CaseId, actor: Actor) -> CaseCommand {
        match self {
            Probe::CreateDraft | Probe::CreateAndSubmit => create(
                case_id,
                fields(patient_of(actor)),
                vec![(DOC_NEW, document("referral.pdf"))],
                self == Probe::CreateAndSubmit,
            ),
            Probe::UpdateDraft => update_draft(CaseFields {
                question: "Is a valve repair an option?".into(),
                ..fields(OWNER_PATIENT)
            }),
            Probe::AddDocument => add_document(DOC_NEW, document("angiogram.pdf")),
            Probe::RemoveDocument => remove_document(DOC_DRAFT),
            Probe::Submit => submit(),
            // Not the current coordinator of any fixture case, so never a no-op.
            Probe::AssignCoordinator => assign_coordinator(OTHER_COORD),
            Probe::PaymentSucceeded => payment_succeeded("PAY-7731"),
            Probe::PaymentFailed => payment_failed("Card declined"),
            Probe::RefundSucceeded => refund(RefundOutcome::Succeeded {
                reference: "RF-1001".into(),
            }),
            Probe::RefundFailed => refund(RefundOutcome::Failed {
                reason: "Provider unreachable".into(),
            }),
            // Eligible, and on no fixture case.
            Probe::AssignProviders => assign_providers(&[P_OUTSIDER]),
            Probe::Accept => accept(),
            Probe::Decline => decline(Some("On leave this month")),
            Probe::StartReview => start_review(),
            Probe::RequestDocuments => request_documents(REQ_NEW, "The latest angiogram"),
            Probe::ReturnCase => return_case(ISSUE_NEW, "Wrong specialty: needs neurology"),
            // P_RETURNED's open issue on the review under way.
            Probe::ResolveReturn => resolve_return(ISSUE_OPEN),
            Probe::SubmitOpinion => submit_opinion(opinion_input()),
            Probe::SubmitFinalSummary => final_summary("Both opinions agree: refer for CABG."),
            // With a reason, which an admin must give and a requester may.
            Probe::Cancel => cancel(Some("The patient was transferred")),
            Probe::Reject => reject("Outside the scope of a second opinion"),
        }
    }
}

// ---- stories --------------------------------------------------------------------------

/// A case told through commands: each step is decided by the rules and folded by `evolve`.
pub struct Story {
    pub catalog: Catalog,
    pub owner_patient: Patient,
    pub other_patient: Patient,
    pub case: Option<Case>,
    minute: i64,
}

impl Default for Story {
    fn default() -> Self {
        Self::new()
    }
}

impl Story {
    pub fn new() -> Self {
        Self {
            catalog: catalog(),
            owner_patient: patient(OWNER_PATIENT, OWNER, "Amina Haddad"),
            other_patient: patient(OTHER_PATIENT, OTHER_REQUESTER, "Omar Saleh"),
            case: None,
            minute: 1,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        base_time() + Duration::minutes(self.minute)
    }

    pub fn case(&self) -> &Case {
        self.case.as_ref().expect("the story has a case")
    }

    /// What `actor`'s device would pass to `decide_case`.
    pub fn view_for(&self, actor: Actor) -> CaseView<'_> {
        self.view_of(self.case.as_ref(), actor)
    }

    pub fn view_of<'a>(&'a self, case: Option<&'a Case>, actor: Actor) -> CaseView<'a> {
        let patient = if patient_of(actor) == OTHER_PATIENT {
            &self.other_patient
        } else {
            &self.owner_patient
        };
        CaseView {
            case,
            patient: Some(patient),
            catalog: &self.catalog,
        }
    }

    pub fn decide(&self, actor: Actor, command: &CaseCommand) -> Result<Vec<CaseEvent>, Refusal> {
        decide_case(self.view_for(actor), actor, command, self.now())
    }

    /// Decides and applies; the story's steps must all be allowed.
    pub fn step(&mut self, actor: Actor, command: &CaseCommand) -> Vec<CaseEvent> {
        let events = self.decide(actor, command).unwrap_or_else(|r| {
            panic!("story step refused: {actor:?} {command:?} -> {r:?}");
        });
        self.apply(actor, &events);
        events
    }

    pub fn apply(&mut self, actor: Actor, events: &[CaseEvent]) {
        self.case = fold(self.case.take(), events, self.now(), actor);
        self.minute += 1;
    }

    /// The refusal the rules give; panics (with the events) if they allow it.
    pub fn refusal(&self, actor: Actor, command: &CaseCommand) -> Refusal {
        match self.decide(actor, command) {
            Ok(events) => panic!("expected {actor:?} {command:?} to be refused, got {events:?}"),
            Err(r) => r,
        }
    }
}

pub fn fold(
    case: Option<Case>,
    events: &[CaseEvent],
    at: DateTime<Utc>,
    by: Actor,
) -> Option<Case> {
    events.iter().fold(case, |c, e| {
        let next = e.evolve(c, at, by);
        assert!(next.is_some(), "evolve rejected a decided event {e:?}");
        next
    })
}

pub fn draft() -> Story {
    let mut s = Story::new();
    s.step(
        OWNER,
        &create(
            CASE,
            fields(OWNER_PATIENT),
            vec![(DOC_DRAFT, document("echo-report.pdf"))],
            false,
        ),
    );
    s
}

pub fn submitted() -> Story {
    let mut s = draft();
    s.step(OWNER, &submit());
    s
}

/// A coordinator assigned, then changed before payment: `COORD` is the case's own,
/// `FORMER_COORD` was.
pub fn awaiting_payment() -> Story {
    let mut s = submitted();
    s.step(ADMIN, &assign_coordinator(FORMER_COORD));
    s.step(ADMIN, &change_coordinator(FORMER_COORD, COORD));
    s
}

pub fn payment_successful() -> Story {
    let mut s = awaiting_payment();
    s.step(SYSTEM, &payment_succeeded("PAY-1001"));
    s
}

pub fn payment_failed_case() -> Story {
    let mut s = awaiting_payment();
    s.step(SYSTEM, &payment_failed("Insufficient funds"));
    s
}

/// Doctors assigned, the review under way: one provider in each assignment status,
/// P_IN_PROGRESS's document request open, P_RETURNED's return issue open.
pub fn under_review() -> Story {
    let mut s = payment_successful();
    s.step(
        COORD,
        &assign_providers(&[
            P_ASSIGNED,
            P_ACCEPTED,
            P_IN_PROGRESS,
            P_RETURNED,
            P_DONE,
            P_DECLINED,
        ]),
    );
    s.step(P_ACCEPTED, &accept());
    s.step(P_IN_PROGRESS, &accept());
    s.step(P_IN_PROGRESS, &start_review());
    s.step(P_RETURNED, &accept());
    s.step(P_RETURNED, &start_review());
    s.step(
        P_RETURNED,
        &return_case(ISSUE_OPEN, "Needs a cardiac MRI report"),
    );
    s.step(P_DONE, &accept());
    s.step(P_DONE, &start_review());
    s.step(P_DONE, &submit_opinion(opinion_input()));
    s.step(P_DECLINED, &decline(Some("Conflict of interest")));
    s.step(
        P_IN_PROGRESS,
        &request_documents(REQ_OPEN, "Latest lab results"),
    );
    s
}

/// Doctors assigned, every opinion in: P_DONE done (after a document request that was
/// answered and a return issue that was resolved), P_DECLINED declined.
pub fn opinions_in() -> Story {
    let mut s = payment_successful();
    s.step(COORD, &assign_providers(&[P_DONE, P_DECLINED]));
    s.step(P_DECLINED, &decline(Some("On leave")));
    s.step(P_DONE, &accept());
    s.step(P_DONE, &start_review());
    s.step(P_DONE, &request_documents(REQ_ANSWERED, "Holter recording"));
    s.step(OWNER, &add_document(DOC_ANSWER, document("holter.pdf")));
    s.step(
        P_DONE,
        &return_case(ISSUE_RESOLVED, "Holter file is unreadable"),
    );
    s.step(COORD, &resolve_return(ISSUE_RESOLVED));
    s.step(P_DONE, &submit_opinion(opinion_input()));
    s
}

pub fn completed() -> Story {
    let mut s = opinions_in();
    s.step(
        COORD,
        &final_summary("Surgery is indicated; refer for CABG."),
    );
    s
}

/// Cancelled by an admin in the middle of the review (paid, so a refund is due).
pub fn cancelled() -> Story {
    let mut s = under_review();
    s.step(ADMIN, &cancel(Some("Duplicate of another case")));
    s
}

pub fn rejected() -> Story {
    let mut s = submitted();
    s.step(
        ADMIN,
        &reject("A second opinion cannot answer this question"),
    );
    s
}

/// Every fixture case, one or more per status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fixture {
    Draft,
    Submitted,
    AwaitingPayment,
    PaymentSuccessful,
    PaymentFailed,
    UnderReview,
    OpinionsIn,
    Completed,
    Cancelled,
    Rejected,
}

impl Fixture {
    pub const ALL: [Fixture; 10] = [
        Fixture::Draft,
        Fixture::Submitted,
        Fixture::AwaitingPayment,
        Fixture::PaymentSuccessful,
        Fixture::PaymentFailed,
        Fixture::UnderReview,
        Fixture::OpinionsIn,
        Fixture::Completed,
        Fixture::Cancelled,
        Fixture::Rejected,
    ];

    pub fn story(self) -> Story {
        match self {
            Fixture::Draft => draft(),
            Fixture::Submitted => submitted(),
            Fixture::AwaitingPayment => awaiting_payment(),
            Fixture::PaymentSuccessful => payment_successful(),
            Fixture::PaymentFailed => payment_failed_case(),
            Fixture::UnderReview => under_review(),
            Fixture::OpinionsIn => opinions_in(),
            Fixture::Completed => completed(),
            Fixture::Cancelled => cancelled(),
            Fixture::Rejected => rejected(),
        }
    }
}
