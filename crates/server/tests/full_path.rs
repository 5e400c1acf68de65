//! The whole review through the central server: real desktop cores for the requester, the
//! coordinator and two providers (each on its own SQLite file), an admin's desktop, the
//! sandbox's hosted payment page and its signed callback — draft to completed, with the
//! invoice the server numbers. Along the way, the refusals DOMAIN.md names for this path are
//! pushed straight to the server (as a desktop with stale rules would) and must change
//! nothing. Waits are on the desktops' sync signal, bounded; no sleeps.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, Utc};
use domain::{
    demo, Case, CaseCommand, CaseId, CaseStatus, Command, CommandId, DocumentKind, OpinionInput,
    PaymentOutcome, RefusalCode,
};
use protocol::{Outcome, PushRequest, PushResponse, PushedCommand};
use so_core::App;
use support::desktop::{desk, displayed_case, server_case, Desk};
use support::{spawn_app, TestApp};

const WAIT: Duration = Duration::from_secs(15);

/// Pushes one command as `desk`'s user straight to the server, bypassing the desktop's own
/// rules, and returns the server's answer.
async fn push_raw(server: &TestApp, desk: &Desk, command: CaseCommand) -> Outcome {
    let request = PushRequest {
        commands: vec![PushedCommand {
            command_id: CommandId(uuid::Uuid::now_v7()),
            issued_at: Utc::now(),
            command: Command::Case(command),
        }],
    };
    let response = server
        .client
        .post(server.url("/v1/push"))
        .bearer_auth(desk.token().await)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let mut answer: PushResponse = response.json().await.unwrap();
    answer.results.remove(0).outcome
}

/// `command` by `desk`'s user is refused by the server with `code`, and the server's case
/// is exactly as it was.
async fn refused(
    server: &TestApp,
    desk: &Desk,
    case_id: CaseId,
    command: CaseCommand,
    code: RefusalCode,
) {
    let before = server_case(server, case_id).await;
    let what = format!("{command:?}");
    match push_raw(server, desk, command).await {
        Outcome::Refused { refusal } => assert_eq!(refusal.code, code, "{what}: {refusal:?}"),
        Outcome::Accepted { events } => panic!("{what} was accepted: {events:?}"),
    }
    assert_eq!(
        server_case(server, case_id).await,
        before,
        "{what}: a refused command changes nothing"
    );
}

async fn sync(desks: &[&Desk]) {
    for d in desks {
        d.app.sync_once().await.expect("sync");
    }
}

fn opinion(diagnosis: &str) -> OpinionInput {
    OpinionInput {
        assessment: "Reviewed the angiogram and the referral letter.".into(),
        diagnosis: diagnosis.into(),
        recommendations: "Coronary artery bypass grafting.".into(),
        answers: "Bypass rather than stents.".into(),
        references: "ESC/EACTS 2018 guidelines".into(),
    }
}

/// Labels and actor roles of the server's timeline of the case, oldest first.
async fn timeline(server: &TestApp, case_id: CaseId) -> Vec<(String, String, DateTime<Utc>)> {
    sqlx::query_as("SELECT label, actor_role, at FROM timeline WHERE case_id = $1 ORDER BY id")
        .bind(case_id.as_uuid())
        .fetch_all(&server.pool)
        .await
        .unwrap()
}

/// The requester pays on the sandbox's hosted page (the form post a browser sends); the
/// signed callback lands on the server by itself and the requester's desktop follows.
async fn pay_on_the_hosted_page(requester: &Arc<App>, case_id: CaseId) {
    let link = requester.payment_link(case_id).await.expect("the link");
    let url = link.url.expect("a pending payment has a link");
    let mut synced = requester.watch_synced();
    let syncing = requester.start_sync();
    let response = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=pay")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    tokio::time::timeout(WAIT, async {
        while requester.get_case(case_id).await.unwrap().summary.status
            != CaseStatus::PaymentSuccessful
        {
            synced.changed().await.unwrap();
        }
    })
    .await
    .expect("the payment reaches the requester's desktop");
    syncing.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_goes_from_draft_to_completed_with_an_invoice_through_the_server() {
    let server = spawn_app().await;
    let url = server.url("");
    let requester = desk(&url, support::REQUESTER).await;
    let admin = desk(&url, support::ADMIN).await;
    let coordinator = desk(&url, support::COORDINATOR).await;
    let provider_1 = desk(&url, support::PROVIDER).await;
    let provider_2 = desk(&url, "provider2@demo.hospital").await;
    let everyone = [&requester, &admin, &coordinator, &provider_1, &provider_2];

    // Draft, then submit.
    let draft_case = {
        let doc = requester
            .app
            .stage_document("referral.pdf", "application/pdf", b"%PDF-1.4 referral")
            .await
            .unwrap();
        let patient = requester
            .app
            .create_patient(domain::PatientInput {
                full_name: "Salma Nour".into(),
                date_of_birth: "1980-02-03".into(),
                sex: domain::Sex::Female,
                medical_record_number: Some("MRN-20931".into()),
                phone: None,
            })
            .await
            .unwrap();
        requester
            .app
            .create_case(
                so_core::CaseInput {
                    patient_id: patient.id,
                    review_type_id: demo::CARDIOLOGY_REVIEW,
                    disease_category_id: demo::CORONARY,
                    question: "Stent or bypass?".into(),
                    clinical_summary: "Three-vessel disease, diabetic.".into(),
                    documents: vec![domain::DocumentInput {
                        name: doc.name,
                        kind: DocumentKind::MedicalReport,
                        media_type: doc.media_type,
                        sha256: doc.sha256,
                        size_bytes: doc.size_bytes,
                    }],
                },
                false,
            )
            .await
            .unwrap()
    };
    let case_id = draft_case.summary.id;
    sync(&[&requester]).await;
    assert_eq!(
        server_case(&server, case_id).await.status,
        CaseStatus::Draft
    );
    // Only the requester submits; nobody else sees a draft.
    refused(
        &server,
        &admin,
        case_id,
        CaseCommand::Submit { case_id },
        RefusalCode::Forbidden,
    )
    .await;
    refused(
        &server,
        &coordinator,
        case_id,
        CaseCommand::Submit { case_id },
        RefusalCode::NotFound,
    )
    .await;
    requester.app.submit_case(case_id).await.unwrap();
    sync(&everyone).await;

    // The admin assigns the coordinator: awaiting payment.
    refused(
        &server,
        &admin,
        case_id,
        CaseCommand::AssignCoordinator {
            case_id,
            coordinator_id: demo::PROVIDER,
            replacing: None,
        },
        RefusalCode::NotEligible,
    )
    .await;
    admin
        .app
        .assign_coordinator(case_id, demo::COORDINATOR)
        .await
        .unwrap();
    sync(&[&admin, &requester, &coordinator]).await;
    assert_eq!(
        server_case(&server, case_id).await.status,
        CaseStatus::AwaitingPayment
    );
    // Nobody but the payment provider's verified callback records a payment.
    refused(
        &server,
        &requester,
        case_id,
        CaseCommand::RecordPayment {
            case_id,
            outcome: PaymentOutcome::Succeeded {
                reference: "self-made".into(),
            },
        },
        RefusalCode::Forbidden,
    )
    .await;
    // Providers come after payment.
    refused(
        &server,
        &coordinator,
        case_id,
        CaseCommand::AssignProviders {
            case_id,
            provider_ids: vec![demo::PROVIDER],
        },
        RefusalCode::InvalidStatus,
    )
    .await;

    pay_on_the_hosted_page(&requester.app, case_id).await;
    let paid = server_case(&server, case_id).await;
    assert_eq!(paid.status, CaseStatus::PaymentSuccessful);
    let payment_reference = paid.payment.clone().unwrap().reference.expect("paid");

    // The coordinator assigns two providers; each accepts and starts.
    sync(&[&coordinator]).await;
    refused(
        &server,
        &coordinator,
        case_id,
        CaseCommand::AssignProviders {
            case_id,
            provider_ids: vec![demo::PROVIDER_3],
        },
        RefusalCode::NotEligible,
    )
    .await;
    coordinator
        .app
        .assign_providers(case_id, vec![demo::PROVIDER, demo::PROVIDER_2])
        .await
        .unwrap();
    sync(&[&coordinator, &provider_1, &provider_2]).await;
    for p in [&provider_1, &provider_2] {
        p.app
            .respond_to_assignment(case_id, true, None)
            .await
            .unwrap();
        p.app.start_review(case_id).await.unwrap();
    }
    sync(&[&provider_1, &provider_2]).await;

    // Provider 1 asks for documents; the requester's upload answers it.
    provider_1
        .app
        .request_documents(case_id, "The latest angiogram, please.".into())
        .await
        .unwrap();
    sync(&[&provider_1, &requester]).await;
    let prompt = requester.app.get_case(case_id).await.unwrap();
    assert!(
        prompt.review.document_requests.iter().any(|r| r.open),
        "the requester is prompted to upload"
    );
    let scan = requester
        .app
        .stage_document("angiogram.pdf", "application/pdf", b"%PDF-1.4 angiogram")
        .await
        .unwrap();
    requester
        .app
        .add_document(
            case_id,
            domain::DocumentInput {
                name: scan.name,
                kind: DocumentKind::Imaging,
                media_type: scan.media_type,
                sha256: scan.sha256,
                size_bytes: scan.size_bytes,
            },
        )
        .await
        .unwrap();
    sync(&[&requester, &provider_1]).await;
    let told = provider_1.app.get_case(case_id).await.unwrap();
    assert!(told.review.document_requests.iter().all(|r| !r.open));
    assert_eq!(told.documents.len(), 2, "the provider has the new document");

    // Provider 2 returns the case; until the coordinator resolves it, no opinion.
    provider_2
        .app
        .return_case(case_id, "Needs the echo report too.".into())
        .await
        .unwrap();
    sync(&[&provider_2, &coordinator]).await;
    refused(
        &server,
        &provider_2,
        case_id,
        CaseCommand::SubmitOpinion {
            case_id,
            opinion: opinion("Multivessel CAD"),
        },
        RefusalCode::InvalidStatus,
    )
    .await;
    let issue = coordinator
        .app
        .get_case(case_id)
        .await
        .unwrap()
        .review
        .return_issues[0]
        .id;
    coordinator
        .app
        .resolve_return(case_id, issue)
        .await
        .unwrap();
    sync(&[&coordinator, &provider_2]).await;

    // No final summary before every opinion; only the case's coordinator writes it.
    refused(
        &server,
        &coordinator,
        case_id,
        CaseCommand::SubmitFinalSummary {
            case_id,
            summary: "Too early.".into(),
        },
        RefusalCode::InvalidStatus,
    )
    .await;
    provider_1
        .app
        .submit_opinion(case_id, opinion("Three-vessel CAD"))
        .await
        .unwrap();
    provider_2
        .app
        .submit_opinion(case_id, opinion("Multivessel CAD"))
        .await
        .unwrap();
    sync(&[&provider_1, &provider_2, &coordinator]).await;
    refused(
        &server,
        &provider_1,
        case_id,
        CaseCommand::SubmitFinalSummary {
            case_id,
            summary: "Not mine to write.".into(),
        },
        RefusalCode::Forbidden,
    )
    .await;
    // Independent opinions: a provider's desktop holds only its own until the end.
    let own = displayed_case(&provider_1, case_id).await.unwrap();
    assert_eq!(
        own.assignments
            .iter()
            .filter(|a| a.opinion.is_some())
            .map(|a| a.provider_id)
            .collect::<Vec<_>>(),
        vec![demo::PROVIDER]
    );
    // The requester does not read opinions before the case completes.
    sync(&[&requester]).await;
    let early = displayed_case(&requester, case_id).await.unwrap();
    assert!(early.assignments.iter().all(|a| a.opinion.is_none()));

    coordinator
        .app
        .submit_final_summary(case_id, "Both specialists recommend bypass surgery.".into())
        .await
        .unwrap();
    sync(&[&coordinator]).await;
    sync(&everyone).await;

    // Completed on the server, invoiced by it: the first invoice of the year.
    let done = server_case(&server, case_id).await;
    assert_eq!(done.status, CaseStatus::Completed);
    let invoice = done
        .invoice
        .clone()
        .expect("the server invoices the completed case");
    assert_eq!(invoice.number, format!("INV-{}-00001", Utc::now().year()));
    assert_eq!(
        (invoice.amount_minor, invoice.currency.as_str()),
        (150_000, "SAR")
    );
    assert_eq!(
        invoice.payment_reference.as_deref(),
        Some(payment_reference.as_str())
    );
    // Completing again is refused; the number is not taken twice.
    refused(
        &server,
        &coordinator,
        case_id,
        CaseCommand::SubmitFinalSummary {
            case_id,
            summary: "Again.".into(),
        },
        RefusalCode::InvalidStatus,
    )
    .await;
    let counter: i64 = sqlx::query_scalar("SELECT value FROM counters WHERE name = $1")
        .bind(domain::invoice_counter(Utc::now().year()))
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(counter, 1);

    // Every desktop converges to what the server shows its user: the requester and the
    // admin hold the invoice and every opinion; the coordinator every opinion, no invoice;
    // each provider its own opinion only.
    for (d, id, role, opinions, billing) in [
        (
            &requester,
            demo::REQUESTER,
            domain::Role::Requester,
            2,
            true,
        ),
        (&admin, demo::ADMIN, domain::Role::Admin, 2, true),
        (
            &coordinator,
            demo::COORDINATOR,
            domain::Role::Coordinator,
            2,
            false,
        ),
        (
            &provider_1,
            demo::PROVIDER,
            domain::Role::Provider,
            1,
            false,
        ),
        (
            &provider_2,
            demo::PROVIDER_2,
            domain::Role::Provider,
            1,
            false,
        ),
    ] {
        let held: Case = displayed_case(d, case_id).await.unwrap();
        assert_eq!(
            held,
            domain::visibility::redact_for(done.clone(), domain::Actor::new(id, role)),
            "{role:?}'s replica"
        );
        let read = held
            .assignments
            .iter()
            .filter(|a| a.opinion.is_some())
            .count();
        assert_eq!(read, opinions, "{role:?} reads {opinions} opinion(s)");
        assert_eq!(held.invoice.is_some(), billing, "{role:?} and the invoice");
        assert!(d.app.needs_attention().await.unwrap().is_empty());
    }
    let shown = requester.app.get_case(case_id).await.unwrap();
    assert_eq!(shown.summary.status, CaseStatus::Completed);
    assert_eq!(shown.review.opinions.len(), 2);
    // The timeline's billing line reaches only those who see billing.
    for (d, sees) in [
        (&requester, true),
        (&admin, true),
        (&coordinator, false),
        (&provider_1, false),
    ] {
        let lines = d.app.get_case(case_id).await.unwrap().timeline;
        let invoiced = lines.iter().any(|l| l.label == "Invoice issued");
        assert_eq!(invoiced, sees, "{:?}", lines.last());
        let pulled = d.pending_timeline_lines(case_id).await;
        assert_eq!(pulled, 0, "nothing left pending");
    }

    // The timeline has every step, with who and when, in order.
    let lines = timeline(&server, case_id).await;
    let labels: Vec<&str> = lines.iter().map(|(l, _, _)| l.as_str()).collect();
    for step in [
        "New case created",
        "Submitted for review",
        "Coordinator assigned",
        "Awaiting payment",
        "Payment received",
        "Doctors assigned",
        "Under specialist review",
        "Documents requested",
        "Document added",
        "Case returned",
        "Return issue resolved",
        "Opinion submitted",
        "Case completed",
        "Invoice issued",
    ] {
        assert!(labels.contains(&step), "{step} missing from {labels:?}");
    }
    assert_eq!(labels.last(), Some(&"Invoice issued"));
    let who = |label: &str| {
        lines
            .iter()
            .filter(|(l, _, _)| l == label)
            .map(|(_, r, _)| r.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(who("Payment received"), ["system"]);
    assert_eq!(who("Coordinator assigned"), ["admin"]);
    assert_eq!(who("Case completed"), ["coordinator"]);
    assert_eq!(who("Opinion submitted"), ["provider", "provider"]);
    assert!(lines.windows(2).all(|w| w[0].2 <= w[1].2), "oldest first");
}

#[tokio::test]
async fn the_admin_rejects_with_a_reason_and_a_rejected_case_is_final() {
    let server = spawn_app().await;
    let url = server.url("");
    let requester = desk(&url, support::REQUESTER).await;
    let admin = desk(&url, support::ADMIN).await;
    let case_id = support::desktop::requester_work(&requester.app).await;
    sync(&[&requester, &admin]).await;

    // The requester may not reject; the admin must give a reason.
    for (who, reason, code) in [
        (&requester, "Not ours", RefusalCode::Forbidden),
        (&admin, "   ", RefusalCode::ReasonRequired),
    ] {
        refused(
            &server,
            who,
            case_id,
            CaseCommand::Reject {
                case_id,
                reason: reason.into(),
            },
            code,
        )
        .await;
    }
    // An admin's cancel needs a reason too.
    refused(
        &server,
        &admin,
        case_id,
        CaseCommand::Cancel {
            case_id,
            reason: None,
        },
        RefusalCode::ReasonRequired,
    )
    .await;
    admin
        .app
        .reject_case(case_id, "Outside the programme's scope.".into())
        .await
        .unwrap();
    sync(&[&admin, &requester]).await;
    let rejected = server_case(&server, case_id).await;
    assert_eq!(rejected.status, CaseStatus::Rejected);
    assert_eq!(
        rejected.reject_reason.as_deref(),
        Some("Outside the programme's scope.")
    );
    assert_eq!(
        requester
            .app
            .get_case(case_id)
            .await
            .unwrap()
            .summary
            .status,
        CaseStatus::Rejected
    );
    // Final: not even its requester can cancel it now.
    refused(
        &server,
        &requester,
        case_id,
        CaseCommand::Cancel {
            case_id,
            reason: None,
        },
        RefusalCode::InvalidStatus,
    )
    .await;
    let lines = timeline(&server, case_id).await;
    let last = lines.last().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.as_str()),
        ("Case rejected", "admin")
    );
}
