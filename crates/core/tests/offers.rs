//! What the screens offer is asked of the rules that decide it, so that the UI restates
//! none of them: the navigation (`capabilities`) offers each role exactly what the lists
//! and commands then give it, the cancel dialog's terms (`CaseDetail.cancel_terms`) say
//! what cancelling then asks and does, and "Pay now" (`CaseDetail.payment_due`) is the
//! requester's while the payment is pending.

mod common;

use domain::{CaseStatus, PatientId};
use so_core::views::{CancelTerms, Capabilities, CaseInput};
use so_core::{seed, ErrorCode};
use uuid::Uuid;

#[tokio::test]
async fn the_navigation_offers_each_role_what_the_core_then_gives_it() {
    let t = common::open().await;
    let none = Capabilities::default();
    for (who, expected) in [
        (
            seed::REQUESTER,
            Capabilities {
                patients: true,
                manage_patients: true,
                create_cases: true,
                invoices: true,
                service_records: false,
                configure: false,
            },
        ),
        (
            seed::ADMIN,
            Capabilities {
                patients: true,
                invoices: true,
                configure: true,
                ..none
            },
        ),
        (seed::COORDINATOR, none),
        (
            seed::PROVIDER,
            Capabilities {
                service_records: true,
                ..none
            },
        ),
    ] {
        t.sign_in(who).await;
        let caps = t.app.capabilities().await.unwrap();
        assert_eq!(caps, expected, "{who:?}");

        // Each entry is offered exactly when the core gives what it leads to.
        let invoices = t.app.list_invoices().await;
        assert_eq!(caps.invoices, invoices.is_ok(), "{who:?}: invoices");
        if let Err(e) = invoices {
            assert_eq!(e.code, ErrorCode::Forbidden);
        }
        let records = t.app.service_records().await;
        assert_eq!(caps.service_records, records.is_ok(), "{who:?}: records");
        if let Err(e) = records {
            assert_eq!(e.code, ErrorCode::Forbidden);
        }
        let configuration = t.app.configuration().await;
        assert_eq!(
            caps.configure,
            configuration.is_ok(),
            "{who:?}: configuration"
        );
        if let Err(e) = configuration {
            assert_eq!(e.code, ErrorCode::Forbidden);
        }
        let patients = t.app.list_patients().await.unwrap();
        assert_eq!(
            caps.patients,
            !patients.is_empty(),
            "{who:?}: the demo's patients are listed exactly for those with the screen"
        );
        let created = t
            .app
            .create_patient(common::patient_input("Offered?"))
            .await;
        assert_eq!(caps.manage_patients, created.is_ok(), "{who:?}: patients");
        let patient_id = created.map_or(PatientId(Uuid::nil()), |p| p.id);
        let case = t
            .app
            .create_case(
                CaseInput {
                    patient_id,
                    review_type_id: seed::CARDIOLOGY_REVIEW,
                    disease_category_id: seed::CORONARY,
                    question: String::new(),
                    clinical_summary: String::new(),
                    documents: Vec::new(),
                },
                false,
            )
            .await;
        assert_eq!(caps.create_cases, case.is_ok(), "{who:?}: new case");
        if let Err(e) = case {
            assert_eq!(e.code, ErrorCode::Forbidden);
        }
    }

    t.app.sign_out();
    let err = t.app.capabilities().await.expect_err("nobody is signed in");
    assert_eq!(err.code, ErrorCode::NotSignedIn);
}

#[tokio::test]
async fn the_cancel_dialog_says_what_cancelling_then_asks_and_does() {
    let t = common::open().await;
    let terms = |reason_required, refund_due| CancelTerms {
        reason_required,
        refund_due,
    };

    // Not paid yet: no refund. The requester may leave the reason out, an admin may not.
    let unpaid = common::demo_case(&t, seed::REQUESTER, CaseStatus::Submitted).await;
    let d = t.app.get_case(unpaid).await.unwrap();
    assert_eq!(d.cancel_terms, terms(false, false));
    t.sign_in(seed::ADMIN).await;
    assert_eq!(
        t.app.get_case(unpaid).await.unwrap().cancel_terms,
        terms(true, false)
    );
    let err = t
        .app
        .cancel_case(unpaid, None)
        .await
        .expect_err("no reason");
    assert_eq!(err.code, ErrorCode::ReasonRequired);

    // Paid: cancelling makes a refund due, and cancelling does exactly that.
    let paid = common::demo_case(&t, seed::REQUESTER, CaseStatus::PaymentSuccessful).await;
    assert_eq!(
        t.app.get_case(paid).await.unwrap().cancel_terms,
        terms(false, true)
    );
    t.sign_in(seed::ADMIN).await;
    assert_eq!(
        t.app.get_case(paid).await.unwrap().cancel_terms,
        terms(true, true)
    );
    let coordinated = common::demo_case(&t, seed::COORDINATOR, CaseStatus::PaymentSuccessful).await;
    assert_eq!(
        t.app.get_case(coordinated).await.unwrap().cancel_terms,
        terms(false, false),
        "a coordinator does not cancel, so is told nothing about it"
    );
    t.sign_in(seed::REQUESTER).await;
    let d = t.app.cancel_case(paid, None).await.unwrap();
    assert!(d.refund.is_some(), "the refund the dialog announced");
    assert_eq!(
        d.cancel_terms,
        terms(false, false),
        "a cancelled case cancels no more"
    );
}

#[tokio::test]
async fn pay_now_is_the_requesters_while_the_payment_is_pending() {
    let t = common::open().await;
    let awaiting = common::demo_case(&t, seed::REQUESTER, CaseStatus::AwaitingPayment).await;
    assert!(t.app.get_case(awaiting).await.unwrap().payment_due);
    t.sign_in(seed::ADMIN).await;
    assert!(
        !t.app.get_case(awaiting).await.unwrap().payment_due,
        "an admin reads the link but does not pay"
    );
    let paid = common::demo_case(&t, seed::REQUESTER, CaseStatus::PaymentSuccessful).await;
    assert!(!t.app.get_case(paid).await.unwrap().payment_due);
    let draft = common::demo_case(&t, seed::REQUESTER, CaseStatus::Draft).await;
    assert!(!t.app.get_case(draft).await.unwrap().payment_due);
}
