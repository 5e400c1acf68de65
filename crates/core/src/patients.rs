//! The patients a user may see and manage.

use domain::visibility::can_see_patient;
use domain::{Command, Patient, PatientCommand, PatientId, PatientInput};
use store::patients;
use uuid::Uuid;

use crate::app::App;
use crate::error::{ApiError, Result};

impl App {
    pub async fn list_patients(&self) -> Result<Vec<Patient>> {
        let actor = self.actor()?;
        let mut conn = self.store().read().await?;
        Ok(patients::list(&mut conn)
            .await?
            .into_iter()
            .filter(|p| can_see_patient(p, actor))
            .collect())
    }

    pub async fn create_patient(&self, input: PatientInput) -> Result<Patient> {
        let patient_id = PatientId(Uuid::now_v7());
        self.execute(Command::Patient(PatientCommand::Create {
            patient_id,
            input,
        }))
        .await?;
        self.patient(patient_id).await
    }

    pub async fn update_patient(
        &self,
        patient_id: PatientId,
        input: PatientInput,
    ) -> Result<Patient> {
        self.execute(Command::Patient(PatientCommand::Update {
            patient_id,
            input,
        }))
        .await?;
        self.patient(patient_id).await
    }

    async fn patient(&self, id: PatientId) -> Result<Patient> {
        let actor = self.actor()?;
        let mut conn = self.store().read().await?;
        patients::get(&mut conn, id)
            .await?
            .filter(|p| can_see_patient(p, actor))
            .ok_or_else(|| ApiError::not_found("Patient"))
    }
}
