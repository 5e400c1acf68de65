//! The notification centre, notification settings, appointment read marks and the
//! standalone jobs' once-only keys (migration 0005).

use chrono::{DateTime, Utc};
use domain::{AppointmentId, CaseId, Channel, ChannelOff, NoticeKind, UserId};
use sqlx::Row;
use uuid::Uuid;

use crate::{parse_id, Conn, Result, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: Uuid,
    pub user_id: UserId,
    pub kind: NoticeKind,
    pub case_id: CaseId,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub shown: bool,
}

/// Keeps a notification; one already here (pulled twice) is left as it is.
pub async fn save(conn: &mut Conn, item: &Item) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO notifications (id, user_id, kind, case_id, title, body, created_at, read_at,
           shown)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(item.id.to_string())
    .bind(item.user_id.to_string())
    .bind(item.kind.as_str())
    .bind(item.case_id.to_string())
    .bind(&item.title)
    .bind(&item.body)
    .bind(item.created_at)
    .bind(item.read_at)
    .bind(item.shown)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn item(row: &sqlx::sqlite::SqliteRow) -> Result<Item> {
    let kind: String = row.get("kind");
    Ok(Item {
        id: parse_id::<Uuid>(row.get("id"))?,
        user_id: parse_id::<UserId>(row.get("user_id"))?,
        kind: NoticeKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("kind {kind}")))?,
        case_id: parse_id::<CaseId>(row.get("case_id"))?,
        title: row.get("title"),
        body: row.get("body"),
        created_at: row.get("created_at"),
        read_at: row.get("read_at"),
        shown: row.get("shown"),
    })
}

/// `user`'s notifications, newest first, at most `limit`.
pub async fn list(conn: &mut Conn, user: UserId, limit: u32) -> Result<Vec<Item>> {
    let rows = sqlx::query(
        "SELECT * FROM notifications WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    )
    .bind(user.to_string())
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(item).collect()
}

pub async fn unread_count(conn: &mut Conn, user: UserId) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
    )
    .bind(user.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(n as u32)
}

/// Marks one (or, with `None`, every) notification of `user` read; whether any was.
pub async fn mark_read(
    conn: &mut Conn,
    user: UserId,
    id: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = ?1
         WHERE user_id = ?2 AND read_at IS NULL AND (?3 IS NULL OR id = ?3)",
    )
    .bind(at)
    .bind(user.to_string())
    .bind(id.map(|i| i.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether `user` has a notification `id` (read or not).
pub async fn exists(conn: &mut Conn, user: UserId, id: Uuid) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND id = ?")
            .bind(user.to_string())
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await?;
    Ok(n > 0)
}

/// `user`'s notifications not yet offered as a desktop notification, oldest first; they
/// are marked offered in the same step, so each is offered at most once.
pub async fn take_unshown(conn: &mut Conn, user: UserId) -> Result<Vec<Item>> {
    let rows = sqlx::query(
        "SELECT * FROM notifications WHERE user_id = ? AND shown = 0 ORDER BY created_at, id",
    )
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("UPDATE notifications SET shown = 1 WHERE user_id = ? AND shown = 0")
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    rows.iter().map(item).collect()
}

/// The (kind, channel) pairs `user` turned off.
pub async fn channels_off(conn: &mut Conn, user: UserId) -> Result<Vec<ChannelOff>> {
    let rows = sqlx::query(
        "SELECT kind, channel FROM notification_settings WHERE user_id = ? ORDER BY kind, channel",
    )
    .bind(user.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut off = Vec::new();
    for row in &rows {
        let (kind, channel): (String, String) = (row.get("kind"), row.get("channel"));
        // A kind or channel this version does not know is skipped, not an error.
        if let (Some(kind), Some(channel)) = (NoticeKind::parse(&kind), Channel::parse(&channel)) {
            off.push(ChannelOff { kind, channel });
        }
    }
    Ok(off)
}

/// Replaces `user`'s settings with `off` (the server's copy).
pub async fn replace_channels_off(conn: &mut Conn, user: UserId, off: &[ChannelOff]) -> Result<()> {
    sqlx::query("DELETE FROM notification_settings WHERE user_id = ?")
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    for o in off {
        set_channel(conn, user, o.kind, o.channel, false).await?;
    }
    Ok(())
}

pub async fn set_channel(
    conn: &mut Conn,
    user: UserId,
    kind: NoticeKind,
    channel: Channel,
    enabled: bool,
) -> Result<()> {
    let sql = if enabled {
        "DELETE FROM notification_settings WHERE user_id = ? AND kind = ? AND channel = ?"
    } else {
        "INSERT INTO notification_settings (user_id, kind, channel) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING"
    };
    sqlx::query(sql)
        .bind(user.to_string())
        .bind(kind.as_str())
        .bind(channel.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records a reminder's once-only key; `false` when it was recorded before.
pub async fn record_reminder(conn: &mut Conn, key: &str, at: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO reminders_sent (key, sent_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The version `user` has seen of each of the appointments `ids` (those with a mark).
pub async fn appointments_seen(
    conn: &mut Conn,
    user: UserId,
    ids: &[AppointmentId],
) -> Result<std::collections::HashMap<AppointmentId, u32>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = sqlx::query(
        "SELECT appointment_id, version FROM appointment_reads
         WHERE user_id = ? AND appointment_id IN (SELECT value FROM json_each(?))",
    )
    .bind(user.to_string())
    .bind(crate::json(&ids)?)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let v: i64 = row.get("version");
            Ok((
                parse_id::<AppointmentId>(row.get("appointment_id"))?,
                v as u32,
            ))
        })
        .collect()
}

pub async fn mark_appointment_seen(
    conn: &mut Conn,
    user: UserId,
    id: AppointmentId,
    version: u32,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO appointment_reads (user_id, appointment_id, version) VALUES (?, ?, ?)
         ON CONFLICT (user_id, appointment_id)
         DO UPDATE SET version = MAX(version, excluded.version)",
    )
    .bind(user.to_string())
    .bind(id.to_string())
    .bind(i64::from(version))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
