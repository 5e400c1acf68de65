//! Bad input gets a clear code and message, and leaves the store exactly as it was.

mod common;

use domain::{CaseId, DocumentKind, ReviewTypeId, MAX_DOCUMENT_BYTES};
use so_core::views::CaseInput;
use so_core::{seed, ErrorCode};
use uuid::Uuid;

/// Runs `attempt`, asserts it fails with `code` (and `field`, when given) and that the
/// store's every row is unchanged.
macro_rules! refused {
    ($t:expr, $attempt:expr, $code:expr, $field:expr) => {{
        let before = $t.app.store().fingerprint().await.unwrap();
        let err = $attempt.await.expect_err("this input must be refused");
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

#[tokio::test]
async fn nothing_works_before_choosing_who_you_are() {
    let t = common::open().await;
    refused!(t, t.app.list_patients(), ErrorCode::NotSignedIn, None);
    refused!(
        t,
        t.app.create_patient(common::patient_input("A")),
        ErrorCode::NotSignedIn,
        None
    );
    refused!(
        t,
        t.app.sign_in_as(domain::UserId(Uuid::now_v7())),
        ErrorCode::NotFound,
        None
    );
    refused!(t, t.app.sign_in_as(seed::SYSTEM), ErrorCode::NotFound, None);
}

#[tokio::test]
async fn patient_fields_are_checked() {
    let t = common::open().await;
    t.sign_in(seed::REQUESTER).await;
    refused!(
        t,
        t.app.create_patient(common::patient_input("   ")),
        ErrorCode::InvalidInput,
        Some("fullName")
    );
    refused!(
        t,
        t.app
            .create_patient(common::patient_input(&"x".repeat(201))),
        ErrorCode::InvalidInput,
        Some("fullName")
    );
    let mut future_birth = common::patient_input("Baby");
    future_birth.date_of_birth = "2027-01-01".into();
    refused!(
        t,
        t.app.create_patient(future_birth),
        ErrorCode::InvalidInput,
        Some("dateOfBirth")
    );
    // The earliest date of birth is the domain's constant (the UI's copy is generated from
    // it): that day is taken, the day before is not.
    let earliest = domain::limits::EARLIEST_DATE_OF_BIRTH;
    let mut too_early = common::patient_input("Too early");
    too_early.date_of_birth = earliest.pred_opt().unwrap().to_string();
    let err = refused!(
        t,
        t.app.create_patient(too_early),
        ErrorCode::InvalidInput,
        Some("dateOfBirth")
    );
    assert!(
        err.message.contains(&earliest.to_string()),
        "the message names the earliest date: {}",
        err.message
    );
    let mut earliest_birth = common::patient_input("Earliest");
    earliest_birth.date_of_birth = earliest.to_string();
    t.app
        .create_patient(earliest_birth)
        .await
        .expect("the earliest date of birth is taken");
    let mut bad_phone = common::patient_input("Phone");
    bad_phone.phone = Some("call me".into());
    refused!(
        t,
        t.app.create_patient(bad_phone),
        ErrorCode::InvalidInput,
        Some("phone")
    );
    t.sign_in(seed::ADMIN).await;
    refused!(
        t,
        t.app
            .create_patient(common::patient_input("Admin's patient")),
        ErrorCode::Forbidden,
        None
    );
}

#[tokio::test]
async fn documents_over_the_limit_or_empty_are_not_stored() {
    let t = common::open().await;
    t.sign_in(seed::REQUESTER).await;
    let too_big = vec![0u8; MAX_DOCUMENT_BYTES as usize + 1];
    let err = refused!(
        t,
        t.app
            .stage_document("scan.dcm", "application/dicom", &too_big),
        ErrorCode::TooLarge,
        Some("document")
    );
    assert!(
        err.message.contains("25 MiB"),
        "the message names the limit: {}",
        err.message
    );
    refused!(
        t,
        t.app.stage_document("empty.pdf", "application/pdf", b""),
        ErrorCode::InvalidInput,
        None
    );
    refused!(
        t,
        t.app.stage_document("../etc/passwd", "text/plain", b"x"),
        ErrorCode::InvalidInput,
        Some("name")
    );
    // Exactly at the limit is fine.
    let at_limit = vec![7u8; MAX_DOCUMENT_BYTES as usize];
    assert!(t.app.stage_document("big.bin", "", &at_limit).await.is_ok());
}

#[tokio::test]
async fn case_input_is_checked() {
    let t = common::open().await;
    let existing = t.new_case(false).await; // signs in as the requester
    let input = |review_type_id: ReviewTypeId, question: String| CaseInput {
        patient_id: existing.patient.id,
        review_type_id,
        disease_category_id: seed::CORONARY,
        question,
        clinical_summary: "Summary".into(),
        documents: vec![],
    };
    refused!(
        t,
        t.app
            .create_case(input(ReviewTypeId(Uuid::now_v7()), "Q".into()), false),
        ErrorCode::UnknownReviewType,
        Some("reviewTypeId")
    );
    refused!(
        t,
        t.app
            .create_case(input(seed::CARDIOLOGY_REVIEW, "q".repeat(2_001)), false),
        ErrorCode::InvalidInput,
        Some("question")
    );
    refused!(
        t,
        t.app
            .create_case(input(seed::CARDIOLOGY_REVIEW, "Q".into()), true),
        ErrorCode::DocumentsRequired,
        Some("documents")
    );
    refused!(
        t,
        t.app
            .create_case(input(seed::ONCOLOGY_REVIEW, "Q".into()), false),
        ErrorCode::InvalidInput,
        Some("diseaseCategoryId")
    );
    // A document whose content was never staged here.
    let mut with_ghost = input(seed::CARDIOLOGY_REVIEW, "Q".into());
    with_ghost.documents.push(domain::DocumentInput {
        name: "ghost.pdf".into(),
        kind: DocumentKind::Other,
        media_type: "application/pdf".into(),
        sha256: "0".repeat(64),
        size_bytes: 10,
    });
    refused!(
        t,
        t.app.create_case(with_ghost, false),
        ErrorCode::InvalidInput,
        Some("documents")
    );
    refused!(
        t,
        t.app.submit_case(CaseId(Uuid::now_v7())),
        ErrorCode::NotFound,
        None
    );
}

#[tokio::test]
async fn submitting_twice_and_touching_terminal_cases_is_refused() {
    let t = common::open().await;
    let case = t.new_case(true).await;
    let id = case.summary.id;
    let err = refused!(t, t.app.submit_case(id), ErrorCode::InvalidStatus, None);
    assert_eq!(err.message, "The case has already been submitted.");

    t.sign_in(seed::ADMIN).await;
    refused!(
        t,
        t.app.reject_case(id, "  ".into()),
        ErrorCode::ReasonRequired,
        Some("reason")
    );
    refused!(
        t,
        t.app.cancel_case(id, None),
        ErrorCode::ReasonRequired,
        Some("reason")
    );
    refused!(
        t,
        t.app.assign_coordinator(id, seed::COORDINATOR_2),
        ErrorCode::NotEligible,
        Some("coordinatorId")
    );
    let rejected = t
        .app
        .reject_case(id, "Documents are illegible.".into())
        .await
        .unwrap();
    assert_eq!(rejected.summary.status, domain::CaseStatus::Rejected);
    assert_eq!(
        rejected.reject_reason.as_deref(),
        Some("Documents are illegible.")
    );
    assert!(
        !rejected.actions.is_empty() && rejected.actions.iter().all(|a| !a.allowed),
        "nothing is offered on a terminal case"
    );
    refused!(
        t,
        t.app.cancel_case(id, Some("late".into())),
        ErrorCode::InvalidStatus,
        None
    );
    refused!(
        t,
        t.app.assign_coordinator(id, seed::COORDINATOR),
        ErrorCode::InvalidStatus,
        None
    );
    t.sign_in(seed::REQUESTER).await;
    refused!(
        t,
        t.app.cancel_case(id, None),
        ErrorCode::InvalidStatus,
        None
    );
    refused!(t, t.app.submit_case(id), ErrorCode::InvalidStatus, None);
}

#[tokio::test]
async fn a_case_the_user_may_not_see_is_not_found_for_every_command() {
    let t = common::open().await;
    let case = t.new_case(false).await;
    let id = case.summary.id;
    t.sign_in(seed::REQUESTER_2).await;
    refused!(t, t.app.submit_case(id), ErrorCode::NotFound, None);
    refused!(t, t.app.cancel_case(id, None), ErrorCode::NotFound, None);
    refused!(
        t,
        t.app.remove_document(id, case.documents[0].id),
        ErrorCode::NotFound,
        None
    );
    refused!(
        t,
        t.app.document_content(id, case.documents[0].id),
        ErrorCode::NotFound,
        None
    );
}
