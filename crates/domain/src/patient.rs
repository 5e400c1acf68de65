//! A patient record, owned by the requester who created it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::{PatientId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub id: PatientId,
    /// The requester who manages this record.
    pub owner_id: UserId,
    pub full_name: String,
    #[ts(type = "string")]
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub medical_record_number: Option<String>,
    pub phone: Option<String>,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
}
