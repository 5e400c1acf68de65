//! E-mail to users: a persistent queue in PostgreSQL (`mail_queue`) and a job that sends
//! what is due over SMTP, trying again after a back-off when the SMTP server fails.
//!
//! **Mails carry no patient data.** A mail may name a case by its reference number and
//! say what happened ("case R-2026-0042 has a new opinion"); everything else is read in the
//! app, after signing in. Callers must keep it that way: a mail leaves our control the
//! moment the SMTP server takes it.
//!
//! - [`enqueue`] / [`enqueue_for_user`] write the mail in the caller's transaction, so a
//!   mail is queued exactly when what caused it is committed. A `dedupe_key` makes a second
//!   enqueue a no-op (a scheduled reminder enqueued again after a restart).
//! - [`send_due`] sends the mails due at `now`, in batches of [`BATCH`] rows locked with
//!   `FOR UPDATE SKIP LOCKED`: several instances (or overlapping runs) each take other
//!   rows, so no mail is sent twice by two runs. A failed try is recorded (the failure's
//!   class only) and tried again after 1, 2, 4, … minutes, at most 60 ([`retry_after`]);
//!   the tenth failure ([`MAX_ATTEMPTS`]) gives up (`gave_up_at`). A mail that can never be
//!   sent (its address is not one) gives up at once; a permanent (5xx) SMTP answer does
//!   not, since it may be the server's set-up rather than the mail (see
//!   [`Failure::is_final`]). Given-up mails stay in the table; to send them again:
//!   `UPDATE mail_queue SET gave_up_at = NULL, attempts = 0, next_attempt_at = now() WHERE …`.
//! - Delivery is at least once: should the process die between the SMTP server's "250"
//!   and the commit of its batch, those mails are sent again (with the same Message-ID).
//! - [`start`] runs [`send_due`] in the background every `SO_MAIL_EVERY_SECONDS` (10;
//!   `0`: not in this instance) on [`MailJob`]'s clock. Without `SO_SMTP_HOST` e-mail is
//!   off: mails are still queued, so nothing is lost, and sent once it is set.
//!
//! It must never log a subject, a body or an address: mail ids, counts and the SMTP
//! failure's class only.

mod db;
mod smtp;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use domain::UserId;
use sqlx::{PgConnection, PgPool};

use crate::AppState;

pub use smtp::{
    Failure, Mailer, MailerError, SmtpConfig, SmtpLogin, SmtpTls, DEFAULT_FROM, SMTP_TIMEOUT,
};

/// A mail to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// Whom it is for, when it is for a user.
    pub user_id: Option<UserId>,
    /// The recipient's address (`ada@example.org` or `Ada <ada@example.org>`).
    pub to: String,
    pub subject: String,
    /// Plain text. No patient data: see the module comment.
    pub body: String,
    /// Queued once per key: a second enqueue with the same key does nothing.
    pub dedupe_key: Option<String>,
}

/// Queues `mail` in the caller's transaction, due at `now`. False when a mail with the same
/// `dedupe_key` is queued already (sent or not): nothing was queued, and the caller's
/// transaction goes on unharmed. The address is not checked here: one that is not an
/// address is given up at its first try; an empty one is refused by the database.
pub async fn enqueue(
    conn: &mut PgConnection,
    mail: &Mail,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    db::insert(conn, mail, now).await
}

/// Queues a mail to `user_id`'s address (the `users` table's) in the caller's transaction,
/// due at `now`. False when nothing was queued: the user is unknown, inactive or the system
/// user, or a mail with the same `dedupe_key` is queued already.
pub async fn enqueue_for_user(
    conn: &mut PgConnection,
    user_id: UserId,
    subject: &str,
    body: &str,
    dedupe_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    db::insert_for_user(conn, user_id, subject, body, dedupe_key, now).await
}

/// Failed tries after which a mail is given up.
pub const MAX_ATTEMPTS: i32 = 10;

/// The longest wait between two tries.
pub const MAX_RETRY_AFTER: TimeDelta = TimeDelta::minutes(60);

/// How many due mails one transaction locks and sends.
pub const BATCH: i64 = 10;

/// The wait before the next try of a mail that has failed `attempts` times (1 or more):
/// 1, 2, 4, 8, 16, 32 minutes, then 60. Ten tries span about four hours.
pub fn retry_after(attempts: i32) -> TimeDelta {
    let doublings = attempts.clamp(1, 7) - 1;
    TimeDelta::minutes(1 << doublings).min(MAX_RETRY_AFTER)
}

/// What one [`send_due`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MailRun {
    /// Taken by the SMTP server.
    pub sent: u32,
    /// Failed, to be tried again later.
    pub failed: u32,
    /// Failed for the last time.
    pub gave_up: u32,
}

/// Sends the mails due at `now` and records each outcome; see the module comment. An error
/// is the database's: the batch in hand is rolled back (its mails stay due), what earlier
/// batches recorded stays recorded.
pub async fn send_due(
    pool: &PgPool,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<MailRun, sqlx::Error> {
    let mut run = MailRun::default();
    loop {
        let mut tx = pool.begin().await?;
        let batch = db::lock_due(&mut tx, now, BATCH).await?;
        let mut server_down = false;
        for mail in &batch {
            // The Message-ID: the row's id and creation time, unique across databases
            // in practice, the same for every try.
            let key = format!("{}.{}", mail.id, mail.created_at.timestamp_micros());
            let sent = mailer
                .send(&key, &mail.to_address, &mail.subject, &mail.body, now)
                .await;
            let failure = match sent {
                Ok(()) => {
                    db::mark_sent(&mut tx, mail.id, now).await?;
                    tracing::debug!(mail = mail.id, "mail sent");
                    run.sent += 1;
                    continue;
                }
                Err(failure) => failure,
            };
            let attempts = mail.attempts + 1;
            let error = failure.to_string();
            if attempts >= MAX_ATTEMPTS || failure.is_final() {
                db::mark_gave_up(&mut tx, mail.id, attempts, &error, now).await?;
                tracing::warn!(mail = mail.id, attempts, %error, "mail given up");
                run.gave_up += 1;
            } else {
                let next = now + retry_after(attempts);
                db::mark_failed(&mut tx, mail.id, attempts, &error, next).await?;
                tracing::info!(mail = mail.id, attempts, %error, "mail failed; it will be tried again");
                run.failed += 1;
            }
            if failure.ends_run() {
                server_down = true;
                break;
            }
        }
        tx.commit().await?;
        if server_down || (batch.len() as i64) < BATCH {
            return Ok(run);
        }
    }
}

/// Where the job's `now` comes from (tests move it).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The default interval between two runs of the job.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(10);

/// How the background job runs.
#[derive(Clone)]
pub struct MailJob {
    /// Time between two runs; `None`: the job does not run in this server (tests run
    /// [`send_due`] by hand; an instance can leave it to the others).
    pub every: Option<Duration>,
    pub clock: Clock,
    /// The SMTP server's; `None`: e-mail is off (`SO_SMTP_HOST` unset), mails wait queued.
    pub mailer: Option<Mailer>,
}

impl Default for MailJob {
    fn default() -> Self {
        MailJob {
            every: Some(DEFAULT_EVERY),
            clock: Arc::new(Utc::now),
            mailer: None,
        }
    }
}

impl std::fmt::Debug for MailJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailJob")
            .field("every", &self.every)
            .field("mailer", &self.mailer)
            .finish_non_exhaustive()
    }
}

/// Runs [`send_due`] in the background on `state`'s [`MailJob`]: at once, then at every
/// interval; `None` when the job is off or e-mail is. Abort the handle to stop it.
pub fn start(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let every = state.mail.every?;
    let mailer = state.mail.mailer.clone()?;
    let clock = state.mail.clock.clone();
    let pool = state.pool;
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match send_due(&pool, &mailer, clock()).await {
                Ok(run) if run != MailRun::default() => tracing::info!(
                    sent = run.sent,
                    failed = run.failed,
                    gave_up = run.gave_up,
                    "mail job"
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "mail job: the database failed; next run tries again")
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_off_doubles_up_to_an_hour() {
        let minutes: Vec<i64> = (1..MAX_ATTEMPTS)
            .map(|n| retry_after(n).num_minutes())
            .collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(
            retry_after(40),
            MAX_RETRY_AFTER,
            "no overflow, however many"
        );
        let total: i64 = minutes.iter().sum();
        assert!(
            (4 * 60..5 * 60).contains(&total),
            "ten tries span about four hours, not days: {total} min"
        );
    }
}
