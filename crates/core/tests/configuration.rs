//! An admin configures the standalone app through its use cases, on a real SQLite file: what
//! they add is offered to requesters at once, what they deactivate is not offered any more
//! but old cases keep showing it, and a refused change leaves the store as it was.

mod common;

use domain::{DiseaseCategoryInput, ReviewTypeInput, SpecialtyInput};
use so_core::views::CaseInput;
use so_core::{seed, ErrorCode};

#[tokio::test]
async fn what_an_admin_configures_is_what_requesters_are_offered() {
    let t = common::open().await;
    t.sign_in(seed::ADMIN).await;
    let config = t
        .app
        .save_specialty(
            None,
            SpecialtyInput {
                name_en: "Nephrology".into(),
                name_ar: "أمراض الكلى".into(),
            },
        )
        .await
        .expect("a specialty is added");
    let nephrology = config
        .specialties
        .iter()
        .find(|s| s.name_en == "Nephrology")
        .expect("listed")
        .id;
    let config = t
        .app
        .save_review_type(
            None,
            ReviewTypeInput {
                name_en: "Kidney review".into(),
                name_ar: "مراجعة الكلى".into(),
                price_minor: 120_000,
                currency: "SAR".into(),
                expected_review_days: 10,
                specialty_id: nephrology,
            },
        )
        .await
        .expect("a review type is added");
    let kidney = config
        .review_types
        .iter()
        .find(|r| r.name_en == "Kidney review")
        .expect("listed")
        .clone();
    assert!(kidney.active);
    let config = t
        .app
        .save_disease_category(
            None,
            DiseaseCategoryInput {
                label_en: "Chronic kidney disease".into(),
                label_ar: "مرض الكلى المزمن".into(),
                specialty_id: nephrology,
                provider_ids: vec![seed::PROVIDER],
            },
        )
        .await
        .expect("a category is added");
    let ckd = config
        .disease_categories
        .iter()
        .find(|c| c.label_en == "Chronic kidney disease")
        .expect("listed")
        .clone();
    assert_eq!(ckd.provider_ids, vec![seed::PROVIDER]);
    let config = t
        .app
        .set_user_specialties(seed::COORDINATOR, vec![nephrology])
        .await
        .expect("the coordinator now coordinates nephrology");
    let coordinator = config
        .coordinators
        .iter()
        .find(|c| c.id == seed::COORDINATOR)
        .unwrap();
    assert_eq!(coordinator.specialty_ids, vec![nephrology]);

    // A bad change is refused and changes nothing.
    let before = t.app.configuration().await.unwrap();
    let refused = t
        .app
        .save_review_type(
            Some(kidney.id),
            ReviewTypeInput {
                name_en: "Kidney review".into(),
                name_ar: "مراجعة الكلى".into(),
                price_minor: -5,
                currency: "SAR".into(),
                expected_review_days: 10,
                specialty_id: nephrology,
            },
        )
        .await
        .expect_err("a negative price");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert_eq!(refused.field.as_deref(), Some("priceMinor"));
    assert_eq!(t.app.configuration().await.unwrap(), before);

    // The requester is offered the new items, and files a case under them.
    t.sign_in(seed::REQUESTER).await;
    let offered = t.app.catalog_view().await.unwrap();
    assert!(offered.review_types.iter().any(|r| r.id == kidney.id));
    assert!(offered.disease_categories.iter().any(|c| c.id == ckd.id));
    let patient = t
        .app
        .create_patient(common::patient_input("Kidney Patient"))
        .await
        .unwrap();
    let document = t.stage("labs.pdf", b"%PDF-1.4 labs").await;
    let input = CaseInput {
        patient_id: patient.id,
        review_type_id: kidney.id,
        disease_category_id: ckd.id,
        question: "Is dialysis needed?".into(),
        clinical_summary: "eGFR falling over a year.".into(),
        documents: vec![document],
    };
    let case = t.app.create_case(input.clone(), true).await.unwrap();
    assert_eq!(case.review_type.id, kidney.id);
    // Only admins have the configuration screens.
    assert_eq!(
        t.app.configuration().await.unwrap_err().code,
        ErrorCode::Forbidden
    );

    // Deactivated: no longer offered, refused for a new case, still shown on the old one.
    t.sign_in(seed::ADMIN).await;
    let config = t
        .app
        .set_review_type_active(kidney.id, false)
        .await
        .unwrap();
    assert!(config
        .review_types
        .iter()
        .any(|r| r.id == kidney.id && !r.active));
    t.sign_in(seed::REQUESTER).await;
    let offered = t.app.catalog_view().await.unwrap();
    assert!(!offered.review_types.iter().any(|r| r.id == kidney.id));
    let refused = t.app.create_case(input, false).await.unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("reviewTypeId"));
    let old = t.app.get_case(case.summary.id).await.unwrap();
    assert_eq!(old.review_type.name_en, "Kidney review");
}
