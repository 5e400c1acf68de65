//! The authority's event log, in order. Standalone, this store is the authority; with a
//! server, the server keeps the global log and this one records what was applied locally.

use chrono::{DateTime, Utc};
use domain::{Actor, CommandId};

use crate::{json, Conn, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    Case,
    Patient,
}

impl Aggregate {
    fn as_str(self) -> &'static str {
        match self {
            Aggregate::Case => "case",
            Aggregate::Patient => "patient",
        }
    }
}

pub async fn append<E: serde::Serialize>(
    conn: &mut Conn,
    command_id: CommandId,
    aggregate: Aggregate,
    aggregate_id: uuid::Uuid,
    at: DateTime<Utc>,
    actor: Actor,
    event: &E,
) -> Result<i64> {
    let seq = sqlx::query(
        "INSERT INTO events (command_id, aggregate, aggregate_id, at, actor_id, actor_role, event)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(command_id.to_string())
    .bind(aggregate.as_str())
    .bind(aggregate_id.to_string())
    .bind(at)
    .bind(actor.id.to_string())
    .bind(actor.role.as_str())
    .bind(json(event)?)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    Ok(seq)
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut *conn)
        .await?)
}
