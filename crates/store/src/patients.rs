//! Patient records.

use domain::{Patient, PatientId};
use sqlx::Row;

use crate::{from_json, json, parse_id, Conn, Result, StoreError};

fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Patient> {
    let sex: String = row.get("sex");
    let dob: String = row.get("date_of_birth");
    Ok(Patient {
        id: parse_id(row.get("id"))?,
        owner_id: parse_id(row.get("owner_id"))?,
        full_name: row.get("full_name"),
        date_of_birth: dob
            .parse()
            .map_err(|_| StoreError::Corrupt("date of birth".into()))?,
        sex: from_json(&format!("\"{sex}\""))?,
        medical_record_number: row.get("medical_record_number"),
        phone: row.get("phone"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

const COLUMNS: &str = "id, owner_id, full_name, date_of_birth, sex, medical_record_number, phone, \
                       created_at, updated_at";

pub async fn get(conn: &mut Conn, id: PatientId) -> Result<Option<Patient>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM patients WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every patient, by name. Callers filter by who may see them.
pub async fn list(conn: &mut Conn) -> Result<Vec<Patient>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM patients ORDER BY full_name COLLATE NOCASE, id"
    ))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn save(conn: &mut Conn, p: &Patient) -> Result<()> {
    let sex = json(&p.sex)?;
    sqlx::query(&format!(
        "INSERT INTO patients ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name,
           date_of_birth = excluded.date_of_birth, sex = excluded.sex,
           medical_record_number = excluded.medical_record_number, phone = excluded.phone,
           owner_id = excluded.owner_id, created_at = excluded.created_at,
           updated_at = excluded.updated_at"
    ))
    .bind(p.id.to_string())
    .bind(p.owner_id.to_string())
    .bind(&p.full_name)
    .bind(p.date_of_birth.to_string())
    .bind(sex.trim_matches('"'))
    .bind(&p.medical_record_number)
    .bind(&p.phone)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(&mut *conn)
    .await?;
    // The name the case lists sort and search on (`store::cases`' projection).
    sqlx::query(
        "UPDATE case_rows SET patient_name = ?1 WHERE patient_id = ?2 AND patient_name <> ?1",
    )
    .bind(&p.full_name)
    .bind(p.id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
