//! The mail queue's queries (`migrations/server/0007_mail.sql`). Nothing else in the mail
//! module writes SQL; nothing here decides anything.

use chrono::{DateTime, Utc};
use domain::{Role, UserId};
use sqlx::PgConnection;

use super::Mail;

/// Queues `mail`, due at `now`; false when its dedupe key is queued already.
pub async fn insert(
    conn: &mut PgConnection,
    mail: &Mail,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO mail_queue
             (dedupe_key, user_id, to_address, subject, body, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id",
    )
    .bind(mail.dedupe_key.as_deref())
    .bind(mail.user_id.map(|u| u.0))
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.is_some())
}

/// Queues a mail to `user`'s address, due at `now`, in one statement; false when the user
/// is unknown, inactive or the system user, or when the dedupe key is queued already.
pub async fn insert_for_user(
    conn: &mut PgConnection,
    user: UserId,
    subject: &str,
    body: &str,
    dedupe_key: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO mail_queue
             (dedupe_key, user_id, to_address, subject, body, created_at, next_attempt_at)
         SELECT $1, id, email, $2, $3, $4, $4 FROM users
         WHERE id = $5 AND active AND role <> $6
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id",
    )
    .bind(dedupe_key)
    .bind(subject)
    .bind(body)
    .bind(now)
    .bind(user.0)
    .bind(Role::System.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.is_some())
}

/// A queued mail being sent.
#[derive(sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
}

/// Up to `limit` mails due at `now`, earliest first, locked for the caller's transaction.
/// Rows another transaction holds are skipped (not waited for): that is how several
/// instances share the queue without sending a mail twice.
pub async fn lock_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Due>> {
    sqlx::query_as(
        "SELECT id, to_address, subject, body, created_at, attempts FROM mail_queue
         WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

pub async fn mark_sent(conn: &mut PgConnection, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE mail_queue SET sent_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records a failed try: `attempts` failures so far, the next try at `next_attempt_at`.
pub async fn mark_failed(
    conn: &mut PgConnection,
    id: i64,
    attempts: i32,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mail_queue SET attempts = $2, last_error = $3, next_attempt_at = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(attempts)
    .bind(error)
    .bind(next_attempt_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the last failed try: the mail is no longer sent.
pub async fn mark_gave_up(
    conn: &mut PgConnection,
    id: i64,
    attempts: i32,
    error: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mail_queue SET attempts = $2, last_error = $3, gave_up_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(attempts)
    .bind(error)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
