//! Every (case status × case command × role) cell, allowed or refused with its reason.
//!
//! The expectations are written down here from `DOMAIN.md`, independently of the crate's
//! own tables: `RULES` (who may do what, in which case status, in which assignment status)
//! and `FACTS` (what each fixture case is). The fixture cases are reached through the
//! real command path, and `decide_case` is asked, for each cell, the well-formed command
//! the right person would send. A cell passes when `decide_case` returns exactly the
//! expected refusal code, or allows the command and its events move the case to the
//! expected status.

mod support;

use std::collections::{BTreeSet, HashSet};

use domain::{
    check_action, ActionKind, Actor, AppointmentCommand, AssignmentStatus, Case, CaseCommand,
    CaseStatus, IssueCommand, RefusalCode, Role, UserId,
};
use support::*;

use AssignmentStatus as A;
use CaseStatus as S;

// ---- the rules, from DOMAIN.md ----------------------------------------------------------

/// What must hold besides role, case status and the provider's own assignment status.
#[derive(Clone, Copy, Debug)]
enum Also {
    Nothing,
    /// "Requesters upload while the case is a draft. After submission, only in answer to a
    /// provider's document request."
    DraftOrOpenDocumentRequest,
    /// "every non-declined provider assignment is `done`" (and there is at least one: a
    /// case whose every provider declined has no opinion to summarise).
    EveryLiveAssignmentDone,
    /// A refund is owed: the case was cancelled after it was paid, and not refunded yet.
    RefundOwed,
    /// Coordinators and admins resolve issues; there must be one open. (A provider resolves
    /// only its own, which its `returned` status already says exists.)
    OpenReturnIssue,
}

struct Rule {
    action: ActionKind,
    /// "Roles" table.
    roles: &'static [Role],
    /// "Case status" transition table; terminal statuses are final whatever this says.
    statuses: &'static [CaseStatus],
    /// "Provider assignment status": the status the acting provider's own assignment needs.
    provider_needs: Option<AssignmentStatus>,
    also: Also,
}

const BEFORE_CLOSE: &[CaseStatus] = &[
    S::Draft,
    S::Submitted,
    S::AwaitingPayment,
    S::PaymentSuccessful,
    S::DoctorsAssigned,
];

const RULES: [Rule; 17] = [
    Rule {
        action: ActionKind::UpdateDraft,
        roles: &[Role::Requester],
        statuses: &[S::Draft],
        provider_needs: None,
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::AddDocument,
        roles: &[Role::Requester],
        statuses: &[S::Draft, S::DoctorsAssigned],
        provider_needs: None,
        also: Also::DraftOrOpenDocumentRequest,
    },
    Rule {
        action: ActionKind::RemoveDocument,
        roles: &[Role::Requester],
        statuses: &[S::Draft],
        provider_needs: None,
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::Submit,
        roles: &[Role::Requester],
        statuses: &[S::Draft],
        provider_needs: None,
        also: Also::Nothing,
    },
    Rule {
        // Assign when submitted; change "only before payment succeeds".
        action: ActionKind::AssignCoordinator,
        roles: &[Role::Admin],
        statuses: &[S::Submitted, S::AwaitingPayment],
        provider_needs: None,
        also: Also::Nothing,
    },
    Rule {
        // "payment callback … verified callback only".
        action: ActionKind::RecordPayment,
        roles: &[Role::System],
        statuses: &[S::AwaitingPayment],
        provider_needs: None,
        also: Also::Nothing,
    },
    Rule {
        // "refund created automatically when paid": the authority records what the
        // payment provider answered — the only change a terminal case takes.
        action: ActionKind::RecordRefund,
        roles: &[Role::System],
        statuses: &[S::Cancelled],
        provider_needs: None,
        also: Also::RefundOwed,
    },
    Rule {
        // After payment; and later, to replace a provider who declined.
        action: ActionKind::AssignProviders,
        roles: &[Role::Coordinator],
        statuses: &[S::PaymentSuccessful, S::DoctorsAssigned],
        provider_needs: None,
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::RespondToAssignment,
        roles: &[Role::Provider],
        statuses: &[S::DoctorsAssigned],
        provider_needs: Some(A::Assigned),
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::StartReview,
        roles: &[Role::Provider],
        statuses: &[S::DoctorsAssigned],
        provider_needs: Some(A::Accepted),
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::RequestDocuments,
        roles: &[Role::Provider],
        statuses: &[S::DoctorsAssigned],
        provider_needs: Some(A::InProgress),
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::ReturnCase,
        roles: &[Role::Provider],
        statuses: &[S::DoctorsAssigned],
        provider_needs: Some(A::InProgress),
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::ResolveReturn,
        roles: &[Role::Provider, Role::Coordinator, Role::Admin],
        statuses: &[S::DoctorsAssigned],
        provider_needs: Some(A::Returned),
        also: Also::OpenReturnIssue,
    },
    Rule {
        action: ActionKind::SubmitOpinion,
        roles: &[Role::Provider],
        statuses: &[S::DoctorsAssigned],
        provider_needs: Some(A::InProgress),
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::SubmitFinalSummary,
        roles: &[Role::Coordinator],
        statuses: &[S::DoctorsAssigned],
        provider_needs: None,
        also: Also::EveryLiveAssignmentDone,
    },
    Rule {
        action: ActionKind::Cancel,
        roles: &[Role::Requester, Role::Admin],
        statuses: BEFORE_CLOSE,
        provider_needs: None,
        also: Also::Nothing,
    },
    Rule {
        action: ActionKind::Reject,
        roles: &[Role::Admin],
        statuses: &[S::Submitted],
        provider_needs: None,
        also: Also::Nothing,
    },
];

/// "`completed`, `cancelled`, `rejected`, `payment_failed` are terminal".
const TERMINAL: [CaseStatus; 4] = [S::Completed, S::Cancelled, S::Rejected, S::PaymentFailed];

fn rule(action: ActionKind) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.action == action)
        .unwrap_or_else(|| panic!("RULES has no row for {action:?}"))
}

/// The action each probe performs (`None`: it creates a case).
fn action_of(probe: Probe) -> Option<ActionKind> {
    Some(match probe {
        Probe::CreateDraft | Probe::CreateAndSubmit => return None,
        Probe::UpdateDraft => ActionKind::UpdateDraft,
        Probe::AddDocument => ActionKind::AddDocument,
        Probe::RemoveDocument => ActionKind::RemoveDocument,
        Probe::Submit => ActionKind::Submit,
        Probe::AssignCoordinator => ActionKind::AssignCoordinator,
        Probe::PaymentSucceeded | Probe::PaymentFailed => ActionKind::RecordPayment,
        Probe::RefundSucceeded | Probe::RefundFailed => ActionKind::RecordRefund,
        Probe::AssignProviders => ActionKind::AssignProviders,
        Probe::Accept | Probe::Decline => ActionKind::RespondToAssignment,
        Probe::StartReview => ActionKind::StartReview,
        Probe::RequestDocuments => ActionKind::RequestDocuments,
        Probe::ReturnCase => ActionKind::ReturnCase,
        Probe::ResolveReturn => ActionKind::ResolveReturn,
        Probe::SubmitOpinion => ActionKind::SubmitOpinion,
        Probe::SubmitFinalSummary => ActionKind::SubmitFinalSummary,
        Probe::Cancel => ActionKind::Cancel,
        Probe::Reject => ActionKind::Reject,
    })
}

/// The case status an allowed probe leaves the case in ("Case status" table).
fn status_after(probe: Probe, before: CaseStatus) -> CaseStatus {
    match probe {
        Probe::CreateDraft => S::Draft,
        Probe::CreateAndSubmit | Probe::Submit => S::Submitted,
        // Assigning moves to awaiting payment; changing keeps it there.
        Probe::AssignCoordinator => S::AwaitingPayment,
        Probe::PaymentSucceeded => S::PaymentSuccessful,
        Probe::PaymentFailed => S::PaymentFailed,
        Probe::AssignProviders => S::DoctorsAssigned,
        Probe::SubmitFinalSummary => S::Completed,
        Probe::Cancel => S::Cancelled,
        Probe::Reject => S::Rejected,
        // "The case stays `doctors_assigned` throughout" the providers' work; the draft
        // stays a draft while edited.
        Probe::UpdateDraft
        | Probe::AddDocument
        | Probe::RemoveDocument
        | Probe::Accept
        | Probe::Decline
        | Probe::StartReview
        | Probe::RequestDocuments
        | Probe::ReturnCase
        | Probe::ResolveReturn
        | Probe::SubmitOpinion
        | Probe::RefundSucceeded
        | Probe::RefundFailed => before,
    }
}

// ---- the fixtures, as facts -------------------------------------------------------------

/// What a fixture case is, declared here (and checked against the built case) so the
/// expectations never read them off the case under test.
struct Facts {
    fixture: Fixture,
    status: CaseStatus,
    /// The active coordinator.
    coordinator: Option<UserId>,
    providers: &'static [(UserId, AssignmentStatus)],
    open_document_request: bool,
    open_return_issue: bool,
    paid: bool,
}

const NO_PROVIDERS: &[(UserId, AssignmentStatus)] = &[];
const REVIEW_UNDER_WAY: &[(UserId, AssignmentStatus)] = &[
    (P_ASSIGNED.id, A::Assigned),
    (P_ACCEPTED.id, A::Accepted),
    (P_IN_PROGRESS.id, A::InProgress),
    (P_RETURNED.id, A::Returned),
    (P_DONE.id, A::Done),
    (P_DECLINED.id, A::Declined),
];
const OPINIONS_IN: &[(UserId, AssignmentStatus)] =
    &[(P_DONE.id, A::Done), (P_DECLINED.id, A::Declined)];

const FACTS: [Facts; 10] = [
    Facts {
        fixture: Fixture::Draft,
        status: S::Draft,
        coordinator: None,
        providers: NO_PROVIDERS,
        open_document_request: false,
        open_return_issue: false,
        paid: false,
    },
    Facts {
        fixture: Fixture::Submitted,
        status: S::Submitted,
        coordinator: None,
        providers: NO_PROVIDERS,
        open_document_request: false,
        open_return_issue: false,
        paid: false,
    },
    Facts {
        fixture: Fixture::AwaitingPayment,
        status: S::AwaitingPayment,
        coordinator: Some(COORD.id),
        providers: NO_PROVIDERS,
        open_document_request: false,
        open_return_issue: false,
        paid: false,
    },
    Facts {
        fixture: Fixture::PaymentSuccessful,
        status: S::PaymentSuccessful,
        coordinator: Some(COORD.id),
        providers: NO_PROVIDERS,
        open_document_request: false,
        open_return_issue: false,
        paid: true,
    },
    Facts {
        fixture: Fixture::PaymentFailed,
        status: S::PaymentFailed,
        coordinator: Some(COORD.id),
        providers: NO_PROVIDERS,
        open_document_request: false,
        open_return_issue: false,
        paid: false,
    },
    Facts {
        fixture: Fixture::UnderReview,
        status: S::DoctorsAssigned,
        coordinator: Some(COORD.id),
        providers: REVIEW_UNDER_WAY,
        open_document_request: true,
        open_return_issue: true,
        paid: true,
    },
    Facts {
        fixture: Fixture::OpinionsIn,
        status: S::DoctorsAssigned,
        coordinator: Some(COORD.id),
        providers: OPINIONS_IN,
        open_document_request: false,
        open_return_issue: false,
        paid: true,
    },
    Facts {
        fixture: Fixture::Completed,
        status: S::Completed,
        coordinator: Some(COORD.id),
        providers: OPINIONS_IN,
        open_document_request: false,
        open_return_issue: false,
        paid: true,
    },
    Facts {
        // Cancelled mid-review: everything that would allow an action is still there
        // (open request, open issue, providers in every status) — only finality refuses.
        fixture: Fixture::Cancelled,
        status: S::Cancelled,
        coordinator: Some(COORD.id),
        providers: REVIEW_UNDER_WAY,
        open_document_request: true,
        open_return_issue: true,
        paid: true,
    },
    Facts {
        fixture: Fixture::Rejected,
        status: S::Rejected,
        coordinator: None,
        providers: NO_PROVIDERS,
        open_document_request: false,
        open_return_issue: false,
        paid: false,
    },
];

/// Everyone who might act: each role, and each relation to the fixture cases that changes
/// the answer.
const PERSONAS: [Actor; 14] = [
    OWNER,
    OTHER_REQUESTER,
    COORD,
    FORMER_COORD,
    OTHER_COORD,
    P_ASSIGNED,
    P_ACCEPTED,
    P_IN_PROGRESS,
    P_RETURNED,
    P_DONE,
    P_DECLINED,
    P_OUTSIDER,
    ADMIN,
    SYSTEM,
];

// ---- the oracle -------------------------------------------------------------------------

type Expected = Result<CaseStatus, RefusalCode>;

/// The answer `DOMAIN.md` gives for one cell of an existing case. Checks in the order the
/// domain promises: may they see it (else not_found, "no hint that it exists"), may their
/// role do it (else forbidden), does the state allow it (else invalid_status).
fn expected(f: &Facts, who: Actor, probe: Probe) -> Expected {
    let Some(action) = action_of(probe) else {
        // Only requesters create cases; an id that is taken can not be created again.
        return Err(if who.role == Role::Requester {
            RefusalCode::Conflict
        } else {
            RefusalCode::Forbidden
        });
    };
    let mine = f
        .providers
        .iter()
        .find(|(p, _)| *p == who.id)
        .map(|(_, s)| *s);
    let sees = match who.role {
        Role::Requester => who.id == OWNER.id,
        Role::Coordinator => f.coordinator == Some(who.id),
        // A provider sees the cases it is assigned to; one that declined is no longer.
        Role::Provider => mine.is_some_and(|s| s != A::Declined),
        Role::Admin | Role::System => true,
    };
    if !sees {
        return Err(RefusalCode::NotFound);
    }
    let rule = rule(action);
    if !rule.roles.contains(&who.role) {
        return Err(RefusalCode::Forbidden);
    }
    // Terminal is final, except for recording a cancelled case's refund (docs/decisions.md).
    let finished = TERMINAL.contains(&f.status) && action != ActionKind::RecordRefund;
    if finished || !rule.statuses.contains(&f.status) {
        return Err(RefusalCode::InvalidStatus);
    }
    if who.role == Role::Provider {
        if let Some(needed) = rule.provider_needs {
            if mine != Some(needed) {
                return Err(RefusalCode::InvalidStatus);
            }
        }
    }
    let holds = match rule.also {
        Also::Nothing => true,
        Also::DraftOrOpenDocumentRequest => f.status == S::Draft || f.open_document_request,
        Also::EveryLiveAssignmentDone => {
            let live: Vec<_> = f
                .providers
                .iter()
                .filter(|(_, s)| *s != A::Declined)
                .collect();
            !live.is_empty() && live.iter().all(|(_, s)| *s == A::Done)
        }
        Also::OpenReturnIssue => who.role == Role::Provider || f.open_return_issue,
        // Every fixture is untouched by a refund, so a paid cancelled one still owes it.
        Also::RefundOwed => f.status == S::Cancelled && f.paid,
    };
    if !holds {
        return Err(RefusalCode::InvalidStatus);
    }
    Ok(status_after(probe, f.status))
}

/// The answer for creating a brand-new case.
fn expected_create(who: Actor, probe: Probe) -> Expected {
    if who.role == Role::Requester {
        Ok(status_after(probe, S::Draft))
    } else {
        Err(RefusalCode::Forbidden)
    }
}

/// Names every case-lifecycle `CaseCommand` variant. No `_` arm: a new variant breaks this
/// build, and the walk below fails until a probe sends it. The commands on a case's parts
/// (appointments, issues, the overdue reminder) are named too, but their tables are in
/// `appointments.rs` and `case_parts.rs`; no probe here sends them.
fn variant(command: &CaseCommand) -> &'static str {
    match command {
        CaseCommand::Create { .. } => "create",
        CaseCommand::UpdateDraft { .. } => "update_draft",
        CaseCommand::AddDocument { .. } => "add_document",
        CaseCommand::RemoveDocument { .. } => "remove_document",
        CaseCommand::Submit { .. } => "submit",
        CaseCommand::AssignCoordinator { .. } => "assign_coordinator",
        CaseCommand::RecordPayment { .. } => "record_payment",
        CaseCommand::RecordRefund { .. } => "record_refund",
        CaseCommand::AssignProviders { .. } => "assign_providers",
        CaseCommand::RespondToAssignment { .. } => "respond_to_assignment",
        CaseCommand::StartReview { .. } => "start_review",
        CaseCommand::RequestDocuments { .. } => "request_documents",
        CaseCommand::ReturnCase { .. } => "return_case",
        CaseCommand::ResolveReturn { .. } => "resolve_return",
        CaseCommand::SubmitOpinion { .. } => "submit_opinion",
        CaseCommand::SubmitFinalSummary { .. } => "submit_final_summary",
        CaseCommand::Cancel { .. } => "cancel",
        CaseCommand::Reject { .. } => "reject",
        CaseCommand::SendOverdueReminder { .. }
        | CaseCommand::Appointment(AppointmentCommand::Request { .. })
        | CaseCommand::Appointment(AppointmentCommand::Change { .. })
        | CaseCommand::Appointment(AppointmentCommand::Answer { .. })
        | CaseCommand::Appointment(AppointmentCommand::Cancel { .. })
        | CaseCommand::Appointment(AppointmentCommand::Complete { .. })
        | CaseCommand::Issue(IssueCommand::Report { .. })
        | CaseCommand::Issue(IssueCommand::Edit { .. })
        | CaseCommand::Issue(IssueCommand::Delete { .. })
        | CaseCommand::Issue(IssueCommand::Resolve { .. }) => "not a lifecycle command",
    }
}
const VARIANTS: usize = 18;

/// The built case is the case `facts` describes.
fn check_fixture(f: &Facts, case: &Case) {
    let name = format!("{:?}", f.fixture);
    assert_eq!(case.status, f.status, "{name}: status");
    assert_eq!(
        case.coordinator(),
        f.coordinator,
        "{name}: active coordinator"
    );
    let mut have: Vec<_> = case
        .assignments
        .iter()
        .map(|a| (a.provider_id, a.status))
        .collect();
    let mut want = f.providers.to_vec();
    have.sort_by_key(|(p, _)| *p);
    want.sort_by_key(|(p, _)| *p);
    assert_eq!(have, want, "{name}: provider assignments");
    assert_eq!(
        case.has_open_document_request(),
        f.open_document_request,
        "{name}: open document request"
    );
    assert_eq!(
        case.return_issues.iter().any(|i| !i.resolved),
        f.open_return_issue,
        "{name}: open return issue"
    );
    assert_eq!(case.is_paid(), f.paid, "{name}: paid");
    assert_eq!(
        case.status.is_terminal(),
        TERMINAL.contains(&case.status),
        "{name}: the crate and DOMAIN.md must agree on which statuses are terminal"
    );
}

fn show(r: &Result<CaseStatus, RefusalCode>) -> String {
    match r {
        Ok(s) => format!("allowed -> {}", s.as_str()),
        Err(c) => format!("refused {}", c.as_str()),
    }
}

#[test]
fn the_rules_table_has_one_row_per_action() {
    let actions: Vec<_> = RULES.iter().map(|r| r.action).collect();
    let distinct: HashSet<_> = actions.iter().collect();
    assert_eq!(
        distinct.len(),
        RULES.len(),
        "an action listed twice in RULES"
    );
    for a in ActionKind::ALL {
        assert!(actions.contains(&a), "{a:?} has no row in RULES");
    }
}

#[test]
fn every_status_command_and_role_cell() {
    let mut walked = 0usize;
    let mut failures: Vec<String> = Vec::new();
    let mut statuses = HashSet::new();
    let mut roles = HashSet::new();
    let mut relations = HashSet::new();
    let mut variants = BTreeSet::new();
    let mut actions = HashSet::new();
    let mut allowed_probes = HashSet::new();
    let mut codes = HashSet::new();

    for f in &FACTS {
        let story = f.fixture.story();
        let case = story.case();
        check_fixture(f, case);
        statuses.insert(f.status);
        for probe in Probe::ALL {
            for who in PERSONAS {
                let mut command = probe.command(CASE, who);
                // The admin names the coordinator they see, as the desktop does.
                if let CaseCommand::AssignCoordinator { replacing, .. } = &mut command {
                    *replacing = case.coordinator();
                }
                assert_eq!(
                    command.action(),
                    action_of(probe),
                    "{probe:?}: wrong action"
                );
                variants.insert(variant(&command));
                actions.extend(command.action());
                roles.insert(who.role);
                if let Some((_, s)) = f.providers.iter().find(|(p, _)| *p == who.id) {
                    relations.insert(*s);
                }

                let want = expected(f, who, probe);
                let got = story.decide(who, &command);
                let cell = format!("{:?} / {probe:?} / {:?} {:?}", f.fixture, who.role, who.id);
                walked += 1;

                let got_short = match &got {
                    Ok(events) => Ok(fold(Some(case.clone()), events, story.now(), who)
                        .expect("decided events fold")
                        .status),
                    Err(r) => Err(r.code),
                };
                if got_short != want {
                    failures.push(format!(
                        "{cell}: expected {}, got {} ({got:?})",
                        show(&want),
                        show(&got_short)
                    ));
                    continue;
                }
                match &want {
                    Ok(_) => {
                        allowed_probes.insert(probe);
                    }
                    Err(code) => {
                        codes.insert(*code);
                    }
                }

                let Some(action) = action_of(probe) else {
                    continue;
                };
                // The UI asks check_action what to offer: it must never offer what
                // decide_case refuses, nor hide what it allows.
                let asked = check_action(Some(case), who, action)
                    .map(|_| ())
                    .map_err(|r| r.code);
                let decided = got.as_ref().map(|_| ()).map_err(|r| r.code);
                if asked != decided {
                    failures.push(format!(
                        "{cell}: check_action says {asked:?}, decide_case {decided:?}"
                    ));
                }
                // "exactly as for a case that does not exist".
                if want == Err(RefusalCode::NotFound) {
                    let missing = decide_case_without_case(&story, who, &command);
                    if got.as_ref().err() != Some(&missing) {
                        failures.push(format!(
                            "{cell}: not_found differs from a missing case: {got:?} vs {missing:?}"
                        ));
                    }
                }
            }
        }
    }

    // The row before any case exists: only Create applies.
    let fresh = support::Story::new();
    for probe in [Probe::CreateDraft, Probe::CreateAndSubmit] {
        for who in PERSONAS {
            let command = probe.command(NEW_CASE, who);
            let want = expected_create(who, probe);
            let got = fresh.decide(who, &command);
            walked += 1;
            let got_short = match &got {
                Ok(events) => {
                    let created =
                        fold(None, events, fresh.now(), who).expect("decided events fold");
                    assert_eq!(created.requester_id, who.id, "the creator owns the case");
                    Ok(created.status)
                }
                Err(r) => Err(r.code),
            };
            if got_short.is_ok() && got_short == want {
                allowed_probes.insert(probe);
            }
            if got_short != want {
                failures.push(format!(
                    "(new) / {probe:?} / {:?} {:?}: expected {}, got {} ({got:?})",
                    who.role,
                    who.id,
                    show(&want),
                    show(&got_short)
                ));
            }
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {walked} cells disagree with DOMAIN.md:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 10 fixture cases × 22 commands × 14 actors, plus 2 creates × 14 actors on no case.
    assert_eq!(walked, 3_108, "the walk must cover every cell");
    assert_eq!(
        statuses,
        CaseStatus::ALL.into_iter().collect(),
        "every case status has a fixture"
    );
    assert_eq!(roles, Role::ALL.into_iter().collect(), "every role acts");
    assert_eq!(
        relations,
        AssignmentStatus::ALL.into_iter().collect(),
        "a provider in every assignment status acts"
    );
    assert_eq!(
        variants.len(),
        VARIANTS,
        "every CaseCommand variant is sent: {variants:?}"
    );
    assert_eq!(
        actions,
        ActionKind::ALL.into_iter().collect(),
        "every ActionKind is exercised"
    );
    assert_eq!(
        allowed_probes,
        Probe::ALL.into_iter().collect(),
        "every command is allowed in at least one cell, so no row is refused wholesale"
    );
    assert_eq!(
        codes,
        [
            RefusalCode::NotFound,
            RefusalCode::Forbidden,
            RefusalCode::InvalidStatus,
            RefusalCode::Conflict
        ]
        .into_iter()
        .collect(),
        "the walk meets each permission refusal"
    );
}

fn decide_case_without_case(
    story: &support::Story,
    who: Actor,
    command: &CaseCommand,
) -> domain::Refusal {
    match domain::decide_case(story.view_of(None, who), who, command, story.now()) {
        Ok(events) => panic!("a command on a missing case was allowed: {events:?}"),
        Err(r) => r,
    }
}
