//! The payments' queries (PostgreSQL, `migrations/server/0005_payments.sql`). Nothing else
//! in the payments module writes SQL; nothing here decides anything.

use chrono::{DateTime, Utc};
use domain::{CaseId, CommandId, PaymentOutcome, Role, UserId};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// The link stored for a case, if any.
pub async fn link(
    conn: &mut PgConnection,
    case_id: CaseId,
) -> sqlx::Result<Option<::payments::PaymentLink>> {
    let row = sqlx::query("SELECT link_id, url FROM payment_links WHERE case_id = $1")
        .bind(case_id.as_uuid())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| ::payments::PaymentLink {
        id: r.get("link_id"),
        url: r.get("url"),
    }))
}

/// Stores `link` as the case's link (replacing one the provider no longer honours).
pub async fn save_link(
    conn: &mut PgConnection,
    case_id: CaseId,
    provider: &str,
    link: &::payments::PaymentLink,
    amount: &::payments::Amount,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO payment_links
             (case_id, provider, link_id, url, amount_minor, currency, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (case_id) DO UPDATE
             SET provider = $2, link_id = $3, url = $4, amount_minor = $5, currency = $6,
                 updated_at = $7",
    )
    .bind(case_id.as_uuid())
    .bind(provider)
    .bind(&link.id)
    .bind(&link.url)
    .bind(i64::from(amount.minor))
    .bind(&amount.currency)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How the link `link_id` was used, from the first callback received for it: paid (with
/// the payment's reference) or declined; `None` while no callback names it.
pub async fn used_link(
    conn: &mut PgConnection,
    link_id: &str,
) -> sqlx::Result<Option<::payments::sandbox::UsedLink>> {
    let row = sqlx::query(
        "SELECT kind, reference FROM payment_events WHERE link_id = $1
         ORDER BY received_at, event_id LIMIT 1",
    )
    .bind(link_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| match r.get::<Option<String>, _>("reference") {
        Some(reference) if r.get::<String, _>("kind") == "succeeded" => {
            ::payments::sandbox::UsedLink::Paid { reference }
        }
        _ => ::payments::sandbox::UsedLink::Declined,
    }))
}

/// Whether the event was received before.
pub async fn event_seen(conn: &mut PgConnection, event_id: &str) -> sqlx::Result<bool> {
    Ok(
        sqlx::query_scalar::<_, i32>("SELECT 1 FROM payment_events WHERE event_id = $1")
            .bind(event_id)
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
    )
}

/// What a received event did (the `result` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventResult {
    Applied,
    Refused,
    AmountMismatch,
    UnknownCase,
}

impl EventResult {
    pub fn as_str(self) -> &'static str {
        match self {
            EventResult::Applied => "applied",
            EventResult::Refused => "refused",
            EventResult::AmountMismatch => "amount_mismatch",
            EventResult::UnknownCase => "unknown_case",
        }
    }
}

/// Keeps `event` once, with what it did.
pub async fn record_event(
    conn: &mut PgConnection,
    provider: &str,
    event: &::payments::PaymentEvent,
    received_at: DateTime<Utc>,
    result: EventResult,
    refusal: Option<&str>,
    command_id: Option<CommandId>,
) -> sqlx::Result<()> {
    let (kind, reference) = match &event.outcome {
        PaymentOutcome::Succeeded { reference } => ("succeeded", Some(reference.as_str())),
        PaymentOutcome::Failed { .. } => ("failed", None),
    };
    sqlx::query(
        "INSERT INTO payment_events
             (event_id, provider, case_id, link_id, kind, reference, amount_minor, currency,
              happened_at, received_at, result, refusal, command_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&event.event_id)
    .bind(provider)
    .bind(event.case_id.as_uuid())
    .bind(&event.link_id)
    .bind(kind)
    .bind(reference)
    .bind(i64::from(event.amount.minor))
    .bind(&event.amount.currency)
    .bind(event.at)
    .bind(received_at)
    .bind(result.as_str())
    .bind(refusal)
    .bind(command_id.map(|c| c.as_uuid()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The system user verified callbacks act as; made on first need when the server has none
/// (the demo accounts bring one).
pub async fn system_user(conn: &mut PgConnection) -> sqlx::Result<UserId> {
    let find = || {
        sqlx::query_scalar::<_, Uuid>(
            "SELECT id FROM users WHERE role = $1 AND active ORDER BY created_at, id LIMIT 1",
        )
        .bind(Role::System.as_str())
    };
    if let Some(id) = find().fetch_optional(&mut *conn).await? {
        return Ok(UserId(id));
    }
    // No password: nobody signs in as it.
    sqlx::query(
        "INSERT INTO users (id, email, name, role, password_hash, active, created_at)
         VALUES ($1, 'system@second-opinion.invalid', 'System', $2, NULL, true, now())
         ON CONFLICT DO NOTHING",
    )
    .bind(Uuid::now_v7())
    .bind(Role::System.as_str())
    .execute(&mut *conn)
    .await?;
    find().fetch_one(&mut *conn).await.map(UserId)
}

/// The cancelled cases whose refund is still owed (pending, or failed and to be tried
/// again), oldest first; which of them are due is for the caller to say
/// (`payments::DueRefund::of`). The partial index `cases_open_refunds` holds just these.
pub async fn cases_owing_refunds(conn: &mut PgConnection) -> sqlx::Result<Vec<domain::Case>> {
    let states: Vec<sqlx::types::Json<domain::Case>> = sqlx::query_scalar(
        "SELECT state FROM cases
         WHERE status = 'cancelled' AND state -> 'refund' ->> 'status' IN ('pending', 'failed')
         ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(states.into_iter().map(|sqlx::types::Json(c)| c).collect())
}
