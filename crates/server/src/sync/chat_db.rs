//! The queries of chat messages (`chat_messages`, migration 0008). A message is its own
//! record, never part of the event log or a case's timeline (both of which admins read);
//! nothing here decides who may read one: callers ask `domain::can_read_chat`.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::{CaseId, ChatMessage, CommandId, Document, MessageId, Role, UserId};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::db::Db;

/// A message accepted by a push, with its number from the event counter.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub seq: i64,
    pub command_id: CommandId,
    pub message: ChatMessage,
}

/// Which of `ids` are stored already.
pub async fn existing(
    conn: &mut PgConnection,
    ids: &[MessageId],
) -> sqlx::Result<HashSet<MessageId>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<Uuid> = ids.iter().map(MessageId::as_uuid).collect();
    let found: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM chat_messages WHERE id = ANY($1)")
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
    Ok(found.into_iter().map(MessageId).collect())
}

/// Writes `messages` in one statement.
pub async fn save(conn: &mut PgConnection, messages: &[NewMessage]) -> Db {
    if messages.is_empty() {
        return Ok(());
    }
    let n = messages.len();
    let (mut ids, mut cases, mut seqs, mut authors, mut roles) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut bodies, mut attachments, mut sent, mut commands) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for m in messages {
        ids.push(m.message.id.as_uuid());
        cases.push(m.message.case_id.as_uuid());
        seqs.push(m.seq);
        authors.push(m.message.author_id.as_uuid());
        roles.push(m.message.author_role.as_str());
        bodies.push(m.message.body.as_str());
        attachments.push(m.message.attachment.as_ref().map(Json));
        sent.push(m.message.sent_at);
        commands.push(m.command_id.as_uuid());
    }
    sqlx::query(
        "INSERT INTO chat_messages (id, case_id, seq, author_id, author_role, body, attachment,
           sent_at, command_id)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[], $4::uuid[], $5::text[],
           $6::text[], $7::jsonb[], $8::timestamptz[], $9::uuid[])",
    )
    .bind(&ids)
    .bind(&cases)
    .bind(&seqs)
    .bind(&authors)
    .bind(&roles)
    .bind(&bodies)
    .bind(&attachments)
    .bind(&sent)
    .bind(&commands)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const COLUMNS: &str = "m.id, m.case_id, m.seq, m.author_id, m.author_role, m.body, m.attachment,
    m.sent_at";

fn message(row: &sqlx::postgres::PgRow) -> sqlx::Result<(i64, ChatMessage)> {
    let role: &str = row.get("author_role");
    let author_role = Role::parse(role)
        .ok_or_else(|| sqlx::Error::Decode(format!("stored message: role {role}").into()))?;
    let attachment: Option<Json<Document>> = row.try_get("attachment")?;
    Ok((
        row.get("seq"),
        ChatMessage {
            id: MessageId(row.get("id")),
            case_id: CaseId(row.get("case_id")),
            author_id: UserId(row.get("author_id")),
            author_role,
            body: row.get("body"),
            attachment: attachment.map(|Json(d)| d),
            sent_at: row.get::<DateTime<Utc>, _>("sent_at"),
        },
    ))
}

/// The number of the `limit`-th message after `cursor` (up to `upto`) on the cases `user`
/// may see now, when there are that many: a pull page stops there.
pub async fn page_end(
    conn: &mut PgConnection,
    user: UserId,
    cursor: i64,
    upto: i64,
    limit: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT m.seq FROM chat_messages m
         JOIN case_access a ON a.case_id = m.case_id AND a.user_id = $1 AND a.granted
         WHERE m.seq > $2 AND m.seq <= $3 ORDER BY m.seq OFFSET $4 LIMIT 1",
    )
    .bind(user.as_uuid())
    .bind(cursor)
    .bind(upto)
    .bind(limit - 1)
    .fetch_optional(&mut *conn)
    .await
}

/// Messages numbered after `cursor` up to `upto` on the cases `user` may see now (whose
/// chat the caller still checks), oldest first.
pub async fn after(
    conn: &mut PgConnection,
    user: UserId,
    cursor: i64,
    upto: i64,
) -> sqlx::Result<Vec<(i64, ChatMessage)>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM chat_messages m
         JOIN case_access a ON a.case_id = m.case_id AND a.user_id = $1 AND a.granted
         WHERE m.seq > $2 AND m.seq <= $3 ORDER BY m.seq"
    ))
    .bind(user.as_uuid())
    .bind(cursor)
    .bind(upto)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(message).collect()
}

/// The whole chat of `cases` up to `upto`, oldest first.
pub async fn history(
    conn: &mut PgConnection,
    cases: &[CaseId],
    upto: i64,
) -> sqlx::Result<Vec<(i64, ChatMessage)>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = cases.iter().map(CaseId::as_uuid).collect();
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM chat_messages m WHERE m.case_id = ANY($1) AND m.seq <= $2
         ORDER BY m.seq"
    ))
    .bind(&ids)
    .bind(upto)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(message).collect()
}

/// The cases with a message that attaches the content `sha256`.
pub async fn cases_attaching(conn: &mut PgConnection, sha256: &str) -> sqlx::Result<Vec<CaseId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT case_id FROM chat_messages WHERE attachment_sha256 = $1",
    )
    .bind(sha256)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(CaseId).collect())
}
