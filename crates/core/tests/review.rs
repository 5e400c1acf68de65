//! The review, step by step, as each role drives it through the core: providers assigned,
//! one declines and is replaced, documents requested and uploaded, a return raised and
//! resolved, opinions, the final summary. At each step: the status, the timeline (who and
//! when), what each role's case screen shows, and the refusals the rules give.

mod common;

use chrono::{Datelike, Duration};
use domain::{
    ActionKind, Actor, AssignmentStatus, CaseCommand, CaseId, CaseStatus, Command, CommandId,
    OpinionInput, PaymentOutcome, RefusalCode, Role, User, UserId,
};
use so_core::views::CaseDetail;
use so_core::{seed, ErrorCode};
use uuid::Uuid;

/// Runs `attempt`, asserts it fails with `code` (and `field`, when given) and that the
/// store's every row is unchanged.
macro_rules! refused {
    ($t:expr, $attempt:expr, $code:expr, $field:expr) => {{
        let before = $t.app.store().fingerprint().await.unwrap();
        let err = $attempt.await.expect_err("this must be refused");
        assert_eq!(err.code, $code, "{}", err.message);
        let field: Option<&str> = $field;
        if field.is_some() {
            assert_eq!(err.field.as_deref(), field, "{}", err.message);
        }
        assert!(!err.message.is_empty(), "a refusal always says why");
        assert_eq!(
            $t.app.store().fingerprint().await.unwrap(),
            before,
            "a refused command must leave the store unchanged ({})",
            err.message
        );
        err
    }};
}

/// A third cardiologist, mapped to coronary disease, so that a declined provider can be
/// replaced while two others stay on the case.
const PROVIDER_5: UserId = UserId(Uuid::from_u128(0x5ec0_0d00_0000_7000_8000_0000_0000_0305));
const PROVIDER_5_NAME: &str = "Dr. Zaid Haddad";

async fn add_third_cardiologist(t: &common::TestApp) {
    let mut catalog = seed::catalog();
    catalog.users.push(User {
        id: PROVIDER_5,
        name: PROVIDER_5_NAME.into(),
        email: "provider5@demo.hospital".into(),
        role: Role::Provider,
        specialty_ids: vec![seed::CARDIOLOGY],
        active: true,
    });
    let coronary = catalog
        .disease_categories
        .iter_mut()
        .find(|c| c.id == seed::CORONARY)
        .unwrap();
    coronary.provider_ids.push(PROVIDER_5);
    let mut tx = t.app.store().begin().await.unwrap();
    store::catalog::replace(&mut tx, &catalog).await.unwrap();
    tx.commit().await.unwrap();
}

/// Ten minutes pass, then `who` signs in: every step happens at its own time.
async fn next(t: &common::TestApp, who: UserId) {
    t.clock.advance(Duration::minutes(10));
    t.sign_in(who).await;
}

/// The payment provider's verified callback, as the system (payment is another issue).
async fn pay(t: &common::TestApp, case_id: CaseId) {
    t.clock.advance(Duration::minutes(10));
    let command = Command::Case(CaseCommand::RecordPayment {
        case_id,
        outcome: PaymentOutcome::Succeeded {
            reference: "PAY-TEST-1".into(),
        },
    });
    t.app
        .authority()
        .apply(
            t.app.store(),
            Actor::new(seed::SYSTEM, Role::System),
            CommandId(Uuid::now_v7()),
            &command,
            t.app.now(),
        )
        .await
        .expect("the system records a payment");
}

/// The timeline's last lines are `expected` (label, who, detail), all written now.
fn assert_timeline_ends(
    t: &common::TestApp,
    d: &CaseDetail,
    expected: &[(&str, &str, Option<&str>)],
) {
    let tail = &d.timeline[d.timeline.len() - expected.len()..];
    let got: Vec<_> = tail
        .iter()
        .map(|e| (e.label.as_str(), e.actor_name.as_str(), e.detail.as_deref()))
        .collect();
    assert_eq!(
        got, expected,
        "the timeline says what happened and who did it"
    );
    assert!(
        tail.iter().all(|e| e.at == t.app.now()),
        "every timeline line carries when it happened"
    );
}

fn action(d: &CaseDetail, kind: ActionKind) -> Option<(bool, Option<RefusalCode>)> {
    d.actions
        .iter()
        .find(|a| a.action == kind)
        .map(|a| (a.allowed, a.reason.as_ref().map(|r| r.code)))
}

fn allowed(d: &CaseDetail, kind: ActionKind) -> bool {
    action(d, kind).is_some_and(|(ok, _)| ok)
}

fn assignment_status(d: &CaseDetail, provider: UserId) -> Option<AssignmentStatus> {
    d.review
        .assignments
        .iter()
        .find(|a| a.provider.id == provider)
        .map(|a| a.status)
}

fn opinion(seed: &str) -> OpinionInput {
    OpinionInput {
        assessment: format!("{seed}: three-vessel disease with preserved function."),
        diagnosis: "Stable coronary artery disease.".into(),
        recommendations: "Heart-team discussion; bypass surgery preferred.".into(),
        answers: "Yes: surgery offers better long-term outcomes here.".into(),
        references: "2024 ESC Guidelines for chronic coronary syndromes.".into(),
    }
}

#[tokio::test]
async fn a_case_is_reviewed_by_every_role_in_turn_and_completed() {
    let t = common::open().await;
    add_third_cardiologist(&t).await;

    // ----- submitted, coordinator assigned, paid ---------------------------------------
    let draft = t.new_case(false).await;
    let id = draft.summary.id;
    t.clock.advance(Duration::minutes(10));
    let d = t.app.submit_case(id).await.unwrap();
    assert_eq!(d.summary.status, CaseStatus::Submitted);
    next(&t, seed::ADMIN).await;
    let d = t
        .app
        .assign_coordinator(id, seed::COORDINATOR)
        .await
        .unwrap();
    assert_eq!(d.summary.status, CaseStatus::AwaitingPayment);

    next(&t, seed::COORDINATOR).await;
    refused!(
        t,
        t.app.assign_providers(id, vec![seed::PROVIDER]),
        ErrorCode::InvalidStatus,
        None
    );
    pay(&t, id).await;
    let d = t.app.get_case(id).await.unwrap();
    assert_eq!(d.summary.status, CaseStatus::PaymentSuccessful);
    assert_timeline_ends(
        &t,
        &d,
        &[("Payment received", "Second Opinion (system)", None)],
    );

    // ----- the coordinator assigns providers -----------------------------------------
    next(&t, seed::COORDINATOR).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(
        allowed(&d, ActionKind::AssignProviders),
        "paid: the coordinator's turn"
    );
    let mut eligible: Vec<_> = d.review.eligible_providers.iter().map(|p| p.id).collect();
    eligible.sort();
    assert_eq!(
        eligible,
        [seed::PROVIDER, seed::PROVIDER_2, PROVIDER_5],
        "the picker offers exactly the providers mapped to the case's disease category"
    );
    assert!(
        d.review
            .eligible_providers
            .iter()
            .all(|p| p.specialties == ["Cardiology"]),
        "each with their specialty"
    );
    refused!(
        t,
        t.app.assign_providers(id, vec![seed::PROVIDER_3]),
        ErrorCode::NotEligible,
        Some("providerIds")
    );
    refused!(
        t,
        t.app.assign_providers(id, vec![]),
        ErrorCode::InvalidInput,
        Some("providerIds")
    );
    t.sign_in(seed::REQUESTER).await;
    refused!(
        t,
        t.app.assign_providers(id, vec![seed::PROVIDER]),
        ErrorCode::Forbidden,
        None
    );
    let mine = t.app.get_case(id).await.unwrap();
    assert!(
        mine.review.eligible_providers.is_empty(),
        "only the coordinator's screen lists providers to choose from"
    );
    assert_eq!(
        action(&mine, ActionKind::AssignProviders),
        None,
        "not offered to a requester"
    );
    t.sign_in(seed::PROVIDER).await;
    refused!(t, t.app.get_case(id), ErrorCode::NotFound, None);

    next(&t, seed::COORDINATOR).await;
    let d = t
        .app
        .assign_providers(id, vec![seed::PROVIDER, seed::PROVIDER_2])
        .await
        .unwrap();
    assert_eq!(d.summary.status, CaseStatus::DoctorsAssigned);
    assert_timeline_ends(
        &t,
        &d,
        &[(
            "Doctors assigned",
            "Dr. Layla Mansour",
            Some("Dr. Ahmed Al-Rashid, Dr. Sara Youssef"),
        )],
    );
    assert_eq!(
        d.review
            .eligible_providers
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        [PROVIDER_5],
        "providers already on the case are not offered again"
    );
    assert_eq!(
        assignment_status(&d, seed::PROVIDER),
        Some(AssignmentStatus::Assigned)
    );

    // ----- one provider declines; the coordinator replaces them ------------------------
    next(&t, seed::PROVIDER_2).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(
        allowed(&d, ActionKind::RespondToAssignment),
        "an assigned provider sees the case with Respond as the next step"
    );
    assert_eq!(
        action(&d, ActionKind::StartReview),
        Some((false, Some(RefusalCode::InvalidStatus))),
        "start is offered, disabled, until the assignment is accepted"
    );
    refused!(t, t.app.start_review(id), ErrorCode::InvalidStatus, None);
    refused!(
        t,
        t.app.respond_to_assignment(id, false, Some("   ".into())),
        ErrorCode::ReasonRequired,
        Some("reason")
    );
    refused!(
        t,
        t.app.respond_to_assignment(id, false, None),
        ErrorCode::ReasonRequired,
        Some("reason")
    );
    let answer = t
        .app
        .respond_to_assignment(id, false, Some("On leave until March.".into()))
        .await
        .expect("a provider declines with a reason");
    assert!(answer.is_none(), "the case is no longer theirs to show");
    refused!(t, t.app.get_case(id), ErrorCode::NotFound, None);

    next(&t, seed::COORDINATOR).await;
    let d = t.app.get_case(id).await.unwrap();
    let declined = d
        .review
        .assignments
        .iter()
        .find(|a| a.provider.id == seed::PROVIDER_2)
        .unwrap();
    assert_eq!(declined.status, AssignmentStatus::Declined);
    assert_eq!(
        declined.decline_reason.as_deref(),
        Some("On leave until March.")
    );
    assert_eq!(declined.provider.name, "Dr. Sara Youssef");
    let last = d.timeline.last().unwrap();
    assert_eq!(
        (
            last.label.as_str(),
            last.actor_name.as_str(),
            last.detail.as_deref()
        ),
        (
            "Assignment declined",
            "Dr. Sara Youssef",
            Some("On leave until March.")
        )
    );
    assert_eq!(last.at, t.app.now() - Duration::minutes(10));
    refused!(
        t,
        t.app.assign_providers(id, vec![seed::PROVIDER_2]),
        ErrorCode::Conflict,
        Some("providerIds")
    );
    let d = t.app.assign_providers(id, vec![PROVIDER_5]).await.unwrap();
    assert_timeline_ends(
        &t,
        &d,
        &[(
            "Doctors assigned",
            "Dr. Layla Mansour",
            Some(PROVIDER_5_NAME),
        )],
    );
    assert!(d.review.eligible_providers.is_empty());
    assert_eq!(d.review.assignments.len(), 3);

    // ----- both accept and start ------------------------------------------------------
    for provider in [seed::PROVIDER, PROVIDER_5] {
        next(&t, provider).await;
        refused!(
            t,
            t.app.submit_opinion(id, opinion("Early")),
            ErrorCode::InvalidStatus,
            None
        );
        let d = t
            .app
            .respond_to_assignment(id, true, None)
            .await
            .unwrap()
            .expect("an accepted case is still the provider's");
        assert_eq!(
            assignment_status(&d, provider),
            Some(AssignmentStatus::Accepted)
        );
        assert!(allowed(&d, ActionKind::StartReview));
        refused!(
            t,
            t.app.respond_to_assignment(id, true, None),
            ErrorCode::InvalidStatus,
            None
        );
        t.clock.advance(Duration::minutes(10));
        let d = t.app.start_review(id).await.unwrap();
        assert_eq!(
            assignment_status(&d, provider),
            Some(AssignmentStatus::InProgress)
        );
        let name = if provider == seed::PROVIDER {
            "Dr. Ahmed Al-Rashid"
        } else {
            PROVIDER_5_NAME
        };
        assert_timeline_ends(&t, &d, &[("Under specialist review", name, None)]);
        assert_eq!(
            d.summary.status,
            CaseStatus::DoctorsAssigned,
            "the case stays put"
        );
    }
    t.sign_in(seed::PROVIDER_3).await;
    refused!(t, t.app.start_review(id), ErrorCode::NotFound, None);

    // ----- documents requested, then uploaded ----------------------------------------
    next(&t, seed::REQUESTER).await;
    let extra = t.stage("stress-echo.pdf", b"%PDF-1.4 stress echo").await;
    refused!(
        t,
        t.app.add_document(id, extra.clone()),
        ErrorCode::InvalidStatus,
        None
    );
    next(&t, seed::PROVIDER).await;
    refused!(
        t,
        t.app.request_documents(id, "  ".into()),
        ErrorCode::InvalidInput,
        Some("note")
    );
    let d = t
        .app
        .request_documents(id, "The stress echo report, please.".into())
        .await
        .unwrap();
    assert_timeline_ends(
        &t,
        &d,
        &[(
            "Documents requested",
            "Dr. Ahmed Al-Rashid",
            Some("The stress echo report, please."),
        )],
    );
    let request = &d.review.document_requests[0];
    assert!(request.open);
    assert_eq!(request.provider.name, "Dr. Ahmed Al-Rashid");

    next(&t, seed::REQUESTER).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(
        d.review.document_requests.iter().any(|r| r.open),
        "the requester is prompted: the open request is on their case screen"
    );
    assert!(
        allowed(&d, ActionKind::AddDocument),
        "with the upload allowed"
    );
    let d = t.app.add_document(id, extra).await.unwrap();
    assert_timeline_ends(
        &t,
        &d,
        &[("Document added", "Noura Al-Harbi", Some("stress-echo.pdf"))],
    );
    assert_eq!(d.documents.len(), 2);
    next(&t, seed::PROVIDER).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(
        d.review.document_requests.iter().all(|r| !r.open),
        "the provider is told: the request is answered"
    );
    assert!(d.documents.iter().any(|doc| doc.name == "stress-echo.pdf"));

    // ----- returns, and their resolution -----------------------------------------------
    refused!(
        t,
        t.app.return_case(id, String::new()),
        ErrorCode::ReasonRequired,
        Some("reason")
    );
    t.clock.advance(Duration::minutes(10));
    let d = t
        .app
        .return_case(id, "The angiogram images are missing.".into())
        .await
        .unwrap();
    assert_eq!(
        assignment_status(&d, seed::PROVIDER),
        Some(AssignmentStatus::Returned)
    );
    assert_eq!(d.summary.status, CaseStatus::DoctorsAssigned);
    assert_timeline_ends(
        &t,
        &d,
        &[(
            "Case returned",
            "Dr. Ahmed Al-Rashid",
            Some("The angiogram images are missing."),
        )],
    );
    let first_issue = d.review.return_issues[0].id;
    assert!(!d.review.return_issues[0].resolved);
    refused!(
        t,
        t.app.request_documents(id, "More".into()),
        ErrorCode::InvalidStatus,
        None
    );
    refused!(
        t,
        t.app.submit_opinion(id, opinion("Returned")),
        ErrorCode::InvalidStatus,
        None
    );
    // The provider keeps writing while the case is returned: the draft stays here, and the
    // case screen keeps the opinion form open for it.
    assert!(
        t.app
            .get_case(id)
            .await
            .unwrap()
            .review
            .opinion_draft_allowed
    );
    t.app
        .save_opinion_draft(id, opinion("Draft while returned"))
        .await
        .expect("a returned provider keeps a draft");

    next(&t, PROVIDER_5).await;
    let d = t
        .app
        .return_case(id, "Please confirm the patient's medication list.".into())
        .await
        .unwrap();
    let second_issue = d.review.return_issues[1].id;
    let first = d
        .review
        .return_issues
        .iter()
        .find(|i| i.id == first_issue)
        .unwrap();
    assert!(
        !first.resolvable,
        "a provider resolves only their own issues"
    );
    assert!(d.review.return_issues[1].resolvable);
    refused!(
        t,
        t.app.resolve_return(id, first_issue),
        ErrorCode::Forbidden,
        None
    );
    t.clock.advance(Duration::minutes(10));
    let d = t.app.resolve_return(id, second_issue).await.unwrap();
    assert_eq!(
        assignment_status(&d, PROVIDER_5),
        Some(AssignmentStatus::InProgress)
    );
    assert_timeline_ends(&t, &d, &[("Return issue resolved", PROVIDER_5_NAME, None)]);

    next(&t, seed::REQUESTER).await;
    let d = t.app.get_case(id).await.unwrap();
    assert_eq!(
        d.review.return_issues.len(),
        2,
        "the requester sees the issues on their case"
    );
    assert!(d.review.return_issues.iter().all(|i| !i.resolvable));
    refused!(
        t,
        t.app.resolve_return(id, first_issue),
        ErrorCode::Forbidden,
        None
    );

    next(&t, seed::COORDINATOR).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(allowed(&d, ActionKind::ResolveReturn));
    assert!(d.review.return_issues[0].resolvable);
    refused!(
        t,
        t.app.resolve_return(id, second_issue),
        ErrorCode::Conflict,
        None
    );
    refused!(
        t,
        t.app.resolve_return(id, domain::IssueId(Uuid::now_v7())),
        ErrorCode::NotFound,
        None
    );
    let d = t.app.resolve_return(id, first_issue).await.unwrap();
    assert_eq!(
        assignment_status(&d, seed::PROVIDER),
        Some(AssignmentStatus::InProgress)
    );
    assert_timeline_ends(
        &t,
        &d,
        &[("Return issue resolved", "Dr. Layla Mansour", None)],
    );
    assert!(d
        .review
        .return_issues
        .iter()
        .all(|i| i.resolved && !i.resolvable));
    assert_eq!(
        action(&d, ActionKind::ResolveReturn),
        Some((false, Some(RefusalCode::InvalidStatus))),
        "nothing left to resolve"
    );

    // ----- opinions ------------------------------------------------------------------
    assert_eq!(
        action(&d, ActionKind::SubmitFinalSummary),
        Some((false, Some(RefusalCode::InvalidStatus))),
        "no final summary before every opinion is in"
    );
    refused!(
        t,
        t.app.submit_final_summary(id, "Too early.".into()),
        ErrorCode::InvalidStatus,
        None
    );

    next(&t, seed::PROVIDER).await;
    assert_eq!(
        t.app.opinion_draft(id).await.unwrap(),
        Some(opinion("Draft while returned")),
        "the draft is restored as it was saved"
    );
    let mut incomplete = opinion("Incomplete");
    incomplete.assessment = " ".into();
    refused!(
        t,
        t.app.submit_opinion(id, incomplete),
        ErrorCode::InvalidInput,
        Some("assessment")
    );
    assert!(
        t.app.opinion_draft(id).await.unwrap().is_some(),
        "a refused opinion keeps the draft"
    );
    let d = t.app.submit_opinion(id, opinion("Ahmed")).await.unwrap();
    assert_eq!(
        assignment_status(&d, seed::PROVIDER),
        Some(AssignmentStatus::Done)
    );
    assert_timeline_ends(
        &t,
        &d,
        &[("Opinion submitted", "Dr. Ahmed Al-Rashid", None)],
    );
    assert_eq!(
        t.app.opinion_draft(id).await.unwrap(),
        None,
        "the draft is deleted once the opinion is submitted"
    );
    assert_eq!(
        d.review.opinions.len(),
        1,
        "a provider reads their own opinion"
    );
    assert_eq!(d.review.opinions[0].provider.specialties, ["Cardiology"]);
    assert_eq!(d.review.opinions[0].opinion.submitted_at, t.app.now());
    refused!(
        t,
        t.app.submit_opinion(id, opinion("Again")),
        ErrorCode::InvalidStatus,
        None
    );

    next(&t, PROVIDER_5).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(
        d.review.opinions.is_empty(),
        "a provider does not read a colleague's opinion before writing their own"
    );
    next(&t, seed::REQUESTER).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(
        d.review.opinions.is_empty(),
        "the requester reads the opinions once completed"
    );
    next(&t, seed::COORDINATOR).await;
    let d = t.app.get_case(id).await.unwrap();
    assert_eq!(
        d.review.opinions.len(),
        1,
        "the coordinator reads every opinion"
    );
    refused!(
        t,
        t.app.submit_final_summary(id, "Still too early.".into()),
        ErrorCode::InvalidStatus,
        None
    );

    next(&t, PROVIDER_5).await;
    let d = t.app.submit_opinion(id, opinion("Zaid")).await.unwrap();
    assert_eq!(
        assignment_status(&d, PROVIDER_5),
        Some(AssignmentStatus::Done)
    );
    refused!(
        t,
        t.app
            .submit_final_summary(id, "A provider's summary".into()),
        ErrorCode::Forbidden,
        None
    );

    // ----- the final summary completes the case ---------------------------------------
    next(&t, seed::COORDINATOR).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(
        allowed(&d, ActionKind::SubmitFinalSummary),
        "every live opinion is in"
    );
    assert_eq!(d.review.opinions.len(), 2);
    assert_eq!(
        d.review
            .opinions
            .iter()
            .map(|o| o.provider.name.as_str())
            .collect::<Vec<_>>(),
        ["Dr. Ahmed Al-Rashid", PROVIDER_5_NAME],
        "opinions come per specialist, in assignment order"
    );
    refused!(
        t,
        t.app.submit_final_summary(id, "   ".into()),
        ErrorCode::InvalidInput,
        Some("summary")
    );
    let d = t
        .app
        .submit_final_summary(id, "Both cardiologists recommend bypass surgery.".into())
        .await
        .unwrap();
    assert_eq!(d.summary.status, CaseStatus::Completed);
    assert_eq!(
        d.review.final_summary.as_deref(),
        Some("Both cardiologists recommend bypass surgery.")
    );
    assert_eq!(d.review.completed_at, Some(t.app.now()));
    // The coordinator does not see billing: the invoice line is not on their timeline.
    assert_timeline_ends(&t, &d, &[("Case completed", "Dr. Layla Mansour", None)]);

    next(&t, seed::REQUESTER).await;
    let d = t.app.get_case(id).await.unwrap();
    assert_eq!(
        d.summary.status,
        CaseStatus::Completed,
        "the requester sees it completed"
    );
    assert_eq!(
        d.review.final_summary.as_deref(),
        Some("Both cardiologists recommend bypass surgery.")
    );
    assert_eq!(
        d.review.opinions.len(),
        2,
        "with every opinion, per specialist"
    );
    // The authority (here the in-process one) invoices the completed case, numbered per
    // year with no gap (the demo's own completed case took number 1); the requester sees it.
    let number = format!("INV-{}-00002", t.app.now().year());
    let last = d.timeline.last().unwrap();
    assert_eq!(
        (last.label.as_str(), last.detail.as_deref()),
        ("Invoice issued", Some(number.as_str()))
    );
    let labels: Vec<_> = d.timeline.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "New case created",
            "Submitted for review",
            "Coordinator assigned",
            "Awaiting payment",
            "Payment received",
            "Doctors assigned",
            "Assignment declined",
            "Doctors assigned",
            "Assignment accepted",
            "Under specialist review",
            "Assignment accepted",
            "Under specialist review",
            "Documents requested",
            "Document added",
            "Case returned",
            "Case returned",
            "Return issue resolved",
            "Return issue resolved",
            "Opinion submitted",
            "Opinion submitted",
            "Case completed",
            "Invoice issued",
        ],
        "every step is on the timeline, in order"
    );
    assert!(
        d.timeline.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    let json = serde_json::to_value(&d).unwrap();
    for key in [
        "assignments",
        "opinions",
        "documentRequests",
        "returnIssues",
        "finalSummary",
    ] {
        assert!(
            json.get(key).is_some(),
            "the UI reads `{key}` at the top of CaseDetail"
        );
    }

    // A completed case no longer changes.
    next(&t, seed::PROVIDER).await;
    assert!(
        !t.app
            .get_case(id)
            .await
            .unwrap()
            .review
            .opinion_draft_allowed
    );
    refused!(
        t,
        t.app.request_documents(id, "One more".into()),
        ErrorCode::InvalidStatus,
        None
    );
    refused!(
        t,
        t.app.save_opinion_draft(id, opinion("Late")),
        ErrorCode::InvalidStatus,
        None
    );
}

#[tokio::test]
async fn opinion_drafts_stay_with_their_author_and_within_the_limits() {
    let t = common::open().await;
    // The demo's "under review" case: Dr. Ahmed Al-Rashid has started, Dr. Sara Youssef
    // has not answered yet.
    t.sign_in(seed::PROVIDER).await;
    let cases = t.app.list_cases(Default::default()).await.unwrap();
    let mut under_review = None;
    for c in cases
        .iter()
        .filter(|c| c.status == CaseStatus::DoctorsAssigned)
    {
        let d = t.app.get_case(c.id).await.unwrap();
        if assignment_status(&d, seed::PROVIDER) == Some(AssignmentStatus::InProgress) {
            under_review = Some(d);
        }
    }
    let d = under_review.expect("the demo has a case under Dr. Ahmed Al-Rashid's review");
    let id = d.summary.id;
    assert!(allowed(&d, ActionKind::SubmitOpinion));
    assert!(
        d.review.opinion_draft_allowed,
        "the form is open where a draft is kept"
    );
    assert_eq!(t.app.opinion_draft(id).await.unwrap(), None);

    let outbox_before = {
        let mut conn = t.app.store().read().await.unwrap();
        store::outbox::list(&mut conn).await.unwrap().len()
    };
    let mut draft = opinion("Half-written");
    draft.references = String::new();
    t.app.save_opinion_draft(id, draft.clone()).await.unwrap();
    assert_eq!(t.app.opinion_draft(id).await.unwrap(), Some(draft.clone()));
    draft.diagnosis = "Changed my mind".into();
    t.app.save_opinion_draft(id, draft.clone()).await.unwrap();
    assert_eq!(
        t.app.opinion_draft(id).await.unwrap(),
        Some(draft.clone()),
        "the latest save wins"
    );
    let mut too_long = draft.clone();
    too_long.recommendations = "x".repeat(domain::limits::LONG_TEXT + 1);
    refused!(
        t,
        t.app.save_opinion_draft(id, too_long),
        ErrorCode::InvalidInput,
        Some("recommendations")
    );

    // Nobody else reads or writes it.
    t.sign_in(seed::PROVIDER_2).await;
    assert_eq!(
        t.app.opinion_draft(id).await.unwrap(),
        None,
        "a draft is its author's only"
    );
    assert!(
        !t.app
            .get_case(id)
            .await
            .unwrap()
            .review
            .opinion_draft_allowed
    );
    refused!(
        t,
        t.app.save_opinion_draft(id, opinion("Not started")),
        ErrorCode::InvalidStatus,
        None
    );
    t.sign_in(seed::COORDINATOR).await;
    assert!(
        !t.app
            .get_case(id)
            .await
            .unwrap()
            .review
            .opinion_draft_allowed
    );
    refused!(
        t,
        t.app.save_opinion_draft(id, opinion("Coordinator")),
        ErrorCode::Forbidden,
        None
    );
    t.sign_in(seed::PROVIDER_3).await;
    refused!(t, t.app.opinion_draft(id), ErrorCode::NotFound, None);
    refused!(
        t,
        t.app.save_opinion_draft(id, opinion("Stranger")),
        ErrorCode::NotFound,
        None
    );

    // It survives closing the app, and it is never sent anywhere.
    let dir = t.dir.path().to_path_buf();
    t.app.store().close().await;
    let again = so_core::App::open_with_clock(&dir, t.clock.clone())
        .await
        .unwrap();
    again.sign_in_as(seed::PROVIDER).await.unwrap();
    assert_eq!(again.opinion_draft(id).await.unwrap(), Some(draft));
    let mut conn = again.store().read().await.unwrap();
    assert_eq!(
        store::outbox::list(&mut conn).await.unwrap().len(),
        outbox_before,
        "a draft is no command: nothing is queued for the server"
    );
}
