//! The confirmed layer of a server-synced replica: the last snapshot of each aggregate the
//! server sent, and its timeline. The displayed tables (`patients`, `cases`, `timeline`)
//! are rebuilt from it plus the commands the server has not confirmed yet; nothing here
//! decides anything.

use chrono::{DateTime, Utc};
use domain::{Actor, Case, CaseId, CommandId, Patient, PatientId};

use crate::{cases, from_json, json, patients, Conn, Result};

/// One line of a case's timeline as the server has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub label: String,
    pub detail: Option<String>,
    pub command_id: CommandId,
}

pub async fn save_patient(conn: &mut Conn, patient: &Patient) -> Result<()> {
    sqlx::query(
        "INSERT INTO confirmed_patients (id, state) VALUES (?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state",
    )
    .bind(patient.id.to_string())
    .bind(json(patient)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces the confirmed case and its whole timeline with the server's snapshot.
pub async fn save_case(conn: &mut Conn, seq: i64, case: &Case, lines: &[Line]) -> Result<()> {
    sqlx::query(
        "INSERT INTO confirmed_cases (id, seq, state) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, state = excluded.state",
    )
    .bind(case.id.to_string())
    .bind(seq)
    .bind(json(case)?)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM confirmed_timeline WHERE case_id = ?")
        .bind(case.id.to_string())
        .execute(&mut *conn)
        .await?;
    for line in lines {
        sqlx::query(
            "INSERT INTO confirmed_timeline
               (case_id, at, actor_id, actor_role, label, detail, command_id)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(case.id.to_string())
        .bind(line.at)
        .bind(line.actor.id.to_string())
        .bind(line.actor.role.as_str())
        .bind(&line.label)
        .bind(&line.detail)
        .bind(line.command_id.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Forgets a case the user may no longer see, in both layers.
pub async fn remove_case(conn: &mut Conn, id: CaseId) -> Result<()> {
    for sql in [
        "DELETE FROM confirmed_timeline WHERE case_id = ?",
        "DELETE FROM confirmed_cases WHERE id = ?",
        "DELETE FROM timeline WHERE case_id = ?",
        "DELETE FROM cases WHERE id = ?",
    ] {
        sqlx::query(sql)
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn get_case(conn: &mut Conn, id: CaseId) -> Result<Option<(i64, Case)>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, state FROM confirmed_cases WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|(seq, state)| Ok((seq, from_json(&state)?)))
        .transpose()
}

pub async fn get_patient(conn: &mut Conn, id: PatientId) -> Result<Option<Patient>> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM confirmed_patients WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    state.as_deref().map(from_json).transpose()
}

/// Sets the displayed cases and patients named to their confirmed state (or removes them
/// when the server has not confirmed them), dropping every unconfirmed line of their
/// timelines. The caller then re-applies the unconfirmed commands on top.
///
/// Foreign keys are checked at commit: a displayed case may point at a patient that is
/// reset in the same transaction.
pub async fn reset_displayed(
    conn: &mut Conn,
    case_ids: &[CaseId],
    patient_ids: &[PatientId],
) -> Result<()> {
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    for id in case_ids {
        for sql in [
            "DELETE FROM timeline WHERE case_id = ?",
            "DELETE FROM cases WHERE id = ?",
        ] {
            sqlx::query(sql)
                .bind(id.to_string())
                .execute(&mut *conn)
                .await?;
        }
    }
    for id in patient_ids {
        match get_patient(conn, *id).await? {
            Some(patient) => patients::save(conn, &patient).await?,
            None => {
                sqlx::query("DELETE FROM patients WHERE id = ?")
                    .bind(id.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    for id in case_ids {
        if let Some((_, case)) = get_case(conn, *id).await? {
            cases::save(conn, &case).await?;
            sqlx::query(
                "INSERT INTO timeline
                   (case_id, at, actor_id, actor_role, label, detail, command_id, pending)
                 SELECT case_id, at, actor_id, actor_role, label, detail, command_id, 0
                 FROM confirmed_timeline WHERE case_id = ? ORDER BY id",
            )
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Empties the replica: every case, patient, timeline line, event, outbox entry, number,
/// document and the configuration. Used when a standalone desktop is connected to a
/// server, whose data then replaces the local (demo) data.
pub async fn clear_replica(conn: &mut Conn) -> Result<()> {
    for table in [
        "confirmed_timeline",
        "confirmed_cases",
        "confirmed_patients",
        "timeline",
        "cases",
        "patients",
        "events",
        "outbox",
        "counters",
        "blobs",
        "disease_category_providers",
        "disease_categories",
        "review_types",
        "user_specialties",
        "users",
        "specialties",
        "meta",
        // Half-fetched documents and opinion drafts are the previous replica's too.
        "partial_downloads",
        "opinion_drafts",
        // So are its chat, notifications, read marks, settings and sent reminders.
        "chat_messages",
        "chat_reads",
        "appointment_reads",
        "notifications",
        "notification_settings",
        "reminders_sent",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
