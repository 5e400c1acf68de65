//! The outbox: every command the user issued, in order, each with its client-made UUIDv7.
//!
//! Sync (a later issue) pushes the `pending` ones and records the server's answer. The
//! standalone authority decides a command in the same transaction that appends it, so its
//! rows arrive already `accepted`. Refused commands are never stored as applied: a refusal
//! rolls back the whole transaction, and only the sync client records `refused` rows (a
//! command accepted locally, refused by the server), to show them to their author.

use chrono::{DateTime, Utc};
use domain::{Actor, Command, CommandId, Refusal, Role};
use sqlx::Row;

use crate::{from_json, json, parse_id, Conn, Result, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Accepted,
    Refused,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Accepted => "accepted",
            State::Refused => "refused",
        }
    }

    fn parse(s: &str) -> Result<State> {
        match s {
            "pending" => Ok(State::Pending),
            "accepted" => Ok(State::Accepted),
            "refused" => Ok(State::Refused),
            other => Err(StoreError::Corrupt(format!("outbox state {other}"))),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub command_id: CommandId,
    pub actor: Actor,
    pub issued_at: DateTime<Utc>,
    pub command: Command,
    pub state: State,
    pub refusal: Option<(String, String)>,
    /// When the authority answered (standalone: when it was issued).
    pub decided_at: Option<DateTime<Utc>>,
}

pub async fn append(
    conn: &mut Conn,
    command_id: CommandId,
    actor: Actor,
    issued_at: DateTime<Utc>,
    command: &Command,
    state: State,
) -> Result<i64> {
    let decided_at = (state != State::Pending).then_some(issued_at);
    Ok(sqlx::query(
        "INSERT INTO outbox (command_id, actor_id, actor_role, issued_at, command, state, decided_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(command_id.to_string())
    .bind(actor.id.to_string())
    .bind(actor.role.as_str())
    .bind(issued_at)
    .bind(json(command)?)
    .bind(state.as_str())
    .bind(decided_at)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid())
}

/// Records the authority's answer to a pending command.
pub async fn decide(
    conn: &mut Conn,
    command_id: CommandId,
    refusal: Option<&Refusal>,
    at: DateTime<Utc>,
) -> Result<()> {
    let state = if refusal.is_some() {
        State::Refused
    } else {
        State::Accepted
    };
    sqlx::query(
        "UPDATE outbox SET state = ?, refusal_code = ?, refusal_message = ?, decided_at = ?
         WHERE command_id = ?",
    )
    .bind(state.as_str())
    .bind(refusal.map(|r| r.code.as_str()))
    .bind(refusal.map(|r| r.message.clone()))
    .bind(at)
    .bind(command_id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every entry, in the order issued.
pub async fn list(conn: &mut Conn) -> Result<Vec<Entry>> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM outbox ORDER BY seq"))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

const COLUMNS: &str = "seq, command_id, actor_id, actor_role, issued_at, command, state, \
                       refusal_code, refusal_message, decided_at";

fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Entry> {
    let role: String = row.get("actor_role");
    let code: Option<String> = row.get("refusal_code");
    let message: Option<String> = row.get("refusal_message");
    Ok(Entry {
        seq: row.get("seq"),
        command_id: parse_id(row.get("command_id"))?,
        actor: Actor::new(
            parse_id(row.get("actor_id"))?,
            Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        ),
        issued_at: row.get("issued_at"),
        command: from_json(row.get::<&str, _>("command"))?,
        state: State::parse(row.get("state"))?,
        refusal: code.zip(message),
        decided_at: row.get("decided_at"),
    })
}

/// The oldest pending entries, at most `limit`, in the order issued: what to push next.
pub async fn pending(conn: &mut Conn, limit: i64) -> Result<Vec<Entry>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The entries whose effect the confirmed layer does not hold yet, in the order issued:
/// the pending ones, and the accepted ones whose events lie beyond the pull cursor.
pub async fn unconfirmed(conn: &mut Conn, cursor: i64) -> Result<Vec<Entry>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE state = 'pending' OR (state = 'accepted' AND server_seq > ?)
         ORDER BY seq"
    ))
    .bind(cursor)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Records the server's acceptance; `server_seq` is the sequence number of the last event
/// it produced (none for a command that produced no event).
pub async fn accept(
    conn: &mut Conn,
    command_id: CommandId,
    server_seq: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    decide(conn, command_id, None, at).await?;
    sqlx::query("UPDATE outbox SET server_seq = ? WHERE command_id = ?")
        .bind(server_seq)
        .bind(command_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Refused commands their author has not dismissed yet, oldest first.
pub async fn needs_attention(conn: &mut Conn) -> Result<Vec<Entry>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state = 'refused' AND dismissed_at IS NULL
         ORDER BY seq"
    ))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The author has seen a refusal; it leaves "needs attention" (the row stays).
pub async fn dismiss(conn: &mut Conn, command_id: CommandId, at: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET dismissed_at = ?
         WHERE command_id = ? AND state = 'refused' AND dismissed_at IS NULL",
    )
    .bind(at)
    .bind(command_id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn needs_attention_count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE state = 'refused' AND dismissed_at IS NULL",
    )
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn pending_count(conn: &mut Conn) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
            .fetch_one(&mut *conn)
            .await?,
    )
}
