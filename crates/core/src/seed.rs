//! Demo data for standalone mode, written on first run into an empty store.
//!
//! Configuration (users, specialties, review types, disease categories) is written
//! directly, as an admin's setup would be; patients and cases go through the real
//! commands and rules, so every demo case has a true timeline and outbox history.
//! The configuration itself and its fixed ids are in `domain::demo`.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::{
    Actor, CaseCommand, CaseFields, CaseId, Command, DiseaseCategoryId, DocumentId, DocumentInput,
    DocumentKind, OpinionInput, PatientCommand, PatientId, PatientInput, PaymentOutcome,
    ReviewTypeId, Role, Sex, UserId,
};
use store::{blobs, catalog};
use uuid::Uuid;

use crate::app::App;
use crate::error::Result;

pub use domain::demo::*;

/// Steps the demo history through time, an hour or so per step.
struct Seeder<'a> {
    app: &'a App,
    at: DateTime<Utc>,
}

impl Seeder<'_> {
    async fn run(&mut self, who: UserId, role: Role, command: Command) -> Result<()> {
        self.at += Duration::minutes(47);
        self.app
            .execute_at(Actor::new(who, role), command, self.at)
            .await?;
        Ok(())
    }

    async fn case(&mut self, who: UserId, role: Role, command: CaseCommand) -> Result<()> {
        self.run(who, role, Command::Case(command)).await
    }

    async fn patient(
        &mut self,
        owner: UserId,
        name: &str,
        dob: (i32, u32, u32),
        sex: Sex,
    ) -> Result<PatientId> {
        let patient_id = PatientId(Uuid::now_v7());
        let date = NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap_or_default();
        let input = PatientInput {
            full_name: name.into(),
            date_of_birth: date.format("%Y-%m-%d").to_string(),
            sex,
            medical_record_number: Some(format!("MRN-{}", 100_000 + dob.0 * 7 + dob.2 as i32)),
            phone: None,
        };
        self.run(
            owner,
            Role::Requester,
            Command::Patient(PatientCommand::Create { patient_id, input }),
        )
        .await?;
        Ok(patient_id)
    }

    /// A small demo document, staged like an upload.
    async fn document(
        &mut self,
        name: &str,
        kind: DocumentKind,
        text: &str,
    ) -> Result<(DocumentId, DocumentInput)> {
        let bytes = text.as_bytes();
        let mut tx = self.app.store().begin().await?;
        let sha256 = blobs::put(&mut tx, bytes, self.at).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok((
            DocumentId(Uuid::now_v7()),
            DocumentInput {
                name: name.into(),
                kind,
                media_type: "text/plain".into(),
                sha256,
                size_bytes: bytes.len() as u32,
            },
        ))
    }

    /// Creates a case for `patient` and submits it unless `draft`.
    async fn new_case(
        &mut self,
        requester: UserId,
        patient_id: PatientId,
        (review_type_id, disease_category_id): (ReviewTypeId, DiseaseCategoryId),
        (question, summary): (&str, &str),
        draft: bool,
    ) -> Result<CaseId> {
        let case_id = CaseId(Uuid::now_v7());
        let doc = self
            .document(
                "referral-letter.txt",
                DocumentKind::MedicalReport,
                &format!("Demo referral letter (fictional patient).\n\n{summary}\n"),
            )
            .await?;
        self.case(
            requester,
            Role::Requester,
            CaseCommand::Create {
                case_id,
                fields: CaseFields {
                    patient_id,
                    review_type_id,
                    disease_category_id,
                    question: question.into(),
                    clinical_summary: summary.into(),
                },
                documents: vec![doc],
                submit: !draft,
            },
        )
        .await?;
        Ok(case_id)
    }

    async fn assign(&mut self, case_id: CaseId, coordinator_id: UserId) -> Result<()> {
        self.case(
            ADMIN,
            Role::Admin,
            CaseCommand::AssignCoordinator {
                case_id,
                coordinator_id,
                replacing: None,
            },
        )
        .await
    }

    /// The coordinator assigns `providers`; the first accepts and starts the review.
    async fn review(&mut self, case_id: CaseId, providers: Vec<UserId>) -> Result<()> {
        let first = providers[0];
        self.case(
            COORDINATOR,
            Role::Coordinator,
            CaseCommand::AssignProviders {
                case_id,
                provider_ids: providers,
            },
        )
        .await?;
        let accept = CaseCommand::RespondToAssignment {
            case_id,
            accept: true,
            reason: None,
        };
        self.case(first, Role::Provider, accept).await?;
        self.case(first, Role::Provider, CaseCommand::StartReview { case_id })
            .await
    }

    async fn pay(&mut self, case_id: CaseId, reference: &str) -> Result<()> {
        let outcome = PaymentOutcome::Succeeded {
            reference: reference.into(),
        };
        self.case(
            SYSTEM,
            Role::System,
            CaseCommand::RecordPayment { case_id, outcome },
        )
        .await
    }
}

/// Writes the demo configuration and a few patients and cases in various statuses.
pub async fn demo(app: &App) -> Result<()> {
    let mut tx = app.store().begin().await?;
    catalog::replace(&mut tx, &catalog()).await?;
    tx.commit().await.map_err(store::StoreError::from)?;

    let mut s = Seeder {
        app,
        at: app.now() - Duration::days(12),
    };
    let khalid = s
        .patient(REQUESTER, "Khalid Al-Mutairi", (1961, 4, 12), Sex::Male)
        .await?;
    let mariam = s
        .patient(REQUESTER, "Mariam Al-Zahrani", (1978, 9, 30), Sex::Female)
        .await?;
    let yousef = s
        .patient(REQUESTER, "Yousef Ibrahim", (1990, 1, 5), Sex::Male)
        .await?;
    let reem = s
        .patient(REQUESTER, "ريم العتيبي", (1985, 6, 21), Sex::Female)
        .await?;
    let aisha = s
        .patient(REQUESTER_2, "Aisha Rahman", (1969, 11, 2), Sex::Female)
        .await?;

    // Draft: still being prepared.
    s.new_case(
        REQUESTER,
        khalid,
        (CARDIOLOGY_REVIEW, CORONARY),
        (
            "Is coronary bypass surgery preferable to stenting for three-vessel disease?",
            "Stable angina for 8 months; angiography shows three-vessel disease, EF 50%.",
        ),
        true,
    )
    .await?;
    // Submitted: waiting for an admin.
    s.new_case(
        REQUESTER,
        mariam,
        (ONCOLOGY_REVIEW, BREAST_CANCER),
        (
            "Is adjuvant chemotherapy indicated after lumpectomy?",
            "Stage IIA, HR-positive, HER2-negative; sentinel node negative.",
        ),
        false,
    )
    .await?;
    // Awaiting payment.
    let c = s
        .new_case(
            REQUESTER,
            yousef,
            (NEUROLOGY_REVIEW, EPILEPSY),
            (
                "Is the patient a candidate for epilepsy surgery?",
                "Drug-resistant focal seizures despite three anti-seizure medications.",
            ),
            false,
        )
        .await?;
    s.assign(c, COORDINATOR).await?;
    // Paid: the coordinator's turn.
    let c = s
        .new_case(
            REQUESTER,
            khalid,
            (CARDIOLOGY_REVIEW, HEART_FAILURE),
            (
                "Would the patient benefit from cardiac resynchronisation therapy?",
                "NYHA class III heart failure, LBBB with QRS 160 ms, EF 30% on optimal therapy.",
            ),
            false,
        )
        .await?;
    s.assign(c, COORDINATOR).await?;
    s.pay(c, "DEMO-PAY-0001").await?;
    // Under review by two doctors.
    let c = s
        .new_case(
            REQUESTER,
            mariam,
            (CARDIOLOGY_REVIEW, ARRHYTHMIA),
            (
                "Is catheter ablation advisable for persistent atrial fibrillation?",
                "Persistent AF for 2 years, symptomatic despite rate control.",
            ),
            false,
        )
        .await?;
    s.assign(c, COORDINATOR).await?;
    s.pay(c, "DEMO-PAY-0002").await?;
    s.review(c, vec![PROVIDER, PROVIDER_2]).await?;
    // Completed.
    let c = s
        .new_case(
            REQUESTER,
            reem,
            (CARDIOLOGY_REVIEW, CORONARY),
            (
                "Is medical therapy alone sufficient for single-vessel disease?",
                "Single-vessel disease, 70% LAD stenosis, mild exertional angina.",
            ),
            false,
        )
        .await?;
    s.assign(c, COORDINATOR).await?;
    s.pay(c, "DEMO-PAY-0003").await?;
    s.review(c, vec![PROVIDER]).await?;
    let opinion = OpinionInput {
        assessment: "Symptoms are mild and well controlled; the lesion is not proximal.".into(),
        diagnosis: "Stable single-vessel coronary artery disease.".into(),
        recommendations: "Optimal medical therapy; stress imaging if symptoms progress.".into(),
        answers: "Yes, medical therapy alone is appropriate at present.".into(),
        references: "2024 ESC Guidelines for chronic coronary syndromes.".into(),
    };
    s.case(
        PROVIDER,
        Role::Provider,
        CaseCommand::SubmitOpinion {
            case_id: c,
            opinion,
        },
    )
    .await?;
    s.case(
        COORDINATOR,
        Role::Coordinator,
        CaseCommand::SubmitFinalSummary {
            case_id: c,
            summary: "The reviewing cardiologist recommends optimal medical therapy.".into(),
        },
    )
    .await?;
    // Cancelled by its requester.
    let c = s
        .new_case(
            REQUESTER_2,
            aisha,
            (ONCOLOGY_REVIEW, LUNG_CANCER),
            (
                "Is stereotactic radiotherapy an alternative to lobectomy?",
                "Stage I non-small-cell lung cancer, 2.1 cm, poor lung function.",
            ),
            false,
        )
        .await?;
    s.case(
        REQUESTER_2,
        Role::Requester,
        CaseCommand::Cancel {
            case_id: c,
            reason: Some("The patient chose treatment abroad.".into()),
        },
    )
    .await?;
    // Rejected by the admin.
    let c = s
        .new_case(
            REQUESTER,
            yousef,
            (CARDIOLOGY_REVIEW, HEART_FAILURE),
            (
                "Second opinion on a heart-failure medication plan.",
                "Referral letter is illegible and the echo report is missing.",
            ),
            false,
        )
        .await?;
    s.case(
        ADMIN,
        Role::Admin,
        CaseCommand::Reject {
            case_id: c,
            reason: "The documents are illegible; please resubmit.".into(),
        },
    )
    .await?;
    Ok(())
}
