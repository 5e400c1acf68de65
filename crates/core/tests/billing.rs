//! A completed case's papers through the real app on a real SQLite file: the report PDF
//! (who may have it, byte-identical on every build, with every opinion), the invoice PDF and
//! the invoices list, a provider's service records, and the billing on the case screen
//! (invoice, and the refund of a cancelled paid case) for exactly those who may see it.
//! Every refusal leaves the store as it was.

mod common;

use chrono::{Datelike, Duration};
use domain::{
    Actor, CaseCommand, CaseId, CaseStatus, Command, CommandId, OpinionInput, PaymentOutcome,
    RefundOutcome, RefundStatus, Role, UserId,
};
use so_core::views::CaseDetail;
use so_core::{seed, ErrorCode};
use uuid::Uuid;

/// Runs `attempt`, asserts it fails with `code` and leaves every row of the store as it was.
macro_rules! refused {
    ($t:expr, $attempt:expr, $code:expr, $why:expr) => {{
        let before = $t.app.store().fingerprint().await.unwrap();
        let err = $attempt.await.expect_err($why);
        assert_eq!(err.code, $code, "{}: {}", $why, err.message);
        assert!(!err.message.is_empty(), "a refusal always says why");
        assert_eq!(
            $t.app.store().fingerprint().await.unwrap(),
            before,
            "a refusal must leave the store unchanged ({})",
            err.message
        );
        err
    }};
}

const SUMMARY: &str = "Both cardiologists recommend bypass surgery.";

fn opinion(author: &str) -> OpinionInput {
    OpinionInput {
        assessment: format!("{author}: three-vessel disease with preserved function."),
        diagnosis: "Stable coronary artery disease.".into(),
        recommendations: "Heart-team discussion; bypass surgery preferred.".into(),
        answers: "Yes: surgery offers better long-term outcomes here.".into(),
        references: "2024 ESC Guidelines for chronic coronary syndromes.".into(),
    }
}

/// The system records what the payment provider answered (as the payment callback does).
async fn as_system(t: &common::TestApp, command: CaseCommand) {
    t.clock.advance(Duration::minutes(10));
    t.app
        .authority()
        .apply(
            t.app.store(),
            Actor::new(seed::SYSTEM, Role::System),
            CommandId(Uuid::now_v7()),
            &Command::Case(command),
            t.app.now(),
        )
        .await
        .expect("the system records the provider's answer");
}

async fn next(t: &common::TestApp, who: UserId) {
    t.clock.advance(Duration::minutes(10));
    t.sign_in(who).await;
}

/// A case of the demo requester taken from submission to completion, reviewed by two
/// cardiologists. Returns it as its coordinator sees it.
async fn completed_case(t: &common::TestApp) -> CaseDetail {
    let id = t.new_case(true).await.summary.id;
    next(t, seed::ADMIN).await;
    t.app
        .assign_coordinator(id, seed::COORDINATOR)
        .await
        .unwrap();
    as_system(
        t,
        CaseCommand::RecordPayment {
            case_id: id,
            outcome: PaymentOutcome::Succeeded {
                reference: "PAY-TEST-7".into(),
            },
        },
    )
    .await;
    next(t, seed::COORDINATOR).await;
    t.app
        .assign_providers(id, vec![seed::PROVIDER, seed::PROVIDER_2])
        .await
        .unwrap();
    for (provider, name) in [(seed::PROVIDER, "Ahmed"), (seed::PROVIDER_2, "Sara")] {
        next(t, provider).await;
        t.app.respond_to_assignment(id, true, None).await.unwrap();
        t.app.start_review(id).await.unwrap();
        next(t, provider).await;
        t.app.submit_opinion(id, opinion(name)).await.unwrap();
    }
    next(t, seed::COORDINATOR).await;
    let d = t
        .app
        .submit_final_summary(id, SUMMARY.into())
        .await
        .unwrap();
    assert_eq!(d.summary.status, CaseStatus::Completed);
    d
}

/// The PDF's text as poppler extracts it. These tests need poppler-utils (scripts/setup.sh
/// installs it), like the report crate's own.
fn pdf_text(t: &common::TestApp, pdf: &[u8]) -> String {
    let path = t.dir.path().join(format!("{}.pdf", Uuid::now_v7()));
    std::fs::write(&path, pdf).unwrap();
    let output = match std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`pdftotext` is not installed: these tests need poppler-utils \
             (`sudo apt-get install poppler-utils`; scripts/setup.sh installs it)"
        ),
        Err(e) => panic!("cannot run pdftotext: {e}"),
    };
    assert!(output.status.success(), "pdftotext reads the PDF");
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_report_of_a_completed_case_is_the_same_pdf_for_everyone_who_may_have_it() {
    let t = common::open().await;
    let d = completed_case(&t).await;
    let id = d.summary.id;
    let reference = d.summary.reference.clone().expect("numbered");
    assert!(d.report_available, "the coordinator may have the report");

    t.sign_in(seed::REQUESTER).await;
    let model = t.app.case_report_model(id).await.unwrap();
    assert_eq!(model.case_reference, reference);
    assert_eq!(model.patient.full_name, "Test Patient");
    assert_eq!(model.patient.sex, "Female");
    assert_eq!(
        model.review_type,
        "Cardiology second opinion (رأي ثانٍ في أمراض القلب)"
    );
    assert_eq!(
        model.disease_category,
        "Coronary artery disease (مرض الشريان التاجي)"
    );
    assert_eq!(model.question, "Is surgery needed?");
    assert_eq!(model.documents.len(), 1);
    assert_eq!(model.documents[0].name, "echo.pdf");
    assert_eq!(model.documents[0].kind, "Medical report");
    let authors: Vec<_> = model
        .opinions
        .iter()
        .map(|o| (o.provider_name.as_str(), o.specialty.as_str()))
        .collect();
    assert_eq!(
        authors,
        [
            ("Dr. Ahmed Al-Rashid", "Cardiology"),
            ("Dr. Sara Youssef", "Cardiology")
        ],
        "every opinion, with its author and specialty, in assignment order"
    );
    let summary = model.final_summary.as_ref().expect("the final summary");
    assert_eq!(summary.coordinator_name, "Dr. Layla Mansour");
    assert_eq!(summary.text, SUMMARY);
    assert_eq!(model.completed_at, d.review.completed_at);
    assert_eq!(
        Some(model.generated_at),
        d.review.completed_at,
        "dated by the case's completion, never by the clock"
    );

    let pdf = t.app.case_report_pdf(id).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let text = pdf_text(&t, &pdf);
    for expected in [
        reference.as_str(),
        "Test Patient",
        "Is surgery needed?",
        "echo.pdf",
        "Dr. Ahmed Al-Rashid",
        "Ahmed: three-vessel disease",
        "Dr. Sara Youssef",
        "Sara: three-vessel disease",
        "Dr. Layla Mansour",
        SUMMARY,
        "Cardiology second opinion",
    ] {
        assert!(
            text.contains(expected),
            "the report shows {expected:?}:\n{text}"
        );
    }

    // Later, and for the other people who may have it: the very same bytes.
    t.clock.advance(Duration::days(3));
    assert_eq!(
        t.app.case_report_pdf(id).await.unwrap(),
        pdf,
        "rebuilt later, the report is byte-identical"
    );
    for who in [seed::COORDINATOR, seed::ADMIN] {
        t.sign_in(who).await;
        assert_eq!(
            t.app.case_report_pdf(id).await.unwrap(),
            pdf,
            "{who:?} gets the same report"
        );
        assert!(t.app.get_case(id).await.unwrap().report_available);
    }
}

#[tokio::test]
async fn the_report_is_refused_to_the_others_and_before_completion() {
    let t = common::open().await;
    let id = completed_case(&t).await.summary.id;

    t.sign_in(seed::PROVIDER).await;
    assert!(
        !t.app.get_case(id).await.unwrap().report_available,
        "not offered to a provider"
    );
    let err = refused!(
        t,
        t.app.case_report_pdf(id),
        ErrorCode::Forbidden,
        "a provider on the case reads only their own opinion"
    );
    assert!(err.message.contains("provider"), "{}", err.message);
    refused!(
        t,
        t.app.export_case_report(id),
        ErrorCode::Forbidden,
        "nor is it written for them"
    );
    assert!(
        !t.app.data_dir().join("reports").exists(),
        "a refused report writes no file"
    );
    for (who, why) in [
        (seed::REQUESTER_2, "another requester"),
        (seed::COORDINATOR_2, "another coordinator"),
        (seed::PROVIDER_3, "a provider not on the case"),
    ] {
        t.sign_in(who).await;
        let err = refused!(t, t.app.case_report_pdf(id), ErrorCode::NotFound, why);
        assert_eq!(
            err.message, "Case not found.",
            "word for word as a case that does not exist"
        );
    }
    t.sign_in(seed::ADMIN).await;
    refused!(
        t,
        t.app.case_report_pdf(CaseId(Uuid::now_v7())),
        ErrorCode::NotFound,
        "a case that does not exist"
    );

    let reviewing = common::demo_case(&t, seed::REQUESTER, CaseStatus::DoctorsAssigned).await;
    for who in [seed::REQUESTER, seed::COORDINATOR, seed::ADMIN] {
        t.sign_in(who).await;
        assert!(!t.app.get_case(reviewing).await.unwrap().report_available);
        let err = refused!(
            t,
            t.app.case_report_pdf(reviewing),
            ErrorCode::InvalidStatus,
            "no report before completion"
        );
        assert!(
            err.message.contains("once the case is completed"),
            "the refusal says when: {}",
            err.message
        );
    }
}

#[tokio::test]
async fn the_invoice_and_the_invoices_list_are_for_the_requester_and_admins() {
    let t = common::open().await;
    let id = completed_case(&t).await.summary.id;
    let year = t.app.now().year();
    // The demo's own completed case took number 1.
    let number = format!("INV-{year}-00002");

    t.sign_in(seed::REQUESTER).await;
    let d = t.app.get_case(id).await.unwrap();
    let invoice = d.invoice.clone().expect("the requester sees the invoice");
    assert_eq!(invoice.number, number);
    assert_eq!(
        (invoice.amount_minor, invoice.currency.as_str()),
        (150_000, "SAR")
    );
    assert_eq!(invoice.amount, "SAR 1,500.00");
    assert_eq!(invoice.payment_reference.as_deref(), Some("PAY-TEST-7"));
    assert_eq!(Some(invoice.issued_at), d.review.completed_at);
    assert!(d.refund.is_none(), "nothing to refund on a completed case");

    let pdf = t.app.invoice_pdf(id).await.unwrap();
    assert_eq!(
        t.app.invoice_pdf(id).await.unwrap(),
        pdf,
        "byte-identical on every build"
    );
    let text = pdf_text(&t, &pdf);
    for expected in [
        number.as_str(),
        d.summary.reference.as_deref().unwrap(),
        "Test Patient",
        "Noura Al-Harbi",
        "Cardiology second opinion",
        "SAR 1,500.00",
        "PAY-TEST-7",
    ] {
        assert!(
            text.contains(expected),
            "the invoice shows {expected:?}:\n{text}"
        );
    }
    let model = t.app.invoice_model(id).await.unwrap();
    assert_eq!(model.billed_to.name, "Noura Al-Harbi");

    let mine = t.app.list_invoices().await.unwrap();
    let numbers: Vec<_> = mine.iter().map(|i| i.number.as_str()).collect();
    let demo_number = format!("INV-{year}-00001");
    assert_eq!(
        numbers,
        [number.as_str(), demo_number.as_str()],
        "the requester's invoices, newest first"
    );
    let row = &mine[0];
    assert_eq!(row.case_id, id);
    assert_eq!(row.case_reference, d.summary.reference);
    assert_eq!(row.patient_name, "Test Patient");
    assert_eq!(row.amount, "SAR 1,500.00");
    assert_eq!(row.payment_reference.as_deref(), Some("PAY-TEST-7"));
    assert_eq!(row.issued_at, invoice.issued_at);

    t.sign_in(seed::ADMIN).await;
    assert_eq!(
        t.app.invoice_pdf(id).await.unwrap(),
        pdf,
        "an admin gets the same invoice"
    );
    assert_eq!(
        t.app.list_invoices().await.unwrap(),
        mine,
        "an admin sees every invoice"
    );
    assert!(t.app.get_case(id).await.unwrap().invoice.is_some());

    t.sign_in(seed::REQUESTER_2).await;
    assert!(
        t.app.list_invoices().await.unwrap().is_empty(),
        "another requester sees none of these"
    );
    refused!(
        t,
        t.app.invoice_pdf(id),
        ErrorCode::NotFound,
        "another requester does not see the case"
    );

    for who in [seed::COORDINATOR, seed::PROVIDER, seed::PROVIDER_2] {
        t.sign_in(who).await;
        let d = t.app.get_case(id).await.unwrap();
        assert!(
            d.invoice.is_none() && d.refund.is_none(),
            "{who:?} sees the case but not its billing"
        );
        refused!(
            t,
            t.app.invoice_pdf(id),
            ErrorCode::Forbidden,
            "the case is theirs to see, its billing is not"
        );
        refused!(
            t,
            t.app.list_invoices(),
            ErrorCode::Forbidden,
            "no invoices list for the medical roles"
        );
    }
    t.sign_in(seed::PROVIDER_3).await;
    refused!(
        t,
        t.app.invoice_pdf(id),
        ErrorCode::NotFound,
        "a provider not on the case"
    );

    let reviewing = common::demo_case(&t, seed::REQUESTER, CaseStatus::DoctorsAssigned).await;
    refused!(
        t,
        t.app.invoice_pdf(reviewing),
        ErrorCode::InvalidStatus,
        "no invoice before completion"
    );
}

#[tokio::test]
async fn a_provider_keeps_service_records_of_its_own_completed_work_only() {
    let t = common::open().await;
    let d = completed_case(&t).await;
    let id = d.summary.id;

    t.sign_in(seed::PROVIDER_2).await;
    let records = t.app.service_records().await.unwrap();
    assert_eq!(
        records.len(),
        1,
        "Dr. Sara Youssef completed one review: this case (the demo's was not hers)"
    );
    let r = &records[0];
    assert_eq!(r.case_id, id);
    assert_eq!(r.case_reference, d.summary.reference);
    assert_eq!(r.review_type_name, "Cardiology second opinion");
    assert_eq!(r.disease_category_label, "Coronary artery disease");
    assert_eq!(Some(r.completed_at), d.review.completed_at);
    let mine = d
        .review
        .opinions
        .iter()
        .find(|o| o.provider.id == seed::PROVIDER_2)
        .unwrap();
    assert_eq!(r.opinion_submitted_at, mine.opinion.submitted_at);
    let json = serde_json::to_value(r).unwrap();
    assert!(
        json.get("amount").is_none() && json.get("opinions").is_none(),
        "no money and no other opinion in a service record: {json}"
    );

    t.sign_in(seed::PROVIDER).await;
    let records = t.app.service_records().await.unwrap();
    assert_eq!(
        records.len(),
        2,
        "Dr. Ahmed Al-Rashid: this case and the demo's completed one"
    );
    assert_eq!(records[0].case_id, id, "most recently completed first");

    t.sign_in(seed::PROVIDER_3).await;
    assert!(t.app.service_records().await.unwrap().is_empty());

    // A review in progress is no service record yet.
    let reviewing = common::demo_case(&t, seed::PROVIDER, CaseStatus::DoctorsAssigned).await;
    assert!(t
        .app
        .service_records()
        .await
        .unwrap()
        .iter()
        .all(|r| r.case_id != reviewing));

    for who in [seed::REQUESTER, seed::COORDINATOR, seed::ADMIN] {
        t.sign_in(who).await;
        refused!(
            t,
            t.app.service_records(),
            ErrorCode::Forbidden,
            "service records are a provider's"
        );
    }
}

#[tokio::test]
async fn a_cancelled_paid_case_shows_its_refund_to_the_requester_and_admins() {
    let t = common::open().await;
    let paid = common::demo_case(&t, seed::REQUESTER, CaseStatus::PaymentSuccessful).await;
    t.clock.advance(Duration::minutes(5));
    let d = t.app.cancel_case(paid, None).await.unwrap();
    assert_eq!(d.summary.status, CaseStatus::Cancelled);
    let refund = d.refund.expect("a refund is owed");
    assert_eq!(refund.status, RefundStatus::Pending);
    assert_eq!(refund.amount, "SAR 1,500.00");
    assert_eq!(refund.failures, 0);
    assert_eq!(refund.due_since, t.app.now());
    assert_eq!(
        refund.next_attempt_at,
        Some(t.app.now()),
        "tried at once when it was never tried"
    );
    assert!(d.invoice.is_none(), "a cancelled case is not invoiced");
    assert!(!d.report_available, "nor reported");

    as_system(
        &t,
        CaseCommand::RecordRefund {
            case_id: paid,
            outcome: RefundOutcome::Failed {
                reason: "The provider is unavailable.".into(),
            },
        },
    )
    .await;
    let failed_at = t.app.now();
    t.sign_in(seed::ADMIN).await;
    let refund = t.app.get_case(paid).await.unwrap().refund.expect("admin");
    assert_eq!(refund.status, RefundStatus::Failed);
    assert_eq!(refund.failures, 1);
    assert_eq!(
        refund.last_error.as_deref(),
        Some("The provider is unavailable.")
    );
    assert_eq!(refund.last_attempt_at, Some(failed_at));
    assert_eq!(
        refund.next_attempt_at,
        Some(failed_at + Duration::minutes(1)),
        "tried again a minute after the first failure"
    );

    t.sign_in(seed::COORDINATOR).await;
    let d = t.app.get_case(paid).await.unwrap();
    assert!(
        d.refund.is_none() && d.invoice.is_none(),
        "the coordinator sees no billing"
    );

    as_system(
        &t,
        CaseCommand::RecordRefund {
            case_id: paid,
            outcome: RefundOutcome::Succeeded {
                reference: "REF-1".into(),
            },
        },
    )
    .await;
    t.sign_in(seed::REQUESTER).await;
    let refund = t.app.get_case(paid).await.unwrap().refund.unwrap();
    assert_eq!(refund.status, RefundStatus::Refunded);
    assert_eq!(refund.reference.as_deref(), Some("REF-1"));
    assert_eq!(refund.refunded_at, Some(t.app.now()));
    assert_eq!(refund.next_attempt_at, None, "nothing left to try");
}

#[tokio::test]
async fn papers_are_saved_where_the_user_chose_or_written_for_a_viewer() {
    let t = common::open().await;
    let d = completed_case(&t).await;
    let id = d.summary.id;
    let reference = d.summary.reference.clone().unwrap();
    t.sign_in(seed::REQUESTER).await;
    let report = t.app.case_report_pdf(id).await.unwrap();
    let invoice = t.app.invoice_pdf(id).await.unwrap();

    let chosen = t.dir.path().join("chosen").join("my report.pdf");
    std::fs::create_dir_all(chosen.parent().unwrap()).unwrap();
    t.app.save_case_report(id, &chosen).await.unwrap();
    assert_eq!(std::fs::read(&chosen).unwrap(), report);
    let chosen_invoice = t.dir.path().join("chosen").join("invoice.pdf");
    t.app.save_invoice(id, &chosen_invoice).await.unwrap();
    assert_eq!(std::fs::read(&chosen_invoice).unwrap(), invoice);

    let err = refused!(
        t,
        t.app
            .save_case_report(id, std::path::Path::new("relative.pdf")),
        ErrorCode::InvalidInput,
        "a relative path is no place the user chose"
    );
    assert_eq!(err.field.as_deref(), Some("path"));
    let err = refused!(
        t,
        t.app
            .save_case_report(id, &t.dir.path().join("missing").join("r.pdf")),
        ErrorCode::InvalidInput,
        "a folder that does not exist"
    );
    assert!(
        err.message.contains("that folder does not exist"),
        "{}",
        err.message
    );

    let opened = t.app.export_case_report(id).await.unwrap();
    assert_eq!(
        opened,
        t.app
            .data_dir()
            .join("reports")
            .join(format!("{reference}-report.pdf"))
    );
    assert_eq!(std::fs::read(&opened).unwrap(), report);
    let opened = t.app.export_invoice(id).await.unwrap();
    assert_eq!(
        opened.file_name().unwrap().to_str().unwrap(),
        format!("INV-{}-00002.pdf", t.app.now().year())
    );
    assert_eq!(std::fs::read(&opened).unwrap(), invoice);
    // Written again, the same file, the same bytes.
    assert_eq!(t.app.export_invoice(id).await.unwrap(), opened);
    assert_eq!(std::fs::read(&opened).unwrap(), invoice);
}
