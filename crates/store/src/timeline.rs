//! The per-case timeline: who did what, when.

use chrono::{DateTime, Utc};
use domain::{Actor, CaseId, CommandId, Role, TimelineLabel};
use sqlx::Row;

use crate::{parse_id, Conn, Result, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub actor_id: domain::UserId,
    pub actor_name: String,
    pub actor_role: Role,
    pub label: String,
    pub detail: Option<String>,
    /// Not confirmed by the server yet (its command is still pending).
    pub pending: bool,
}

pub async fn append(
    conn: &mut Conn,
    case_id: CaseId,
    at: DateTime<Utc>,
    actor: Actor,
    line: &TimelineLabel,
    command_id: CommandId,
    pending: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO timeline (case_id, at, actor_id, actor_role, label, detail, command_id,
           pending)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(case_id.to_string())
    .bind(at)
    .bind(actor.id.to_string())
    .bind(actor.role.as_str())
    .bind(line.label)
    .bind(&line.detail)
    .bind(command_id.to_string())
    .bind(pending)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The case's timeline, oldest first. An actor no longer in the user list reads as
/// [`domain::catalog::UNKNOWN_USER`].
pub async fn list(conn: &mut Conn, case_id: CaseId) -> Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT t.at, t.actor_id, COALESCE(u.name, ?1) AS actor_name, t.actor_role,
                t.label, t.detail, t.pending
         FROM timeline t LEFT JOIN users u ON u.id = t.actor_id
         WHERE t.case_id = ?2 ORDER BY t.id",
    )
    .bind(domain::catalog::UNKNOWN_USER)
    .bind(case_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.get("actor_role");
            Ok(Entry {
                at: row.get("at"),
                actor_id: parse_id(row.get("actor_id"))?,
                actor_name: row.get("actor_name"),
                actor_role: Role::parse(&role)
                    .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
                label: row.get("label"),
                detail: row.get("detail"),
                pending: row.get("pending"),
            })
        })
        .collect()
}
