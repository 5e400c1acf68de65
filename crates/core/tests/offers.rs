//! What the screens offer is asked of the rules that decide it, so that the UI restates
//! none of them: the cancel dialog's terms (`CaseDetail.cancel_terms`) say what cancelling
//! then asks and does, and "Pay now" (`CaseDetail.payment_due`) is the requester's while
//! the payment is pending.

mod common;

use domain::{CaseId, CaseStatus, UserId};
use so_core::views::CancelTerms;
use so_core::{seed, ErrorCode};

/// The demo's case of `status` that `who` sees (signed in as `who`).
async fn demo_case(t: &common::TestApp, who: UserId, status: CaseStatus) -> CaseId {
    t.sign_in(who).await;
    t.app
        .list_cases(Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.status == status)
        .unwrap_or_else(|| panic!("the demo has a {status:?} case"))
        .id
}

#[tokio::test]
async fn the_cancel_dialog_says_what_cancelling_then_asks_and_does() {
    let t = common::open().await;
    let terms = |reason_required, refund_due| CancelTerms {
        reason_required,
        refund_due,
    };

    // Not paid yet: no refund. The requester may leave the reason out, an admin may not.
    let unpaid = demo_case(&t, seed::REQUESTER, CaseStatus::Submitted).await;
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
    let paid = demo_case(&t, seed::REQUESTER, CaseStatus::PaymentSuccessful).await;
    assert_eq!(
        t.app.get_case(paid).await.unwrap().cancel_terms,
        terms(false, true)
    );
    t.sign_in(seed::ADMIN).await;
    assert_eq!(
        t.app.get_case(paid).await.unwrap().cancel_terms,
        terms(true, true)
    );
    let coordinated = demo_case(&t, seed::COORDINATOR, CaseStatus::PaymentSuccessful).await;
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
    let awaiting = demo_case(&t, seed::REQUESTER, CaseStatus::AwaitingPayment).await;
    assert!(t.app.get_case(awaiting).await.unwrap().payment_due);
    t.sign_in(seed::ADMIN).await;
    assert!(
        !t.app.get_case(awaiting).await.unwrap().payment_due,
        "an admin reads the link but does not pay"
    );
    let paid = demo_case(&t, seed::REQUESTER, CaseStatus::PaymentSuccessful).await;
    assert!(!t.app.get_case(paid).await.unwrap().payment_due);
    let draft = demo_case(&t, seed::REQUESTER, CaseStatus::Draft).await;
    assert!(!t.app.get_case(draft).await.unwrap().payment_due);
}
