//! The scheduled jobs (DOMAIN.md "Notifications and scheduled jobs"): the reminders and
//! alerts the rules say are due at a given time, and the completion of appointments that
//! have ended.
//!
//! [`run_jobs`] looks, without the push lock, for the cases that owe something at `now`:
//! a reminder whose key is not yet in `reminders_sent` (`domain::notice::due_reminders`:
//! the draft left for 24 hours, overdue opinions and final summaries, accepted
//! appointments 24 hours and 1 hour ahead) or an accepted appointment that has ended
//! (`domain::decide::appointment::ended`). Each such case is then settled in a transaction of its
//! own under the push lock, on the case as it is then:
//!
//! - a reminder is sent only when its key is newly inserted into `reminders_sent` (key
//!   primary, `ON CONFLICT DO NOTHING`): so never twice, whether runs overlap, several
//!   server instances run the job, or the server restarted. It is delivered with
//!   `notify::deliver` (in-app and the e-mail hook, the key as the e-mail's dedupe key)
//!   under a number taken from the event counter, so pulls see it, and the live channel is
//!   told;
//! - an ended appointment is completed as the system user's `CompleteAppointment`,
//!   through `sync::apply::apply_and_record` like the refund job's answers: events,
//!   timeline, pull, live channel.
//!
//! The same runs delete the sessions that ended (expired or signed out) over a week
//! before ([`purge_sessions`]).
//!
//! [`start`] runs it in the background: at once, then every `SO_JOBS_EVERY_SECONDS`
//! (default 60; `0` turns it off in this instance), on [`JobsConfig`]'s clock. Nothing here
//! logs patient data or a notice's text: case ids and counts only.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::decide::appointment;
use domain::notice::due_reminders;
use domain::{Actor, Case, CaseId, Catalog, Command, CommandId, Role};
use protocol::{Outcome, PushedCommand};
use uuid::Uuid;

use crate::payments::db::system_user;
use crate::sync::{apply, db as sync_db, live};
use crate::{notify, AppState};

/// Where the jobs' `now` comes from (tests move it).
pub use crate::payments::refunds::Clock;

/// The default interval between two runs.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(60);

/// How long a session's row outlives its end (expiry or sign-out) before
/// [`purge_sessions`] deletes it.
pub const ENDED_SESSIONS_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// How the background jobs run.
#[derive(Clone)]
pub struct JobsConfig {
    /// Time between two runs; `None`: the jobs do not run in this server (tests run them
    /// by hand; an instance can leave them to the others).
    pub every: Option<Duration>,
    pub clock: Clock,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            every: Some(DEFAULT_EVERY),
            clock: std::sync::Arc::new(Utc::now),
        }
    }
}

impl std::fmt::Debug for JobsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobsConfig")
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// What one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobRun {
    /// Reminders sent (one per person told).
    pub reminders: usize,
    /// Ended appointments completed.
    pub completed: usize,
}

impl JobRun {
    fn add(&mut self, other: JobRun) {
        self.reminders += other.reminders;
        self.completed += other.completed;
    }
}

/// Sends the reminders due at `now` and completes the appointments that have ended; see
/// the module comment. An error is the database's; what was settled before it stays.
pub async fn run_jobs(state: &AppState, now: DateTime<Utc>) -> sqlx::Result<JobRun> {
    let owing = {
        let mut conn = state.pool.acquire().await?;
        let catalog = sync_db::load_catalog(&mut conn).await?;
        let cases = db::cases_to_watch(&mut conn).await?;
        let due: Vec<(CaseId, Vec<String>, bool)> = cases
            .iter()
            .map(|case| {
                let keys = due_reminders(case, &catalog, now)
                    .into_iter()
                    .map(|r| r.key)
                    .collect();
                (case.id, keys, !appointment::ended(case, now).is_empty())
            })
            .filter(|(_, keys, ended): &(CaseId, Vec<String>, bool)| !keys.is_empty() || *ended)
            .collect();
        let keys: Vec<&str> = due
            .iter()
            .flat_map(|(_, keys, _)| keys.iter().map(String::as_str))
            .collect();
        let sent = db::sent(&mut conn, &keys).await?;
        due.into_iter()
            .filter(|(_, keys, ended)| *ended || keys.iter().any(|k| !sent.contains(k)))
            .map(|(id, _, _)| id)
            .collect::<Vec<_>>()
    };
    let mut run = JobRun::default();
    for case_id in owing {
        run.add(settle(state, case_id, now).await?);
    }
    Ok(run)
}

/// Deletes the sessions that ended more than [`ENDED_SESSIONS_KEPT`] before `now`; how
/// many. Runs with the other jobs.
pub async fn purge_sessions(state: &AppState, now: DateTime<Utc>) -> sqlx::Result<u64> {
    crate::db::sessions::purge_ended(&state.pool, now - ENDED_SESSIONS_KEPT).await
}

/// Settles one case under the push lock, on its state then: its new reminders sent, its
/// ended appointments completed.
async fn settle(state: &AppState, case_id: CaseId, now: DateTime<Utc>) -> sqlx::Result<JobRun> {
    let mut run = JobRun::default();
    let mut tx = state.pool.begin().await?;
    sync_db::lock_log(&mut tx).await?;
    let Some(case) = sync_db::get_cases(&mut tx, &[case_id]).await?.pop() else {
        return Ok(run);
    };
    let catalog: Catalog = sync_db::load_catalog(&mut tx).await?;
    let mut seq = None;
    for reminder in due_reminders(&case, &catalog, now) {
        if !db::mark_sent(&mut tx, &reminder.key, now).await? {
            continue;
        }
        // One number for this case's reminders of this run: pulls after it carry them.
        let number = match seq {
            Some(n) => n,
            None => sync_db::next(&mut tx, "events").await?,
        };
        seq = Some(number);
        notify::deliver(&mut tx, &reminder.notice, number, now, Some(&reminder.key)).await?;
        run.reminders += 1;
    }
    if let Some(seq) = seq {
        live::announce(&mut tx, seq).await?;
    }
    let ended = appointment::completions(&case, now);
    if !ended.is_empty() {
        let system = Actor::new(system_user(&mut tx).await?, Role::System);
        for command in ended {
            let pushed = PushedCommand {
                command_id: CommandId(Uuid::now_v7()),
                issued_at: now,
                command: Command::Case(command),
            };
            match apply::apply_and_record(&mut tx, system, &pushed, now).await? {
                Outcome::Accepted { .. } => run.completed += 1,
                Outcome::Refused { refusal } => tracing::warn!(
                    case = %case_id.as_uuid(),
                    code = ?refusal.code,
                    "the rules refused completing an ended appointment"
                ),
            }
        }
    }
    tx.commit().await?;
    Ok(run)
}

/// Runs the jobs in the background on `state`'s [`JobsConfig`]: at once, then at every
/// interval; `None` when they are off. Abort the handle to stop them.
pub fn start(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let every = state.jobs.every?;
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = (state.jobs.clock)();
            match run_jobs(&state, now).await {
                Ok(run) if run != JobRun::default() => tracing::info!(
                    reminders = run.reminders,
                    completed = run.completed,
                    "scheduled jobs"
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "scheduled jobs: the database failed; next run tries again")
                }
            }
            match purge_sessions(&state, now).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "ended sessions deleted"),
                Err(e) => tracing::warn!(error = %e, "session clean-up: the next run tries again"),
            }
        }
    }))
}

/// The jobs' queries.
mod db {
    use super::*;
    use sqlx::PgConnection;

    /// The cases that may owe a reminder or have an appointment to complete, oldest change
    /// first: every case that is not closed (`CaseStatus::is_terminal`), and completed
    /// cases with an accepted appointment (after completion, only appointments are still
    /// arranged). Cancelled, rejected and unpaid cases owe nothing.
    pub async fn cases_to_watch(conn: &mut PgConnection) -> sqlx::Result<Vec<Case>> {
        let open: Vec<&str> = domain::CaseStatus::ALL
            .iter()
            .filter(|s| !s.is_terminal())
            .map(|s| s.as_str())
            .collect();
        let states: Vec<sqlx::types::Json<Case>> = sqlx::query_scalar(
            "SELECT state FROM cases
             WHERE status = ANY($1)
                OR (status = $2 AND state -> 'appointments' @> '[{\"status\": \"accepted\"}]')
             ORDER BY seq",
        )
        .bind(&open)
        .bind(domain::CaseStatus::Completed.as_str())
        .fetch_all(&mut *conn)
        .await?;
        Ok(states.into_iter().map(|sqlx::types::Json(c)| c).collect())
    }

    /// Which of `keys` have been sent.
    pub async fn sent(conn: &mut PgConnection, keys: &[&str]) -> sqlx::Result<HashSet<String>> {
        if keys.is_empty() {
            return Ok(HashSet::new());
        }
        let found: Vec<String> =
            sqlx::query_scalar("SELECT key FROM reminders_sent WHERE key = ANY($1)")
                .bind(keys)
                .fetch_all(&mut *conn)
                .await?;
        Ok(found.into_iter().collect())
    }

    /// Records `key` as sent; `false` when it was already.
    pub async fn mark_sent(
        conn: &mut PgConnection,
        key: &str,
        now: DateTime<Utc>,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO reminders_sent (key, sent_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
