//! A case travels through the core exactly as the UI drives it, on a real SQLite file.

mod common;

use domain::{ActionKind, CaseStatus, Role};
use so_core::seed;
use so_core::views::{CaseFilter, CaseInput};
use store::outbox;

#[tokio::test]
async fn requester_submits_and_admin_assigns_a_coordinator() {
    let t = common::open().await;
    t.sign_in(seed::REQUESTER).await;
    let patient = t
        .app
        .create_patient(common::patient_input("Huda Al-Saud"))
        .await
        .unwrap();
    assert!(
        t.app
            .list_patients()
            .await
            .unwrap()
            .iter()
            .any(|p| p.id == patient.id),
        "the requester sees the patient they created"
    );

    // A draft with no documents, then one added, then submitted.
    let draft = t
        .app
        .create_case(
            CaseInput {
                patient_id: patient.id,
                review_type_id: seed::CARDIOLOGY_REVIEW,
                disease_category_id: seed::CORONARY,
                question: "Bypass or stent?".into(),
                clinical_summary: "Three-vessel disease, EF 45%.".into(),
                documents: vec![],
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(draft.summary.status, CaseStatus::Draft);
    let reference = draft
        .summary
        .reference
        .clone()
        .expect("the authority numbers every case");
    assert!(
        reference.starts_with("SO-2026-"),
        "reference {reference} carries the year"
    );
    let submit = draft
        .actions
        .iter()
        .find(|a| a.action == ActionKind::Submit)
        .unwrap();
    assert!(
        !submit.allowed,
        "a draft without documents cannot be submitted"
    );
    assert_eq!(
        submit.reason.as_ref().map(|r| r.code),
        Some(domain::RefusalCode::DocumentsRequired)
    );

    let doc = t.stage("angiogram.pdf", b"%PDF-1.4 angiogram").await;
    let with_doc = t.app.add_document(draft.summary.id, doc).await.unwrap();
    assert_eq!(with_doc.documents.len(), 1);
    assert_eq!(with_doc.documents[0].name, "angiogram.pdf");
    assert_eq!(
        with_doc.documents[0].sha256,
        store::blobs::sha256_hex(b"%PDF-1.4 angiogram"),
        "the document points at its content by SHA-256"
    );
    let content = t
        .app
        .document_content(draft.summary.id, with_doc.documents[0].id)
        .await
        .unwrap();
    assert_eq!(content, b"%PDF-1.4 angiogram");

    let submitted = t.app.submit_case(draft.summary.id).await.unwrap();
    assert_eq!(submitted.summary.status, CaseStatus::Submitted);
    let cancel = submitted
        .actions
        .iter()
        .find(|a| a.action == ActionKind::Cancel)
        .unwrap();
    assert!(
        cancel.allowed,
        "the requester may still cancel a submitted case"
    );
    assert!(
        !submitted
            .actions
            .iter()
            .any(|a| a.action == ActionKind::AssignCoordinator),
        "a requester is never offered the admin's actions"
    );

    // The admin assigns the coordinator.
    t.sign_in(seed::ADMIN).await;
    let seen = t
        .app
        .list_cases(CaseFilter {
            status: Some(CaseStatus::Submitted),
            search: Some("huda".into()),
        })
        .await
        .unwrap();
    assert_eq!(seen.len(), 1, "search by patient name, case-insensitive");
    assert_eq!(seen[0].id, draft.summary.id);
    let detail = t.app.get_case(draft.summary.id).await.unwrap();
    for action in [
        ActionKind::AssignCoordinator,
        ActionKind::Reject,
        ActionKind::Cancel,
    ] {
        assert!(
            detail
                .actions
                .iter()
                .any(|a| a.action == action && a.allowed),
            "the admin may {action:?} a submitted case"
        );
    }
    let assigned = t
        .app
        .assign_coordinator(draft.summary.id, seed::COORDINATOR)
        .await
        .unwrap();
    assert_eq!(assigned.summary.status, CaseStatus::AwaitingPayment);
    assert_eq!(
        assigned.coordinator.as_ref().map(|c| c.id),
        Some(seed::COORDINATOR)
    );
    let labels: Vec<&str> = assigned.timeline.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "New case created",
            "Document added",
            "Submitted for review",
            "Coordinator assigned",
            "Awaiting payment"
        ]
    );
    let assign_line = &assigned.timeline[3];
    assert_eq!(assign_line.actor_role, Role::Admin);
    assert_eq!(assign_line.actor_name, "Fatimah Al-Qahtani");
    assert_eq!(assign_line.detail.as_deref(), Some("Dr. Layla Mansour"));
    assert_eq!(assigned.timeline[4].detail.as_deref(), Some("SAR 1,500.00"));

    // The coordinator now sees the case; another coordinator does not.
    t.sign_in(seed::COORDINATOR).await;
    assert!(t.app.get_case(draft.summary.id).await.is_ok());
    t.sign_in(seed::COORDINATOR_2).await;
    assert_eq!(
        t.app.get_case(draft.summary.id).await.unwrap_err().code,
        so_core::ErrorCode::NotFound
    );

    // Every command went to the outbox, in order, accepted, with increasing UUIDv7 ids.
    let mut conn = t.app.store().read().await.unwrap();
    let entries = outbox::list(&mut conn).await.unwrap();
    let mine: Vec<_> = entries
        .iter()
        .filter(
            |e| matches!(&e.command, domain::Command::Case(c) if c.case_id() == draft.summary.id),
        )
        .collect();
    assert_eq!(
        mine.len(),
        4,
        "create, add document, submit, assign coordinator"
    );
    assert!(mine.iter().all(|e| e.state == outbox::State::Accepted));
    assert!(mine
        .iter()
        .all(|e| e.command_id.as_uuid().get_version_num() == 7));
    assert!(
        mine.windows(2)
            .all(|w| w[0].seq < w[1].seq && w[0].command_id < w[1].command_id),
        "the outbox keeps the order commands were issued in"
    );
}

#[tokio::test]
async fn the_demo_data_covers_every_role_and_many_statuses() {
    let t = common::open().await;
    let users = t.app.list_users().await.unwrap();
    for role in [
        Role::Requester,
        Role::Coordinator,
        Role::Provider,
        Role::Admin,
    ] {
        assert!(
            users.iter().any(|u| u.role == role),
            "a demo {role:?} to sign in as"
        );
    }
    assert!(
        users.iter().all(|u| u.role != Role::System),
        "nobody signs in as the system"
    );
    t.sign_in(seed::ADMIN).await;
    let cases = t.app.list_cases(CaseFilter::default()).await.unwrap();
    for status in [
        CaseStatus::Draft,
        CaseStatus::Submitted,
        CaseStatus::AwaitingPayment,
        CaseStatus::PaymentSuccessful,
        CaseStatus::DoctorsAssigned,
        CaseStatus::Completed,
        CaseStatus::Cancelled,
        CaseStatus::Rejected,
    ] {
        assert!(
            cases.iter().any(|c| c.status == status),
            "a demo case in status {status:?}"
        );
    }
    let catalog = t.app.catalog_view().await.unwrap();
    assert!(
        catalog.review_types.len() >= 3 && catalog.disease_categories.len() >= 6,
        "the demo configures several review types and disease categories"
    );
    assert!(catalog
        .review_types
        .iter()
        .all(|r| r.price_minor > 0 && r.expected_review_days > 0));
    assert!(catalog
        .disease_categories
        .iter()
        .all(|c| !c.label_ar.is_empty()));

    // Opening the same directory again neither re-seeds nor loses anything.
    let before = t.app.store().fingerprint().await.unwrap();
    let dir = t.dir.path().to_path_buf();
    t.app.store().close().await;
    let again = so_core::App::open_with_clock(&dir, t.clock.clone())
        .await
        .unwrap();
    assert_eq!(again.store().fingerprint().await.unwrap(), before);
    assert_eq!(again.store().journal_mode().await.unwrap(), "wal");
}

#[tokio::test]
async fn each_role_sees_only_its_cases() {
    let t = common::open().await;
    let case = t.new_case(true).await;
    t.sign_in(seed::REQUESTER_2).await;
    let theirs = t.app.list_cases(CaseFilter::default()).await.unwrap();
    assert!(
        theirs.iter().all(|c| c.id != case.summary.id),
        "another requester's list never shows the case"
    );
    assert_eq!(
        t.app.get_case(case.summary.id).await.unwrap_err().code,
        so_core::ErrorCode::NotFound
    );
    t.sign_in(seed::PROVIDER).await;
    assert_eq!(
        t.app.get_case(case.summary.id).await.unwrap_err().code,
        so_core::ErrorCode::NotFound,
        "a provider not assigned to the case gets not found"
    );
    assert!(
        t.app.list_patients().await.unwrap().is_empty(),
        "providers see patients only through their cases"
    );
}

/// The case screen is the UI's busiest read: after any change several views refetch it at
/// once. Many at a time must all answer; a read that held one pooled connection while
/// waiting for a second could starve the small pool until every reader timed out.
#[tokio::test]
async fn many_case_screens_load_at_once() {
    let t = common::open().await;
    let case = t.new_case(true).await;
    let loads = (0..16).map(|_| t.app.get_case(case.summary.id));
    let loaded = futures_util::future::join_all(loads).await;
    for detail in loaded {
        assert_eq!(detail.expect("the case loads").summary.id, case.summary.id);
    }
}
