//! Notifications: what `domain::notice` says a person should be told, delivered the way
//! they chose per kind — in-app (a row in `notifications`, pulled with the same cursor as
//! everything else, which the desktop also shows as an OS notification) and by e-mail.
//! Every channel is on until its owner turns it off with a `Command::Preference` push.
//!
//! [`deliver_all`] is the one place notices leave the server: the push batch (case events
//! and chat messages, whatever path decided them: push, payment callback, refund job) and
//! the scheduled jobs call it inside their transaction, so a notification exists exactly
//! when what caused it was committed. E-mail goes through [`queue_email`], the single place
//! the mail queue is wired.
//!
//! Nothing here logs a notification's text or any patient data; a notice carries none of
//! the latter anyway (only a case's reference number and what happened).

use std::collections::{BTreeSet, HashSet};

use axum::extract::State;
use chrono::{DateTime, SubsecRound, Utc};
use domain::{CaseId, Channel, ChannelOff, Notice, NoticeKind, UserId};
use protocol::{Notification, NotificationSettings};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use crate::{ApiError, AppState, AuthUser};

/// One notice to deliver, with the sequence number of what caused it (or the number a
/// scheduled reminder took) and, for a reminder, its once-only key.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub seq: i64,
    pub notice: Notice,
    pub dedupe_key: Option<String>,
}

/// Delivers one notice: [`deliver_all`] of one.
pub async fn deliver(
    conn: &mut PgConnection,
    notice: &Notice,
    seq: i64,
    now: DateTime<Utc>,
    dedupe_key: Option<&str>,
) -> sqlx::Result<()> {
    let one = Delivery {
        seq,
        notice: notice.clone(),
        dedupe_key: dedupe_key.map(str::to_string),
    };
    deliver_all(conn, std::slice::from_ref(&one), now).await
}

/// Delivers `deliveries` on each recipient's channels: the settings of all recipients are
/// read in one query, the in-app notifications written in one statement, and each e-mail
/// queued. Runs inside the caller's transaction.
pub async fn deliver_all(
    conn: &mut PgConnection,
    deliveries: &[Delivery],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    if deliveries.is_empty() {
        return Ok(());
    }
    let recipients: BTreeSet<UserId> = deliveries.iter().map(|d| d.notice.user_id).collect();
    let recipients: Vec<UserId> = recipients.into_iter().collect();
    let off = channels_off(conn, &recipients).await?;
    let is_on =
        |d: &Delivery, channel: Channel| !off.contains(&(d.notice.user_id, d.notice.kind, channel));
    // Kept for the desktop when either of its channels is on: the centre lists those whose
    // in-app channel is on, the OS shows those whose desktop channel is on.
    let in_app: Vec<&Delivery> = deliveries
        .iter()
        .filter(|d| domain::notice::reaches_desktop(|channel| is_on(d, channel)))
        .collect();
    insert_notifications(conn, &in_app, now).await?;
    for d in deliveries.iter().filter(|d| is_on(d, Channel::Email)) {
        queue_email(
            conn,
            d.notice.user_id,
            &d.notice.title,
            &d.notice.body,
            d.dedupe_key.as_deref(),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Queues an e-mail to `user_id` (whose address the mail queue looks up): the single place
/// notifications reach the mail queue (`crate::mail`), in the caller's transaction.
pub async fn queue_email(
    conn: &mut PgConnection,
    user_id: UserId,
    subject: &str,
    body: &str,
    dedupe_key: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let body = format!("{body}\n\nOpen Second Opinion to see it.");
    crate::mail::enqueue_for_user(conn, user_id, subject, &body, dedupe_key, now).await?;
    Ok(())
}

async fn insert_notifications(
    conn: &mut PgConnection,
    deliveries: &[&Delivery],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    if deliveries.is_empty() {
        return Ok(());
    }
    let n = deliveries.len();
    let (mut ids, mut users, mut seqs, mut kinds) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut cases, mut titles, mut bodies) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for d in deliveries {
        ids.push(Uuid::now_v7());
        users.push(d.notice.user_id.as_uuid());
        seqs.push(d.seq);
        kinds.push(d.notice.kind.as_str());
        cases.push(d.notice.case_id.as_uuid());
        titles.push(d.notice.title.as_str());
        bodies.push(d.notice.body.as_str());
    }
    sqlx::query(
        "INSERT INTO notifications (id, user_id, seq, kind, case_id, title, body, created_at)
         SELECT n.id, n.user_id, n.seq, n.kind, n.case_id, n.title, n.body, $8
         FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[], $4::text[], $5::uuid[], $6::text[],
           $7::text[]) AS n (id, user_id, seq, kind, case_id, title, body)",
    )
    .bind(&ids)
    .bind(&users)
    .bind(&seqs)
    .bind(&kinds)
    .bind(&cases)
    .bind(&titles)
    .bind(&bodies)
    // Stored to the microsecond: what the author's pull gives back is what was written.
    .bind(now.trunc_subsecs(6))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn corrupt(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored notification data could not be read: {what}").into())
}

/// The (user, kind, channel) triples of `users` that are turned off.
async fn channels_off(
    conn: &mut PgConnection,
    users: &[UserId],
) -> sqlx::Result<HashSet<(UserId, NoticeKind, Channel)>> {
    let ids: Vec<Uuid> = users.iter().map(UserId::as_uuid).collect();
    let rows = sqlx::query(
        "SELECT user_id, kind, channel FROM notification_settings
         WHERE user_id = ANY($1) AND NOT enabled",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut off = HashSet::with_capacity(rows.len());
    for r in rows {
        let (Some(kind), Some(channel)) = (
            NoticeKind::parse(r.get("kind")),
            Channel::parse(r.get("channel")),
        ) else {
            // A kind a newer server wrote and this one does not know: nothing to turn off.
            continue;
        };
        off.insert((UserId(r.get("user_id")), kind, channel));
    }
    Ok(off)
}

/// What `user` turned off, in a stable order.
pub async fn settings_of(conn: &mut PgConnection, user: UserId) -> sqlx::Result<Vec<ChannelOff>> {
    let mut off: Vec<ChannelOff> = channels_off(conn, &[user])
        .await?
        .into_iter()
        .map(|(_, kind, channel)| ChannelOff { kind, channel })
        .collect();
    off.sort();
    Ok(off)
}

/// Turns channels of kinds on or off for `user` (a push's `Command::Preference`s, in
/// order: the last one for a pair wins).
pub async fn save_settings(
    conn: &mut PgConnection,
    user: UserId,
    settings: &[(NoticeKind, Channel, bool)],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    for (kind, channel, enabled) in settings {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, kind, channel, enabled, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, kind, channel) DO UPDATE
               SET enabled = excluded.enabled, updated_at = excluded.updated_at",
        )
        .bind(user.as_uuid())
        .bind(kind.as_str())
        .bind(channel.as_str())
        .bind(enabled)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The sequence number of `user`'s `limit`-th notification after `cursor` (up to `upto`),
/// when there are that many: a pull page stops there.
pub async fn page_end(
    conn: &mut PgConnection,
    user: UserId,
    cursor: i64,
    upto: i64,
    limit: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT seq FROM notifications WHERE user_id = $1 AND seq > $2 AND seq <= $3
         ORDER BY seq OFFSET $4 LIMIT 1",
    )
    .bind(user.as_uuid())
    .bind(cursor)
    .bind(upto)
    .bind(limit - 1)
    .fetch_optional(&mut *conn)
    .await
}

/// `user`'s notifications numbered after `cursor` up to `upto`, oldest first.
pub async fn notifications_after(
    conn: &mut PgConnection,
    user: UserId,
    cursor: i64,
    upto: i64,
) -> sqlx::Result<Vec<Notification>> {
    let rows = sqlx::query(
        "SELECT id, seq, kind, case_id, title, body, created_at FROM notifications
         WHERE user_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq, id",
    )
    .bind(user.as_uuid())
    .bind(cursor)
    .bind(upto)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: &str = r.get("kind");
        let Some(kind) = NoticeKind::parse(kind) else {
            return Err(corrupt("kind"));
        };
        out.push(Notification {
            id: r.get("id"),
            seq: r.get("seq"),
            kind,
            case_id: CaseId(r.get("case_id")),
            title: r.get("title"),
            body: r.get("body"),
            created_at: r.get("created_at"),
        });
    }
    Ok(out)
}

/// `GET /v1/notification-settings`: the signed-in user's channels that are off.
#[utoipa::path(get, path = "/v1/notification-settings", tag = "sync", security(("bearer" = [])),
    responses(
        (status = 200, description = "`NotificationSettings` (crate `protocol`): `{off: \
            [{kind, channel}]}`, the (kind, channel) pairs this user turned off; every other \
            pair is on. `channel` is `in_app`, `desktop` or `email`. Change them by pushing \
            `Command::Preference` (`{aggregate: \"preference\", type: \"set_channel\", kind, \
            channel, enabled}`)", body = Object),
        (status = 401, description = "No valid session (`unauthorized`)", body = crate::error::ErrorBody),
    ))]
pub async fn settings(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<axum::Json<NotificationSettings>, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let off = settings_of(&mut conn, user.id).await?;
    Ok(axum::Json(NotificationSettings { off }))
}
