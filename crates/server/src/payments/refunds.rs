//! The refund job: the refunds cancelled paid cases owe, asked of the payment provider and
//! recorded on the cases.
//!
//! [`run_due_refunds`] finds the cancelled cases whose refund is open and due
//! (`payments::DueRefund::of`: at once when never tried, after a failure once its back-off
//! has passed), asks the provider for each — with the case's id as the idempotency key, so
//! asking again never refunds twice — and records the answer as the system user's
//! `RecordRefund`, the way the payment callback records a payment: under the push lock,
//! through `sync::apply::apply_and_record`, announced on the live channel, so every desktop
//! that may see it gets "Refund issued" or "Refund failed, will retry" by pull.
//!
//! - A failure is recorded (the reason and a failure count on the case, a timeline line)
//!   and tried again after the back-off; a refund is never dropped.
//! - A crash between the provider's refund and its recording is harmless: the next run
//!   asks again with the same key and gets the same refund back.
//! - Several runs at once (several server instances, or a run that outlasts the interval)
//!   record once: the recording re-reads the case under the push lock and records nothing
//!   when another run has recorded this try already (`DueRefund::still_to_record`); the
//!   rules refuse a second success (`conflict`) should one slip through. Both are quiet.
//!
//! [`start`] runs it in the background: once at start, then every
//! `SO_REFUND_EVERY_SECONDS` (default 30; `0` turns the job off), on [`RefundJob`]'s clock.
//! Nothing here logs patient data: case ids, counts and the provider's error only.

use std::sync::Arc;
use std::time::Duration;

use ::payments::{DueRefund, RefundRun};
use chrono::{DateTime, Utc};
use domain::{Actor, CaseCommand, Command, CommandId, RefundOutcome, RefusalCode, Role};
use protocol::{Outcome, PushedCommand};
use uuid::Uuid;

use super::db;
use crate::sync::{apply, db as sync_db};
use crate::AppState;

/// Where the job's `now` comes from (tests move it).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The default interval between two runs of the job.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(30);

/// How the background job runs.
#[derive(Clone)]
pub struct RefundJob {
    /// Time between two runs; `None`: the job does not run in this server (tests run it by
    /// hand; an instance can leave it to the others).
    pub every: Option<Duration>,
    pub clock: Clock,
}

impl Default for RefundJob {
    fn default() -> Self {
        RefundJob {
            every: Some(DEFAULT_EVERY),
            clock: Arc::new(Utc::now),
        }
    }
}

impl std::fmt::Debug for RefundJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefundJob")
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// Asks the provider for every refund due at `now` and records each answer; see the module
/// comment. An error is the database's; what was recorded before it stays recorded.
pub async fn run_due_refunds(state: &AppState, now: DateTime<Utc>) -> sqlx::Result<RefundRun> {
    // No provider, nobody to refund through: the refunds stay owed until one is set.
    let Some(payments) = &state.payments else {
        return Ok(RefundRun::default());
    };
    let owing = {
        let mut conn = state.pool.acquire().await?;
        db::cases_owing_refunds(&mut conn).await?
    };
    let mut run = RefundRun::default();
    for due in owing.iter().filter_map(|case| DueRefund::of(case, now)) {
        run.due += 1;
        payments.knows_payment_of(&due);
        let outcome = due.ask(payments.provider()).await;
        match record(state, &due, outcome, now).await? {
            Recording::Refunded => run.refunded += 1,
            Recording::Failed => run.failed += 1,
            Recording::AlreadyRecorded => run.already_recorded += 1,
            Recording::Refused => run.refused += 1,
        }
    }
    Ok(run)
}

enum Recording {
    Refunded,
    Failed,
    AlreadyRecorded,
    Refused,
}

/// Records `outcome` as the system's `RecordRefund`, unless another run recorded this try
/// already.
async fn record(
    state: &AppState,
    due: &DueRefund,
    outcome: RefundOutcome,
    now: DateTime<Utc>,
) -> sqlx::Result<Recording> {
    let case = due.case_id.as_uuid();
    let mut tx = state.pool.begin().await?;
    sync_db::lock_log(&mut tx).await?;
    let current = sync_db::get_cases(&mut tx, &[due.case_id]).await?.pop();
    if !due.still_to_record(current.as_ref().and_then(|c| c.refund.as_ref()), &outcome) {
        tracing::debug!(%case, "refund recorded by another run meanwhile");
        return Ok(Recording::AlreadyRecorded);
    }
    let succeeded = matches!(outcome, RefundOutcome::Succeeded { .. });
    let system = Actor::new(db::system_user(&mut tx).await?, Role::System);
    let pushed = PushedCommand {
        command_id: CommandId(Uuid::now_v7()),
        issued_at: now,
        command: Command::Case(CaseCommand::RecordRefund {
            case_id: due.case_id,
            outcome,
        }),
    };
    let answer = apply::apply_and_record(&mut tx, system, &pushed, now).await?;
    tx.commit().await?;
    Ok(match answer {
        Outcome::Accepted { .. } if succeeded => {
            tracing::info!(%case, "refund issued");
            Recording::Refunded
        }
        Outcome::Accepted { .. } => {
            let failures = due.refund.failures + 1;
            tracing::warn!(%case, failures, "refund failed; it will be tried again");
            Recording::Failed
        }
        Outcome::Refused { refusal } if refusal.code == RefusalCode::Conflict => {
            tracing::debug!(%case, "refund recorded by another run meanwhile");
            Recording::AlreadyRecorded
        }
        Outcome::Refused { refusal } => {
            tracing::warn!(%case, code = ?refusal.code, "the rules refused a refund's recording");
            Recording::Refused
        }
    })
}

/// Runs the job in the background on `state`'s [`RefundJob`]: at once, then at every
/// interval; `None` when the job is off (or there is no payment provider). Abort the handle to stop it.
pub fn start(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let every = state.refunds.every?;
    if state.payments.is_none() {
        tracing::info!(
            "the refund job is off: this server has no payment provider (SO_PAYMENT_PROVIDER)"
        );
        return None;
    }
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = (state.refunds.clock)();
            match run_due_refunds(&state, now).await {
                Ok(run) if run != RefundRun::default() => tracing::info!(
                    due = run.due,
                    refunded = run.refunded,
                    failed = run.failed,
                    already_recorded = run.already_recorded,
                    refused = run.refused,
                    "refund job"
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "refund job: the database failed; next run tries again")
                }
            }
        }
    }))
}
