//! Property: random interleavings of offline commands from several desktops always
//! converge, and every refusal reaches its author.
//!
//! Six real desktop cores (`so_core::App`, each on its own SQLite file, each behind its
//! own switchable proxy) are signed in to one real server: a requester, two admins (the
//! same admin on two workstations), the coordinator and two providers. Each generated run
//! prepares five fresh cases in states where people can step on each other's toes
//! (submitted; awaiting payment; paid; providers assigned; both providers reviewing), then
//! 2–4 of the desktops work offline: each tries what its role could try on what it sees
//! (two admins assigning, reject or cancel against assign, payment against cancel,
//! providers declining, returning, reviewing while the requester cancels, the coordinator
//! assigning or completing ...), interleaved with "goes online and syncs" (sometimes
//! losing the server's answer), restarts and payment callbacks. At the end everyone syncs
//! twice and:
//! - every replica shows exactly what the server sends that user from scratch (cases,
//!   their state and timeline, patients), and keeps no case it may not see;
//! - the server holds every queued command exactly once, with its events once in the log,
//!   and each case's stored state is its log folded from the start;
//! - every command the server refused is in its author's "needs attention" list with the
//!   server's code, and nothing else is there.
//!
//! One server and the six desktops serve every run (fresh cases each time): a fresh
//! database and six sign-ins per run would cost more than the runs. `PROPTEST_CASES` sets
//! the number of runs (default 16), `PROPTEST_MAX_SHRINK_ITERS` the shrinking budget.

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;

use domain::{
    demo, CaseCommand, CaseId, Command, CommandId, DocumentId, DocumentInput, DocumentKind,
    IssueId, OpinionInput, PatientCommand, PatientId, PatientInput, RequestId, Sex,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use protocol::Outcome;
use so_core::{CaseInput, ErrorCode, StagedDocument, SyncErrorCode, SyncReport};
use support::desk::{log_mismatch, record_payment, recorded, replica_mismatch, server_view, Desk};
use support::net::{Net, Proxy};
use support::{spawn_app, TestApp};
use uuid::Uuid;

// --- who and what -------------------------------------------------------------------

const REQUESTER: usize = 0;
const ADMIN_A: usize = 1;
const ADMIN_B: usize = 2;
const COORDINATOR: usize = 3;
const PROVIDER_1: usize = 4;
const PROVIDER_2: usize = 5;
const DESKS: [&str; 6] = [
    support::REQUESTER,
    support::ADMIN,
    support::ADMIN,
    support::COORDINATOR,
    support::PROVIDER,
    "provider2@demo.hospital",
];

// The cases every run prepares, by index.
const SUBMITTED: usize = 0;
const AWAITING_PAYMENT: usize = 1;
const PAID: usize = 2;
const ASSIGNED: usize = 3;
const IN_REVIEW: usize = 4;
const CASES: usize = 5;

/// A sync that takes longer than this is a hang, reported as such.
const SYNC_LIMIT: Duration = Duration::from_secs(60);

/// What a person tries on their desktop; the desktop turns it into a command from what it
/// shows (the coordinator it replaces, the issue it resolves).
#[derive(Clone, Debug)]
enum Intent {
    // The requester.
    Cancel {
        case: usize,
        with_reason: bool,
    },
    AddDocument {
        case: usize,
    },
    EditPatient {
        variant: u8,
    },
    // Admins (and `Cancel`).
    AssignCoordinator {
        case: usize,
    },
    Reject {
        case: usize,
    },
    // The coordinator.
    AssignProviders {
        case: usize,
        which: u8,
    },
    SubmitFinalSummary {
        case: usize,
    },
    // Coordinator, admins and providers.
    ResolveReturn {
        case: usize,
    },
    /// The coordinator or a provider takes the next step the case shows them (with
    /// `other`, the other choice: decline rather than accept, return rather than give an
    /// opinion, one provider rather than both).
    Proceed {
        case: usize,
        other: bool,
    },
    // Providers.
    Respond {
        case: usize,
        accept: bool,
    },
    StartReview {
        case: usize,
    },
    SubmitOpinion {
        case: usize,
    },
    ReturnCase {
        case: usize,
    },
    RequestDocuments {
        case: usize,
    },
}

#[derive(Clone, Debug)]
enum Step {
    /// The desktop (offline) tries something on its replica.
    Act { desk: usize, intent: Intent },
    /// The desktop goes online, syncs and goes offline again; with `lose_answers` the
    /// server answers but the answer never arrives.
    Sync { desk: usize, lose_answers: bool },
    /// The desktop is closed and opened again.
    Restart { desk: usize },
    /// The payment provider's callback reaches the server.
    Pay { case: usize, succeeded: bool },
}

#[derive(Clone, Debug)]
struct Scenario {
    /// The desktops that work offline in this run (the others only sync at the end).
    desks: Vec<usize>,
    steps: Vec<Step>,
}

// --- the strategies -------------------------------------------------------------------

fn any_of(cases: &[usize]) -> BoxedStrategy<usize> {
    prop::sample::select(cases.to_vec()).boxed()
}

fn intent(desk: usize) -> BoxedStrategy<Intent> {
    let all: Vec<usize> = (0..CASES).collect();
    match desk {
        REQUESTER => prop_oneof![
            4 => (any_of(&all), any::<bool>())
                .prop_map(|(case, with_reason)| Intent::Cancel { case, with_reason }),
            // Allowed only in answer to a provider's open request for documents.
            1 => any_of(&[ASSIGNED, IN_REVIEW]).prop_map(|case| Intent::AddDocument { case }),
            1 => (0u8..3).prop_map(|variant| Intent::EditPatient { variant }),
        ]
        .boxed(),
        ADMIN_A | ADMIN_B => prop_oneof![
            // Awaiting payment, the one eligible coordinator is assigned already: the
            // desktop refuses a change to the same person, unless it shows the case
            // cancelled or rejected meanwhile ... or never synced.
            4 => Just(SUBMITTED).prop_map(|case| Intent::AssignCoordinator { case }),
            1 => Just(AWAITING_PAYMENT).prop_map(|case| Intent::AssignCoordinator { case }),
            2 => Just(SUBMITTED).prop_map(|case| Intent::Reject { case }),
            2 => (any_of(&all), Just(true))
                .prop_map(|(case, with_reason)| Intent::Cancel { case, with_reason }),
            1 => any_of(&[ASSIGNED, IN_REVIEW]).prop_map(|case| Intent::ResolveReturn { case }),
        ]
        .boxed(),
        COORDINATOR => prop_oneof![
            5 => (any_of(&[PAID, ASSIGNED, IN_REVIEW]), prop::bool::weighted(0.3))
                .prop_map(|(case, other)| Intent::Proceed { case, other }),
            2 => (any_of(&[PAID, ASSIGNED]), 0u8..3)
                .prop_map(|(case, which)| Intent::AssignProviders { case, which }),
            1 => any_of(&[ASSIGNED, IN_REVIEW])
                .prop_map(|case| Intent::SubmitFinalSummary { case }),
            1 => any_of(&[ASSIGNED, IN_REVIEW]).prop_map(|case| Intent::ResolveReturn { case }),
        ]
        .boxed(),
        PROVIDER_1 | PROVIDER_2 => {
            let mine = [PAID, ASSIGNED, IN_REVIEW];
            prop_oneof![
                8 => (any_of(&mine), prop::bool::weighted(0.25))
                    .prop_map(|(case, other)| Intent::Proceed { case, other }),
                1 => (any_of(&mine), prop::bool::weighted(0.7))
                    .prop_map(|(case, accept)| Intent::Respond { case, accept }),
                1 => any_of(&mine).prop_map(|case| Intent::StartReview { case }),
                1 => any_of(&mine).prop_map(|case| Intent::SubmitOpinion { case }),
                1 => any_of(&mine).prop_map(|case| Intent::ReturnCase { case }),
                1 => any_of(&mine).prop_map(|case| Intent::RequestDocuments { case }),
                1 => any_of(&mine).prop_map(|case| Intent::ResolveReturn { case }),
            ]
            .boxed()
        }
        other => unreachable!("no desktop {other}"),
    }
}

fn step(desks: Vec<usize>) -> BoxedStrategy<Step> {
    let act = prop::sample::select(desks.clone())
        .prop_flat_map(|desk| intent(desk).prop_map(move |intent| Step::Act { desk, intent }));
    let sync = (
        prop::sample::select(desks.clone()),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(desk, lose_answers)| Step::Sync { desk, lose_answers });
    let restart = prop::sample::select(desks).prop_map(|desk| Step::Restart { desk });
    let pay = (any_of(&[AWAITING_PAYMENT]), prop::bool::weighted(0.75))
        .prop_map(|(case, succeeded)| Step::Pay { case, succeeded });
    prop_oneof![10 => act, 4 => sync, 1 => restart, 1 => pay].boxed()
}

fn scenario() -> impl Strategy<Value = Scenario> {
    prop::sample::subsequence((0..DESKS.len()).collect::<Vec<_>>(), 2..=4)
        .prop_flat_map(|desks| {
            (
                Just(desks.clone()),
                prop::collection::vec(step(desks), 1..=32),
            )
        })
        .prop_map(|(desks, steps)| Scenario { desks, steps })
}

// --- the world the runs share ---------------------------------------------------------

struct World {
    server: TestApp,
    nets: Vec<Proxy>,
    desks: Vec<Desk>,
    document: StagedDocument,
    /// A run did not finish (it failed): its leftovers are sent before the next starts.
    dirty: bool,
    totals: Totals,
}

/// What the runs did, to show that they exercise conflicts at all.
#[derive(Debug, Default)]
struct Totals {
    runs: usize,
    queued: usize,
    refused_locally: usize,
    accepted: usize,
    refused: BTreeMap<&'static str, usize>,
}

/// One run: its cases and patient, and the commands each desktop queued.
struct Run {
    cases: [CaseId; CASES],
    patient: PatientId,
    /// Per desktop, the ids of the commands it queued in the run, in order.
    queued: Vec<Vec<CommandId>>,
    /// Per desktop, the length of its outbox when the run's own steps began.
    outbox_before: Vec<usize>,
}

fn fail(message: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(message.into())
}

impl World {
    async fn new() -> World {
        let server = spawn_app().await;
        let mut nets = Vec::new();
        let mut desks = Vec::new();
        for email in DESKS {
            let net = Proxy::start(server.addr).await;
            desks.push(Desk::sign_in(&net.url(), email).await);
            net.set(Net::Down);
            nets.push(net);
        }
        let document = desks[REQUESTER]
            .app
            .stage_document("referral.pdf", "application/pdf", b"%PDF-1.4 referral")
            .await
            .expect("stage a document");
        World {
            server,
            nets,
            desks,
            document,
            dirty: false,
            totals: Totals::default(),
        }
    }

    fn who(&self, desk: usize) -> String {
        format!("desktop {desk} ({})", DESKS[desk])
    }

    async fn sync(&self, desk: usize, net: Net) -> Result<SyncReport, so_core::SyncError> {
        self.nets[desk].set(net);
        let result = tokio::time::timeout(SYNC_LIMIT, self.desks[desk].app.sync_once())
            .await
            .unwrap_or_else(|_| panic!("{}: a sync hung", self.who(desk)));
        self.nets[desk].set(Net::Down);
        result
    }

    /// Online, a sync succeeds.
    async fn sync_up(&self, desk: usize) -> Result<SyncReport, TestCaseError> {
        self.sync(desk, Net::Up)
            .await
            .map_err(|e| fail(format!("{}: sync with the network up: {e}", self.who(desk))))
    }

    async fn dismiss_all(&self) -> Result<(), TestCaseError> {
        for desk in &self.desks {
            for item in desk.app.needs_attention().await.expect("needs attention") {
                desk.app
                    .dismiss_attention(item.command_id)
                    .await
                    .expect("dismiss");
            }
        }
        Ok(())
    }

    /// Fresh cases for a run, each in its state, and every desktop synced to them.
    async fn prepare(&mut self) -> Result<Run, TestCaseError> {
        if self.dirty {
            // A failed run's leftovers: sent and forgotten, so that they do not count here.
            for desk in 0..DESKS.len() {
                self.sync_up(desk).await?;
            }
            self.dismiss_all().await?;
        }
        self.dirty = true;
        let expect_all = |report: SyncReport, queued: usize, what: &str| {
            if (report.accepted, report.refused) == (queued, 0) {
                Ok(())
            } else {
                Err(fail(format!("preparing, {what}: {report:?}")))
            }
        };

        let requester = &self.desks[REQUESTER].app;
        let patient = requester
            .create_patient(PatientInput {
                full_name: "Salma Nour".into(),
                date_of_birth: "1980-02-03".into(),
                sex: Sex::Female,
                medical_record_number: None,
                phone: None,
            })
            .await
            .expect("create the patient")
            .id;
        let mut cases = [CaseId(Uuid::nil()); CASES];
        for case in cases.iter_mut() {
            let input = CaseInput {
                patient_id: patient,
                review_type_id: demo::CARDIOLOGY_REVIEW,
                disease_category_id: demo::CORONARY,
                question: "Stent or bypass?".into(),
                clinical_summary: "Three-vessel disease.".into(),
                documents: vec![self.document_input()],
            };
            *case = requester
                .create_case(input, true)
                .await
                .expect("create and submit a case")
                .summary
                .id;
        }
        let report = self.sync_up(REQUESTER).await?;
        expect_all(report, 1 + CASES, "the requester's cases")?;

        self.sync_up(ADMIN_A).await?;
        for case in &cases[AWAITING_PAYMENT..] {
            self.desks[ADMIN_A]
                .app
                .assign_coordinator(*case, demo::COORDINATOR)
                .await
                .expect("assign the coordinator");
        }
        let report = self.sync_up(ADMIN_A).await?;
        expect_all(report, CASES - AWAITING_PAYMENT, "the coordinators")?;
        for case in &cases[PAID..] {
            let outcome = record_payment(&self.server.pool, *case, true).await;
            if !matches!(outcome, Outcome::Accepted { .. }) {
                return Err(fail(format!("preparing, a payment: {outcome:?}")));
            }
        }

        self.sync_up(COORDINATOR).await?;
        for case in &cases[ASSIGNED..] {
            self.desks[COORDINATOR]
                .app
                .case_command(CaseCommand::AssignProviders {
                    case_id: *case,
                    provider_ids: vec![demo::PROVIDER, demo::PROVIDER_2],
                })
                .await
                .expect("assign the providers");
        }
        let report = self.sync_up(COORDINATOR).await?;
        expect_all(report, CASES - ASSIGNED, "the providers")?;
        for provider in [PROVIDER_1, PROVIDER_2] {
            self.sync_up(provider).await?;
            let case_id = cases[IN_REVIEW];
            for command in [
                CaseCommand::RespondToAssignment {
                    case_id,
                    accept: true,
                    reason: None,
                },
                CaseCommand::StartReview { case_id },
            ] {
                self.desks[provider]
                    .app
                    .case_command(command)
                    .await
                    .expect("accept and start");
            }
            let report = self.sync_up(provider).await?;
            expect_all(report, 2, "the reviews")?;
        }
        for desk in 0..DESKS.len() {
            self.sync_up(desk).await?;
        }
        let mut outbox_before = Vec::new();
        for desk in &self.desks {
            outbox_before.push(desk.outbox().await.len());
        }
        Ok(Run {
            cases,
            patient,
            queued: vec![Vec::new(); DESKS.len()],
            outbox_before,
        })
    }

    fn document_input(&self) -> DocumentInput {
        DocumentInput {
            name: self.document.name.clone(),
            kind: DocumentKind::MedicalReport,
            media_type: self.document.media_type.clone(),
            sha256: self.document.sha256.clone(),
            size_bytes: self.document.size_bytes,
        }
    }

    /// The case as the desktop shows it now (whoever may see it).
    async fn shown(&self, desk: usize, case_id: CaseId) -> Option<domain::Case> {
        let mut conn = self.desks[desk].app.store().read().await.expect("read");
        store::cases::get(&mut conn, case_id)
            .await
            .expect("read a case")
    }

    /// The next step the case shows the coordinator or a provider.
    async fn next_step(&self, desk: usize, case_id: CaseId, case: usize, other: bool) -> Intent {
        use domain::{AssignmentStatus, CaseStatus, Role};
        let me = self.desks[desk].actor;
        let shown = self.shown(desk, case_id).await;
        match me.role {
            Role::Provider => {
                let mine = shown
                    .as_ref()
                    .and_then(|c| c.assignment(me.id))
                    .map(|a| a.status);
                match mine {
                    Some(AssignmentStatus::Assigned) => Intent::Respond {
                        case,
                        accept: !other,
                    },
                    Some(AssignmentStatus::Accepted) => Intent::StartReview { case },
                    Some(AssignmentStatus::InProgress) if other => Intent::ReturnCase { case },
                    Some(AssignmentStatus::Returned) => Intent::ResolveReturn { case },
                    Some(
                        AssignmentStatus::InProgress
                        | AssignmentStatus::Declined
                        | AssignmentStatus::Done,
                    )
                    | None => Intent::SubmitOpinion { case },
                }
            }
            Role::Coordinator => match shown {
                Some(c) if c.status == CaseStatus::PaymentSuccessful => Intent::AssignProviders {
                    case,
                    which: if other { 0 } else { 2 },
                },
                Some(c) if c.return_issues.iter().any(|i| !i.resolved) => {
                    Intent::ResolveReturn { case }
                }
                Some(_) | None => Intent::SubmitFinalSummary { case },
            },
            Role::Requester | Role::Admin | Role::System => unreachable!("not generated"),
        }
    }

    /// The command `intent` becomes on the desktop, from what it shows now.
    async fn command(&self, desk: usize, run: &Run, intent: &Intent) -> Command {
        let me = self.desks[desk].actor;
        if let Intent::Proceed { case, other } = intent {
            let next = self.next_step(desk, run.cases[*case], *case, *other).await;
            return Box::pin(self.command(desk, run, &next)).await;
        }
        let case_command = match intent {
            Intent::Proceed { .. } => unreachable!("turned into its step above"),
            Intent::Cancel { case, with_reason } => CaseCommand::Cancel {
                case_id: run.cases[*case],
                reason: with_reason.then(|| "The patient changed hospital.".to_string()),
            },
            Intent::AddDocument { case } => CaseCommand::AddDocument {
                case_id: run.cases[*case],
                document_id: DocumentId(Uuid::now_v7()),
                document: self.document_input(),
            },
            Intent::EditPatient { variant } => {
                return Command::Patient(PatientCommand::Update {
                    patient_id: run.patient,
                    input: PatientInput {
                        full_name: format!("Salma Nour {variant}"),
                        date_of_birth: "1980-02-03".into(),
                        sex: Sex::Female,
                        medical_record_number: None,
                        phone: Some(format!("+20 100 000 000{variant}")),
                    },
                })
            }
            Intent::AssignCoordinator { case } => CaseCommand::AssignCoordinator {
                case_id: run.cases[*case],
                coordinator_id: demo::COORDINATOR,
                // What the admin sees, as `App::assign_coordinator` does.
                replacing: self
                    .shown(desk, run.cases[*case])
                    .await
                    .and_then(|c| c.coordinator()),
            },
            Intent::Reject { case } => CaseCommand::Reject {
                case_id: run.cases[*case],
                reason: "Outside our scope.".into(),
            },
            Intent::AssignProviders { case, which } => CaseCommand::AssignProviders {
                case_id: run.cases[*case],
                provider_ids: match which {
                    0 => vec![demo::PROVIDER],
                    1 => vec![demo::PROVIDER_2],
                    _ => vec![demo::PROVIDER, demo::PROVIDER_2],
                },
            },
            Intent::SubmitFinalSummary { case } => CaseCommand::SubmitFinalSummary {
                case_id: run.cases[*case],
                summary: "The reviewers recommend bypass surgery.".into(),
            },
            Intent::ResolveReturn { case } => {
                // The first open return issue it shows (a provider: its own).
                let issue = self.shown(desk, run.cases[*case]).await.and_then(|c| {
                    c.return_issues
                        .iter()
                        .find(|i| {
                            !i.resolved
                                && (me.role != domain::Role::Provider || i.provider_id == me.id)
                        })
                        .map(|i| i.id)
                });
                CaseCommand::ResolveReturn {
                    case_id: run.cases[*case],
                    issue_id: issue.unwrap_or(IssueId(Uuid::now_v7())),
                }
            }
            Intent::Respond { case, accept } => CaseCommand::RespondToAssignment {
                case_id: run.cases[*case],
                accept: *accept,
                reason: (!accept).then(|| "Outside my expertise.".to_string()),
            },
            Intent::StartReview { case } => CaseCommand::StartReview {
                case_id: run.cases[*case],
            },
            Intent::SubmitOpinion { case } => CaseCommand::SubmitOpinion {
                case_id: run.cases[*case],
                opinion: OpinionInput {
                    assessment: "Reviewed the angiogram.".into(),
                    diagnosis: "Three-vessel CAD".into(),
                    recommendations: "Heart-team discussion.".into(),
                    answers: "Bypass is preferable.".into(),
                    references: String::new(),
                },
            },
            Intent::ReturnCase { case } => CaseCommand::ReturnCase {
                case_id: run.cases[*case],
                issue_id: IssueId(Uuid::now_v7()),
                reason: "Wrong specialty.".into(),
            },
            Intent::RequestDocuments { case } => CaseCommand::RequestDocuments {
                case_id: run.cases[*case],
                request_id: RequestId(Uuid::now_v7()),
                note: "The latest echocardiogram, please.".into(),
            },
        };
        Command::Case(case_command)
    }

    async fn step(&mut self, run: &mut Run, step: &Step) -> Result<(), TestCaseError> {
        match step {
            Step::Act { desk, intent } => {
                let command = self.command(*desk, run, intent).await;
                match self.desks[*desk].app.execute(command).await {
                    Ok(id) => {
                        run.queued[*desk].push(id);
                        self.totals.queued += 1;
                    }
                    // The desktop's own rules refused it on what it shows: nothing queued.
                    Err(e) if is_refusal(e.code) => self.totals.refused_locally += 1,
                    Err(e) => {
                        return Err(fail(format!(
                            "{}: {intent:?} failed: {e:?}",
                            self.who(*desk)
                        )))
                    }
                }
            }
            Step::Sync {
                desk,
                lose_answers: false,
            } => {
                self.sync_up(*desk).await?;
            }
            Step::Sync {
                desk,
                lose_answers: true,
            } => match self.sync(*desk, Net::LoseAnswers).await {
                Err(e) if e.code == SyncErrorCode::Offline => {}
                other => {
                    return Err(fail(format!(
                        "{}: a sync whose answers are lost is 'offline', got {other:?}",
                        self.who(*desk)
                    )))
                }
            },
            Step::Restart { desk } => self.desks[*desk].restart().await,
            Step::Pay { case, succeeded } => {
                record_payment(&self.server.pool, run.cases[*case], *succeeded).await;
            }
        }
        Ok(())
    }

    /// Everyone syncs twice, then the checks of the module comment.
    async fn finish(&mut self, run: &Run) -> Result<(), TestCaseError> {
        for _round in 0..2 {
            for desk in 0..DESKS.len() {
                self.sync_up(desk).await?;
            }
        }

        let all: Vec<CommandId> = run.queued.iter().flatten().copied().collect();
        let server = recorded(&self.server.pool, &all).await;
        for (desk, queued) in run.queued.iter().enumerate() {
            let who = self.who(desk);
            let status = self.desks[desk].app.sync_status().await.expect("status");
            prop_assert_eq!(status.pending, 0, "{}: everything was sent", &who);

            // The outbox holds what was queued, nothing more, each with the server's answer.
            let outbox = self.desks[desk].outbox().await;
            let new = &outbox[run.outbox_before[desk]..];
            let ids: Vec<CommandId> = new.iter().map(|e| e.command_id).collect();
            prop_assert_eq!(&ids, queued, "{}: the outbox holds what was queued", &who);

            let mut refused = Vec::new();
            for entry in new {
                let Some(rec) = server.get(&entry.command_id) else {
                    return Err(fail(format!(
                        "{who}: command {} ({:?}) never reached the server",
                        entry.command_id, entry.command
                    )));
                };
                prop_assert_eq!(
                    rec.user_id,
                    self.desks[desk].actor.id,
                    "{}: its author",
                    &who
                );
                match &rec.outcome {
                    Outcome::Accepted { events } => {
                        prop_assert_eq!(
                            rec.events,
                            events.len() as i64,
                            "{}: the events of accepted {:?} are in the log once",
                            &who,
                            &entry.command
                        );
                        prop_assert_eq!(entry.state, store::outbox::State::Accepted);
                        self.totals.accepted += 1;
                    }
                    Outcome::Refused { refusal } => {
                        prop_assert_eq!(rec.events, 0, "{}: a refusal leaves no event", &who);
                        prop_assert_eq!(entry.state, store::outbox::State::Refused);
                        refused.push((entry.command_id, refusal.code.as_str().to_string()));
                        *self
                            .totals
                            .refused
                            .entry(refusal.code.as_str())
                            .or_default() += 1;
                    }
                }
            }

            // Every refusal reaches its author, with the server's code; nothing else does.
            let attention: Vec<(CommandId, String)> = self.desks[desk]
                .app
                .needs_attention()
                .await
                .expect("needs attention")
                .into_iter()
                .map(|a| {
                    assert!(!a.message.is_empty(), "a refusal says why");
                    (a.command_id, a.code)
                })
                .collect();
            prop_assert_eq!(
                &attention,
                &refused,
                "{}: 'needs attention' lists exactly the refused commands",
                &who
            );
        }
        if let Some(problem) = log_mismatch(&self.server.pool, &run.cases).await {
            return Err(fail(problem));
        }

        // Every replica equals what the server sends that user from scratch: the same
        // cases and patients, and the run's cases in every detail (earlier runs' cases were
        // compared in their runs; nothing has touched them since).
        let base = self.server.url("");
        for desk in &self.desks {
            let view = server_view(&self.server.client, &base, &desk.token().await).await;
            if let Some(problem) = replica_mismatch(desk, &view, Some(&run.cases)).await {
                return Err(fail(problem));
            }
        }

        self.dismiss_all().await?;
        self.dirty = false;
        self.totals.runs += 1;
        Ok(())
    }

    async fn run(&mut self, scenario: &Scenario) -> Result<(), TestCaseError> {
        let mut run = self.prepare().await?;
        for step in &scenario.steps {
            if let Step::Act { desk, .. } | Step::Sync { desk, .. } | Step::Restart { desk } = step
            {
                prop_assert!(
                    scenario.desks.contains(desk),
                    "only the run's desktops work offline"
                );
            }
            self.step(&mut run, step).await?;
        }
        self.finish(&run).await
    }
}

fn is_refusal(code: ErrorCode) -> bool {
    match code {
        ErrorCode::NotFound
        | ErrorCode::Forbidden
        | ErrorCode::InvalidStatus
        | ErrorCode::InvalidInput
        | ErrorCode::ReasonRequired
        | ErrorCode::DocumentsRequired
        | ErrorCode::NotEligible
        | ErrorCode::UnknownReviewType
        | ErrorCode::UnknownDiseaseCategory
        | ErrorCode::TooLarge
        | ErrorCode::Conflict => true,
        ErrorCode::NotSignedIn
        | ErrorCode::NotConnected
        | ErrorCode::Offline
        | ErrorCode::InvalidCredentials
        | ErrorCode::SessionExpired
        | ErrorCode::Server
        | ErrorCode::Keyring
        | ErrorCode::Internal => false,
    }
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Hand-picked interleavings that must produce refusals, run before the random ones so
/// that the property is known to see conflicts at all.
fn known_conflicts() -> Vec<Scenario> {
    use Intent::*;
    use Step::*;
    let act = |desk, intent| Act { desk, intent };
    vec![
        // Two admins assign the same case offline; the requester cancels another that an
        // admin rejects meanwhile; the coordinator assigns providers to a paid case the
        // requester cancels; a provider declines a case and then submits an opinion.
        Scenario {
            desks: vec![REQUESTER, ADMIN_A, ADMIN_B, COORDINATOR],
            steps: vec![
                act(ADMIN_A, AssignCoordinator { case: SUBMITTED }),
                act(ADMIN_B, AssignCoordinator { case: SUBMITTED }),
                act(
                    REQUESTER,
                    Cancel {
                        case: PAID,
                        with_reason: false,
                    },
                ),
                act(
                    COORDINATOR,
                    AssignProviders {
                        case: PAID,
                        which: 2,
                    },
                ),
                Sync {
                    desk: ADMIN_B,
                    lose_answers: true,
                },
                Sync {
                    desk: ADMIN_A,
                    lose_answers: false,
                },
                Sync {
                    desk: COORDINATOR,
                    lose_answers: false,
                },
                Sync {
                    desk: ADMIN_B,
                    lose_answers: false,
                },
                Restart { desk: REQUESTER },
                Sync {
                    desk: REQUESTER,
                    lose_answers: false,
                },
            ],
        },
        // Both providers finish; one returns the case instead, the coordinator resolves the
        // return while the requester cancels; a payment races the admin's cancel.
        Scenario {
            desks: vec![PROVIDER_1, PROVIDER_2, COORDINATOR, ADMIN_A],
            steps: vec![
                act(PROVIDER_1, SubmitOpinion { case: IN_REVIEW }),
                act(PROVIDER_2, ReturnCase { case: IN_REVIEW }),
                Sync {
                    desk: PROVIDER_2,
                    lose_answers: false,
                },
                Sync {
                    desk: COORDINATOR,
                    lose_answers: false,
                },
                act(COORDINATOR, ResolveReturn { case: IN_REVIEW }),
                act(
                    ADMIN_A,
                    Cancel {
                        case: AWAITING_PAYMENT,
                        with_reason: true,
                    },
                ),
                act(
                    ADMIN_A,
                    Cancel {
                        case: IN_REVIEW,
                        with_reason: true,
                    },
                ),
                Pay {
                    case: AWAITING_PAYMENT,
                    succeeded: true,
                },
                Sync {
                    desk: ADMIN_A,
                    lose_answers: false,
                },
                Sync {
                    desk: COORDINATOR,
                    lose_answers: false,
                },
                Sync {
                    desk: PROVIDER_1,
                    lose_answers: false,
                },
            ],
        },
    ]
}

#[test]
fn random_interleavings_of_offline_commands_converge_and_every_refusal_reaches_its_author() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let world = RefCell::new(runtime.block_on(World::new()));

    for scenario in known_conflicts() {
        let before = world.borrow().totals.refused.values().sum::<usize>();
        if let Err(e) = runtime.block_on(world.borrow_mut().run(&scenario)) {
            panic!("{e}\nin {scenario:#?}");
        }
        let after = world.borrow().totals.refused.values().sum::<usize>();
        assert!(
            after > before,
            "a scenario built to conflict gets refusals from the server"
        );
    }

    let config = Config {
        cases: env_number("PROPTEST_CASES", 16),
        max_shrink_iters: env_number("PROPTEST_MAX_SHRINK_ITERS", 48),
        // Each run takes about a second: shrink for at most two minutes.
        max_shrink_time: 120_000,
        // Failures are printed with their minimal scenario; no regression files in the tree.
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&scenario(), |scenario| {
        runtime.block_on(world.borrow_mut().run(&scenario))
    });
    let world = world.into_inner();
    eprintln!("convergence: {:?}", world.totals);
    runtime.block_on(async move { drop(world) });
    if let Err(e) = result {
        panic!("{e}");
    }
}
