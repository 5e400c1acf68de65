//! Standalone payment, end to end: the desktop runs the sandbox provider in-process. The
//! link is its hosted page on a localhost listener; paying there (a real HTTP form post,
//! as the browser sends it) delivers the signed callback in-process, which records the
//! payment as the system user; the shell's "data changed" signal fires. Waits are on that
//! signal, bounded; never on sleeps.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use domain::{CaseId, CaseStatus, DocumentKind, Refund, RefundStatus, Role};
use payments::{PaymentStatus, RefundRun};
use so_core::seed;
use so_core::views::{CaseFilter, CaseInput};
use so_core::{
    App, AppOptions, Clock, ErrorCode, ManualClock, MemoryTokens, SystemClock, TokenStore,
};
use tempfile::TempDir;

const WAIT: Duration = Duration::from_secs(15);

async fn open() -> (Arc<App>, TempDir) {
    open_on(Arc::new(SystemClock)).await
}

async fn open_on(clock: Arc<dyn Clock>) -> (Arc<App>, TempDir) {
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = App::open_with(
        dir.path(),
        AppOptions {
            clock,
            tokens: TokenStore::Memory(MemoryTokens::default()),
            ..AppOptions::default()
        },
    )
    .await
    .expect("the app opens");
    (Arc::new(app), dir)
}

/// The demo requester submits a cardiology case; the admin assigns its coordinator. Ends
/// signed in as the requester.
async fn awaiting_payment(app: &App) -> CaseId {
    app.sign_in_as(seed::REQUESTER).await.unwrap();
    let patient = app
        .create_patient(domain::PatientInput {
            full_name: "Maha Saeed".into(),
            date_of_birth: "1975-04-02".into(),
            sex: domain::Sex::Female,
            medical_record_number: None,
            phone: None,
        })
        .await
        .unwrap();
    let doc = app
        .stage_document("echo.pdf", "application/pdf", b"%PDF-1.4 echo")
        .await
        .unwrap();
    let case = app
        .create_case(
            CaseInput {
                patient_id: patient.id,
                review_type_id: seed::CARDIOLOGY_REVIEW,
                disease_category_id: seed::CORONARY,
                question: "Stent or bypass?".into(),
                clinical_summary: "Three-vessel disease.".into(),
                documents: vec![domain::DocumentInput {
                    name: doc.name,
                    kind: DocumentKind::MedicalReport,
                    media_type: doc.media_type,
                    sha256: doc.sha256,
                    size_bytes: doc.size_bytes,
                }],
            },
            true,
        )
        .await
        .unwrap();
    let case_id = case.summary.id;
    app.sign_in_as(seed::ADMIN).await.unwrap();
    let assigned = app
        .assign_coordinator(case_id, seed::COORDINATOR)
        .await
        .unwrap();
    assert_eq!(assigned.summary.status, CaseStatus::AwaitingPayment);
    app.sign_in_as(seed::REQUESTER).await.unwrap();
    case_id
}

/// Clicks a button of the hosted page: the form post a browser sends.
async fn press(url: &str, action: &str) -> (reqwest::StatusCode, String) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("action={action}"))
        .send()
        .await
        .expect("the local page answers");
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// Waits, signal by signal, until the case has `status`.
async fn reaches(
    app: &App,
    case_id: CaseId,
    status: CaseStatus,
    changed: &mut tokio::sync::watch::Receiver<u64>,
) {
    let waited = tokio::time::timeout(WAIT, async {
        while app.get_case(case_id).await.unwrap().summary.status != status {
            changed.changed().await.expect("the app is alive");
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the case did not become {status:?}: it is {:?}",
        app.get_case(case_id).await.unwrap().summary.status
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_on_the_local_sandbox_page_pays_the_case() {
    let (app, _dir) = open().await;
    let case_id = awaiting_payment(&app).await;

    let link = app
        .payment_link(case_id)
        .await
        .expect("the requester's link");
    assert_eq!(link.status, PaymentStatus::Pending);
    assert_eq!(
        (link.amount_minor, link.currency.as_str()),
        (150_000, "SAR")
    );
    let url = link.url.clone().expect("a pending payment has a link");
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "the standalone page is on this computer only: {url}"
    );
    assert_eq!(
        app.payment_link(case_id).await.unwrap().url.as_deref(),
        Some(url.as_str()),
        "asking again gives the same link"
    );

    let page = reqwest::get(&url).await.expect("the page answers");
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.unwrap();
    let reference = app
        .get_case(case_id)
        .await
        .unwrap()
        .summary
        .reference
        .unwrap();
    assert!(
        html.contains("SAR 1,500.00"),
        "the page shows the amount: {html}"
    );
    assert!(html.contains(&reference), "and the case: {html}");

    let mut changed = app.watch_synced();
    let (status, html) = press(&url, "pay").await;
    assert_eq!(status, reqwest::StatusCode::OK, "{html}");
    reaches(&app, case_id, CaseStatus::PaymentSuccessful, &mut changed).await;

    let detail = app.get_case(case_id).await.unwrap();
    let received: Vec<_> = detail
        .timeline
        .iter()
        .filter(|t| t.label == "Payment received")
        .collect();
    assert_eq!(
        received.len(),
        1,
        "one 'Payment received': {:?}",
        detail.timeline
    );
    assert_eq!(
        received[0].actor_role,
        Role::System,
        "recorded by the system user"
    );
    let paid = app.payment_link(case_id).await.unwrap();
    assert_eq!((paid.status, paid.url), (PaymentStatus::Paid, None));

    // The page refuses a second payment and sends nothing: the case stays as it is.
    let (status, html) = press(&url, "decline").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(html.contains("used already"), "{html}");
    assert_eq!(
        app.get_case(case_id).await.unwrap().summary.status,
        CaseStatus::PaymentSuccessful
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_payment_fails_the_case_for_good() {
    let (app, _dir) = open().await;
    let case_id = awaiting_payment(&app).await;
    let url = app.payment_link(case_id).await.unwrap().url.unwrap();

    let mut changed = app.watch_synced();
    let (status, html) = press(&url, "decline").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(html.contains("Payment failed"), "{html}");
    reaches(&app, case_id, CaseStatus::PaymentFailed, &mut changed).await;

    let detail = app.get_case(case_id).await.unwrap();
    assert!(
        detail.timeline.iter().any(|t| t.label == "Payment failed"),
        "{:?}",
        detail.timeline
    );
    assert!(
        detail.actions.iter().all(|a| !a.allowed),
        "a failed payment is terminal: nothing is offered"
    );
    let failed = app.payment_link(case_id).await.unwrap();
    assert_eq!((failed.status, failed.url), (PaymentStatus::Failed, None));
    let cancel = app.cancel_case(case_id, None).await.unwrap_err();
    assert_eq!(cancel.code, ErrorCode::InvalidStatus, "{cancel:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_requester_and_admins_get_the_link() {
    let (app, _dir) = open().await;
    let case_id = awaiting_payment(&app).await;
    let url = app.payment_link(case_id).await.unwrap().url;

    app.sign_in_as(seed::ADMIN).await.unwrap();
    assert_eq!(app.payment_link(case_id).await.unwrap().url, url);

    for other in [seed::COORDINATOR, seed::PROVIDER, seed::REQUESTER_2] {
        app.sign_in_as(other).await.unwrap();
        let e = app.payment_link(case_id).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{other:?} gets no link: {e:?}");
    }

    // A submitted case has no payment yet.
    app.sign_in_as(seed::REQUESTER).await.unwrap();
    let patient = app.list_patients().await.unwrap().remove(0);
    let doc = app
        .stage_document("ecg.pdf", "application/pdf", b"%PDF-1.4 ecg")
        .await
        .unwrap();
    let submitted = app
        .create_case(
            CaseInput {
                patient_id: patient.id,
                review_type_id: seed::CARDIOLOGY_REVIEW,
                disease_category_id: seed::CORONARY,
                question: "Ablation?".into(),
                clinical_summary: "Palpitations.".into(),
                documents: vec![domain::DocumentInput {
                    name: doc.name,
                    kind: DocumentKind::Other,
                    media_type: doc.media_type,
                    sha256: doc.sha256,
                    size_bytes: doc.size_bytes,
                }],
            },
            true,
        )
        .await
        .unwrap();
    let e = app.payment_link(submitted.summary.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
}

// ----- refunds ---------------------------------------------------------------------------

/// Pays the case on the local page and waits for the payment to land; its reference.
async fn pay(app: &Arc<App>, case_id: CaseId) -> String {
    let url = app.payment_link(case_id).await.unwrap().url.unwrap();
    let mut changed = app.watch_synced();
    let (status, _) = press(&url, "pay").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    reaches(app, case_id, CaseStatus::PaymentSuccessful, &mut changed).await;
    stored(app, case_id)
        .await
        .payment
        .and_then(|p| p.reference)
        .expect("paid with a reference")
}

async fn stored(app: &App, case_id: CaseId) -> domain::Case {
    let mut conn = app.store().read().await.unwrap();
    store::cases::get(&mut conn, case_id)
        .await
        .unwrap()
        .unwrap()
}

async fn refund(app: &App, case_id: CaseId) -> Refund {
    stored(app, case_id).await.refund.expect("a refund is owed")
}

async fn labels(app: &App, case_id: CaseId, label: &str) -> Vec<(Role, Option<String>)> {
    app.get_case(case_id)
        .await
        .unwrap()
        .timeline
        .into_iter()
        .filter(|t| t.label == label)
        .map(|t| (t.actor_role, t.detail))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_paid_case_standalone_refunds_it_through_the_local_sandbox() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (app, _dir) = open_on(clock.clone()).await;
    let case_id = awaiting_payment(&app).await;
    let paid = pay(&app, case_id).await;
    app.cancel_case(case_id, None).await.unwrap();
    assert_eq!(refund(&app, case_id).await.status, RefundStatus::Pending);

    let run = app.run_due_refunds().await.unwrap();
    assert_eq!(
        run,
        RefundRun {
            due: 1,
            refunded: 1,
            ..RefundRun::default()
        }
    );
    let made = app.payment_sandbox().unwrap().refunds_of(&paid);
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0].key, case_id.to_string());
    let done = refund(&app, case_id).await;
    assert_eq!(done.status, RefundStatus::Refunded);
    assert_eq!(
        done.reference.as_deref(),
        Some(made[0].reference.0.as_str())
    );
    assert_eq!(done.refunded_at, Some(clock.now()), "on the app's clock");
    assert_eq!(
        labels(&app, case_id, "Refund issued").await,
        vec![(Role::System, None)]
    );

    clock.advance(TimeDelta::hours(2));
    assert_eq!(app.run_due_refunds().await.unwrap(), RefundRun::default());
    assert_eq!(app.payment_sandbox().unwrap().refunds_of(&paid).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_the_local_sandbox_fails_is_tried_again_after_the_back_off() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (app, _dir) = open_on(clock.clone()).await;
    let case_id = awaiting_payment(&app).await;
    let paid = pay(&app, case_id).await;
    let sandbox = app.payment_sandbox().unwrap();
    sandbox.set_refund_outage(1);
    app.sign_in_as(seed::ADMIN).await.unwrap();
    app.cancel_case(case_id, Some("Duplicate request.".into()))
        .await
        .unwrap();

    let t0 = clock.now();
    assert_eq!(
        app.run_due_refunds().await.unwrap(),
        RefundRun {
            due: 1,
            failed: 1,
            ..RefundRun::default()
        }
    );
    let failed = refund(&app, case_id).await;
    assert_eq!((failed.status, failed.failures), (RefundStatus::Failed, 1));
    let reason = failed.last_error.clone().unwrap();
    assert!(reason.contains("not reachable"), "{reason}");
    assert_eq!(failed.next_attempt_at(), Some(t0 + TimeDelta::minutes(1)));
    assert_eq!(
        labels(&app, case_id, "Refund failed, will retry").await,
        vec![(Role::System, Some(reason))]
    );

    clock.advance(TimeDelta::seconds(30));
    assert_eq!(
        app.run_due_refunds().await.unwrap(),
        RefundRun::default(),
        "not before the back-off"
    );
    clock.advance(TimeDelta::seconds(31));
    assert_eq!(
        app.run_due_refunds().await.unwrap(),
        RefundRun {
            due: 1,
            refunded: 1,
            ..RefundRun::default()
        }
    );
    let done = refund(&app, case_id).await;
    assert_eq!((done.status, done.failures), (RefundStatus::Refunded, 1));
    assert_eq!(sandbox.refunds_of(&paid).len(), 1);
    assert_eq!(labels(&app, case_id, "Refund issued").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_task_refunds_right_after_the_cancel() {
    let (app, _dir) = open().await;
    let _background = app.start_sync();
    let case_id = awaiting_payment(&app).await;
    pay(&app, case_id).await;

    let mut changed = app.watch_synced();
    app.cancel_case(case_id, None).await.unwrap();
    let refunded = tokio::time::timeout(WAIT, async {
        while refund(&app, case_id).await.status != RefundStatus::Refunded {
            changed.changed().await.expect("the app is alive");
        }
    })
    .await;
    assert!(
        refunded.is_ok(),
        "not refunded: {:?}",
        refund(&app, case_id).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_case_paid_before_this_run_of_the_app_is_refunded_too() {
    // The seeded payments were never made on this process's sandbox: the case's record
    // tells it.
    let (app, _dir) = open().await;
    app.sign_in_as(seed::ADMIN).await.unwrap();
    let paid = app
        .list_cases(CaseFilter {
            status: Some(CaseStatus::PaymentSuccessful),
            search: None,
        })
        .await
        .unwrap()
        .remove(0);
    app.cancel_case(paid.id, Some("Requested by the hospital.".into()))
        .await
        .unwrap();
    let run = app.run_due_refunds().await.unwrap();
    assert_eq!((run.due, run.refunded), (1, 1), "{run:?}");
    assert_eq!(refund(&app, paid.id).await.status, RefundStatus::Refunded);
}
