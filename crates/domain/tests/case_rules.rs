//! The rules of `DOMAIN.md` one at a time: what each command must carry, and what its
//! events do to the case. Fixture cases come from `support`, through the real command path.

mod support;

use domain::{
    check_action, AssignmentStatus, CaseCommand, CaseEvent, CaseFields, CaseStatus, DocumentId,
    DocumentInput, IssueId, OpinionInput, Refusal, RefusalCode, MAX_DOCUMENT_BYTES,
};
use support::*;

fn assert_refused(r: &Refusal, code: RefusalCode, field: Option<&str>, why: &str) {
    assert_eq!(r.code, code, "{why}: {r:?}");
    assert_eq!(r.field.as_deref(), field, "{why}: wrong field in {r:?}");
}

fn assignment(story: &Story, provider: domain::Actor) -> AssignmentStatus {
    story
        .case()
        .assignment(provider.id)
        .map(|a| a.status)
        .unwrap_or_else(|| panic!("{provider:?} is not on the case"))
}

// ---- documents --------------------------------------------------------------------------

#[test]
fn documents_are_uploaded_in_draft_or_in_answer_to_an_open_request() {
    let upload = add_document(DOC_NEW, document("ct-scan.pdf"));

    let mut s = draft();
    let events = s.step(OWNER, &upload);
    assert!(
        matches!(&events[..], [CaseEvent::DocumentAdded { document }] if document.id == DOC_NEW
            && document.uploaded_by == OWNER.id),
        "a draft takes documents: {events:?}"
    );
    assert_eq!(
        s.case().documents.len(),
        2,
        "the draft now has both documents"
    );

    for (name, story) in [
        ("submitted", submitted()),
        ("awaiting payment", awaiting_payment()),
        ("payment successful", payment_successful()),
        ("doctors assigned, request answered", opinions_in()),
    ] {
        let r = story.refusal(OWNER, &upload);
        assert_refused(&r, RefusalCode::InvalidStatus, None, name);
    }

    let mut s = under_review();
    for who in [COORD, P_IN_PROGRESS, ADMIN] {
        let r = s.refusal(who, &upload);
        assert_refused(&r, RefusalCode::Forbidden, None, "only requesters upload");
    }
    s.step(OWNER, &upload);
    assert!(
        !s.case().has_open_document_request(),
        "the upload answers the open request"
    );
    let again = add_document(
        DocumentId(uuid::Uuid::from_u128(0xF4)),
        document("more.pdf"),
    );
    let r = s.refusal(OWNER, &again);
    assert_refused(
        &r,
        RefusalCode::InvalidStatus,
        None,
        "once the request is answered, uploads stop until a provider asks again",
    );
    s.step(
        P_IN_PROGRESS,
        &request_documents(REQ_NEW, "Also the discharge letter"),
    );
    s.step(OWNER, &again);
    assert_eq!(
        s.case().documents.len(),
        3,
        "the second request is answered too"
    );

    let r = draft().refusal(OWNER, &add_document(DOC_DRAFT, document("echo-report.pdf")));
    assert_refused(
        &r,
        RefusalCode::Conflict,
        None,
        "the same document id twice",
    );
}

#[test]
fn documents_are_removed_only_from_a_draft() {
    let mut s = draft();
    let r = s.refusal(OWNER, &remove_document(DOC_NEW));
    assert_eq!(r.code, RefusalCode::NotFound, "a document not on the case");
    let events = s.step(OWNER, &remove_document(DOC_DRAFT));
    assert!(
        matches!(&events[..], [CaseEvent::DocumentRemoved { document_id, name }]
            if *document_id == DOC_DRAFT && name == "echo-report.pdf"),
        "{events:?}"
    );
    assert!(s.case().documents.is_empty());

    let r = under_review().refusal(OWNER, &remove_document(DOC_DRAFT));
    assert_refused(
        &r,
        RefusalCode::InvalidStatus,
        None,
        "submitted documents stay",
    );
}

#[test]
fn a_document_over_the_limit_is_too_large() {
    let at_limit = DocumentInput {
        size_bytes: MAX_DOCUMENT_BYTES,
        ..document("mri-series.zip")
    };
    let over = DocumentInput {
        size_bytes: MAX_DOCUMENT_BYTES + 1,
        ..document("mri-series.zip")
    };
    let s = draft();
    assert!(
        s.decide(OWNER, &add_document(DOC_NEW, at_limit.clone()))
            .is_ok(),
        "exactly the limit is allowed"
    );
    let r = s.refusal(OWNER, &add_document(DOC_NEW, over.clone()));
    assert_refused(
        &r,
        RefusalCode::TooLarge,
        Some("document"),
        "one byte over the limit",
    );

    let fresh = Story::new();
    let r = fresh.refusal(
        OWNER,
        &create(
            NEW_CASE,
            fields(OWNER_PATIENT),
            vec![(DOC_NEW, over)],
            false,
        ),
    );
    assert_refused(
        &r,
        RefusalCode::TooLarge,
        Some("document"),
        "create checks size too",
    );

    let under_review = under_review();
    let r = under_review.refusal(
        OWNER,
        &add_document(
            DOC_NEW,
            DocumentInput {
                size_bytes: MAX_DOCUMENT_BYTES + 1,
                ..document("answer.pdf")
            },
        ),
    );
    assert_refused(
        &r,
        RefusalCode::TooLarge,
        Some("document"),
        "answers are limited too",
    );

    assert_eq!(
        domain::document::check_document_size(u64::from(MAX_DOCUMENT_BYTES) + 1)
            .unwrap_err()
            .code,
        RefusalCode::TooLarge,
        "the content store's check agrees"
    );
    assert!(domain::document::check_document_size(u64::from(MAX_DOCUMENT_BYTES)).is_ok());
}

// ---- submitting -------------------------------------------------------------------------

#[test]
fn a_second_submit_is_refused() {
    let s = submitted();
    let r = s.refusal(OWNER, &submit());
    assert_refused(&r, RefusalCode::InvalidStatus, None, "already submitted");
    assert!(
        r.message.contains("already"),
        "say it was already submitted: {}",
        r.message
    );

    let mut direct = Story::new();
    direct.step(
        OWNER,
        &create(
            CASE,
            fields(OWNER_PATIENT),
            vec![(DOC_DRAFT, document("echo.pdf"))],
            true,
        ),
    );
    assert_eq!(
        direct.case().status,
        CaseStatus::Submitted,
        "created and submitted"
    );
    assert!(
        direct.case().submitted_at.is_some(),
        "submission time recorded"
    );
    let r = direct.refusal(OWNER, &submit());
    assert_refused(
        &r,
        RefusalCode::InvalidStatus,
        None,
        "submitted on creation",
    );
}

#[test]
fn submitting_needs_a_document() {
    let fresh = Story::new();
    let r = fresh.refusal(OWNER, &create(CASE, fields(OWNER_PATIENT), vec![], true));
    assert_refused(
        &r,
        RefusalCode::DocumentsRequired,
        Some("documents"),
        "create-and-submit without documents",
    );

    let mut s = Story::new();
    s.step(OWNER, &create(CASE, fields(OWNER_PATIENT), vec![], false));
    assert_eq!(
        s.case().status,
        CaseStatus::Draft,
        "a draft may have no documents"
    );
    let r = s.refusal(OWNER, &submit());
    assert_refused(
        &r,
        RefusalCode::DocumentsRequired,
        Some("documents"),
        "submit",
    );
    assert_eq!(
        check_action(s.case.as_ref(), OWNER, domain::ActionKind::Submit)
            .unwrap_err()
            .code,
        RefusalCode::DocumentsRequired,
        "the UI is told before it offers Submit"
    );

    let mut s = draft();
    s.step(OWNER, &remove_document(DOC_DRAFT));
    let r = s.refusal(OWNER, &submit());
    assert_refused(
        &r,
        RefusalCode::DocumentsRequired,
        Some("documents"),
        "the only document removed",
    );
}

#[test]
fn submitting_needs_the_question_and_the_clinical_summary() {
    for (field, f) in [
        (
            "question",
            CaseFields {
                question: "   ".into(),
                ..fields(OWNER_PATIENT)
            },
        ),
        (
            "clinicalSummary",
            CaseFields {
                clinical_summary: String::new(),
                ..fields(OWNER_PATIENT)
            },
        ),
    ] {
        let mut s = draft();
        s.step(OWNER, &update_draft(f.clone()));
        let r = s.refusal(OWNER, &submit());
        assert_refused(
            &r,
            RefusalCode::InvalidInput,
            Some(field),
            "submit a blank field",
        );

        let docs = vec![(DOC_DRAFT, document("echo.pdf"))];
        let r = Story::new().refusal(OWNER, &create(CASE, f.clone(), docs.clone(), true));
        assert_refused(
            &r,
            RefusalCode::InvalidInput,
            Some(field),
            "create-and-submit",
        );
        assert!(
            Story::new()
                .decide(OWNER, &create(CASE, f, docs, false))
                .is_ok(),
            "a draft may leave {field} blank"
        );
    }
}

// ---- configuration the case refers to -----------------------------------------------------

#[test]
fn an_unknown_or_retired_review_type_is_refused() {
    for rt in [RT_UNKNOWN, RT_RETIRED] {
        let f = CaseFields {
            review_type_id: rt,
            ..fields(OWNER_PATIENT)
        };
        let r = Story::new().refusal(OWNER, &create(CASE, f.clone(), vec![], false));
        assert_refused(
            &r,
            RefusalCode::UnknownReviewType,
            Some("reviewTypeId"),
            "create",
        );
        let r = draft().refusal(OWNER, &update_draft(f));
        assert_refused(
            &r,
            RefusalCode::UnknownReviewType,
            Some("reviewTypeId"),
            "update draft",
        );
    }
}

#[test]
fn an_unknown_or_mismatched_disease_category_is_refused() {
    for cat in [CAT_UNKNOWN, CAT_RETIRED] {
        let f = CaseFields {
            disease_category_id: cat,
            ..fields(OWNER_PATIENT)
        };
        let r = Story::new().refusal(OWNER, &create(CASE, f, vec![], false));
        assert_refused(
            &r,
            RefusalCode::UnknownDiseaseCategory,
            Some("diseaseCategoryId"),
            "create",
        );
    }
    // A neurology category under a cardiology review type.
    let f = CaseFields {
        disease_category_id: BRAIN,
        ..fields(OWNER_PATIENT)
    };
    let r = draft().refusal(OWNER, &update_draft(f));
    assert_refused(
        &r,
        RefusalCode::InvalidInput,
        Some("diseaseCategoryId"),
        "the category must belong to the review type's specialty",
    );
    let f = CaseFields {
        review_type_id: RT_NEURO,
        disease_category_id: BRAIN,
        ..fields(OWNER_PATIENT)
    };
    assert!(
        draft().decide(OWNER, &update_draft(f)).is_ok(),
        "a consistent pair"
    );
}

#[test]
fn a_case_names_only_the_requesters_own_patient() {
    let r = Story::new().refusal(OWNER, &create(CASE, fields(OTHER_PATIENT), vec![], false));
    assert_refused(
        &r,
        RefusalCode::NotFound,
        Some("patientId"),
        "another requester's patient is not there for me",
    );
}

// ---- inputs -------------------------------------------------------------------------------

#[test]
fn empty_or_over_long_fields_name_the_field() {
    let long = |n: usize| "x".repeat(n);
    let doc = |d: DocumentInput| add_document(DOC_NEW, d);
    let opinion = |o: OpinionInput| submit_opinion(o);
    let cases: Vec<(&str, Fixture, domain::Actor, CaseCommand)> = vec![
        (
            "question",
            Fixture::Draft,
            OWNER,
            update_draft(CaseFields {
                question: long(2_001),
                ..fields(OWNER_PATIENT)
            }),
        ),
        (
            "question",
            Fixture::Draft,
            OWNER,
            update_draft(CaseFields {
                question: "why\u{7}".into(),
                ..fields(OWNER_PATIENT)
            }),
        ),
        (
            "clinicalSummary",
            Fixture::Draft,
            OWNER,
            update_draft(CaseFields {
                clinical_summary: long(10_001),
                ..fields(OWNER_PATIENT)
            }),
        ),
        (
            "name",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                name: "  ".into(),
                ..document("a.pdf")
            }),
        ),
        (
            "name",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                name: long(256),
                ..document("a.pdf")
            }),
        ),
        (
            "name",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                name: "../etc/passwd".into(),
                ..document("a.pdf")
            }),
        ),
        (
            "mediaType",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                media_type: String::new(),
                ..document("a.pdf")
            }),
        ),
        (
            "mediaType",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                media_type: "pdf".into(),
                ..document("a.pdf")
            }),
        ),
        (
            "sha256",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                sha256: "abc".into(),
                ..document("a.pdf")
            }),
        ),
        (
            "sha256",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                sha256: sha(0xABC).to_uppercase(),
                ..document("a.pdf")
            }),
        ),
        (
            "document",
            Fixture::Draft,
            OWNER,
            doc(DocumentInput {
                size_bytes: 0,
                ..document("a.pdf")
            }),
        ),
        (
            "reference",
            Fixture::AwaitingPayment,
            SYSTEM,
            payment_succeeded(" "),
        ),
        (
            "providerIds",
            Fixture::PaymentSuccessful,
            COORD,
            assign_providers(&[]),
        ),
        (
            "note",
            Fixture::UnderReview,
            P_IN_PROGRESS,
            request_documents(REQ_NEW, ""),
        ),
        (
            "note",
            Fixture::UnderReview,
            P_IN_PROGRESS,
            request_documents(REQ_NEW, &long(2_001)),
        ),
        (
            "assessment",
            Fixture::UnderReview,
            P_IN_PROGRESS,
            opinion(OpinionInput {
                assessment: String::new(),
                ..opinion_input()
            }),
        ),
        (
            "diagnosis",
            Fixture::UnderReview,
            P_IN_PROGRESS,
            opinion(OpinionInput {
                diagnosis: " ".into(),
                ..opinion_input()
            }),
        ),
        (
            "recommendations",
            Fixture::UnderReview,
            P_IN_PROGRESS,
            opinion(OpinionInput {
                recommendations: String::new(),
                ..opinion_input()
            }),
        ),
        (
            "answers",
            Fixture::UnderReview,
            P_IN_PROGRESS,
            opinion(OpinionInput {
                answers: long(20_001),
                ..opinion_input()
            }),
        ),
        (
            "references",
            Fixture::UnderReview,
            P_IN_PROGRESS,
            opinion(OpinionInput {
                references: long(20_001),
                ..opinion_input()
            }),
        ),
        ("summary", Fixture::OpinionsIn, COORD, final_summary("  ")),
        (
            "summary",
            Fixture::OpinionsIn,
            COORD,
            final_summary(&long(20_001)),
        ),
        ("reason", Fixture::Draft, OWNER, cancel(Some(&long(2_001)))),
        ("reason", Fixture::Submitted, ADMIN, reject(&long(2_001))),
        (
            "reason",
            Fixture::UnderReview,
            P_ASSIGNED,
            decline(Some(&long(2_001))),
        ),
    ];
    for (field, fixture, who, command) in &cases {
        let r = fixture.story().refusal(*who, command);
        assert_refused(
            &r,
            RefusalCode::InvalidInput,
            Some(field),
            &format!("{fixture:?} {command:?}"),
        );
    }
    assert_eq!(cases.len(), 25, "every field case ran");

    // The limits themselves are allowed, counted in characters (Arabic text too).
    let at_limit = update_draft(CaseFields {
        question: "س".repeat(2_000),
        clinical_summary: "ص".repeat(10_000),
        ..fields(OWNER_PATIENT)
    });
    assert!(
        draft().decide(OWNER, &at_limit).is_ok(),
        "limits are inclusive"
    );
}

// ---- coordinators -----------------------------------------------------------------------

#[test]
fn assigning_the_coordinator_asks_for_payment() {
    let mut s = submitted();
    let events = s.step(ADMIN, &assign_coordinator(COORD));
    assert_eq!(
        events,
        vec![
            CaseEvent::CoordinatorAssigned {
                coordinator_id: COORD.id
            },
            CaseEvent::PaymentRequested {
                amount_minor: PRICE_MINOR,
                currency: CURRENCY.into()
            },
        ],
        "the review type's price is requested"
    );
    let labels: Vec<_> = events
        .iter()
        .filter_map(|e| e.timeline())
        .map(|t| t.label)
        .collect();
    assert_eq!(
        labels,
        ["Coordinator assigned", "Awaiting payment"],
        "timeline"
    );
    let case = s.case();
    assert_eq!(case.status, CaseStatus::AwaitingPayment);
    assert_eq!(case.coordinator(), Some(COORD.id));
    assert!(!case.is_paid(), "a payment link, not a payment");

    for ineligible in [NEURO_COORD, P_OUTSIDER, OWNER] {
        let r = submitted().refusal(ADMIN, &assign_coordinator(ineligible));
        assert_refused(
            &r,
            RefusalCode::NotEligible,
            Some("coordinatorId"),
            "a coordinator of the review type's specialty only",
        );
    }
}

#[test]
fn the_coordinator_changes_only_before_payment() {
    let mut s = awaiting_payment();
    let payment_before = s.case().payment.clone();
    assert!(payment_before.is_some(), "a payment is pending");
    let events = s.step(ADMIN, &change_coordinator(COORD, OTHER_COORD));
    assert_eq!(
        events,
        vec![CaseEvent::CoordinatorChanged {
            from: COORD.id,
            to: OTHER_COORD.id
        }],
        "a change, with no new payment request"
    );
    let case = s.case();
    assert_eq!(
        case.status,
        CaseStatus::AwaitingPayment,
        "still awaiting payment"
    );
    assert_eq!(case.payment, payment_before, "the same payment link stays");
    assert_eq!(case.coordinator(), Some(OTHER_COORD.id));
    let rows: Vec<_> = case
        .coordinators
        .iter()
        .map(|c| (c.coordinator_id, c.active))
        .collect();
    assert_eq!(
        rows,
        [
            (FORMER_COORD.id, false),
            (COORD.id, false),
            (OTHER_COORD.id, true)
        ],
        "old rows are deactivated, never deleted"
    );
    let r = s.refusal(COORD, &cancel(None));
    assert_eq!(
        r.code,
        RefusalCode::NotFound,
        "the replaced coordinator loses the case"
    );

    let r = s.refusal(ADMIN, &change_coordinator(OTHER_COORD, OTHER_COORD));
    assert_refused(
        &r,
        RefusalCode::Conflict,
        Some("coordinatorId"),
        "the same coordinator again changes nothing",
    );

    for (name, story) in [
        ("payment successful", payment_successful()),
        ("doctors assigned", under_review()),
    ] {
        let r = story.refusal(ADMIN, &change_coordinator(COORD, OTHER_COORD));
        assert_refused(&r, RefusalCode::InvalidStatus, None, name);
        assert!(r.message.contains("payment"), "say why: {}", r.message);
    }
}

// ---- payment ----------------------------------------------------------------------------

#[test]
fn only_the_payment_callback_records_payment() {
    for who in [ADMIN, OWNER, COORD] {
        let r = awaiting_payment().refusal(who, &payment_succeeded("PAY-1"));
        assert_eq!(
            r.code,
            RefusalCode::Forbidden,
            "{who:?} is not the callback"
        );
    }
    let mut s = awaiting_payment();
    s.step(SYSTEM, &payment_succeeded("  PAY-77  "));
    let payment = s.case().payment.clone().expect("a payment");
    assert_eq!(
        payment.reference.as_deref(),
        Some("PAY-77"),
        "trimmed reference"
    );
    assert_eq!(
        payment.paid_at,
        Some(s.now() - chrono::Duration::minutes(1))
    );
    assert_eq!(s.case().status, CaseStatus::PaymentSuccessful);
    let r = s.refusal(SYSTEM, &payment_succeeded("PAY-78"));
    assert_refused(&r, RefusalCode::InvalidStatus, None, "paid once");
}

#[test]
fn a_failed_payment_is_terminal() {
    let mut s = awaiting_payment();
    let events = s.step(SYSTEM, &payment_failed("Card declined"));
    assert_eq!(
        events,
        vec![CaseEvent::PaymentFailed {
            reason: "Card declined".into()
        }]
    );
    let case = s.case();
    assert_eq!(case.status, CaseStatus::PaymentFailed);
    assert!(case.status.is_terminal(), "payment failed is final");
    assert!(!case.is_paid() && !case.refund_due, "nothing was paid");
    for (who, command) in [
        (SYSTEM, payment_succeeded("PAY-LATE")),
        (SYSTEM, payment_failed("again")),
        (ADMIN, assign_coordinator(OTHER_COORD)),
        (ADMIN, cancel(Some("cleanup"))),
        (OWNER, cancel(None)),
        (COORD, assign_providers(&[P_OUTSIDER])),
    ] {
        let r = s.refusal(who, &command);
        assert_refused(
            &r,
            RefusalCode::InvalidStatus,
            None,
            &format!("{command:?}"),
        );
    }
}

// ---- providers --------------------------------------------------------------------------

#[test]
fn only_the_cases_own_coordinator_assigns_providers() {
    let s = payment_successful();
    let assign = assign_providers(&[P_OUTSIDER]);
    for who in [OTHER_COORD, FORMER_COORD, NEURO_COORD] {
        let r = s.refusal(who, &assign);
        assert_eq!(
            r.code,
            RefusalCode::NotFound,
            "{who:?} is not this case's coordinator"
        );
    }
    for who in [ADMIN, OWNER, SYSTEM] {
        let r = s.refusal(who, &assign);
        assert_eq!(
            r.code,
            RefusalCode::Forbidden,
            "{who:?} may not assign providers"
        );
    }
    let r = awaiting_payment().refusal(COORD, &assign);
    assert_refused(&r, RefusalCode::InvalidStatus, None, "not before payment");

    let mut s = payment_successful();
    let events = s.step(COORD, &assign_providers(&[P_OUTSIDER, P_DONE, P_OUTSIDER]));
    assert_eq!(
        events,
        vec![CaseEvent::ProvidersAssigned {
            provider_ids: vec![P_OUTSIDER.id, P_DONE.id]
        }],
        "each provider once"
    );
    assert_eq!(s.case().status, CaseStatus::DoctorsAssigned);
    assert_eq!(assignment(&s, P_OUTSIDER), AssignmentStatus::Assigned);
    assert_eq!(assignment(&s, P_DONE), AssignmentStatus::Assigned);
}

#[test]
fn providers_are_eligible_by_disease_category() {
    let s = payment_successful();
    for (who, why) in [
        (P_NEURO, "mapped to another category"),
        (P_INACTIVE, "deactivated"),
        (OTHER_COORD, "not a provider"),
    ] {
        let r = s.refusal(COORD, &assign_providers(&[P_OUTSIDER, who]));
        assert_refused(&r, RefusalCode::NotEligible, Some("providerIds"), why);
    }

    // A provider who declined is replaced by another eligible one.
    let mut s = under_review();
    for already in [P_DONE, P_DECLINED] {
        let r = s.refusal(COORD, &assign_providers(&[already]));
        assert_refused(
            &r,
            RefusalCode::Conflict,
            Some("providerIds"),
            "already on the case",
        );
    }
    assert_eq!(s.refusal(P_OUTSIDER, &accept()).code, RefusalCode::NotFound);
    s.step(COORD, &assign_providers(&[P_OUTSIDER]));
    assert_eq!(
        s.case().status,
        CaseStatus::DoctorsAssigned,
        "the case stays"
    );
    s.step(P_OUTSIDER, &accept());
    assert_eq!(assignment(&s, P_OUTSIDER), AssignmentStatus::Accepted);
}

#[test]
fn declining_needs_a_reason_and_ends_the_providers_access() {
    let mut s = under_review();
    for reason in [None, Some(""), Some("  \n ")] {
        let r = s.refusal(P_ASSIGNED, &decline(reason));
        assert_refused(&r, RefusalCode::ReasonRequired, Some("reason"), "decline");
    }
    let events = s.step(P_ASSIGNED, &decline(Some("  Outside my expertise ")));
    assert_eq!(
        events,
        vec![CaseEvent::AssignmentDeclined {
            provider_id: P_ASSIGNED.id,
            reason: "Outside my expertise".into()
        }]
    );
    let a = s.case().assignment(P_ASSIGNED.id).expect("the row stays");
    assert_eq!(a.status, AssignmentStatus::Declined);
    assert_eq!(a.decline_reason.as_deref(), Some("Outside my expertise"));
    assert_eq!(
        s.case().status,
        CaseStatus::DoctorsAssigned,
        "the case stays"
    );
    let r = s.refusal(P_ASSIGNED, &accept());
    assert_eq!(
        r.code,
        RefusalCode::NotFound,
        "a declined provider no longer sees the case"
    );

    // Accepting needs no reason, and an answer is given once.
    let mut s = under_review();
    s.step(P_ASSIGNED, &accept());
    let r = s.refusal(P_ASSIGNED, &decline(Some("changed my mind")));
    assert_refused(&r, RefusalCode::InvalidStatus, None, "already answered");
}

#[test]
fn a_provider_works_in_order() {
    let mut s = under_review();
    let r = s.refusal(P_ASSIGNED, &start_review());
    assert_refused(
        &r,
        RefusalCode::InvalidStatus,
        None,
        "accept before starting",
    );
    s.step(P_ASSIGNED, &accept());
    let r = s.refusal(P_ASSIGNED, &submit_opinion(opinion_input()));
    assert_refused(
        &r,
        RefusalCode::InvalidStatus,
        None,
        "start before the opinion",
    );
    let events = s.step(P_ASSIGNED, &start_review());
    assert_eq!(
        events[0].timeline().map(|t| t.label),
        Some("Under specialist review")
    );
    assert_eq!(assignment(&s, P_ASSIGNED), AssignmentStatus::InProgress);
    s.step(P_ASSIGNED, &submit_opinion(opinion_input()));
    let a = s.case().assignment(P_ASSIGNED.id).expect("on the case");
    assert_eq!(a.status, AssignmentStatus::Done);
    assert_eq!(
        a.opinion.as_ref().map(|o| o.diagnosis.as_str()),
        Some("Three-vessel coronary disease.")
    );
    let r = s.refusal(P_ASSIGNED, &submit_opinion(opinion_input()));
    assert_refused(
        &r,
        RefusalCode::InvalidStatus,
        None,
        "one opinion per provider",
    );
}

#[test]
fn a_return_keeps_the_provider_returned_until_resolved() {
    let mut s = under_review();
    s.step(P_IN_PROGRESS, &return_case(ISSUE_NEW, "Wrong specialty"));
    assert_eq!(assignment(&s, P_IN_PROGRESS), AssignmentStatus::Returned);
    assert_eq!(
        s.case().status,
        CaseStatus::DoctorsAssigned,
        "the case stays"
    );
    for command in [
        submit_opinion(opinion_input()),
        request_documents(REQ_NEW, "labs"),
        return_case(IssueId(uuid::Uuid::from_u128(0x2FF)), "again"),
    ] {
        let r = s.refusal(P_IN_PROGRESS, &command);
        assert_refused(
            &r,
            RefusalCode::InvalidStatus,
            None,
            "returned: nothing but wait",
        );
    }

    let r = s.refusal(P_RETURNED, &resolve_return(ISSUE_NEW));
    assert_refused(
        &r,
        RefusalCode::Forbidden,
        None,
        "a provider resolves only the issues it reported",
    );
    let r = s.refusal(OWNER, &resolve_return(ISSUE_NEW));
    assert_eq!(
        r.code,
        RefusalCode::Forbidden,
        "requesters view issues, never change them"
    );
    let r = s.refusal(
        COORD,
        &resolve_return(IssueId(uuid::Uuid::from_u128(0x2FE))),
    );
    assert_eq!(r.code, RefusalCode::NotFound, "no such issue");

    let events = s.step(COORD, &resolve_return(ISSUE_NEW));
    assert_eq!(
        events,
        vec![CaseEvent::ReturnResolved {
            issue_id: ISSUE_NEW
        }]
    );
    assert_eq!(
        assignment(&s, P_IN_PROGRESS),
        AssignmentStatus::InProgress,
        "back to work once its issues are resolved"
    );
    assert_eq!(
        assignment(&s, P_RETURNED),
        AssignmentStatus::Returned,
        "another provider's return is untouched"
    );
    let r = s.refusal(ADMIN, &resolve_return(ISSUE_NEW));
    assert_eq!(r.code, RefusalCode::Conflict, "already resolved");

    // The provider resolves its own; then nothing is open.
    s.step(P_RETURNED, &resolve_return(ISSUE_OPEN));
    assert_eq!(assignment(&s, P_RETURNED), AssignmentStatus::InProgress);
    let r = s.refusal(ADMIN, &resolve_return(ISSUE_OPEN));
    assert_refused(&r, RefusalCode::InvalidStatus, None, "no open return issue");
    s.step(P_RETURNED, &submit_opinion(opinion_input()));
    assert_eq!(assignment(&s, P_RETURNED), AssignmentStatus::Done);
}

#[test]
fn returning_needs_a_reason() {
    let s = under_review();
    for reason in ["", "   "] {
        let r = s.refusal(P_IN_PROGRESS, &return_case(ISSUE_NEW, reason));
        assert_refused(&r, RefusalCode::ReasonRequired, Some("reason"), "return");
    }
}

// ---- closing ----------------------------------------------------------------------------

#[test]
fn the_final_summary_waits_for_every_live_assignment() {
    let r = under_review().refusal(COORD, &final_summary("Done."));
    assert_refused(&r, RefusalCode::InvalidStatus, None, "opinions are missing");

    // Walk one provider at a time: refused until the last non-declined one is done.
    let mut s = payment_successful();
    s.step(
        COORD,
        &assign_providers(&[P_DONE, P_IN_PROGRESS, P_DECLINED]),
    );
    s.step(P_DECLINED, &decline(Some("Away")));
    s.step(P_DONE, &accept());
    s.step(P_DONE, &start_review());
    s.step(P_DONE, &submit_opinion(opinion_input()));
    s.step(P_IN_PROGRESS, &accept());
    s.step(P_IN_PROGRESS, &start_review());
    let r = s.refusal(COORD, &final_summary("Done."));
    assert_refused(
        &r,
        RefusalCode::InvalidStatus,
        None,
        "one opinion still missing",
    );
    s.step(P_IN_PROGRESS, &submit_opinion(opinion_input()));
    let r = s.refusal(OTHER_COORD, &final_summary("Done."));
    assert_eq!(
        r.code,
        RefusalCode::NotFound,
        "only the case's own coordinator"
    );
    let events = s.step(COORD, &final_summary("  Refer for CABG.  "));
    assert_eq!(
        events,
        vec![CaseEvent::Completed {
            final_summary: "Refer for CABG.".into()
        }]
    );
    let case = s.case();
    assert_eq!(case.status, CaseStatus::Completed);
    assert_eq!(case.final_summary.as_deref(), Some("Refer for CABG."));
    assert!(case.completed_at.is_some(), "completion time recorded");

    // Every provider declined: there is no opinion to summarise.
    let mut s = payment_successful();
    s.step(COORD, &assign_providers(&[P_DECLINED]));
    s.step(P_DECLINED, &decline(Some("Away")));
    let r = s.refusal(COORD, &final_summary("Nothing to say."));
    assert_refused(&r, RefusalCode::InvalidStatus, None, "no live assignment");
}

#[test]
fn rejecting_needs_a_reason() {
    let mut s = submitted();
    for reason in ["", " \n\t "] {
        let r = s.refusal(ADMIN, &reject(reason));
        assert_refused(&r, RefusalCode::ReasonRequired, Some("reason"), "reject");
    }
    s.step(ADMIN, &reject("Not a second-opinion question"));
    assert_eq!(s.case().status, CaseStatus::Rejected);
    assert_eq!(
        s.case().reject_reason.as_deref(),
        Some("Not a second-opinion question")
    );
}

#[test]
fn an_admin_cancels_with_a_reason_a_requester_may_give_none() {
    for reason in [None, Some(""), Some("   ")] {
        let r = submitted().refusal(ADMIN, &cancel(reason));
        assert_refused(
            &r,
            RefusalCode::ReasonRequired,
            Some("reason"),
            "admin cancel",
        );
    }
    for reason in [None, Some(""), Some("  ")] {
        let mut s = submitted();
        let events = s.step(OWNER, &cancel(reason));
        assert_eq!(
            events,
            vec![CaseEvent::Cancelled {
                reason: None,
                refund_due: false
            }],
            "a requester need not say why"
        );
        assert_eq!(s.case().status, CaseStatus::Cancelled);
    }
    let mut s = submitted();
    s.step(ADMIN, &cancel(Some(" Duplicate ")));
    assert_eq!(s.case().cancel_reason.as_deref(), Some("Duplicate"));

    let r = submitted().refusal(OTHER_REQUESTER, &cancel(None));
    assert_eq!(r.code, RefusalCode::NotFound, "only the own case");
    let r = under_review().refusal(COORD, &cancel(Some("why not")));
    assert_eq!(r.code, RefusalCode::Forbidden, "coordinators do not cancel");
}

#[test]
fn cancelling_a_paid_case_makes_a_refund_due() {
    type Row = (&'static str, fn() -> Story, bool);
    let stories: [Row; 6] = [
        ("draft", draft, false),
        ("submitted", submitted, false),
        ("awaiting payment", awaiting_payment, false),
        ("payment successful", payment_successful, true),
        ("doctors assigned", under_review, true),
        ("all opinions in", opinions_in, true),
    ];
    for (name, story, paid) in stories {
        for who in [OWNER, ADMIN] {
            let mut s = story();
            let events = s.step(who, &cancel(Some("Patient recovered")));
            assert!(
                matches!(&events[..], [CaseEvent::Cancelled { refund_due, .. }] if *refund_due == paid),
                "{name}, {who:?}: refund due must be {paid}: {events:?}"
            );
            assert_eq!(s.case().status, CaseStatus::Cancelled, "{name}");
            assert_eq!(
                s.case().refund_due,
                paid,
                "{name}: the case records the refund"
            );
        }
    }
}

#[test]
fn terminal_cases_refuse_every_command() {
    let personas = [
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
    let mut refused = 0;
    for (name, story) in [
        ("completed", completed()),
        ("cancelled", cancelled()),
        ("rejected", rejected()),
        ("payment failed", payment_failed_case()),
    ] {
        assert!(story.case().status.is_terminal(), "{name} is terminal");
        for probe in Probe::ALL {
            for who in personas {
                let command = probe.command(CASE, who);
                // The one change a terminal case takes: the system records the refund of
                // a paid case that was cancelled (tested in `refunds_*`).
                if name == "cancelled"
                    && who == SYSTEM
                    && matches!(probe, Probe::RefundSucceeded | Probe::RefundFailed)
                {
                    assert!(story.decide(who, &command).is_ok(), "{probe:?}");
                    continue;
                }
                let r = story.refusal(who, &command);
                // An admin sees every case: it is told the case is final, or that the
                // action is not an admin's.
                if who == ADMIN {
                    assert!(
                        matches!(r.code, RefusalCode::InvalidStatus | RefusalCode::Forbidden),
                        "{name}: {probe:?} by admin: {r:?}"
                    );
                }
                refused += 1;
            }
        }
        // Every action whose role the admin holds is refused for finality.
        for command in [
            assign_coordinator(OTHER_COORD),
            cancel(Some("late")),
            reject("late"),
            resolve_return(ISSUE_OPEN),
        ] {
            let r = story.refusal(ADMIN, &command);
            assert_refused(
                &r,
                RefusalCode::InvalidStatus,
                None,
                &format!("{name} {command:?}"),
            );
        }
    }
    assert_eq!(refused, 4 * 22 * 14 - 2, "every terminal cell was tried");
}

#[test]
fn decisions_are_pure() {
    // Same state, command, actor and time: the same answer, and the case is not touched.
    let s = under_review();
    let before = s.case().clone();
    let command = submit_opinion(opinion_input());
    let a = s.decide(P_IN_PROGRESS, &command);
    let b = s.decide(P_IN_PROGRESS, &command);
    assert_eq!(a, b);
    assert_eq!(s.case(), &before);
}

#[test]
fn viewers_are_exactly_the_non_admins_who_can_see_the_case() {
    use domain::visibility::{can_see, viewers};
    let stories = [
        ("draft", support::draft()),
        ("awaiting payment", support::awaiting_payment()),
        ("under review", support::under_review()),
        ("completed", support::completed()),
        ("cancelled", support::cancelled()),
    ];
    for (name, story) in stories {
        let case = story.case();
        let v = viewers(case);
        assert!(
            v.contains(&case.requester_id),
            "{name}: the requester always sees"
        );
        for user in &story.catalog.users {
            let actor = domain::Actor::new(user.id, user.role);
            if matches!(user.role, domain::Role::Admin | domain::Role::System) {
                assert!(
                    can_see(case, actor),
                    "{name}: admins and the system see every case"
                );
            } else {
                assert_eq!(
                    v.contains(&user.id),
                    can_see(case, actor),
                    "{name}: viewers() and can_see() disagree for {}",
                    user.name
                );
            }
        }
    }
}

#[test]
fn a_coordinator_change_made_meanwhile_is_not_overridden() {
    // Two admins saw the case without a coordinator; the first one's choice stands.
    let mut s = submitted();
    s.step(ADMIN, &assign_coordinator(COORD));
    let r = s.refusal(ADMIN, &assign_coordinator(OTHER_COORD));
    assert_refused(
        &r,
        RefusalCode::Conflict,
        Some("coordinatorId"),
        "the second admin is told, not silently applied",
    );
    assert_eq!(s.case().coordinator(), Some(COORD.id));
    // Changing what one actually sees is fine.
    s.step(ADMIN, &change_coordinator(COORD, OTHER_COORD));
    assert_eq!(s.case().coordinator(), Some(OTHER_COORD.id));
}

#[test]
fn refunds_are_owed_tried_again_after_a_failure_and_made_once() {
    use domain::{RefundOutcome, RefundStatus};
    let mut s = cancelled();
    let paid = s.case().payment.clone().expect("the case was paid");
    let owed = s
        .case()
        .refund
        .clone()
        .expect("cancelling a paid case owes a refund");
    assert_eq!(owed.status, RefundStatus::Pending);
    assert_eq!(owed.amount_minor, paid.amount_minor);
    assert_eq!(owed.payment_reference, paid.reference);
    assert_eq!(
        owed.next_attempt_at(),
        Some(owed.due_since),
        "tried at once"
    );

    // Two failures: visible, counted, and the next try waits longer each time.
    let failed = refund(RefundOutcome::Failed {
        reason: "Provider unreachable".into(),
    });
    s.step(SYSTEM, &failed);
    let first = s.case().refund.clone().unwrap();
    assert_eq!(first.status, RefundStatus::Failed);
    assert_eq!(first.failures, 1);
    assert_eq!(first.last_error.as_deref(), Some("Provider unreachable"));
    let wait1 = first.next_attempt_at().unwrap() - first.last_attempt_at.unwrap();
    s.step(SYSTEM, &failed);
    let second = s.case().refund.clone().unwrap();
    let wait2 = second.next_attempt_at().unwrap() - second.last_attempt_at.unwrap();
    assert_eq!(second.failures, 2);
    assert!(wait2 > wait1, "back-off grows: {wait1} then {wait2}");
    assert_eq!(s.case().status, CaseStatus::Cancelled);

    s.step(
        SYSTEM,
        &refund(RefundOutcome::Succeeded {
            reference: "RF-1".into(),
        }),
    );
    let done = s.case().refund.clone().unwrap();
    assert_eq!(done.status, RefundStatus::Refunded);
    assert_eq!(done.reference.as_deref(), Some("RF-1"));
    assert_eq!(done.next_attempt_at(), None);
    assert!(!s.case().refund_due);

    // Made once: a second answer is a conflict, and nobody else may record one.
    let again = s.refusal(
        SYSTEM,
        &refund(RefundOutcome::Succeeded {
            reference: "RF-2".into(),
        }),
    );
    assert_refused(&again, RefusalCode::Conflict, None, "second refund");
    let by_admin = s.refusal(ADMIN, &failed);
    assert_refused(
        &by_admin,
        RefusalCode::Forbidden,
        None,
        "admin records refund",
    );
    let empty = refund(RefundOutcome::Succeeded {
        reference: " ".into(),
    });
    let mut fresh = cancelled();
    let r = fresh.refusal(SYSTEM, &empty);
    assert_refused(
        &r,
        RefusalCode::InvalidInput,
        Some("reference"),
        "blank ref",
    );
    // The refused answer left the refund owed: a real answer is still taken.
    fresh.step(SYSTEM, &failed);
    assert_eq!(fresh.case().refund.as_ref().unwrap().failures, 1);
}

#[test]
fn a_case_cancelled_before_payment_owes_no_refund() {
    let mut s = submitted();
    s.step(OWNER, &cancel(None));
    assert!(s.case().refund.is_none());
    let r = s.refusal(
        SYSTEM,
        &refund(domain::RefundOutcome::Succeeded {
            reference: "RF-1".into(),
        }),
    );
    assert_refused(&r, RefusalCode::InvalidStatus, None, "nothing owed");
}

#[test]
fn the_authority_invoices_a_completed_case_for_what_was_paid() {
    let mut s = opinions_in();
    let before = s.case().clone();
    let mut events = s
        .decide(COORD, &final_summary("Refer for CABG."))
        .expect("allowed");
    assert!(domain::completes(&events));
    domain::invoice_completed_case(&mut events, &before, 2026, 7);
    assert!(matches!(events[0], CaseEvent::Completed { .. }));
    assert!(matches!(
        &events[1],
        CaseEvent::InvoiceIssued { number, .. } if number == "INV-2026-00007"
    ));
    s.apply(COORD, &events);
    let invoice = s.case().invoice.clone().expect("invoiced");
    let paid = before.payment.unwrap();
    assert_eq!(invoice.amount_minor, paid.amount_minor);
    assert_eq!(invoice.currency, paid.currency);
    assert_eq!(invoice.payment_reference, paid.reference);
    assert_eq!(domain::invoice_counter(2026), "invoice-2026");
    // Other commands are not invoiced.
    let mut other = s.decide(OWNER, &cancel(None)).unwrap_or_default();
    assert!(!domain::completes(&other));
    domain::invoice_completed_case(&mut other, s.case(), 2026, 8);
    assert!(other.is_empty());
}

#[test]
fn each_reader_holds_only_what_they_may_read() {
    use domain::visibility::redact_for;
    let s = completed();
    let mut case = s.case().clone();
    case.invoice = Some(domain::Invoice {
        number: "INV-2026-00001".into(),
        amount_minor: 1,
        currency: "SAR".into(),
        payment_reference: None,
        issued_at: s.now(),
    });
    let opinions = |c: &domain::Case| {
        c.assignments
            .iter()
            .filter(|a| a.opinion.is_some())
            .map(|a| a.provider_id)
            .collect::<Vec<_>>()
    };
    // A provider: its own opinion only, no invoice.
    let mine = redact_for(case.clone(), P_DONE);
    assert_eq!(opinions(&mine), vec![P_DONE.id]);
    assert!(mine.invoice.is_none());
    // The coordinator reads every opinion, sees no invoice.
    let coord = redact_for(case.clone(), COORD);
    assert_eq!(opinions(&coord), opinions(&case));
    assert!(coord.invoice.is_none());
    // The requester, once completed: opinions and invoice; before: no opinion.
    let owner = redact_for(case.clone(), OWNER);
    assert_eq!(opinions(&owner), opinions(&case));
    assert!(owner.invoice.is_some());
    let early = redact_for(opinions_in().case().clone(), OWNER);
    assert!(opinions(&early).is_empty());
    // Admins hold all of it.
    assert_eq!(redact_for(case.clone(), ADMIN), case);
}
