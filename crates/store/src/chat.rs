//! Chat messages and how far each user has read them (migration 0005).

use chrono::{DateTime, Utc};
use domain::{Actor, CaseId, ChatMessage, Document, MessageId, Role, UserId};
use sqlx::{QueryBuilder, Row};

use crate::{from_json, json, parse_id, Conn, Result, StoreError};

/// A message as stored here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub message: ChatMessage,
    /// The order of arrival on this computer.
    pub ord: i64,
    /// This computer's own message, not accepted by the server yet.
    pub pending: bool,
}

/// Keeps a message. A message already here (the pending copy of one's own message, or one
/// pulled twice) is updated in place and keeps its place in the order of arrival.
pub async fn save(conn: &mut Conn, m: &ChatMessage, seq: Option<i64>, pending: bool) -> Result<()> {
    let attachment = m.attachment.as_ref().map(json).transpose()?;
    sqlx::query(
        "INSERT INTO chat_messages (id, case_id, seq, author_id, author_role, body, attachment,
           sent_at, pending)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, sent_at = excluded.sent_at,
           body = excluded.body, attachment = excluded.attachment, pending = excluded.pending",
    )
    .bind(m.id.to_string())
    .bind(m.case_id.to_string())
    .bind(seq)
    .bind(m.author_id.to_string())
    .bind(m.author_role.as_str())
    .bind(&m.body)
    .bind(attachment)
    .bind(m.sent_at)
    .bind(pending)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether message `id` is here already (accepted, or this computer's pending copy).
pub async fn exists(conn: &mut Conn, id: MessageId) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM chat_messages WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Forgets this computer's messages the server has not accepted (they are re-applied
/// from the outbox, or were refused).
pub async fn drop_pending(conn: &mut Conn) -> Result<()> {
    sqlx::query("DELETE FROM chat_messages WHERE pending = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets a case's chat (the user lost the case).
pub async fn drop_case(conn: &mut Conn, case_id: CaseId) -> Result<()> {
    sqlx::query("DELETE FROM chat_messages WHERE case_id = ?")
        .bind(case_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A case's messages: those the authority accepted in its order, then this computer's
/// pending ones in the order they were written.
pub async fn list(conn: &mut Conn, case_id: CaseId) -> Result<Vec<Stored>> {
    let rows = sqlx::query(
        "SELECT ord, id, case_id, author_id, author_role, body, attachment, sent_at, pending
         FROM chat_messages WHERE case_id = ?
         ORDER BY pending, sent_at, ord",
    )
    .bind(case_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.get("author_role");
            let attachment: Option<String> = row.get("attachment");
            Ok(Stored {
                ord: row.get("ord"),
                pending: row.get("pending"),
                message: ChatMessage {
                    id: parse_id::<MessageId>(row.get("id"))?,
                    case_id: parse_id::<CaseId>(row.get("case_id"))?,
                    author_id: parse_id::<UserId>(row.get("author_id"))?,
                    author_role: Role::parse(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
                    body: row.get("body"),
                    attachment: attachment
                        .as_deref()
                        .map(from_json::<Document>)
                        .transpose()?,
                    sent_at: row.get::<DateTime<Utc>, _>("sent_at"),
                },
            })
        })
        .collect()
}

/// Marks `user` as having read `case_id`'s chat up to now.
pub async fn mark_read(conn: &mut Conn, user: UserId, case_id: CaseId) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_reads (user_id, case_id, read_ord)
         SELECT ?1, ?2, COALESCE(MAX(ord), 0) FROM chat_messages WHERE case_id = ?2
         ON CONFLICT (user_id, case_id) DO UPDATE SET read_ord = excluded.read_ord",
    )
    .bind(user.to_string())
    .bind(case_id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Per case, the chat messages by others `actor` has not read, on the cases whose chat
/// they may read (`domain::can_read_chat`: a party, never an admin, never a draft).
pub async fn unread_by_case(
    conn: &mut Conn,
    actor: Actor,
    case_id: Option<CaseId>,
) -> Result<Vec<(CaseId, u32)>> {
    match actor.role {
        Role::Admin | Role::System => return Ok(Vec::new()),
        Role::Requester | Role::Coordinator | Role::Provider => {}
    }
    let me = actor.id.to_string();
    let mut qb = QueryBuilder::new(
        "SELECT m.case_id, COUNT(*) AS n FROM case_rows c
         JOIN chat_messages m ON m.case_id = c.id
         LEFT JOIN chat_reads r ON r.user_id = ",
    );
    qb.push_bind(me.clone())
        .push(" AND r.case_id = c.id WHERE c.status <> 'draft' AND m.author_id <> ")
        .push_bind(me)
        .push(" AND m.ord > COALESCE(r.read_ord, 0)");
    if let Some(id) = case_id {
        qb.push(" AND c.id = ").push_bind(id.to_string());
    }
    crate::cases::push_party(&mut qb, actor.id);
    qb.push(" GROUP BY m.case_id ORDER BY m.case_id");
    let rows = qb.build().fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            let n: i64 = row.get("n");
            Ok((parse_id::<CaseId>(row.get("case_id"))?, n as u32))
        })
        .collect()
}

/// Whether the content `sha256` is attached to a message of a case in `cases`.
pub async fn attached_in(conn: &mut Conn, sha256: &str, cases: &[CaseId]) -> Result<bool> {
    for case_id in cases {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM chat_messages
             WHERE case_id = ? AND json_extract(attachment, '$.sha256') = ?",
        )
        .bind(case_id.to_string())
        .bind(sha256)
        .fetch_one(&mut *conn)
        .await?;
        if n > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}
