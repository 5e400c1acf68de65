//! Cases: the aggregate as JSON plus the columns lists filter and sort on.

use domain::{Case, CaseId, CaseStatus};
use sqlx::Row;

use crate::{from_json, json, Conn, Result};

pub async fn get(conn: &mut Conn, id: CaseId) -> Result<Option<Case>> {
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM cases WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    state.as_deref().map(from_json).transpose()
}

/// Every case in the replica (the standalone jobs and the appointment lists read them all).
pub async fn all(conn: &mut Conn) -> Result<Vec<Case>> {
    let states: Vec<String> = sqlx::query_scalar("SELECT state FROM cases ORDER BY created_at, id")
        .fetch_all(&mut *conn)
        .await?;
    states.iter().map(|s| from_json(s)).collect()
}

pub async fn save(conn: &mut Conn, case: &Case) -> Result<()> {
    sqlx::query(
        "INSERT INTO cases (id, reference, requester_id, patient_id, review_type_id,
           disease_category_id, coordinator_id, status, created_at, updated_at, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference,
           patient_id = excluded.patient_id, review_type_id = excluded.review_type_id,
           disease_category_id = excluded.disease_category_id,
           coordinator_id = excluded.coordinator_id, status = excluded.status,
           updated_at = excluded.updated_at, state = excluded.state",
    )
    .bind(case.id.to_string())
    .bind(&case.reference)
    .bind(case.requester_id.to_string())
    .bind(case.patient_id.to_string())
    .bind(case.review_type_id.to_string())
    .bind(case.disease_category_id.to_string())
    .bind(case.coordinator().map(|c| c.to_string()))
    .bind(case.status.as_str())
    .bind(case.created_at)
    .bind(case.updated_at)
    .bind(json(case)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a case list shows, with the names it needs joined in.
#[derive(Clone, Debug)]
pub struct CaseRow {
    pub case: Case,
    pub patient_name: String,
    pub review_type_name: String,
    pub disease_category_label: String,
    pub coordinator_name: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct CaseQuery {
    pub status: Option<CaseStatus>,
    /// Matches the reference or the patient's name, case-insensitively.
    pub search: Option<String>,
}

/// Cases matching `query`, most recently changed first. Callers filter by who may see
/// them (`domain::visibility::can_see`): the rule lives there, not in SQL.
pub async fn list(conn: &mut Conn, query: &CaseQuery) -> Result<Vec<CaseRow>> {
    let pattern = query.search.as_deref().map(|s| {
        let escaped = s
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let rows = sqlx::query(
        "SELECT c.state, p.full_name AS patient_name, r.name_en AS review_type_name,
                d.label_en AS disease_category_label, u.name AS coordinator_name
         FROM cases c
         JOIN patients p ON p.id = c.patient_id
         JOIN review_types r ON r.id = c.review_type_id
         JOIN disease_categories d ON d.id = c.disease_category_id
         LEFT JOIN users u ON u.id = c.coordinator_id
         WHERE (?1 IS NULL OR c.status = ?1)
           AND (?2 IS NULL OR c.reference LIKE ?2 ESCAPE '\\' OR p.full_name LIKE ?2 ESCAPE '\\')
         ORDER BY c.updated_at DESC, c.id",
    )
    .bind(query.status.map(CaseStatus::as_str))
    .bind(pattern)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CaseRow {
                case: from_json(row.get::<&str, _>("state"))?,
                patient_name: row.get("patient_name"),
                review_type_name: row.get("review_type_name"),
                disease_category_label: row.get("disease_category_label"),
                coordinator_name: row.get("coordinator_name"),
            })
        })
        .collect()
}

/// A fingerprint of every case table the replica holds, for "nothing changed" tests.
pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&mut *conn)
        .await?)
}
