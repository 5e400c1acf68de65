//! Shared set-up: a real app on a real SQLite file in a fresh temporary directory, with a
//! clock that stands still.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use domain::{CaseId, CaseStatus, DocumentInput, DocumentKind, PatientInput, Sex, UserId};
use so_core::seed;
use so_core::views::{CaseDetail, CaseInput};
use so_core::{App, ManualClock};
use tempfile::TempDir;

pub struct TestApp {
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub dir: TempDir,
}

pub async fn open() -> TestApp {
    // Logs show only when a test fails.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
    ));
    let app = App::open_with_clock(dir.path(), clock.clone())
        .await
        .expect("the app opens on an empty directory");
    TestApp { app, clock, dir }
}

pub fn patient_input(name: &str) -> PatientInput {
    PatientInput {
        full_name: name.to_string(),
        date_of_birth: "1970-05-17".to_string(),
        sex: Sex::Female,
        medical_record_number: Some("MRN-1".to_string()),
        phone: Some("+966 11 000 0000".to_string()),
    }
}

impl TestApp {
    pub async fn sign_in(&self, user: UserId) {
        self.app
            .sign_in_as(user)
            .await
            .expect("a demo user signs in");
    }

    pub async fn stage(&self, name: &str, content: &[u8]) -> DocumentInput {
        let staged = self
            .app
            .stage_document(name, "application/pdf", content)
            .await
            .expect("a small file stages");
        DocumentInput {
            name: staged.name,
            kind: DocumentKind::MedicalReport,
            media_type: staged.media_type,
            sha256: staged.sha256,
            size_bytes: staged.size_bytes,
        }
    }

    /// As the demo requester: a new patient and a case for them (submitted or draft).
    pub async fn new_case(&self, submit: bool) -> CaseDetail {
        self.sign_in(seed::REQUESTER).await;
        let patient = self
            .app
            .create_patient(patient_input("Test Patient"))
            .await
            .expect("patient created");
        let doc = self.stage("echo.pdf", b"%PDF-1.4 echo report").await;
        self.app
            .create_case(
                CaseInput {
                    patient_id: patient.id,
                    review_type_id: seed::CARDIOLOGY_REVIEW,
                    disease_category_id: seed::CORONARY,
                    question: "Is surgery needed?".to_string(),
                    clinical_summary: "Three-vessel disease.".to_string(),
                    documents: vec![doc],
                },
                submit,
            )
            .await
            .expect("case created")
    }
}

/// The demo's case of `status` that `who` sees (signed in as `who`).
pub async fn demo_case(t: &TestApp, who: UserId, status: CaseStatus) -> CaseId {
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
